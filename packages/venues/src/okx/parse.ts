/**
 * @module okx/parse
 * OKX v5 payloads (REST `data` rows and WebSocket pushes; shapes as the docs' examples show them) → port values.
 * OKX sends every number as a string; "" means "not applicable".
 */
import type { Candle, InstrumentSpec, KlineUpdate, TickerSnapshot, TradeTick } from '@cadenza/domain';
import { Wire, type WireObject } from '../kit/wire.ts';
import type { OkxBookMessage, OkxBookSnapshot } from './book-sync.ts';
import { decimalPlaces, isZeroDecimal, normalizeDecimal, absDecimal } from '@cadenza/domain';

export const wire = new Wire('OKX');

/** Contract kline intervals → OKX `bar` values; 6 h and longer use the UTC-aligned bars (the plain ones are UTC+8). */
export const OKX_BARS: Readonly<Record<string, string>> = {
  '1m': '1m', '3m': '3m', '5m': '5m', '15m': '15m', '30m': '30m',
  '1h': '1H', '2h': '2H', '4h': '4H', '6h': '6Hutc', '12h': '12Hutc',
  '1d': '1Dutc', '3d': '3Dutc', '1w': '1Wutc', '1M': '1Mutc',
};
export const OKX_KLINE_INTERVALS = Object.keys(OKX_BARS);

/** OKX's Lv1 spot fee schedule (regular users): instruments carry no fees, accounts may pay less. */
export const OKX_MAKER_FEE = '0.0008';
export const OKX_TAKER_FEE = '0.001';

export interface InstrumentRef {
  instrumentId: string;
  venue: string;
  symbol: string;
}

function mapState(state: string): InstrumentSpec['status'] {
  switch (state) {
    case 'live':
      return 'ACTIVE';
    case 'suspend':
      return 'DISABLED';
    case 'expired':
      return 'DELISTED';
    default:
      return 'INACTIVE'; // preopen, test, rebase…
  }
}

/** One `GET /api/v5/public/instruments?instType=SPOT` row → InstrumentSpec. */
export function parseInstrument(raw: unknown, venue: string): InstrumentSpec {
  const o = wire.object(raw, 'instrument');
  const instId = wire.str(o, 'instId');
  const base = wire.str(o, 'baseCcy');
  const quote = wire.str(o, 'quoteCcy');
  const lotSz = wire.decimal(o, 'lotSz');
  const symbol = `${base}/${quote}`;
  const maxLimit = wire.optDecimal(o, 'maxLmtSz');
  return {
    instrumentId: `${venue}:${symbol}`,
    venue,
    symbol,
    externalSymbol: instId,
    baseAsset: base,
    quoteAsset: quote,
    status: mapState(wire.str(o, 'state')),
    tickSize: normalizeDecimal(wire.decimal(o, 'tickSz')),
    lotSize: normalizeDecimal(lotSz),
    minQuantity: normalizeDecimal(wire.decimal(o, 'minSz')),
    maxQuantity: normalizeDecimal(maxLimit ?? '0'),
    // OKX spot rules are a minimum size (minSz), not a minimum notional.
    minNotional: '0',
    basePrecision: decimalPlaces(lotSz),
    quotePrecision: Math.max(8, decimalPlaces(wire.decimal(o, 'tickSz'))),
    orderTypes: ['LIMIT', 'MARKET', 'LIMIT_MAKER'],
    timeInForceOptions: ['GTC', 'IOC', 'FOK', 'GTX'],
    makerFee: OKX_MAKER_FEE,
    takerFee: OKX_TAKER_FEE,
    klineIntervals: [...OKX_KLINE_INTERVALS],
    description: `${symbol} on OKX spot`,
  };
}

export function parseInstruments(data: readonly unknown[], venue: string): { instruments: InstrumentSpec[]; skipped: string[] } {
  const instruments: InstrumentSpec[] = [];
  const skipped: string[] = [];
  for (const row of data) {
    try {
      instruments.push(parseInstrument(row, venue));
    } catch (err) {
      skipped.push(err instanceof Error ? err.message : String(err));
    }
  }
  return { instruments, skipped };
}

/** `[px, sz, "0", numOrders]` rows → `[px, sz]`, kept as OKX spells them (checksums use that text). */
function levels(o: WireObject, key: string): Array<[string, string]> {
  return wire.array(o[key], key).map((row, i) => {
    const r = wire.array(row, `${key}[${i}]`);
    const pair: WireObject = { p: r[0], q: r[1] };
    return [wire.decimal(pair, 'p'), wire.decimal(pair, 'q')];
  });
}

/** `GET /api/v5/market/books` data[0]. */
export function parseBookSnapshot(data: readonly unknown[]): OkxBookSnapshot {
  const o = wire.object(data[0], 'books data[0]');
  return { seqId: wire.intText(o, 'seqId'), ts: wire.intText(o, 'ts'), bids: levels(o, 'bids'), asks: levels(o, 'asks') };
}

/** One `books` push row. */
export function parseBookMessage(action: unknown, row: unknown): OkxBookMessage {
  const o = wire.object(row, 'books data');
  const checksum = o.checksum === undefined || o.checksum === null ? 0 : wire.intText(o, 'checksum');
  const prev = o.prevSeqId === undefined ? -1 : wire.intText(o, 'prevSeqId');
  return {
    action: action === 'snapshot' ? 'snapshot' : 'update',
    seqId: wire.intText(o, 'seqId'),
    prevSeqId: prev,
    checksum,
    ts: wire.intText(o, 'ts'),
    bids: levels(o, 'bids'),
    asks: levels(o, 'asks'),
  };
}

/** One `trades` push row; `side` is the taker's. */
export function parseTrade(row: unknown, ref: InstrumentRef): TradeTick {
  const o = wire.object(row, 'trade');
  const side = wire.str(o, 'side');
  if (side !== 'buy' && side !== 'sell') wire.fail('side must be buy or sell', side);
  return {
    ...ref,
    tradeId: wire.str(o, 'tradeId'),
    price: normalizeDecimal(wire.decimal(o, 'px')),
    quantity: normalizeDecimal(wire.decimal(o, 'sz')),
    side: side === 'buy' ? 'BUY' : 'SELL',
    timestamp: wire.intText(o, 'ts'),
  };
}

/** One `tickers` push row (or `GET /market/ticker` row); change is last vs the 24 h open, in percent. */
export function parseTicker(row: unknown, ref: InstrumentRef): TickerSnapshot {
  const o = wire.object(row, 'ticker');
  const t: TickerSnapshot = { ...ref, timestamp: wire.intText(o, 'ts') };
  const set = (ours: keyof TickerSnapshot, theirs: string) => {
    const v = wire.optDecimal(o, theirs);
    if (v !== undefined) (t as unknown as Record<string, unknown>)[ours] = normalizeDecimal(v);
  };
  set('lastPrice', 'last');
  set('lastQuantity', 'lastSz');
  set('bidPrice', 'bidPx');
  set('bidQuantity', 'bidSz');
  set('askPrice', 'askPx');
  set('askQuantity', 'askSz');
  const last = wire.optDecimal(o, 'last');
  const open = wire.optDecimal(o, 'open24h');
  if (last !== undefined && open !== undefined && !isZeroDecimal(open)) t.priceChangePercent = percentChange(open, last);
  return t;
}

/** (last − open) / open × 100, truncated to two decimals, in exact integer arithmetic. */
export function percentChange(open: string, last: string): string {
  const scale = (s: string) => {
    const [w, f = ''] = s.split('.');
    return BigInt(w! + f.padEnd(18, '0').slice(0, 18));
  };
  const o = scale(open);
  const l = scale(last);
  const hundredths = ((l - o) * 10_000n) / o; // truncates toward zero
  const neg = hundredths < 0n;
  const abs = neg ? -hundredths : hundredths;
  const text = `${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
  return neg ? `-${text}` : text;
}

/** One candle row `[ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]` (REST and `candle<bar>` pushes). */
export function parseCandle(row: unknown, ref: InstrumentRef, interval: string): KlineUpdate {
  const r = wire.array(row, 'candle');
  const o: WireObject = { ts: r[0], o: r[1], h: r[2], l: r[3], c: r[4], v: r[5], confirm: r[8] };
  const candle: Candle = {
    openTime: wire.intText(o, 'ts'),
    open: normalizeDecimal(wire.decimal(o, 'o')),
    high: normalizeDecimal(wire.decimal(o, 'h')),
    low: normalizeDecimal(wire.decimal(o, 'l')),
    close: normalizeDecimal(wire.decimal(o, 'c')),
    volume: normalizeDecimal(wire.decimal(o, 'v')),
  };
  return { ...ref, interval, candle, isClosed: o.confirm === '1', timestamp: candle.openTime };
}

/** Account balances (`GET /api/v5/account/balance` data[0] and `account` pushes): available and frozen per currency. */
export function parseBalances(row: unknown): Array<{ asset: string; free: string; locked: string }> {
  const o = wire.object(row, 'balance');
  return wire.array(o.details, 'details').map((d, i) => {
    const r = wire.object(d, `details[${i}]`);
    return { asset: wire.str(r, 'ccy'), free: normalizeDecimal(wire.optDecimal(r, 'availBal') ?? '0'), locked: normalizeDecimal(wire.optDecimal(r, 'frozenBal') ?? '0') };
  });
}

/** OKX order states. */
export type OkxOrderState = 'live' | 'partially_filled' | 'filled' | 'canceled' | 'mmp_canceled';

/** What the connector uses of an order (`GET /trade/order` row and `orders` pushes). */
export interface OkxOrder {
  instId: string;
  ordId: string;
  clOrdId: string;
  state: OkxOrderState;
  accFillSz: string;
  avgPx?: string;
  /** The fill this push reports, when it reports one. */
  fill?: { tradeId: string; price: string; quantity: string; fee: string; feeAsset: string; liquidity: 'MAKER' | 'TAKER'; time: number };
  cancelSource?: string;
  uTime: number;
}

const STATES: readonly string[] = ['live', 'partially_filled', 'filled', 'canceled', 'mmp_canceled'];

/** OKX fees are signed: negative is charged, positive a rebate. The port's fee is what was charged. */
function chargedFee(fee: string): string {
  return fee.startsWith('-') ? normalizeDecimal(absDecimal(fee)) : '0';
}

export function parseOrder(raw: unknown): OkxOrder {
  const o = wire.object(raw, 'order');
  const state = wire.str(o, 'state');
  if (!STATES.includes(state)) wire.fail('unknown order state', state);
  const order: OkxOrder = {
    instId: wire.str(o, 'instId'),
    ordId: wire.str(o, 'ordId'),
    clOrdId: wire.optStr(o, 'clOrdId') ?? '',
    state: state as OkxOrderState,
    accFillSz: normalizeDecimal(wire.optDecimal(o, 'accFillSz') ?? '0'),
    uTime: wire.intText(o, 'uTime'),
  };
  const avg = wire.optDecimal(o, 'avgPx');
  if (avg !== undefined) order.avgPx = normalizeDecimal(avg);
  const tradeId = wire.optStr(o, 'tradeId');
  const fillSz = wire.optDecimal(o, 'fillSz');
  if (tradeId && fillSz !== undefined && !isZeroDecimal(fillSz)) {
    const feeText = wire.optStr(o, 'fillFee') ?? '0';
    order.fill = {
      tradeId,
      price: normalizeDecimal(wire.decimal(o, 'fillPx')),
      quantity: normalizeDecimal(fillSz),
      fee: chargedFee(wire.signedDecimal({ fee: feeText }, 'fee')),
      feeAsset: wire.optStr(o, 'fillFeeCcy') ?? wire.optStr(o, 'feeCcy') ?? '',
      liquidity: wire.optStr(o, 'execType') === 'M' ? 'MAKER' : 'TAKER',
      time: o.fillTime !== undefined && o.fillTime !== '' ? wire.intText(o, 'fillTime') : wire.intText(o, 'uTime'),
    };
  }
  const cancelSource = wire.optStr(o, 'cancelSource');
  if (cancelSource !== undefined) order.cancelSource = cancelSource;
  return order;
}

/** One `GET /api/v5/trade/fills` row. */
export interface OkxFill {
  ordId: string;
  tradeId: string;
  billId: string;
  price: string;
  quantity: string;
  fee: string;
  feeAsset: string;
  liquidity: 'MAKER' | 'TAKER';
  time: number;
}

export function parseFill(raw: unknown): OkxFill {
  const o = wire.object(raw, 'fill');
  return {
    ordId: wire.str(o, 'ordId'),
    tradeId: wire.str(o, 'tradeId'),
    billId: wire.str(o, 'billId'),
    price: normalizeDecimal(wire.decimal(o, 'fillPx')),
    quantity: normalizeDecimal(wire.decimal(o, 'fillSz')),
    fee: chargedFee(wire.signedDecimal(o, 'fee')),
    feeAsset: wire.str(o, 'feeCcy'),
    liquidity: wire.str(o, 'execType') === 'M' ? 'MAKER' : 'TAKER',
    time: wire.intText(o, 'ts'),
  };
}
