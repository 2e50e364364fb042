/**
 * @module bitfinex/parse
 * Bitfinex v2 arrays (REST answers and WebSocket messages; field orders as the reference pages document them) → port
 * values. Numbers arrive as lexemes (json.ts) and leave as plain decimal strings.
 */
import type { InstrumentSpec, KlineUpdate, TickerSnapshot, TradeTick } from '@cadenza/domain';
import { idText, int, num, optNum } from '../kit/lossless-json.ts';
import { commonCurrency, fromBitfinexPair } from './symbols.ts';
import { absDecimal, isNegativeDecimal, isZeroDecimal, normalizeDecimal, shiftDecimal, subtractDecimal, truncateDecimal } from '@cadenza/domain';

export interface InstrumentRef {
  instrumentId: string;
  venue: string;
  symbol: string;
}

/** Contract kline intervals → Bitfinex candle time frames. */
export const BITFINEX_FRAMES: Readonly<Record<string, string>> = {
  '1m': '1m', '5m': '5m', '15m': '15m', '30m': '30m', '1h': '1h', '3h': '3h', '6h': '6h', '12h': '12h', '1d': '1D', '1w': '1W', '1M': '1M',
};
export const BITFINEX_KLINE_INTERVALS = Object.keys(BITFINEX_FRAMES);

/** Bitfinex's base spot fees (maker 0.1 %, taker 0.2 %); accounts with volume pay less. */
export const BITFINEX_MAKER_FEE = '0.001';
export const BITFINEX_TAKER_FEE = '0.002';

function arr(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new Error(`${what} must be an array`);
  return v;
}

/**
 * Bitfinex prices have at most five significant digits (and eight decimals), so the step between prices depends on
 * the price: 10^(digits before the point − 5). The catalogue derives the tick size from the last price this way.
 */
export function tickForPrice(price: string): string {
  const [w] = absDecimal(price).split('.');
  const intDigits = w === '0' ? 0 : w!.length;
  if (intDigits === 0) {
    const frac = absDecimal(price).split('.')[1] ?? '';
    const lead = frac.length - frac.replace(/^0+/, '').length;
    return shiftDecimal('1', -Math.min(8, lead + 5));
  }
  return shiftDecimal('1', intDigits - 5);
}

/** True when a price keeps Bitfinex's rule: at most five significant digits and eight decimals. */
export function hasValidPrecision(price: string): boolean {
  const n = normalizeDecimal(absDecimal(price));
  const frac = n.split('.')[1] ?? '';
  if (frac.length > 8) return false;
  return n.replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length <= 5;
}

/** Configs send sizes as decimal strings ("0.00006"); numbers are accepted too. */
function sizeOf(v: unknown, what: string): string {
  if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)) return normalizeDecimal(v);
  return normalizeDecimal(absDecimal(num(v, what)));
}

/** `conf/pub:info:pair` rows `[PAIR, [, , , MIN_ORDER_SIZE, MAX_ORDER_SIZE, …]]` + last prices → InstrumentSpecs. */
export function parsePairInfo(raw: unknown, venue: string, lastPrices: ReadonlyMap<string, string>, wanted: (pair: string) => boolean): { instruments: InstrumentSpec[]; skipped: string[] } {
  const rows = arr(arr(raw, 'pair info')[0], 'pair info[0]');
  const instruments: InstrumentSpec[] = [];
  const skipped: string[] = [];
  for (const row of rows) {
    try {
      const [pair, info] = arr(row, 'pair row') as [unknown, unknown];
      if (typeof pair !== 'string' || !wanted(pair)) continue;
      const fields = arr(info, `${pair} info`);
      const { symbol, base, quote } = fromBitfinexPair(pair);
      const last = lastPrices.get(pair);
      instruments.push({
        instrumentId: `${venue}:${symbol}`,
        venue,
        symbol,
        externalSymbol: `t${pair}`,
        baseAsset: base,
        quoteAsset: quote,
        status: last === undefined ? 'INACTIVE' : 'ACTIVE',
        tickSize: last === undefined ? '0.00000001' : tickForPrice(last),
        lotSize: '0.00000001',
        minQuantity: sizeOf(fields[3], `${pair} min size`),
        maxQuantity: sizeOf(fields[4], `${pair} max size`),
        minNotional: '0',
        basePrecision: 8,
        quotePrecision: 8,
        orderTypes: ['LIMIT', 'MARKET', 'LIMIT_MAKER', 'STOP', 'STOP_LOSS', 'STOP_LIMIT', 'STOP_LOSS_LIMIT', 'TRAILING_STOP'],
        timeInForceOptions: ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'],
        makerFee: BITFINEX_MAKER_FEE,
        takerFee: BITFINEX_TAKER_FEE,
        klineIntervals: [...BITFINEX_KLINE_INTERVALS],
        description: `${symbol} on Bitfinex (exchange wallet)`,
      });
    } catch (err) {
      skipped.push(err instanceof Error ? err.message : String(err));
    }
  }
  return { instruments, skipped };
}

/** `tickers?symbols=ALL` → last price by pair (trading pairs only). */
export function parseLastPrices(raw: unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const row of arr(raw, 'tickers')) {
    const r = arr(row, 'ticker row');
    const sym = r[0];
    if (typeof sym !== 'string' || !sym.startsWith('t')) continue;
    const last = optNum(r[7], `${sym} last price`);
    if (last !== undefined && !isZeroDecimal(absDecimal(last))) out.set(sym.slice(1), absDecimal(last));
  }
  return out;
}

/** A ticker array `[BID, BID_SIZE, ASK, ASK_SIZE, DAILY_CHANGE, DAILY_CHANGE_RELATIVE, LAST_PRICE, VOLUME, HIGH, LOW]`. */
export function parseTicker(raw: unknown, ref: InstrumentRef, now: number): TickerSnapshot {
  const r = arr(raw, 'ticker');
  const dec = (i: number, what: string) => normalizeDecimal(absDecimal(num(r[i], what)));
  return {
    ...ref,
    bidPrice: dec(0, 'bid'),
    bidQuantity: dec(1, 'bid size'),
    askPrice: dec(2, 'ask'),
    askQuantity: dec(3, 'ask size'),
    priceChangePercent: truncateDecimal(shiftDecimal(num(r[5], 'daily change relative'), 2), 2),
    lastPrice: dec(6, 'last price'),
    timestamp: now,
  };
}

/** A public trade `[ID, MTS, AMOUNT, PRICE]`; a negative amount is a sell (the taker sold). */
export function parsePublicTrade(raw: unknown, ref: InstrumentRef): TradeTick {
  const r = arr(raw, 'trade');
  const amount = num(r[2], 'amount');
  return { ...ref, tradeId: idText(r[0], 'trade id'), timestamp: int(r[1], 'trade time'), quantity: normalizeDecimal(absDecimal(amount)), price: normalizeDecimal(num(r[3], 'price')), side: isNegativeDecimal(amount) ? 'SELL' : 'BUY' };
}

/** A candle `[MTS, OPEN, CLOSE, HIGH, LOW, VOLUME]` (note Bitfinex's order: close before high). */
export function parseCandle(raw: unknown, ref: InstrumentRef, interval: string, isClosed: boolean): KlineUpdate {
  const r = arr(raw, 'candle');
  const d = (i: number, what: string) => normalizeDecimal(num(r[i], what));
  const openTime = int(r[0], 'candle time');
  return { ...ref, interval, candle: { openTime, open: d(1, 'open'), close: d(2, 'close'), high: d(3, 'high'), low: d(4, 'low'), volume: d(5, 'volume') }, isClosed, timestamp: openTime };
}

/** A book entry `[PRICE, COUNT, AMOUNT]` (P0 books). */
export interface BookEntry {
  price: string;
  count: number;
  /** Signed: > 0 bid, < 0 ask. */
  amount: string;
}

export function parseBookEntry(raw: unknown): BookEntry {
  const r = arr(raw, 'book entry');
  return { price: num(r[0], 'price'), count: int(r[1], 'count'), amount: num(r[2], 'amount') };
}

/** What the connector uses of an order array (REST answers, `on`/`ou`/`oc`/`os` messages). */
export interface BitfinexOrder {
  id: string;
  cid: number;
  symbol: string;
  /** Remaining amount, signed. */
  amount: string;
  amountOrig: string;
  type: string;
  status: string;
  mtsUpdate: number;
}

export function parseOrder(raw: unknown): BitfinexOrder {
  const r = arr(raw, 'order');
  const status = r[13];
  const type = r[8];
  const symbol = r[3];
  if (typeof status !== 'string' || typeof type !== 'string' || typeof symbol !== 'string') throw new Error('order status, type and symbol must be strings');
  return { id: idText(r[0], 'order id'), cid: r[2] === null ? 0 : int(r[2], 'cid'), symbol, amount: num(r[6], 'amount'), amountOrig: num(r[7], 'amount orig'), type, status, mtsUpdate: int(r[5], 'update time') };
}

/** Executed base quantity of an order: |original| − |remaining|. */
export function executedOf(o: BitfinexOrder): string {
  return subtractDecimal(absDecimal(o.amountOrig), absDecimal(o.amount));
}

/** Order statuses → the port's, with Bitfinex's words as the reason. */
export function orderStatus(o: BitfinexOrder): 'OPEN' | 'FILLED' | 'CANCELLED' | 'EXPIRED' {
  const s = o.status;
  if (s.startsWith('ACTIVE') || s.startsWith('PARTIALLY FILLED')) return 'OPEN';
  if (s.startsWith('EXECUTED')) return 'FILLED';
  if (s.startsWith('IOC CANCELED') || s.startsWith('FOK CANCELED') || s.startsWith('POSTONLY CANCELED')) return 'EXPIRED';
  return 'CANCELLED';
}

/** An account trade `[ID, SYMBOL, MTS, ORDER_ID, EXEC_AMOUNT, EXEC_PRICE, ORDER_TYPE, ORDER_PRICE, MAKER, FEE, FEE_CURRENCY, CID]`. */
export interface BitfinexTrade {
  id: string;
  symbol: string;
  time: number;
  orderId: string;
  quantity: string;
  price: string;
  liquidity: 'MAKER' | 'TAKER';
  /** What was charged (Bitfinex sends fees negative); undefined on `te` messages, which carry none yet. */
  fee?: string;
  feeAsset?: string;
  cid: number;
}

export function parseAccountTrade(raw: unknown): BitfinexTrade {
  const r = arr(raw, 'trade');
  const symbol = r[1];
  if (typeof symbol !== 'string') throw new Error('trade symbol must be a string');
  const fee = optNum(r[9], 'fee');
  const t: BitfinexTrade = {
    id: idText(r[0], 'trade id'),
    symbol,
    time: int(r[2], 'trade time'),
    orderId: idText(r[3], 'order id'),
    quantity: normalizeDecimal(absDecimal(num(r[4], 'exec amount'))),
    price: normalizeDecimal(num(r[5], 'exec price')),
    liquidity: r[8] !== null && r[8] !== undefined && int(r[8], 'maker') === 1 ? 'MAKER' : 'TAKER',
    cid: r[11] === null || r[11] === undefined ? 0 : int(r[11], 'cid'),
  };
  if (fee !== undefined) {
    t.fee = isNegativeDecimal(fee) ? normalizeDecimal(absDecimal(fee)) : '0';
    if (typeof r[10] === 'string') t.feeAsset = commonCurrency(r[10]);
  }
  return t;
}

/** Exchange-wallet balances `[TYPE, CURRENCY, BALANCE, UNSETTLED_INTEREST, AVAILABLE_BALANCE, …]`. */
export function parseWallet(raw: unknown): { asset: string; free: string; locked: string } | undefined {
  const r = arr(raw, 'wallet');
  if (r[0] !== 'exchange' || typeof r[1] !== 'string') return undefined;
  const balance = normalizeDecimal(num(r[2], 'balance'));
  const available = optNum(r[4], 'available balance');
  if (available === undefined) return { asset: commonCurrency(r[1]), free: balance, locked: '0' };
  const free = normalizeDecimal(available);
  return { asset: commonCurrency(r[1]), free, locked: subtractDecimal(balance, free) };
}
