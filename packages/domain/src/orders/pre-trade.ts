/**
 * @module orders/pre-trade
 * Pre-trade checks and the balance an order must lock. Pure: the caller passes the instrument, the book (for
 * orders priced from the market) and the free balances.
 *
 * What an order locks until it closes:
 * - BUY with a limit price: limitPrice × quantity × (1 + takerFee) of the quote asset (the fee is reserved at
 *   the taker rate whatever the order ends up paying; the unused rest is released when the order closes).
 * - BUY MARKET by BASE quantity: the cost of walking the ask side for the quantity, × (1 + buffer) × (1 + takerFee).
 * - BUY MARKET by QUOTE quantity: quantity × (1 + takerFee) of quote.
 * - BUY STOP/TAKE_PROFIT (market on trigger): stopPrice × quantity × (1 + buffer) × (1 + takerFee).
 * - SELL by BASE: the quantity of base. SELL MARKET by QUOTE: quantity ÷ best bid × (1 + buffer) of base.
 * Each rounded up to the precision of the asset locked.
 * POSITION_RATIO / POSITION_PERCENTAGE turn into a quantity from the free balance: SELL a share of the free
 * base; BUY a share of the free quote (MARKET: as a QUOTE amount net of the taker fee; priced orders: as BASE).
 */
import { DomainError, type ErrorName } from '../errors.ts';
import { boundedText, quoted } from '../bounded-text.ts';
import type { InstrumentSpec } from '../model/instrument.ts';
import type { BookSnapshot } from '../model/market-data.ts';
import { Dec, ZERO, dec, floorTo, str, type Dec as D } from '../model/decimal.ts';
import { parseFixed, type Fixed } from '../model/fixed-decimal.ts';
import { InstrumentRules } from '../model/instrument-rules.ts';
import type { OrderDraft } from './order-draft.ts';

export interface PreTradeInput {
  draft: OrderDraft;
  spec: InstrumentSpec;
  /** The platform's status of the instrument. */
  status: string;
  /** Needed for MARKET orders (BUY by BASE, SELL by QUOTE). */
  book?: BookSnapshot;
  freeBase: D;
  freeQuote: D;
  buffer: D;
}

export interface PreTradeOk {
  ok: true;
  quantityType: 'BASE' | 'QUOTE';
  quantity: D;
  lockAsset: string;
  lockAmount: D;
}

export type PreTradeResult = PreTradeOk | { ok: false; error: DomainError };

const no = (name: ErrorName, message: string): PreTradeResult => ({ ok: false, error: new DomainError(name, message) });

const ROUNDING: Record<string, number> = {
  UP: Dec.ROUND_UP,
  CEIL: Dec.ROUND_CEIL,
  DOWN: Dec.ROUND_DOWN,
  FLOOR: Dec.ROUND_FLOOR,
  NEAREST: Dec.ROUND_HALF_UP,
  HALF_UP: Dec.ROUND_HALF_UP,
  HALF_DOWN: Dec.ROUND_HALF_DOWN,
  HALF_EVEN: Dec.ROUND_HALF_EVEN,
};

/**
 * Levels of the book a spot MARKET order's check reads: a SELL only the best bid (its notional, or the base a QUOTE
 * amount needs), a BUY the asks it walks (`estimateDepth`). Asking the venue for no more than that keeps a SELL from
 * formatting a hundred levels per side it never reads.
 */
export function bookDepthFor(side: 'BUY' | 'SELL', estimateDepth: number): number {
  return side === 'SELL' ? 1 : estimateDepth;
}

/** Cost of buying `qty` from the asks (levels beyond the book are priced at the last level). */
function walkAsks(book: BookSnapshot, qty: D): D | undefined {
  let left = qty;
  let cost = ZERO;
  let last: D | undefined;
  for (const l of book.asks) {
    const p = dec(l.price);
    const take = Dec.min(left, dec(l.quantity));
    cost = cost.add(take.mul(p));
    left = left.sub(take);
    last = p;
    if (left.lte(0)) break;
  }
  if (last === undefined) return undefined;
  return left.gt(0) ? cost.add(left.mul(last)) : cost;
}

/** The instrument's rules (model/instrument-rules.ts) and the Dec forms pre-trade computes with, once per spec object. */
interface Limits {
  rules: InstrumentRules;
  lot: D;
  /** 1 + the taker fee. */
  feeFactor: D;
}
const limitsCache = new WeakMap<InstrumentSpec, Limits>();
function limitsOf(spec: InstrumentSpec): Limits {
  let l = limitsCache.get(spec);
  if (!l) {
    l = { rules: new InstrumentRules(spec), lot: dec(spec.lotSize), feeFactor: dec(spec.takerFee).add(1) };
    limitsCache.set(spec, l);
  }
  return l;
}

/** 1 + the market lock buffer; the desk passes the same Dec every time, so the last one is kept. */
let lastBuffer: D | undefined;
let lastBufferFactor: D = ZERO;
function bufferFactorOf(buffer: D): D {
  if (buffer !== lastBuffer) {
    lastBufferFactor = buffer.add(1);
    lastBuffer = buffer;
  }
  return lastBufferFactor;
}

/** A non-negative Dec as exact units (undefined for a negative one). */
const fixed = (d: D): Fixed | undefined => parseFixed(str(d));

export function preTradeCheck(input: PreTradeInput): PreTradeResult {
  const { draft: d, spec } = input;
  const limits = limitsOf(spec);
  if (input.status !== 'ACTIVE') return no('INSTRUMENT_NOT_ACTIVE', `instrument ${spec.instrumentId} is ${input.status}`);
  if (!spec.orderTypes.includes(d.orderType)) return no('ORDER_TYPE_NOT_ALLOWED', `${d.orderType} orders are not allowed on ${spec.instrumentId} (allowed: ${spec.orderTypes.join(', ')})`);
  if (d.timeInForceGiven && !spec.timeInForceOptions.includes(d.timeInForce)) {
    return no('TIME_IN_FORCE_NOT_ALLOWED', `time in force ${d.timeInForce} is not allowed on ${spec.instrumentId} (allowed: ${spec.timeInForceOptions.join(', ')})`);
  }
  const { rules, lot } = limits;
  for (const [name, price] of [['limitPrice', d.limitPrice], ['stopPrice', d.stopPrice]] as const) {
    const p = price && fixed(price);
    if (p && !rules.onTick(p)) return no('PRICE_NOT_ON_TICK', `${name} ${boundedText(str(price))} is not a multiple of the tick size ${spec.tickSize}`);
  }
  const feeFactor = limits.feeFactor;
  const bufferFactor = bufferFactorOf(input.buffer);
  const isMarket = d.orderType === 'MARKET';
  const refPrice = d.limitPrice ?? d.stopPrice;

  // Quantities given as a share of the position become BASE (or QUOTE for MARKET buys).
  let quantityType: 'BASE' | 'QUOTE';
  let quantity = d.quantity;
  if (d.quantityType === 'POSITION_RATIO' || d.quantityType === 'POSITION_PERCENTAGE') {
    const share = d.quantityType === 'POSITION_RATIO' ? d.quantity : d.quantity.div(100);
    if (d.side === 'SELL') {
      quantityType = 'BASE';
      quantity = floorTo(input.freeBase.mul(share), lot);
    } else if (isMarket) {
      quantityType = 'QUOTE';
      quantity = input.freeQuote.mul(share).div(feeFactor).toDecimalPlaces(spec.quotePrecision, Dec.ROUND_DOWN);
    } else {
      quantityType = 'BASE';
      quantity = floorTo(input.freeQuote.mul(share).div(refPrice!.mul(feeFactor).mul(d.stopPrice && !d.limitPrice ? bufferFactor : 1)), lot);
    }
    if (!quantity.gt(0)) return no('INSUFFICIENT_BALANCE', 'the position share amounts to nothing');
  } else {
    quantityType = d.quantityType;
  }

  if (quantityType === 'QUOTE') {
    if (!isMarket) return no('QUANTITY_TYPE_NOT_SUPPORTED', 'a QUOTE quantity is only supported for MARKET orders');
  } else {
    if (d.quantityRounding && d.quantityRounding !== '' && !lot.isZero()) {
      const mode = ROUNDING[d.quantityRounding];
      if (mode === undefined) return no('INVALID_ORDER_PARAMETERS', `unknown quantityRounding ${quoted(d.quantityRounding)}`);
      quantity = quantity.div(lot).toDecimalPlaces(0, mode as 0).mul(lot);
    }
    const q = fixed(quantity);
    if (q && !rules.onLot(q)) return no('QUANTITY_NOT_ON_LOT', `quantity ${boundedText(str(quantity))} is not a multiple of the lot size ${spec.lotSize}`);
    if (!q || !quantity.gt(0) || rules.quantityBreach(q) !== undefined) {
      return no('QUANTITY_OUT_OF_RANGE', `quantity ${boundedText(str(quantity))} is outside [${spec.minQuantity}, ${spec.maxQuantity}]`);
    }
  }

  // Notional and the amount to lock.
  let notional: D;
  let lockAsset: string;
  let lockAmount: D;
  if (d.side === 'BUY') {
    lockAsset = spec.quoteAsset;
    if (quantityType === 'QUOTE') {
      notional = quantity;
      lockAmount = quantity.mul(feeFactor);
    } else if (isMarket) {
      const cost = input.book ? walkAsks(input.book, quantity) : undefined;
      if (cost === undefined) return no('NO_LIQUIDITY', `no asks on ${spec.instrumentId} to price a MARKET buy; retry, or give a QUOTE quantity`);
      notional = cost;
      lockAmount = cost.mul(bufferFactor).mul(feeFactor);
    } else if (d.limitPrice) {
      notional = d.limitPrice.mul(quantity);
      lockAmount = notional.mul(feeFactor);
    } else {
      notional = d.stopPrice!.mul(quantity);
      lockAmount = notional.mul(bufferFactor).mul(feeFactor);
    }
  } else {
    lockAsset = spec.baseAsset;
    if (quantityType === 'QUOTE') {
      const bid = input.book?.bids[0];
      if (!bid) return no('NO_LIQUIDITY', `no bids on ${spec.instrumentId} to price a MARKET sell by QUOTE quantity`);
      notional = quantity;
      lockAmount = quantity.div(bid.price).mul(bufferFactor);
    } else if (isMarket) {
      const bid = input.book?.bids[0];
      notional = bid ? dec(bid.price).mul(quantity) : ZERO;
      lockAmount = quantity;
      if (!bid) return no('NO_LIQUIDITY', `no bids on ${spec.instrumentId} to sell into`);
    } else {
      notional = refPrice!.mul(quantity);
      lockAmount = quantity;
    }
  }
  const breach = rules.notionalBreach(fixed(notional) ?? { units: 0n, scale: 0 });
  if (breach === 'BELOW_MIN') return no('NOTIONAL_TOO_SMALL', `order value ${boundedText(str(notional))} is below the minimum notional ${spec.minNotional}`);
  if (breach === 'ABOVE_MAX') return no('NOTIONAL_TOO_LARGE', `order value ${boundedText(str(notional))} is above the maximum notional ${spec.maxNotional}`);
  // A lock is money held on a balance: whole units of its asset, rounded up so it still covers the order (a SELL by
  // QUOTE divides by the bid; the fee and buffer factors add places the asset does not have).
  const precision = lockAsset === spec.baseAsset ? spec.basePrecision : spec.quotePrecision;
  if (lockAmount.decimalPlaces() > precision) lockAmount = lockAmount.toDecimalPlaces(precision, Dec.ROUND_UP);
  const free = lockAsset === spec.baseAsset ? input.freeBase : input.freeQuote;
  if (free.lt(lockAmount)) return no('INSUFFICIENT_BALANCE', `insufficient ${lockAsset}: the order needs ${boundedText(str(lockAmount))}, free ${str(free)}`);
  return { ok: true, quantityType, quantity, lockAsset, lockAmount };
}
