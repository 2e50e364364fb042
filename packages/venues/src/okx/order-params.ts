/**
 * @module okx/order-params
 * Our VenueOrder → the body of `POST /api/v5/trade/order` (spot, `tdMode: "cash"`). Pure; refusals are values.
 *
 *   LIMIT GTC → limit · LIMIT IOC → ioc · LIMIT FOK → fok · LIMIT GTX / LIMIT_MAKER → post_only   (px, sz)
 *   MARKET    → market, sz in base (`tgtCcy: base_ccy`) or quote (`tgtCcy: quote_ccy`) as the order's quantity type
 *
 * Stop and take-profit orders are OKX *algo* orders (`/api/v5/trade/order-algo`), with their own ids and stream;
 * the connector does not place them yet and refuses them before sending. `clOrdId` is our clientOrderId, which OKX
 * allows as 1–32 letters and digits (Cadenza's generated ids are 32 hex digits).
 */
import type { VenueOrder } from '@cadenza/domain';

export type OkxOrderBody = Record<string, string>;
export type OkxParamsResult = { ok: true; body: OkxOrderBody } | { ok: false; reason: string };

const CL_ORD_ID = /^[A-Za-z0-9]{1,32}$/;

export function buildOkxOrder(order: VenueOrder, instId: string): OkxParamsResult {
  if (!CL_ORD_ID.test(order.clientOrderId)) return { ok: false, reason: 'clientOrderId must be 1-32 letters and digits for OKX' };
  const body: OkxOrderBody = { instId, tdMode: 'cash', clOrdId: order.clientOrderId, side: order.side === 'BUY' ? 'buy' : 'sell' };
  switch (order.orderType) {
    case 'MARKET':
      if (order.timeInForce === 'FOK' || order.timeInForce === 'GTX') return { ok: false, reason: `time in force ${order.timeInForce} is not supported for OKX market orders` };
      return { ok: true, body: { ...body, ordType: 'market', sz: order.quantity, tgtCcy: order.quantityType === 'QUOTE' ? 'quote_ccy' : 'base_ccy' } };
    case 'LIMIT':
    case 'LIMIT_MAKER': {
      if (!order.limitPrice) return { ok: false, reason: `${order.orderType} needs a limit price` };
      if (order.quantityType !== 'BASE') return { ok: false, reason: 'OKX limit orders take a base quantity' };
      const ordType = order.orderType === 'LIMIT_MAKER' ? 'post_only' : ({ GTC: 'limit', IOC: 'ioc', FOK: 'fok', GTX: 'post_only' } as Record<string, string>)[order.timeInForce];
      if (!ordType) return { ok: false, reason: `time in force ${order.timeInForce} is not supported by OKX spot (GTC, IOC, FOK, GTX)` };
      return { ok: true, body: { ...body, ordType, px: order.limitPrice, sz: order.quantity } };
    }
    default:
      return { ok: false, reason: `order type ${order.orderType} is not supported on OKX spot (LIMIT, MARKET, LIMIT_MAKER; stops are algo orders, not placed by Cadenza)` };
  }
}
