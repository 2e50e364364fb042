/**
 * Candles and volume for one instrument (lightweight-charts): the history from `query.kline.list`, then the
 * forming bar from `market:kline:{VENUE}:{SYMBOL}:{interval}` as it changes. Prices become floats only here, to
 * be drawn; every number the console sends or lists stays a decimal string.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { CandlestickSeries, ColorType, createChart, HistogramSeries, type IChartApi, type ISeriesApi, type UTCTimestamp } from 'lightweight-charts';
import type { CadenzaClient, KlineCandle, KlineInterval, RpcInstrument, Venue } from '@cadenza/client';
import { decimalsOf } from '../ui/decimal.ts';
import { errorText } from '../ui/errors.ts';
import { ensureFeeds } from './use-market.ts';

export const CHART_INTERVALS: readonly KlineInterval[] = ['1m', '5m', '15m', '1h', '4h', '1d'];
const UP = '#2ebd85';
const DOWN = '#f6465d';

function bar(c: KlineCandle) {
  const time = Math.floor(c[0] / 1000) as UTCTimestamp;
  return {
    candle: { time, open: Number(c[1]), high: Number(c[2]), low: Number(c[3]), close: Number(c[4]) },
    volume: { time, value: Number(c[5] ?? 0), color: Number(c[4]) >= Number(c[1]) ? 'rgba(46,189,133,0.35)' : 'rgba(246,70,93,0.35)' },
  };
}

export function CandleChart({ client, inst }: { client: CadenzaClient; inst: RpcInstrument | undefined }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<{ api: IChartApi; candles: ISeriesApi<'Candlestick'>; volume: ISeriesApi<'Histogram'> } | undefined>(undefined);
  const [interval, setChartInterval] = useState<KlineInterval>('1m');
  const [error, setError] = useState<string>();

  useEffect(() => {
    const api = createChart(host.current!, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: 'transparent' }, textColor: '#8b949e', fontFamily: 'inherit', attributionLogo: false },
      grid: { vertLines: { color: '#1c2230' }, horzLines: { color: '#1c2230' } },
      rightPriceScale: { borderColor: '#2a3140' },
      timeScale: { borderColor: '#2a3140', timeVisible: true, secondsVisible: false },
      crosshair: { mode: 0 },
    });
    const candles = api.addSeries(CandlestickSeries, { upColor: UP, downColor: DOWN, wickUpColor: UP, wickDownColor: DOWN, borderVisible: false });
    const volume = api.addSeries(HistogramSeries, { priceScaleId: 'volume', priceFormat: { type: 'volume' }, lastValueVisible: false, priceLineVisible: false });
    api.priceScale('volume').applyOptions({ scaleMargins: { top: 0.82, bottom: 0 } });
    chart.current = { api, candles, volume };
    return () => {
      chart.current = undefined;
      api.remove();
    };
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c || !inst?.venue || !inst.symbol) return;
    const pd = decimalsOf(inst.pipSize);
    c.candles.applyOptions({ priceFormat: { type: 'price', precision: pd, minMove: Number(inst.pipSize ?? '0.01') } });
    c.candles.setData([]);
    c.volume.setData([]);
    setError(undefined);
    let live = true;
    let last = 0;
    const apply = (k: KlineCandle) => {
      const b = bar(k);
      if (b.candle.time < last) return; // a late repeat of an older bar: the chart only moves forward
      last = b.candle.time;
      c.candles.update(b.candle);
      c.volume.update(b.volume);
    };
    ensureFeeds(client, inst, ['MARKET.SUBSCRIPTION.KLINE'], interval).catch(() => undefined);
    const stream = client.klines(inst.venue as Venue, inst.symbol, interval);
    const pending: KlineCandle[] = [];
    let loaded = false;
    stream.on((k) => (loaded ? k.candles.forEach(apply) : pending.push(...k.candles)));
    client
      .rpc('query.kline.list', { venue: inst.venue as Venue, symbols: [inst.symbol], interval })
      .then((list) => {
        if (!live) return;
        const bars = (list[0]?.candles ?? []).map(bar);
        c.candles.setData(bars.map((b) => b.candle));
        c.volume.setData(bars.map((b) => b.volume));
        last = bars.at(-1)?.candle.time ?? 0;
        loaded = true;
        pending.splice(0).forEach(apply);
        c.api.timeScale().applyOptions({ secondsVisible: interval.endsWith('s') });
      })
      .catch((err: unknown) => live && setError(errorText(err)));
    return () => {
      live = false;
      stream.close();
    };
  }, [client, inst?.instrumentId, interval]);

  return (
    <div class="chart">
      <div class="chart-tools" role="group" aria-label="Candle interval">
        {CHART_INTERVALS.map((i) => (
          <button key={i} type="button" class="chip" aria-pressed={i === interval} onClick={() => setChartInterval(i)}>
            {i}
          </button>
        ))}
        {error && <span class="muted chart-error">{error}</span>}
      </div>
      <div class="chart-canvas" ref={host} role="img" aria-label={`${inst?.symbol ?? ''} candles, ${interval}`} />
    </div>
  );
}
