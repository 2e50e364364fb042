/**
 * @module orders/rpc-order
 * An order in the contract's `RpcTradeOrder` shape. `executedPrice` is the average fill price;
 * `executedPercentage` the filled share (0–100) of the ordered quantity (of the quote amount for QUOTE orders).
 *
 * Built once per order state: an `Order` is never changed once made (every change is a new object), so the shape
 * of one state is kept beside it and shared by the push (`event.trade_order.updated`) and the reply, which on the
 * submit path are the same state. Callers must not change what they get (they serialise it).
 */
import type { RpcTradeOrder, RpcTradeOrderWithExtensions } from '@cadenza/contract';
import { dec, str } from '../model/decimal.ts';
import { ROUND_DOWN, ROUND_HALF_UP, divUnits, textOf, unitsOf } from '../model/money-units.ts';
import { toIso } from '../model/time.ts';
import type { Order } from '../model/order.ts';

/**
 * Where a state's shape is kept: a non-enumerable symbol property of the Order itself (spreads making the next state
 * do not copy it, JSON and structuredClone do not see it). A WeakMap did the same at several times the cost: one
 * entry per state, rehashed as it grew, and ephemeron work for the collector.
 */
const SHAPE = Symbol('RpcTradeOrder');

export function toRpcTradeOrder(o: Order): RpcTradeOrderWithExtensions {
  const held = (o as { [SHAPE]?: RpcTradeOrderWithExtensions })[SHAPE];
  if (held !== undefined) return held;
  const out = build(o);
  Object.defineProperty(o, SHAPE, { value: out });
  return out;
}

function build(o: Order): RpcTradeOrderWithExtensions {
  // Nothing executed (every order's first states): no decimal arithmetic.
  const unexecuted = o.executedQuantity === '0' && o.executedCost === '0';
  const figures = unexecuted ? NOTHING_EXECUTED : (executedInUnits(o) ?? executedInDec(o));
  const out: RpcTradeOrderWithExtensions = {
    tradeOrderId: o.tradeOrderId,
    clientOrderId: o.clientOrderId,
    venue: o.venue,
    tradingAccountId: o.tradingAccountId,
    instrumentId: o.instrumentId,
    baseAsset: o.baseAsset,
    quoteAsset: o.quoteAsset,
    orderType: o.orderType as RpcTradeOrder['orderType'],
    orderSide: o.side,
    quantityType: o.quantityType,
    quantity: o.quantity,
    timeInForce: o.timeInForce as RpcTradeOrder['timeInForce'],
    status: o.status,
    executedQuantity: o.executedQuantity,
    executedCost: o.executedCost,
    executedPercentage: figures.percentage,
    fees: Object.entries(o.fees).map(([asset, quantity]) => ({ asset, quantity })),
    createdAt: toIso(o.createdAt),
    updatedAt: toIso(o.updatedAt),
  };
  if (figures.price !== undefined) out.executedPrice = figures.price;
  if (o.quantityType === 'QUOTE') out.quoteCurrencyQuantity = o.quantity;
  if (o.quantityRounding !== undefined) out.quantityRounding = o.quantityRounding;
  if (o.originalClientOrderId !== undefined) out.originalClientOrderId = o.originalClientOrderId;
  if (o.externalOrderId !== undefined) out.externalOrderId = o.externalOrderId;
  if (o.idempotencyKey !== undefined) out.idempotencyKey = o.idempotencyKey;
  if (o.externalSymbol !== undefined) out.externalSymbol = o.externalSymbol;
  if (o.limitPrice !== undefined) out.limitPrice = o.limitPrice;
  if (o.stopPrice !== undefined) out.stopPrice = o.stopPrice;
  if (o.cancelReason !== undefined) out.cancelReason = o.cancelReason;
  if (o.rejectReason !== undefined) out.rejectReason = o.rejectReason;
  if (o.expireAt !== undefined) out.expireAt = toIso(o.expireAt);
  if (o.lastExecutionAt !== undefined) out.lastExecutionAt = toIso(o.lastExecutionAt);
  if (o.canceledAt !== undefined) out.canceledAt = toIso(o.canceledAt);
  // What this server adds (docs/extensions.md).
  if (o.trailingOffset !== undefined) out.trailingOffset = o.trailingOffset;
  if (o.trailingOffsetType !== undefined) out.trailingOffsetType = o.trailingOffsetType;
  if (o.orderListId !== undefined) out.orderListId = o.orderListId;
  if (o.externalOrderListId !== undefined) out.externalOrderListId = o.externalOrderListId;
  if (o.contingencyType !== undefined) out.contingencyType = o.contingencyType;
  if (o.orderListRole !== undefined) out.orderListRole = o.orderListRole;
  if (o.orderListId !== undefined) for (const k of LIST_TERMS) if (o[k] !== undefined) (out as Record<string, unknown>)[k] = o[k];
  if (o.emulated) out.emulated = true;
  if (o.positionId !== undefined) out.positionId = o.positionId;
  if (o.derivative) out.leverage = o.derivative.leverage;
  return out;
}

/** The filled share (percent, 4 places, rounded down) and the average fill price (12 places, half up) of an order. */
interface Executed {
  percentage: string;
  price?: string;
}

const NOTHING_EXECUTED: Executed = { percentage: '0' };

/** `executedInDec` in exact integers (model/money-units.ts); undefined off the grid. */
function executedInUnits(o: Order): Executed | undefined {
  const executed = unitsOf(o.executedQuantity);
  const cost = unitsOf(o.executedCost);
  // A whole fill states its quantity twice (the same text): read once.
  const quantity = o.quantity === o.executedQuantity ? executed : unitsOf(o.quantity);
  if (executed === undefined || cost === undefined || quantity === undefined || quantity === 0n) return undefined;
  const filled = o.quantityType === 'QUOTE' ? cost : executed;
  const share = filled === quantity ? HUNDRED : divUnits(filled * 100n, quantity, 4, ROUND_DOWN);
  if (share === undefined) return undefined;
  const percentage = share === HUNDRED ? HUNDRED_TEXT : textOf(share);
  if (executed <= 0n) return { percentage };
  const price = divUnits(cost, executed, 12, ROUND_HALF_UP);
  return price === undefined ? undefined : { percentage, price: textOf(price) };
}

const HUNDRED = 100n * 10n ** 20n;
const HUNDRED_TEXT = textOf(HUNDRED);

/** The reference, with Dec. */
function executedInDec(o: Order): Executed {
  const executed = dec(o.executedQuantity);
  const cost = dec(o.executedCost);
  const out: Executed = { percentage: str((o.quantityType === 'QUOTE' ? cost : executed).mul(100).div(o.quantity).toDecimalPlaces(4, ROUND_DOWN)) };
  if (executed.gt(0)) out.price = str(cost.div(executed).toDecimalPlaces(12, ROUND_HALF_UP));
  return out;
}

/** An order list's take-profit and stop-loss terms, kept on each of its legs. */
const LIST_TERMS = ['takeProfitPrice', 'takeProfitLimitPrice', 'takeProfitTimeInForce', 'stopLossPrice', 'stopLossLimitPrice', 'stopLossTimeInForce'] as const;
