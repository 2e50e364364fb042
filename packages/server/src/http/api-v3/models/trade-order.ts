/**
 * @module http/api-v3/models/trade-order
 * `RpcTradeOrder` → the REST `TradeOrder` (§d.3). Every required field is present: an order with no fill has
 * `executedPrice` "0"; fees become `SecurityQuantity` with the venue's security id (`{VENUE}:{ASSET}`); a QUOTED order
 * names its `quoteId`.
 */
import type { RpcTradeExecution, RpcTradeOrderWithExtensions, SecurityQuantity, TradeExecution, TradeOrder, Venue } from '@cadenza/contract';
import { optionalRestTime, restTime } from './rest-time.ts';

/** `executions`: the order's fills, oldest first, each as the contract's `TradeExecution` (see `toOrderExecution`). */
export function toRestTradeOrder(o: RpcTradeOrderWithExtensions, executions?: RpcTradeExecution[]): TradeOrder {
  const venue = o.venue as Venue;
  const out: TradeOrder = {
    tradeOrderId: o.tradeOrderId!,
    tradingAccountId: o.tradingAccountId!,
    venue,
    instrumentId: o.instrumentId!,
    baseAsset: o.baseAsset!,
    quoteAsset: o.quoteAsset!,
    orderSide: o.orderSide!,
    orderType: o.orderType ?? null,
    timeInForce: o.timeInForce ?? null,
    status: o.status ?? null,
    quantity: o.quantity!,
    orderQuantityType: o.quantityType ?? 'BASE',
    executedPrice: o.executedPrice ?? '0',
    executedQuantity: o.executedQuantity ?? '0',
    executedCost: o.executedCost ?? '0',
    fees: (o.fees ?? []).map((f): SecurityQuantity => ({ security: `${venue}:${f.asset}`, asset: f.asset!, venue, quantity: f.quantity! })),
    ...restTime('createdAt', o.createdAt),
    ...restTime('updatedAt', o.updatedAt),
    ...optionalRestTime('expireAt', o.expireAt),
    ...optionalRestTime('canceledAt', o.canceledAt),
  };
  if (executions !== undefined) out.executions = executions.map(toOrderExecution);
  if (o.quantityRounding !== undefined) out.quantityRounding = o.quantityRounding;
  // An order list's leg (docs/extensions.md): the contract's list fields, as the leg carries them.
  for (const k of ['orderListId', 'externalOrderListId', 'takeProfitPrice', 'takeProfitLimitPrice', 'stopLossPrice', 'stopLossLimitPrice'] as const) if (o[k] !== undefined) out[k] = o[k];
  if (o.contingencyType !== undefined) out.contingencyType = o.contingencyType;
  if (o.takeProfitTimeInForce != null) out.takeProfitTimeInForce = o.takeProfitTimeInForce;
  if (o.stopLossTimeInForce != null) out.stopLossTimeInForce = o.stopLossTimeInForce;
  if (o.limitPrice !== undefined) out.limitPrice = o.limitPrice;
  if (o.stopPrice !== undefined) out.stopPrice = o.stopPrice;
  if (o.rejectReason !== undefined) out.rejectReason = o.rejectReason;
  if (o.cancelReason !== undefined) out.cancelReason = o.cancelReason;
  if (o.positionId !== undefined) out.positionId = o.positionId;
  // A QUOTED order's venue order id is the quote it accepted (docs/otc.md).
  if (o.orderType === 'QUOTED' && o.externalOrderId !== undefined) out.quoteId = o.externalOrderId;
  return out;
}

/** An order's fill as the REST `TradeOrderExecution` (a `TradeExecution` naming its order and account; an extension). */
export function toRestExecution(f: RpcTradeExecution): TradeExecution & { tradeOrderId: string; tradingAccountId: string; liquidity?: 'MAKER' | 'TAKER' } {
  const venue = f.venue as Venue;
  const out: ReturnType<typeof toRestExecution> = {
    executionId: f.executionId,
    tradeOrderId: f.tradeOrderId,
    tradingAccountId: f.tradingAccountId,
    venue,
    instrumentId: f.instrumentId,
    executedQuantity: f.executedQuantity,
    executedPrice: f.executedPrice,
    executedCost: f.executedCost,
    fees: (f.fees ?? []).map((x): SecurityQuantity => ({ security: `${venue}:${x.asset}`, asset: x.asset!, venue, quantity: x.quantity! })),
    ...restTime('executedAt', f.executedAt),
  };
  if (f.externalTradeId !== undefined) out.externalTradeId = f.externalTradeId;
  if (f.orderSide !== undefined) out.orderSide = f.orderSide;
  if (f.liquidity !== undefined) out.liquidity = f.liquidity;
  return out;
}

/** A fill inside its order's `executions`: exactly the contract's `TradeExecution` (no order/account ids, no liquidity). */
function toOrderExecution(f: RpcTradeExecution): TradeExecution {
  const { tradeOrderId: _order, tradingAccountId: _account, liquidity: _liquidity, ...execution } = toRestExecution(f);
  return execution;
}
