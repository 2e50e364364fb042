/**
 * @module bitfinex/order-params
 * Our VenueOrder → the body of `POST /v2/auth/w/order/submit` (exchange wallet). Pure; refusals are values.
 *
 *   LIMIT GTC → EXCHANGE LIMIT · IOC → EXCHANGE IOC · FOK → EXCHANGE FOK · GTX / LIMIT_MAKER → EXCHANGE LIMIT + post-only
 *   flag (4096) · GTD → EXCHANGE LIMIT with `tif` (UTC "YYYY-MM-DD HH:MM:SS")
 *   MARKET → EXCHANGE MARKET · STOP / STOP_LOSS → EXCHANGE STOP (price = stop) · STOP_LIMIT / STOP_LOSS_LIMIT →
 *   EXCHANGE STOP LIMIT (price = stop, price_aux_limit = limit) · TRAILING_STOP → EXCHANGE TRAILING STOP
 *   (price_trailing = distance)
 *
 * Amounts are signed (negative sells) and in the base currency; prices keep Bitfinex's five-significant-digit rule.
 * Bitfinex's client order id (`cid`) is an integer unique per day: `cidFor` derives one from our clientOrderId (the
 * id itself when it is a number that fits, else 45 bits of its SHA-256), sent with the day (`cid_date`) we keep.
 */
import { createHash } from 'node:crypto';
import type { VenueOrder } from '@cadenza/domain';
import { hasValidPrecision } from './parse.ts';

export type BitfinexOrderBody = Record<string, string | number>;
export type BitfinexParamsResult = { ok: true; body: BitfinexOrderBody } | { ok: false; reason: string };

const POST_ONLY = 4096;
const MAX_CID = 2 ** 45 - 1;

export function cidFor(clientOrderId: string): number {
  if (/^\d{1,13}$/.test(clientOrderId) && Number(clientOrderId) > 0 && Number(clientOrderId) <= MAX_CID) return Number(clientOrderId);
  const h = createHash('sha256').update(clientOrderId).digest();
  return (h.readUIntBE(0, 6) % MAX_CID) + 1;
}

/** The UTC day a cid belongs to, as Bitfinex wants it in `cid_date`. */
export function cidDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

export function buildBitfinexOrder(order: VenueOrder, symbol: string, cid: number): BitfinexParamsResult {
  if (order.quantityType !== 'BASE') return { ok: false, reason: 'Bitfinex orders take a base quantity' };
  const amount = order.side === 'SELL' ? `-${order.quantity}` : order.quantity;
  const body: BitfinexOrderBody = { symbol, amount, cid };
  const price = (p: string | undefined, what: string): string | { reason: string } => {
    if (!p) return { reason: `${order.orderType} needs ${what}` };
    if (!hasValidPrecision(p)) return { reason: `price ${p} has more than 5 significant digits (or 8 decimals), which Bitfinex refuses` };
    return p;
  };
  const done = (extra: BitfinexOrderBody): BitfinexParamsResult => ({ ok: true, body: { ...body, ...extra } });
  switch (order.orderType) {
    case 'LIMIT':
    case 'LIMIT_MAKER': {
      const px = price(order.limitPrice, 'a limit price');
      if (typeof px !== 'string') return { ok: false, ...px };
      if (order.orderType === 'LIMIT_MAKER' || order.timeInForce === 'GTX') return done({ type: 'EXCHANGE LIMIT', price: px, flags: POST_ONLY });
      switch (order.timeInForce) {
        case 'GTC':
          return done({ type: 'EXCHANGE LIMIT', price: px });
        case 'IOC':
          return done({ type: 'EXCHANGE IOC', price: px });
        case 'FOK':
          return done({ type: 'EXCHANGE FOK', price: px });
        case 'GTD':
          if (order.expireAt === undefined) return { ok: false, reason: 'GTD order needs expireAt' };
          return done({ type: 'EXCHANGE LIMIT', price: px, tif: new Date(order.expireAt).toISOString().slice(0, 19).replace('T', ' ') });
        default:
          return { ok: false, reason: `time in force ${order.timeInForce} is not supported by Bitfinex (GTC, IOC, FOK, GTX, GTD)` };
      }
    }
    case 'MARKET':
      return done({ type: 'EXCHANGE MARKET' });
    case 'STOP':
    case 'STOP_LOSS': {
      const stop = price(order.stopPrice, 'a stop price');
      return typeof stop === 'string' ? done({ type: 'EXCHANGE STOP', price: stop }) : { ok: false, ...stop };
    }
    case 'STOP_LIMIT':
    case 'STOP_LOSS_LIMIT': {
      const stop = price(order.stopPrice, 'a stop price');
      if (typeof stop !== 'string') return { ok: false, ...stop };
      const limit = price(order.limitPrice, 'a limit price');
      return typeof limit === 'string' ? done({ type: 'EXCHANGE STOP LIMIT', price: stop, price_aux_limit: limit }) : { ok: false, ...limit };
    }
    case 'TRAILING_STOP':
      if (!order.trailingDelta) return { ok: false, reason: 'TRAILING_STOP needs trailingDelta' };
      return done({ type: 'EXCHANGE TRAILING STOP', price_trailing: order.trailingDelta });
    default:
      return { ok: false, reason: `order type ${order.orderType} is not supported on Bitfinex` };
  }
}
