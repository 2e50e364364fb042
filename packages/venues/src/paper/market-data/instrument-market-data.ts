/**
 * @module paper/market-data/instrument-market-data
 * Market data of one PAPER instrument derived from its engine's trades: last trade, klines at every supported
 * interval (history of `capacity` bars each), and the rolling 24 h change for the ticker.
 * Converts ticks/lots to the port's decimal strings; holds no floats.
 */
import { formatFixed, type Candle, type InstrumentRules, type InstrumentSpec, type KlineUpdate, type TickerSnapshot } from '@cadenza/domain';
import type { OrderBook } from '../matching/order-book.ts';
import { KlineSeries, type Bar } from './kline-series.ts';
import { PriceTexts } from './price-texts.ts';
import type { KlineInterval } from '@cadenza/domain';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** A bar that changed: the forming bar after a trade, or a bar that just closed. */
export interface BarChange {
  interval: KlineInterval;
  bar: Bar;
  isClosed: boolean;
}

const NO_CHANGES: readonly BarChange[] = Object.freeze([]);

/** Last trade, klines and 24 h change of one instrument, as decimal-string port values. */
export class InstrumentMarketData {
  readonly #series = new Map<KlineInterval, KlineSeries>();
  /** Per minute with trades: the minute's open time and first price, oldest first (for the 24 h change). */
  readonly #minutes: Array<{ at: number; open: number }> = [];
  #minutesHead = 0;
  lastTicks: number | undefined;
  lastLots: number | undefined;
  lastTradeAt = 0;
  /** Price and quantity texts by tick and lot count, shared with the market's book snapshots and trades (paper-market.ts). */
  readonly prices: PriceTexts;

  constructor(
    readonly spec: InstrumentSpec,
    readonly scale: InstrumentRules,
    intervals: readonly KlineInterval[],
    capacity = 500,
  ) {
    for (const i of intervals) this.#series.set(i, new KlineSeries(i, capacity));
    this.prices = new PriceTexts(scale);
  }

  get intervals(): KlineInterval[] {
    return [...this.#series.keys()];
  }

  /**
   * Records one trade; returns the bars it closed, oldest first per interval (usually none). The forming bar of every
   * interval changed too: `formingUpdates` reads them (not listed here: sixteen objects per trade, for a report the
   * market makes once per event-loop turn).
   */
  recordTrade(t: number, priceTicks: number, lots: number): readonly BarChange[] {
    this.#noteLast(t, priceTicks, lots);
    let out: BarChange[] | undefined;
    for (const [interval, series] of this.#series) {
      const closed = series.trade(t, priceTicks, lots);
      for (let i = 0; i < closed.length; i++) (out ??= []).push({ interval, bar: closed[i]!, isClosed: true });
    }
    return out ?? NO_CHANGES;
  }

  /** The forming bar of every interval that has one, as kline updates at `timestamp`. */
  formingUpdates(timestamp: number): KlineUpdate[] {
    const out: KlineUpdate[] = [];
    for (const [interval, series] of this.#series) {
      const bar = series.current();
      if (bar) out.push(this.klineUpdate({ interval, bar, isClosed: false }, timestamp));
    }
    return out;
  }

  /**
   * Records a trade of the past (synthetic history loaded before `now`) without reporting changes. Intervals whose
   * kept bars cannot reach back to `t` skip it, so loading a day of history does not build a day of 1s bars.
   */
  recordPastTrade(t: number, priceTicks: number, lots: number, now: number): void {
    this.#noteLast(t, priceTicks, lots);
    for (const series of this.#series.values()) if (t >= now - series.spanMs) series.trade(t, priceTicks, lots);
  }

  /** Last trade, and the first price of each minute with trades (for the 24 h change). */
  #noteLast(t: number, priceTicks: number, lots: number): void {
    this.lastTicks = priceTicks;
    this.lastLots = lots;
    this.lastTradeAt = t;
    const minute = Math.floor(t / MINUTE_MS) * MINUTE_MS;
    const lastMinute = this.#minutes[this.#minutes.length - 1];
    if (!lastMinute || lastMinute.at < minute) this.#minutes.push({ at: minute, open: priceTicks });
  }

  /** Lets time pass without trades: closes ended bars (returned with the new forming bars). */
  roll(t: number): BarChange[] {
    const out: BarChange[] = [];
    for (const [interval, series] of this.#series) {
      const closed = series.roll(t);
      if (closed.length === 0) continue;
      for (const bar of closed) out.push({ interval, bar, isClosed: true });
      out.push({ interval, bar: series.current()!, isClosed: false });
    }
    return out;
  }

  /** Percent change of the last price over the trailing 24 h, two decimals, e.g. "-1.25". */
  change24h(now: number): string | undefined {
    if (this.lastTicks === undefined) return undefined;
    const from = now - DAY_MS;
    const m = this.#minutes;
    while (this.#minutesHead < m.length - 1 && m[this.#minutesHead]!.at < from) this.#minutesHead++;
    if (this.#minutesHead > 1024) {
      m.splice(0, this.#minutesHead);
      this.#minutesHead = 0;
    }
    const open = m[this.#minutesHead]?.open;
    if (open === undefined) return undefined;
    const hundredths = (BigInt(this.lastTicks - open) * 10_000n) / BigInt(open);
    return formatFixed(hundredths, 2);
  }

  candle(bar: Bar): Candle {
    const s = this.scale;
    const p = this.prices;
    return {
      openTime: bar.openTime,
      open: p.price(bar.open),
      high: p.price(bar.high),
      low: p.price(bar.low),
      close: p.price(bar.close),
      volume: bar.volumeLots === 0 ? formatFixed(0n, s.quantityScale) : p.quantity(bar.volumeLots),
    };
  }

  klineUpdate(change: BarChange, timestamp: number): KlineUpdate {
    return {
      instrumentId: this.spec.instrumentId,
      venue: this.spec.venue,
      symbol: this.spec.symbol,
      interval: change.interval,
      candle: this.candle(change.bar),
      isClosed: change.isClosed,
      timestamp,
    };
  }

  /** The last `limit` bars at `interval`, oldest first (the last still forming); undefined for an unsupported interval. */
  klines(interval: string, limit: number, timestamp: number): KlineUpdate[] | undefined {
    const series = this.#series.get(interval as KlineInterval);
    if (!series) return undefined;
    const bars = series.recent(limit);
    return bars.map((bar, i) => this.klineUpdate({ interval: series.interval, bar, isClosed: i < bars.length - 1 }, timestamp));
  }

  ticker(book: OrderBook, now: number): TickerSnapshot {
    const bid = book.bids.best();
    const ask = book.asks.best();
    const t: TickerSnapshot = { instrumentId: this.spec.instrumentId, venue: this.spec.venue, symbol: this.spec.symbol, timestamp: now };
    if (this.lastTicks !== undefined) t.lastPrice = this.prices.price(this.lastTicks);
    if (this.lastLots !== undefined) t.lastQuantity = this.prices.quantity(this.lastLots);
    if (bid) {
      t.bidPrice = this.prices.price(bid.priceTicks);
      t.bidQuantity = this.prices.quantity(bid.lots);
    }
    if (ask) {
      t.askPrice = this.prices.price(ask.priceTicks);
      t.askQuantity = this.prices.quantity(ask.lots);
    }
    const change = this.change24h(now);
    if (change !== undefined) t.priceChangePercent = change;
    return t;
  }
}
