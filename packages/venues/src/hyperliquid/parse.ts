/**
 * @module hyperliquid/parse
 * Hyperliquid info answers and WebSocket payloads (shapes as the docs' examples show them) → port values:
 * instruments and market data (the account's own payloads: parse-account.ts). Prices and sizes are strings on the
 * wire; times and ids are integers.
 *
 * Instruments. Perpetuals come from `metaAndAssetCtxs` (`universe[i]` is asset i; its context gives the mark price the
 * tick is computed at), named by their coin (`HYPERLIQUID:BTC`), quantities in the coin (contract size 1), margined
 * and settled in USDC. Spot pairs come from `spotMetaAndAssetCtxs` (asset 10000 + the pair's index), named
 * `BASE/QUOTE` by their tokens (`HYPERLIQUID:PURR/USDC`); on the wire a pair is its `name` ("PURR/USDC" or "@107").
 */
import type { Candle, InstrumentSpec, KlineUpdate, MarkPriceUpdate, TickerSnapshot, TradeTick } from '@cadenza/domain';
import { dec, formatFixed, isUnsignedDecimal, normalizeDecimal, str } from '@cadenza/domain';
import { Wire, type WireObject } from '../kit/wire.ts';
import { PERP_MAX_DECIMALS, SPOT_MAX_DECIMALS, tickAt } from './prices.ts';

export const wire = new Wire('HYPERLIQUID');

/** Candle intervals Hyperliquid serves (all of them contract KlineIntervals). */
export const HYPERLIQUID_KLINE_INTERVALS = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '8h', '12h', '1d', '3d', '1w', '1M'] as const;
export const INTERVAL_MS: Readonly<Record<string, number>> = {
  '1m': 60_000, '3m': 180_000, '5m': 300_000, '15m': 900_000, '30m': 1_800_000, '1h': 3_600_000, '2h': 7_200_000, '4h': 14_400_000,
  '8h': 28_800_000, '12h': 43_200_000, '1d': 86_400_000, '3d': 259_200_000, '1w': 604_800_000, '1M': 2_678_400_000,
};

/** Base-tier fee rates (Hyperliquid's fee schedule, volume tier 0). */
const FEES = { perp: { maker: '0.00015', taker: '0.00045' }, spot: { maker: '0.0004', taker: '0.0007' } } as const;
/** Hyperliquid refuses orders worth less than 10 USDC. */
const MIN_NOTIONAL = '10';

export interface InstrumentRef {
  instrumentId: string;
  venue: string;
  symbol: string;
}

/** What the connector keeps of an instrument besides its spec. */
export interface HyperliquidInstrument {
  spec: InstrumentSpec;
  kind: 'perp' | 'spot';
  /** The name on the wire: "BTC", "PURR/USDC", "@107". */
  coin: string;
  /** The asset number orders and cancels carry. */
  asset: number;
  szDecimals: number;
  /** Price decimals allowed: 6 (perps) or 8 (spot) minus szDecimals. */
  maxDecimals: number;
}

/** A decimal string field ("64000.0"), normalised. */
export function decimalField(o: WireObject, key: string): string {
  return normalizeDecimal(wire.decimal(o, key));
}

function optDecimal(o: WireObject | undefined, key: string): string | undefined {
  const v = o?.[key];
  return typeof v === 'string' && isUnsignedDecimal(v) ? normalizeDecimal(v) : undefined;
}

function signedText(o: WireObject | undefined, key: string): string | undefined {
  const v = o?.[key];
  if (typeof v !== 'string' || !/^-?\d+(\.\d+)?$/.test(v)) return undefined;
  return v.startsWith('-') ? `-${normalizeDecimal(v.slice(1))}` : normalizeDecimal(v);
}

function spec(venue: string, symbol: string, coin: string, base: string, quote: string, szDecimals: number, maxDecimals: number, refPrice: string | undefined, kind: 'perp' | 'spot', delisted: boolean): InstrumentSpec {
  const lot = szDecimals === 0 ? '1' : formatFixed(1n, szDecimals);
  const fees = FEES[kind];
  return {
    instrumentId: `${venue}:${symbol}`,
    venue,
    symbol,
    externalSymbol: coin,
    baseAsset: base,
    quoteAsset: quote,
    status: delisted ? 'DELISTED' : 'ACTIVE',
    tickSize: refPrice ? tickAt(refPrice, maxDecimals) : maxDecimals === 0 ? '1' : formatFixed(1n, maxDecimals),
    lotSize: lot,
    minQuantity: lot,
    maxQuantity: '0',
    minNotional: MIN_NOTIONAL,
    basePrecision: szDecimals,
    quotePrecision: Math.max(6, maxDecimals),
    orderTypes: ['LIMIT', 'MARKET', 'LIMIT_MAKER'],
    timeInForceOptions: ['GTC', 'IOC', 'GTX'],
    makerFee: fees.maker,
    takerFee: fees.taker,
    klineIntervals: [...HYPERLIQUID_KLINE_INTERVALS],
  };
}

/** `metaAndAssetCtxs` → perpetuals (asset = index in the universe). */
export function parsePerps(answer: unknown, venue: string): HyperliquidInstrument[] {
  const [meta, ctxs] = wire.array(answer, 'metaAndAssetCtxs');
  const universe = wire.array(wire.object(meta, 'meta').universe, 'universe');
  const contexts = ctxs === undefined ? [] : wire.array(ctxs, 'asset contexts');
  return universe.map((raw, asset) => {
    const o = wire.object(raw, 'perp asset');
    const coin = wire.str(o, 'name');
    const szDecimals = wire.int(o, 'szDecimals');
    const maxDecimals = Math.max(0, PERP_MAX_DECIMALS - szDecimals);
    const ctx = contexts[asset] === undefined ? undefined : wire.object(contexts[asset], 'asset context');
    const s = spec(venue, coin, coin, coin, 'USDC', szDecimals, maxDecimals, optDecimal(ctx, 'markPx'), 'perp', o.isDelisted === true);
    s.instrumentType = 'PERPETUAL';
    s.contract = { contractSize: '1', settleAsset: 'USDC', underlying: coin, fundingIntervalMs: 3_600_000 };
    if (typeof o.maxLeverage === 'number') s.contract.maxLeverage = o.maxLeverage;
    s.description = `${coin} perpetual on Hyperliquid, quantities in ${coin}, margined and settled in USDC${o.onlyIsolated === true ? ' (isolated margin only)' : ''}`;
    return { spec: s, kind: 'perp', coin, asset, szDecimals, maxDecimals };
  });
}

/** `spotMetaAndAssetCtxs` → spot pairs named BASE/QUOTE (asset = 10000 + the pair's index). */
export function parseSpot(answer: unknown, venue: string): HyperliquidInstrument[] {
  const [meta, ctxs] = wire.array(answer, 'spotMetaAndAssetCtxs');
  const m = wire.object(meta, 'spotMeta');
  const tokens = new Map<number, { name: string; szDecimals: number }>();
  for (const raw of wire.array(m.tokens, 'tokens')) {
    const t = wire.object(raw, 'token');
    tokens.set(wire.int(t, 'index'), { name: wire.str(t, 'name'), szDecimals: wire.int(t, 'szDecimals') });
  }
  const marks = new Map<string, string>();
  for (const raw of ctxs === undefined ? [] : wire.array(ctxs, 'spot contexts')) {
    const c = wire.object(raw, 'spot context');
    const mark = optDecimal(c, 'markPx');
    if (typeof c.coin === 'string' && mark) marks.set(c.coin, mark);
  }
  const out: HyperliquidInstrument[] = [];
  for (const raw of wire.array(m.universe, 'spot universe')) {
    const o = wire.object(raw, 'spot pair');
    const [b, q] = wire.array(o.tokens, 'pair tokens');
    const base = tokens.get(b as number);
    const quote = tokens.get(q as number);
    if (!base || !quote) continue;
    const symbol = `${base.name}/${quote.name}`;
    if (!/^[A-Z0-9]{1,20}\/[A-Z0-9]{1,20}$/.test(symbol)) continue; // names the port cannot carry (lower case, dots)
    const coin = wire.str(o, 'name');
    const maxDecimals = Math.max(0, SPOT_MAX_DECIMALS - base.szDecimals);
    const s = spec(venue, symbol, coin, base.name, quote.name, base.szDecimals, maxDecimals, marks.get(coin), 'spot', false);
    s.description = `${symbol} spot on Hyperliquid`;
    out.push({ spec: s, kind: 'spot', coin, asset: 10_000 + wire.int(o, 'index'), szDecimals: base.szDecimals, maxDecimals });
  }
  return out;
}

export type Level = readonly [string, string];

/** An `l2Book` answer or message: a whole book (bids best first, asks best first) at `time`. */
export interface L2Snapshot {
  coin: string;
  time: number;
  bids: Level[];
  asks: Level[];
}

export function parseL2Book(data: unknown): L2Snapshot {
  const o = wire.object(data, 'l2Book');
  const [bids, asks] = wire.array(o.levels, 'levels');
  const side = (v: unknown, what: string): Level[] =>
    wire.array(v, what).map((l) => {
      const level = wire.object(l, 'level');
      return [decimalField(level, 'px'), decimalField(level, 'sz')] as const;
    });
  return { coin: wire.str(o, 'coin'), time: wire.int(o, 'time'), bids: side(bids, 'bids'), asks: side(asks, 'asks') };
}

/** One item of a `trades` message; `side` is the aggressor's ("B" bought, "A" sold). */
export function parseTrade(raw: unknown, ref: InstrumentRef): TradeTick {
  const o = wire.object(raw, 'trade');
  const side = wire.str(o, 'side');
  if (side !== 'B' && side !== 'A') wire.fail('side must be B or A', side);
  return { ...ref, tradeId: String(wire.int(o, 'tid')), price: decimalField(o, 'px'), quantity: decimalField(o, 'sz'), side: side === 'B' ? 'BUY' : 'SELL', timestamp: wire.int(o, 'time') };
}

/** A `candleSnapshot` item or `candle` message (t open time, T close time, o/h/l/c/v strings). */
export function parseCandle(raw: unknown, ref: InstrumentRef, interval: string, now: number): KlineUpdate {
  const o = wire.object(raw, 'candle');
  const candle: Candle = { openTime: wire.int(o, 't'), open: decimalField(o, 'o'), high: decimalField(o, 'h'), low: decimalField(o, 'l'), close: decimalField(o, 'c'), volume: decimalField(o, 'v') };
  return { ...ref, interval, candle, isClosed: wire.int(o, 'T') < now, timestamp: candle.openTime };
}

/** An `activeAssetCtx` message → a ticker (mid as last price, 24 h change from prevDayPx) and, for perps, the mark. */
export function parseAssetCtx(data: unknown, ref: InstrumentRef, now: number): { ticker: TickerSnapshot; mark: MarkPriceUpdate | undefined } {
  const ctx = wire.object(wire.object(data, 'activeAssetCtx').ctx, 'ctx');
  const mid = optDecimal(ctx, 'midPx') ?? optDecimal(ctx, 'markPx');
  const prev = optDecimal(ctx, 'prevDayPx');
  const ticker: TickerSnapshot = { ...ref, timestamp: now };
  if (mid) ticker.lastPrice = mid;
  if (mid && prev && prev !== '0') ticker.priceChangePercent = str(dec(mid).minus(prev).div(prev).mul(100).toDecimalPlaces(4));
  const markPx = optDecimal(ctx, 'markPx');
  if (!markPx || ctx.funding === undefined) return { ticker, mark: undefined };
  const mark: MarkPriceUpdate = { ...ref, markPrice: markPx, timestamp: now };
  const oracle = optDecimal(ctx, 'oraclePx');
  if (oracle) mark.indexPrice = oracle;
  const funding = signedText(ctx, 'funding');
  if (funding) mark.fundingRate = funding;
  const oi = optDecimal(ctx, 'openInterest');
  if (oi) mark.openInterest = oi;
  // Funding is paid every hour on the hour.
  mark.nextFundingTime = Math.floor(now / 3_600_000) * 3_600_000 + 3_600_000;
  return { ticker, mark };
}
