/**
 * @module binance/http/order-params
 * Our VenueOrder → the parameters of `POST /api/v3/order`, following the docs' table of mandatory parameters
 * per type. Pure; refusals are values (the venue reports them as `rejected` without calling Binance).
 *
 *   LIMIT                    timeInForce, quantity, price
 *   MARKET                   quantity (BASE) or quoteOrderQty (QUOTE)
 *   LIMIT_MAKER              quantity, price (post-only; no timeInForce)
 *   STOP / STOP_LOSS         → STOP_LOSS: quantity, stopPrice
 *   STOP_LIMIT / _LOSS_LIMIT → STOP_LOSS_LIMIT: timeInForce, quantity, price, stopPrice
 *   TAKE_PROFIT              quantity, stopPrice
 *   TAKE_PROFIT_LIMIT        timeInForce, quantity, price, stopPrice
 *
 * `newClientOrderId` is our clientOrderId, so every execution report maps back to our order; responses are
 * requested as FULL so the submission's own answer carries status and fills.
 */
import type { VenueOrder } from '@cadenza/domain';

export type OrderParamsResult = { ok: true; params: Array<[string, string]> } | { ok: false; reason: string };

const CLIENT_ORDER_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;
const BINANCE_TIF = new Set(['GTC', 'IOC', 'FOK']);

export function buildOrderParams(order: VenueOrder, externalSymbol: string): OrderParamsResult {
  if (!CLIENT_ORDER_ID.test(order.clientOrderId)) {
    return { ok: false, reason: 'clientOrderId must be 1-36 characters of letters, digits, . : / _ - for Binance' };
  }
  const base: Array<[string, string]> = [
    ['symbol', externalSymbol],
    ['side', order.side],
  ];
  const tail: Array<[string, string]> = [
    ['newClientOrderId', order.clientOrderId],
    ['newOrderRespType', 'FULL'],
  ];
  const tif = (): [string, string] | string => (BINANCE_TIF.has(order.timeInForce) ? ['timeInForce', order.timeInForce] : `time in force ${order.timeInForce} is not supported by Binance spot (GTC, IOC, FOK)`);
  const need = (value: string | undefined, name: string): [string, string] | string => (value ? [name, value] : `${order.orderType} needs ${name === 'price' ? 'a limit price' : 'a stop price'}`);
  const baseQty = (): [string, string] | string => (order.quantityType === 'BASE' ? ['quantity', order.quantity] : `${order.orderType} orders take a base quantity on Binance`);

  let type: string;
  let parts: Array<[string, string] | string>;
  switch (order.orderType) {
    case 'LIMIT':
      type = 'LIMIT';
      parts = [tif(), baseQty(), need(order.limitPrice, 'price')];
      break;
    case 'MARKET':
      type = 'MARKET';
      parts = [order.quantityType === 'QUOTE' ? ['quoteOrderQty', order.quantity] : ['quantity', order.quantity]];
      break;
    case 'LIMIT_MAKER':
      type = 'LIMIT_MAKER';
      parts = [baseQty(), need(order.limitPrice, 'price')];
      break;
    case 'STOP':
    case 'STOP_LOSS':
      type = 'STOP_LOSS';
      parts = [baseQty(), need(order.stopPrice, 'stopPrice')];
      break;
    case 'STOP_LIMIT':
    case 'STOP_LOSS_LIMIT':
      type = 'STOP_LOSS_LIMIT';
      parts = [tif(), baseQty(), need(order.limitPrice, 'price'), need(order.stopPrice, 'stopPrice')];
      break;
    case 'TAKE_PROFIT':
      type = 'TAKE_PROFIT';
      parts = [baseQty(), need(order.stopPrice, 'stopPrice')];
      break;
    case 'TAKE_PROFIT_LIMIT':
      type = 'TAKE_PROFIT_LIMIT';
      parts = [tif(), baseQty(), need(order.limitPrice, 'price'), need(order.stopPrice, 'stopPrice')];
      break;
    default:
      return { ok: false, reason: `order type ${order.orderType} is not supported on Binance spot` };
  }
  const refusal = parts.find((p): p is string => typeof p === 'string');
  if (refusal) return { ok: false, reason: refusal };
  return { ok: true, params: [...base, ['type', type], ...(parts as Array<[string, string]>), ...tail] };
}
