/**
 * @module http/api-v3/operations/order-operations
 * `/tradeOrder/*`. Submit is flat on REST and nested (`tradeOrder`) on RPC, takes `expireAt` in epoch ms, and
 * answers a list of one order. A QUOTED order carries its `quoteId` (docs/otc.md). Order features this server does
 * not offer (contingent lists, take-profit/stop-loss legs) are refused rather than dropped: an order must never trade
 * without a leg its sender asked for. `positionId` and `leverage` (derivatives) travel in the RPC draft as
 * `tradeOrder.positionId` / `.leverage` (docs/derivatives.md).
 */
import type { RpcTradeExecution, RpcTradeOrder } from '@cadenza/contract';
import { toRestExecution, toRestTradeOrder } from '../models/trade-order.ts';
import { isoOf } from '../models/rest-time.ts';
import { invalidRequest } from '../http-status.ts';
import { compact, pagination, type RestOperation } from '../rest-operation.ts';
import type { RestInput } from '../request-checks.ts';

const notOffered = [
  'contingencyType', 'takeProfitPrice', 'takeProfitLimitPrice', 'stopLossPrice',
  'stopLossLimitPrice', 'takeProfitTimeInForce', 'stopLossTimeInForce',
] as const;

function submitParams(b: RestInput): Record<string, unknown> {
  const refused = notOffered.find((k) => b[k] !== undefined && b[k] !== null);
  if (refused) throw invalidRequest(`${refused} is not supported by this server (no contingent or take-profit/stop-loss orders)`);
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
  });
  return compact({ tradingAccountId: b.tradingAccountId, tradeOrder, idempotencyKey: b.idempotencyKey, awaitClosed: b.awaitClosed });
}

export const orderOperations: RestOperation[] = [
  { operationId: 'submitTradeOrder', rpc: 'command.trade_order.submit', request: submitParams, response: (o) => [toRestTradeOrder(o)] },
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
