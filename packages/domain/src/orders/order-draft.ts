/**
 * @module orders/order-draft
 * Reads a client's `RpcTradeOrder` into a draft: required fields present, decimals well-formed, defaults applied.
 * Pure; refusals are INVALID_ORDER_PARAMETERS (11000) naming the field.
 *
 * Defaults: `orderType` LIMIT when a limitPrice is given, else MARKET; `quantityType` BASE (QUOTE when only
 * quoteCurrencyQuantity is given); `timeInForce` IOC for MARKET, GTC otherwise.
 */
import type { RpcTradeOrderWithExtensions } from '@cadenza/contract';
import { DomainError } from '../errors.ts';
import { quoted } from '../bounded-text.ts';
import { DEC_DIGITS, Dec, fitsDec, isDecimalString } from '../model/decimal.ts';
import { fromIso } from '../model/time.ts';

export interface OrderDraft {
  instrumentId: string;
  side: 'BUY' | 'SELL';
  orderType: string;
  quantityType: 'BASE' | 'QUOTE' | 'POSITION_RATIO' | 'POSITION_PERCENTAGE';
  quantity: Dec;
  limitPrice?: Dec;
  stopPrice?: Dec;
  timeInForce: string;
  /** The client chose the time in force (it is then checked against the instrument). */
  timeInForceGiven: boolean;
  quantityRounding?: string;
  clientOrderId?: string;
  expireAt?: number;
  /** TRAILING_STOP: the distance as given, and how it is measured (orders/trailing-stop.ts). */
  trailingOffset?: Dec;
  trailingOffsetType?: 'PRICE' | 'BASIS_POINTS';
}

const NEEDS_LIMIT = new Set(['LIMIT', 'LIMIT_MAKER', 'STOP_LIMIT', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT']);
const NEEDS_STOP = new Set(['STOP', 'STOP_LIMIT', 'STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT']);

export type DraftResult = { ok: true; draft: OrderDraft } | { ok: false; error: DomainError };

const bad = (message: string): DraftResult => ({ ok: false, error: new DomainError('INVALID_ORDER_PARAMETERS', message) });

function positive(name: string, v: string | undefined): Dec | string | undefined {
  if (v === undefined || v === '') return undefined;
  if (!isDecimalString(v)) return `tradeOrder.${name} must be a decimal string without exponent, got ${quoted(v)}`;
  if (!fitsDec(v)) return `tradeOrder.${name} has more than ${DEC_DIGITS} significant digits`;
  const d = new Dec(v);
  if (d.isZero() || d.isNeg()) return `tradeOrder.${name} must be greater than zero`;
  return d;
}

/** `defaultVenue` completes an instrument given only as baseAsset/quoteAsset. */
export function readDraft(o: RpcTradeOrderWithExtensions, defaultVenue: string): DraftResult {
  let instrumentId = o.instrumentId;
  if (!instrumentId && o.baseAsset && o.quoteAsset) instrumentId = `${o.venue ?? defaultVenue}:${o.baseAsset}/${o.quoteAsset}`;
  if (!instrumentId) return bad('tradeOrder.instrumentId is required');
  if (o.orderSide !== 'BUY' && o.orderSide !== 'SELL') return bad('tradeOrder.orderSide must be BUY or SELL');

  const limitPrice = positive('limitPrice', o.limitPrice);
  if (typeof limitPrice === 'string') return bad(limitPrice);
  const stopPrice = positive('stopPrice', o.stopPrice);
  if (typeof stopPrice === 'string') return bad(stopPrice);
  const orderType = o.orderType ?? (limitPrice ? 'LIMIT' : 'MARKET');
  if (orderType === 'UNKNOWN' || orderType === 'QUOTED') return bad(`tradeOrder.orderType ${orderType} is not supported`);
  const trailingOffset = positive('trailingOffset', o.trailingOffset);
  if (typeof trailingOffset === 'string') return bad(trailingOffset);
  if (orderType === 'TRAILING_STOP' && !trailingOffset) return bad('tradeOrder.trailingOffset is required for TRAILING_STOP orders');
  if (orderType !== 'TRAILING_STOP' && trailingOffset) return bad('tradeOrder.trailingOffset is only for TRAILING_STOP orders');
  if (orderType === 'TRAILING_STOP' && stopPrice) return bad('a TRAILING_STOP order takes trailingOffset, not stopPrice: its trigger follows the market');
  if (NEEDS_LIMIT.has(orderType) && !limitPrice) return bad(`tradeOrder.limitPrice is required for ${orderType} orders`);
  if (NEEDS_STOP.has(orderType) && !stopPrice) return bad(`tradeOrder.stopPrice is required for ${orderType} orders`);

  let quantityType = o.quantityType ?? 'BASE';
  let rawQty = o.quantity;
  if (o.quantityType === undefined && (rawQty === undefined || rawQty === '') && o.quoteCurrencyQuantity) {
    quantityType = 'QUOTE';
    rawQty = o.quoteCurrencyQuantity;
  }
  if (quantityType === 'QUOTE' && (rawQty === undefined || rawQty === '')) rawQty = o.quoteCurrencyQuantity;
  if (quantityType === 'POSITION_PERCENTAGE' && (rawQty === undefined || rawQty === '')) rawQty = o.positionPercentage;
  const quantity = positive('quantity', rawQty);
  if (quantity === undefined) return bad('tradeOrder.quantity is required');
  if (typeof quantity === 'string') return bad(quantity);
  if (quantityType === 'POSITION_RATIO' && quantity.gt(1)) return bad('tradeOrder.quantity must be at most 1 for POSITION_RATIO');
  if (quantityType === 'POSITION_PERCENTAGE' && quantity.gt(100)) return bad('tradeOrder.quantity must be at most 100 for POSITION_PERCENTAGE');

  const timeInForceGiven = o.timeInForce !== undefined && o.timeInForce !== null;
  const timeInForce = timeInForceGiven ? (o.timeInForce as string) : orderType === 'MARKET' ? 'IOC' : 'GTC';
  let expireAt: number | undefined;
  if (o.expireAt !== undefined) {
    expireAt = fromIso(o.expireAt);
    if (expireAt === undefined) return bad('tradeOrder.expireAt must be an ISO-8601 date-time');
  }
  if (timeInForce === 'GTD' && expireAt === undefined) return bad('tradeOrder.expireAt is required for GTD orders');
  if (o.clientOrderId !== undefined && (o.clientOrderId.length === 0 || o.clientOrderId.length > 64)) return bad('tradeOrder.clientOrderId must be 1 to 64 characters');

  const draft: OrderDraft = { instrumentId, side: o.orderSide, orderType, quantityType, quantity, timeInForce, timeInForceGiven };
  if (limitPrice) draft.limitPrice = limitPrice;
  if (stopPrice) draft.stopPrice = stopPrice;
  if (o.quantityRounding) draft.quantityRounding = o.quantityRounding;
  if (o.clientOrderId) draft.clientOrderId = o.clientOrderId;
  if (expireAt !== undefined) draft.expireAt = expireAt;
  if (trailingOffset) {
    draft.trailingOffset = trailingOffset;
    draft.trailingOffsetType = o.trailingOffsetType ?? 'PRICE';
  }
  return { ok: true, draft };
}
