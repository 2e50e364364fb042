/**
 * @module orders/order-amendment
 * What an amendment (`command.trade_order.amend`, docs/extensions.md) makes of a working order: its new terms, what
 * it must lock for what remains to fill, and what the venue is told. Pure; refusals are domain errors naming the
 * field. The new terms pass the same pre-trade checks as a new order for the remaining quantity (tick, lot, limits,
 * notional, balance — the order's own lock counted as free).
 */
import { DomainError } from '../errors.ts';
import { quoted } from '../bounded-text.ts';
import type { InstrumentSpec } from '../model/instrument.ts';
import { dec, isDecimalString, str, type Dec } from '../model/decimal.ts';
import type { Order } from '../model/order.ts';
import { preTradeCheck } from './pre-trade.ts';
import type { OrderDraft } from './order-draft.ts';

/** The terms a client may change; what is not given stays. `quantity` is the new total (what is filled included). */
export interface AmendTerms {
  quantity?: string;
  limitPrice?: string;
  stopPrice?: string;
}

export interface Amendment {
  /** The order with its new terms and lock. */
  next: Order;
  /** Added to the order's lock (negative: released). */
  lockDelta: Dec;
  /** What remains to fill at the new terms, for the venue. */
  remaining: string;
}

export interface AmendContext {
  spec: InstrumentSpec;
  status: string;
  freeBase: Dec;
  freeQuote: Dec;
  buffer: Dec;
  now: number;
}

const bad = (message: string) => new DomainError('INVALID_ORDER_PARAMETERS', message);

function positive(name: string, v: string | undefined): Dec | undefined {
  if (v === undefined) return undefined;
  if (!isDecimalString(v)) throw bad(`${name} must be a decimal string without exponent, got ${quoted(v)}`);
  const d = dec(v);
  if (!d.gt(0)) throw bad(`${name} must be greater than zero`);
  return d;
}

/** The amendment of `order` to `terms`, or throws the refusal. */
export function amendOrder(order: Order, terms: AmendTerms, c: AmendContext): Amendment {
  const quantity = positive('quantity', terms.quantity);
  const limitPrice = positive('limitPrice', terms.limitPrice);
  const stopPrice = positive('stopPrice', terms.stopPrice);
  if (!quantity && !limitPrice && !stopPrice) throw bad('give quantity, limitPrice or stopPrice to amend');
  if (order.orderType === 'MARKET') throw bad('a MARKET order cannot be amended');
  if (order.quantityType !== 'BASE' && quantity) throw bad('the quantity of a QUOTE-quantity order cannot be amended');
  if (limitPrice && order.limitPrice === undefined) throw bad(`a ${order.orderType} order has no limitPrice to amend`);
  if (stopPrice && order.stopPrice === undefined) throw bad(`a ${order.orderType} order has no stopPrice to amend`);
  if (stopPrice && order.orderType === 'TRAILING_STOP') throw bad('the trigger of a TRAILING_STOP follows the market and cannot be amended');
  const executed = dec(order.executedQuantity);
  const total = quantity ?? dec(order.quantity);
  if (!total.gt(executed)) throw bad(`quantity must be more than the ${order.executedQuantity} already filled`);
  const remaining = total.sub(executed);

  const draft: OrderDraft = {
    instrumentId: order.instrumentId,
    side: order.side,
    orderType: order.orderType,
    quantityType: 'BASE',
    quantity: remaining,
    timeInForce: order.timeInForce,
    timeInForceGiven: false,
  };
  const newLimit = limitPrice ?? (order.limitPrice !== undefined ? dec(order.limitPrice) : undefined);
  const newStop = stopPrice ?? (order.stopPrice !== undefined ? dec(order.stopPrice) : undefined);
  if (newLimit) draft.limitPrice = newLimit;
  if (newStop) draft.stopPrice = newStop;
  // The order's own lock is free to the amendment: it is replaced, not added to.
  const held = dec(order.lockedAmount);
  const check = preTradeCheck({
    draft,
    spec: c.spec,
    status: c.status,
    freeBase: order.lockAsset === c.spec.baseAsset ? c.freeBase.add(held) : c.freeBase,
    freeQuote: order.lockAsset === c.spec.quoteAsset ? c.freeQuote.add(held) : c.freeQuote,
    buffer: c.buffer,
  });
  if (!check.ok) throw check.error;

  const next: Order = { ...order, quantity: str(total), lockedAmount: str(check.lockAmount), updatedAt: c.now };
  if (newLimit) next.limitPrice = str(newLimit);
  if (newStop) next.stopPrice = str(newStop);
  return { next, lockDelta: check.lockAmount.sub(held), remaining: str(remaining) };
}
