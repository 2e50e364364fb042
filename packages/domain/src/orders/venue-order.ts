/**
 * @module orders/venue-order
 * What a venue is told of an order, and how its refusal reads.
 */
import type { Order } from '../model/order.ts';
import type { VenueOrder } from '../model/venue-order.ts';

/** The order's identity and terms, for `quantity` (all of it, or what remains). */
export function toVenueOrder(o: Order, quantity: string): VenueOrder {
  const v: VenueOrder = {
    tradeOrderId: o.tradeOrderId,
    clientOrderId: o.clientOrderId,
    tradingAccountId: o.tradingAccountId,
    instrumentId: o.instrumentId,
    symbol: o.symbol,
    side: o.side,
    orderType: o.orderType,
    timeInForce: o.timeInForce,
    quantityType: o.quantityType,
    quantity,
  };
  if (o.limitPrice !== undefined) v.limitPrice = o.limitPrice;
  if (o.stopPrice !== undefined) v.stopPrice = o.stopPrice;
  if (o.expireAt !== undefined) v.expireAt = o.expireAt;
  const d = o.derivative;
  if (d) {
    v.leverage = d.leverage;
    v.marginMode = d.marginMode;
    if (d.reduceOnly) v.reduceOnly = true;
    if (d.positionMode === 'HEDGE') v.positionSide = (o.side === 'BUY') === (d.reduceOnly === true) ? 'SHORT' : 'LONG';
  }
  if (o.trailingDelta !== undefined) v.trailingDelta = o.trailingDelta;
  if (o.triggeredAt !== undefined) {
    // A stop Cadenza held and triggered (order-lists.ts) works at the venue as what it turns into.
    v.orderType = o.limitPrice !== undefined ? 'LIMIT' : 'MARKET';
    if (v.orderType === 'MARKET') v.timeInForce = 'IOC';
    delete v.stopPrice;
  }
  return v;
}

/** The venue's words for a refusal (an Error's message, cut to 200 characters), or `fallback`. */
export function reasonOf(err: unknown, fallback: string): string {
  if (err instanceof Error && err.message) return err.message.slice(0, 200);
  return fallback;
}
