/**
 * @module binance/ws/parse
 * Market stream payloads (spot WebSocket Streams docs; examples in @cadenza/testkit's venue-fakes/binance/fixtures) → port values, and the
 * combined-stream envelope `{"stream": name, "data": payload}` versus control replies `{"result", "id"}`.
 */
import type { KlineUpdate, TickerSnapshot, TradeTick } from '@cadenza/domain';
import { asObject, bool, decimal, frameObject, int, levels, optDecimal, signedDecimal, str, type WireObject } from '../wire.ts';
import type { DepthDiff } from './depth-sync.ts';
import { normalizeDecimal } from '@cadenza/domain';

/** Identity of the instrument an event belongs to, as the subscription knows it. */
export interface InstrumentRef {
  instrumentId: string;
  venue: string;
  symbol: string;
}

/** What one frame of a combined-stream socket is. */
export type StreamMessage =
  | { kind: 'data'; stream: string; data: WireObject }
  | { kind: 'result'; id: number | string | null; result: unknown }
  | { kind: 'error'; id: number | string | null; code: number; msg: string }
  | { kind: 'unknown'; raw: unknown };

function idOf(o: WireObject): number | string | null {
  return typeof o.id === 'number' || typeof o.id === 'string' ? o.id : null;
}

/** Classifies a frame; never throws (bad JSON is `unknown`). */
export function parseStreamMessage(text: string): StreamMessage {
  const frame = frameObject(text);
  if (!('object' in frame)) return { kind: 'unknown', raw: frame.raw };
  const o = frame.object;
  if (typeof o.stream === 'string' && typeof o.data === 'object' && o.data !== null && !Array.isArray(o.data)) {
    return { kind: 'data', stream: o.stream, data: o.data as WireObject };
  }
  if (typeof o.code === 'number' && typeof o.msg === 'string') return { kind: 'error', id: idOf(o), code: o.code, msg: o.msg };
  if ('result' in o && 'id' in o) return { kind: 'result', id: idOf(o), result: o.result };
  return { kind: 'unknown', raw: o };
}

/** `depthUpdate` → DepthDiff (U, u, E, b, a). */
export function parseDepthDiff(data: WireObject): DepthDiff {
  return {
    firstUpdateId: int(data, 'U'),
    finalUpdateId: int(data, 'u'),
    eventTime: int(data, 'E'),
    bids: levels(data, 'b'),
    asks: levels(data, 'a'),
  };
}

/** `<symbol>@trade`: `m` = buyer is the maker, so the taker sold. */
export function parseTrade(data: WireObject, ref: InstrumentRef): TradeTick {
  return {
    ...ref,
    tradeId: String(int(data, 't')),
    price: normalizeDecimal(decimal(data, 'p')),
    quantity: normalizeDecimal(decimal(data, 'q')),
    side: bool(data, 'm') ? 'SELL' : 'BUY',
    timestamp: int(data, 'T'),
  };
}

function optNorm(data: WireObject, key: string): string | undefined {
  const v = optDecimal(data, key);
  return v === undefined ? undefined : normalizeDecimal(v);
}

/** `<symbol>@ticker` (24 h rolling window). */
export function parseTicker(data: WireObject, ref: InstrumentRef): TickerSnapshot {
  const t: TickerSnapshot = { ...ref, priceChangePercent: signedDecimal(data, 'P'), timestamp: int(data, 'E') };
  const fields: Array<[keyof TickerSnapshot, string]> = [
    ['lastPrice', 'c'],
    ['lastQuantity', 'Q'],
    ['bidPrice', 'b'],
    ['bidQuantity', 'B'],
    ['askPrice', 'a'],
    ['askQuantity', 'A'],
  ];
  const out: Record<string, unknown> = t as unknown as Record<string, unknown>;
  for (const [ours, theirs] of fields) {
    const v = optNorm(data, theirs);
    if (v !== undefined) out[ours] = v;
  }
  return t;
}

/** `<symbol>@kline_<interval>`: the forming (or just closed, `x`) bar. */
export function parseKlineEvent(data: WireObject, ref: InstrumentRef): KlineUpdate {
  const k = asObject(data.k, 'k');
  return {
    ...ref,
    interval: str(k, 'i'),
    candle: {
      openTime: int(k, 't'),
      open: normalizeDecimal(decimal(k, 'o')),
      high: normalizeDecimal(decimal(k, 'h')),
      low: normalizeDecimal(decimal(k, 'l')),
      close: normalizeDecimal(decimal(k, 'c')),
      volume: normalizeDecimal(decimal(k, 'v')),
    },
    isClosed: bool(k, 'x'),
    timestamp: int(data, 'E'),
  };
}
