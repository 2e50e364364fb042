/**
 * @module orders/apply-fill
 * What one fill does to an order and its account, computed without touching anything: the order's next state, the
 * fill record, the balance changes (the lock consumed first, then free; what the order no longer needs released
 * once it is done) and the trade to book on the position. The ledger writes the outcome (order-ledger.ts).
 */
import type { ExecutionEvent } from '../model/venue-order.ts';
import type { Fill, Order } from '../model/order.ts';
import { ZERO, dec, str, type Dec } from '../model/decimal.ts';
import { fillEffects, type BalanceDelta, type FillEffects } from '../portfolios/fill-effects.ts';
import { isTerminal, transition } from './status-machine.ts';

export type FillReport = Extract<ExecutionEvent, { type: 'filled' }>;

export interface FillOutcome {
  ok: true;
  next: Order;
  fill: Fill;
  /** Balance changes of the trade and its fee, the lock consumed first. */
  deltas: BalanceDelta[];
  /** What is left of the lock once the order is done (zero while it is not). */
  release: Dec;
  /** The trade on the instrument's net position. */
  trade: { side: 'BUY' | 'SELL'; quantity: Dec; price: Dec };
}

/** The outcome, or why the fill changes nothing: an empty fill, or an order whose status cannot take a fill. */
export type FillResult = FillOutcome | { ok: false; reason: 'EMPTY' | 'ILLEGAL' };

/**
 * `order` after `fill` (with `fields`, e.g. a venue order id, merged in), at `now`, recorded as execution
 * `executionId`. A venue's `final` flag ends the order even when the amounts do not add up (QUOTE orders stop short
 * of a lot). `effects` replaces the spot exchange of assets (a derivative fill's margin and PnL,
 * positions/derivative-fill.ts).
 */
export function applyFill(order: Order, fill: FillReport, fields: Partial<Order>, now: number, executionId: string, effects?: FillEffects): FillResult {
  const qty = dec(fill.quantity);
  const price = dec(fill.price);
  const fee = dec(fill.fee);
  if (!qty.gt(0)) return { ok: false, reason: 'EMPTY' };
  const next: Order = { ...order, ...fields, fees: { ...order.fees } };
  // An order's first fill (most fills) adds to nothing: no decimal parsed for it.
  const executed = order.executedQuantity === '0' ? qty : dec(order.executedQuantity).add(qty);
  const value = price.mul(qty);
  const cost = order.executedCost === '0' ? value : dec(order.executedCost).add(value);
  next.executedQuantity = str(executed);
  next.executedCost = str(cost);
  if (!fee.isZero()) next.fees[fill.feeAsset] = str(dec(next.fees[fill.feeAsset] ?? '0').add(fee));
  const complete = fill.final === true || (order.quantityType === 'BASE' ? executed : cost).gte(order.quantity);
  const t = transition(order.status, complete ? 'FILL' : 'PARTIAL_FILL');
  if (!t.ok) return { ok: false, reason: 'ILLEGAL' };
  next.status = t.status;
  next.lastExecutionAt = fill.timestamp;
  next.updatedAt = now;
  const locked = dec(order.lockedAmount);
  const booked = effects ?? fillEffects({
    side: order.side, baseAsset: order.baseAsset, quoteAsset: order.quoteAsset, price, quantity: qty, fee, feeAsset: fill.feeAsset,
    lockAsset: order.lockAsset, lockedRemaining: locked,
  });
  const remaining = locked.sub(booked.lockConsumed);
  const done = isTerminal(next.status);
  next.lockedAmount = str(done ? ZERO : remaining);
  return {
    ok: true,
    next,
    fill: {
      executionId, tradeOrderId: order.tradeOrderId, instrumentId: order.instrumentId, tradingAccountId: order.tradingAccountId, venue: order.venue, tradeId: fill.tradeId, side: order.side,
      price: fill.price, quantity: fill.quantity, fee: fill.fee, feeAsset: fill.feeAsset, liquidity: fill.liquidity, timestamp: fill.timestamp,
    },
    deltas: booked.deltas,
    release: done && remaining.gt(0) ? remaining : ZERO,
    trade: { side: order.side, quantity: qty, price },
  };
}
