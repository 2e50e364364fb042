/**
 * @module http/api-v3/operations/order-operations
 * `/tradeOrder/*`. Submit is flat on REST and nested (`tradeOrder`) on RPC, takes `expireAt` in epoch ms, and
 * answers a list: the order, or — for an order list (`contingencyType` OCO/OTO/OTOCO with the take-profit/stop-loss
 * fields, docs/extensions.md) — every leg of it, oldest first, as the contract writes it. A QUOTED order carries its
 * `quoteId` (docs/otc.md). `positionId` and `leverage` (derivatives) travel in the RPC draft as
 * `tradeOrder.positionId` / `.leverage` (docs/derivatives.md).
 */
import type { RpcTradeExecution, RpcTradeOrder, RpcTradeOrderWithExtensions } from '@cadenza/contract';
import { toRestExecution, toRestTradeOrder } from '../models/trade-order.ts';
import { isoOf } from '../models/rest-time.ts';
import { compact, pagination, type RestOperation } from '../rest-operation.ts';
import type { RestInput } from '../request-checks.ts';

function submitParams(b: RestInput): Record<string, unknown> {
  const tradeOrder = compact({
    instrumentId: b.instrumentId,
    clientOrderId: b.clientOrderId,
    orderSide: b.orderSide,
    orderType: b.orderType,
    timeInForce: b.timeInForce,
    quantity: b.quantity,
    quantityType: b.quantityType,
    quantityRounding: b.quantityRounding,
    limitPrice: b.limitPrice,
    stopPrice: b.stopPrice,
    expireAt: typeof b.expireAt === 'number' ? isoOf(b.expireAt) : undefined,
    positionId: b.positionId,
    leverage: b.leverage,
    quoteId: b.quoteId,
    contingencyType: b.contingencyType ?? undefined,
    takeProfitPrice: b.takeProfitPrice,
    takeProfitLimitPrice: b.takeProfitLimitPrice,
    takeProfitTimeInForce: b.takeProfitTimeInForce ?? undefined,
    stopLossPrice: b.stopLossPrice,
    stopLossLimitPrice: b.stopLossLimitPrice,
    stopLossTimeInForce: b.stopLossTimeInForce ?? undefined,
  });
  return compact({ tradingAccountId: b.tradingAccountId, tradeOrder, idempotencyKey: b.idempotencyKey, awaitClosed: b.awaitClosed });
}

export const orderOperations: RestOperation[] = [
  {
    operationId: 'submitTradeOrder',
    rpc: 'command.trade_order.submit',
    request: submitParams,
    response: async (o: RpcTradeOrderWithExtensions, _input, context) => {
      if (!o.orderListId) return [toRestTradeOrder(o)];
      const legs: RpcTradeOrder[] = await context.call('query.trade_order.list', { tradingAccountId: o.tradingAccountId, orderListId: o.orderListId, ascending: true, pagination: { limit: 10 } });
      return legs.map((leg) => toRestTradeOrder(leg.tradeOrderId === o.tradeOrderId ? o : leg));
    },
  },
  {
    operationId: 'cancelTradeOrder',
    rpc: 'command.trade_order.cancel',
    request: (b) => ({ tradingAccountId: b.tradingAccountId, tradeOrderId: b.tradeOrderId }),
    response: toRestTradeOrder,
  },
  {
    operationId: 'listTradeOrders',
    rpc: 'query.trade_order.list',
    request: (q) =>
      compact({
        tradeOrderId: q.tradeOrderId,
        orderListId: q.orderListId,
        externalOrderListId: q.externalOrderListId,
        status: q.orderStatus,
        tradingAccountId: q.tradingAccountId,
        instrumentId: q.instrumentId,
        startTime: typeof q.startTime === 'number' ? isoOf(q.startTime) : undefined,
        endTime: typeof q.endTime === 'number' ? isoOf(q.endTime) : undefined,
        ascending: q.ascending,
        pagination: pagination(q),
      }),
    response: (orders: RpcTradeOrder[]) => orders.map((o) => toRestTradeOrder(o)),
  },
  // The server's extensions (docs/extensions.md; scripts/rest-extensions.ts writes their OpenAPI entries).
  {
    operationId: 'amendTradeOrder',
    rpc: 'command.trade_order.amend',
    request: (b) => compact({ tradingAccountId: b.tradingAccountId, tradeOrderId: b.tradeOrderId, clientOrderId: b.clientOrderId, externalOrderId: b.externalOrderId, quantity: b.quantity, limitPrice: b.limitPrice, stopPrice: b.stopPrice }),
    response: toRestTradeOrder,
  },
  {
    operationId: 'cancelAllTradeOrders',
    rpc: 'command.trade_order.cancel_all',
    request: (b) => compact({ tradingAccountId: b.tradingAccountId, instrumentId: b.instrumentId }),
    response: (orders: RpcTradeOrder[]) => orders.map((o) => toRestTradeOrder(o)),
  },
  {
    operationId: 'listTradeOrderExecutions',
    rpc: 'query.trade_order.execution.list',
    request: (q) =>
      compact({
        tradingAccountId: q.tradingAccountId,
        tradeOrderId: q.tradeOrderId,
        instrumentId: q.instrumentId,
        startTime: typeof q.startTime === 'number' ? isoOf(q.startTime) : undefined,
        endTime: typeof q.endTime === 'number' ? isoOf(q.endTime) : undefined,
        ascending: q.ascending,
        pagination: pagination(q),
      }),
    response: (fills: RpcTradeExecution[]) => fills.map(toRestExecution),
  },
];
