/**
 * @module market-data/external-data
 * What an external feeder may push (`command.orderbook.save`, `.ticker.save`, `.kline.save`), checked before any
 * of it reaches a venue: the contract's unified models, for an instrument the catalogue holds, with plain positive
 * decimals, an uncrossed SNAPSHOT book sorted best first, and bars ascending by open time whose low ≤ high.
 * A refusal is VALIDATION_FAILED naming the item and field.
 */
import type { Kline, OrderBook, Ticker } from '@cadenza/contract';
import { DomainError } from '../errors.ts';
import { dec, isDecimalString } from '../model/decimal.ts';
import type { BookLevel, BookSnapshot, KlineUpdate, TickerSnapshot } from '../model/market-data.ts';

const MAX_LEVELS = 1000;
const MAX_BARS = 1000;

function refuse(at: string, what: string): never {
  throw new DomainError('VALIDATION_FAILED', `${at} ${what}`);
}

function positive(at: string, v: unknown, zeroAllowed = false): string {
  if (!isDecimalString(v) || dec(v).isNeg() || (!zeroAllowed && dec(v).isZero())) refuse(at, `must be a ${zeroAllowed ? 'non-negative' : 'positive'} decimal string`);
  return v;
}

function epochMs(at: string, v: unknown): number {
  if (!Number.isSafeInteger(v) || (v as number) < 0) refuse(at, 'must be epoch milliseconds');
  return v as number;
}

function levels(at: string, rows: OrderBook['bids'], descending: boolean): BookLevel[] {
  if (rows.length > MAX_LEVELS) refuse(at, `has more than ${MAX_LEVELS} levels`);
  const out = rows.map((r, i) => ({ price: positive(`${at}[${i}][0]`, r[0]), quantity: positive(`${at}[${i}][1]`, r[1]) }));
  for (let i = 1; i < out.length; i++) {
    const c = dec(out[i]!.price).cmp(out[i - 1]!.price);
    if (descending ? c >= 0 : c <= 0) refuse(`${at}[${i}]`, `must be ${descending ? 'below' : 'above'} the level before it (best first)`);
  }
  return out;
}

export function bookOf(b: OrderBook, at: string): BookSnapshot {
  if (b.updateType !== 'SNAPSHOT') refuse(`${at}.updateType`, 'must be SNAPSHOT (the latest book is kept whole)');
  const bids = levels(`${at}.bids`, b.bids, true);
  const asks = levels(`${at}.asks`, b.asks, false);
  if (bids[0] && asks[0] && dec(bids[0].price).gte(asks[0].price)) refuse(at, 'is crossed: the best bid is not below the best ask');
  return { instrumentId: `${b.venue}:${b.symbol}`, venue: b.venue, symbol: b.symbol, bids, asks, timestamp: epochMs(`${at}.timestamp`, b.timestamp) };
}

export function tickerOf(t: Ticker, at: string): TickerSnapshot {
  const out: TickerSnapshot = { instrumentId: `${t.venue}:${t.symbol}`, venue: t.venue, symbol: t.symbol, timestamp: epochMs(`${at}.timestamp`, t.timestamp) };
  for (const k of ['lastPrice', 'lastQuantity', 'bidPrice', 'bidQuantity', 'askPrice', 'askQuantity'] as const) {
    if (t[k] !== undefined) out[k] = positive(`${at}.${k}`, t[k], true);
  }
  if (t.priceChangePercent !== undefined) {
    if (!isDecimalString(t.priceChangePercent)) refuse(`${at}.priceChangePercent`, 'must be a decimal string');
    out.priceChangePercent = t.priceChangePercent;
  }
  return out;
}

/** The bars of one series; every bar but the last is final, the last is final when `isClosed`. */
export function barsOf(k: Kline, at: string): KlineUpdate[] {
  if (k.candles.length > MAX_BARS) refuse(`${at}.candles`, `has more than ${MAX_BARS} bars`);
  let previous = -1;
  return k.candles.map((c, i) => {
    const where = `${at}.candles[${i}]`;
    const openTime = epochMs(`${where}[0]`, c[0]);
    if (openTime <= previous) refuse(where, 'must open after the bar before it (ascending)');
    previous = openTime;
    const [open, high, low, close] = [1, 2, 3, 4].map((j) => positive(`${where}[${j}]`, c[j])) as [string, string, string, string];
    if (dec(low).gt(high) || dec(open).gt(high) || dec(close).gt(high) || dec(open).lt(low) || dec(close).lt(low)) refuse(where, 'must have low ≤ open, close ≤ high');
    const volume = c[5] === null ? null : positive(`${where}[5]`, c[5], true);
    const last = i === k.candles.length - 1;
    return {
      instrumentId: `${k.venue}:${k.symbol}`,
      venue: k.venue,
      symbol: k.symbol,
      interval: k.interval,
      candle: { openTime, open, high, low, close, volume },
      isClosed: last ? k.isClosed : true,
      timestamp: epochMs(`${at}.timestamp`, k.timestamp),
    };
  });
}
