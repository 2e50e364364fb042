/**
 * @module deribit/order-params
 * Our VenueOrder → the method and params of `private/buy` / `private/sell`. Pure; refusals are values.
 *
 *   LIMIT GTC → limit, good_til_cancelled · IOC → immediate_or_cancel · FOK → fill_or_kill
 *   LIMIT GTX / LIMIT_MAKER → limit, post_only (reject_post_only: refused rather than repriced)
 *   MARKET → market (IOC by nature)
 *
 * The quantity is in contracts; Deribit's `amount` is contracts × contract size (USD for inverse contracts, the coin
 * for linear ones and options). Our clientOrderId is the order's `label` (Deribit allows up to 64 characters), which
 * is how every report and `get_order_state_by_label` maps back to our order. `reduceOnly` is Deribit's `reduce_only`;
 * leverage and margin mode are the account's on Deribit (cross margin per currency), not an order's, so they are not
 * sent. Stop and take-profit orders are not placed yet and are refused before sending.
 */
import type { VenueOrder } from '@cadenza/domain';
import { jsonNumber } from '../kit/lossless-json.ts';
import { toAmount } from './parse.ts';

export type DeribitOrderParams = { ok: true; method: 'private/buy' | 'private/sell'; params: Record<string, unknown> } | { ok: false; reason: string };

const TIF: Readonly<Record<string, string>> = { GTC: 'good_til_cancelled', IOC: 'immediate_or_cancel', FOK: 'fill_or_kill', GTX: 'good_til_cancelled' };

export function buildDeribitOrder(order: VenueOrder, contractSize: string): DeribitOrderParams {
  if (order.clientOrderId.length === 0 || order.clientOrderId.length > 64) return { ok: false, reason: 'clientOrderId must be 1-64 characters for Deribit (its order label)' };
  if (order.quantityType !== 'BASE') return { ok: false, reason: 'Deribit orders take a quantity in contracts (quantityType BASE)' };
  const method = order.side === 'BUY' ? 'private/buy' : 'private/sell';
  const base: Record<string, unknown> = { instrument_name: order.symbol, amount: jsonNumber(toAmount(order.quantity, contractSize)), label: order.clientOrderId };
  if (order.reduceOnly) base.reduce_only = true;
  switch (order.orderType) {
    case 'MARKET':
      if (order.timeInForce === 'GTX') return { ok: false, reason: 'a Deribit market order cannot be post-only' };
      return { ok: true, method, params: { ...base, type: 'market', ...(order.timeInForce === 'FOK' ? { time_in_force: 'fill_or_kill' } : {}) } };
    case 'LIMIT':
    case 'LIMIT_MAKER': {
      if (!order.limitPrice) return { ok: false, reason: `${order.orderType} needs a limit price` };
      const tif = TIF[order.timeInForce];
      if (!tif) return { ok: false, reason: `time in force ${order.timeInForce} is not supported by Deribit (GTC, IOC, FOK, GTX)` };
      const postOnly = order.orderType === 'LIMIT_MAKER' || order.timeInForce === 'GTX';
      return { ok: true, method, params: { ...base, type: 'limit', price: jsonNumber(order.limitPrice), time_in_force: tif, ...(postOnly ? { post_only: true, reject_post_only: true } : {}) } };
    }
    default:
      return { ok: false, reason: `order type ${order.orderType} is not supported on Deribit by Cadenza (LIMIT, MARKET, LIMIT_MAKER)` };
  }
}
