/**
 * @module http/api-v3/operations/order-operations
 * `/tradeOrder/*`. Submit is flat on REST and nested (`tradeOrder`) on RPC, takes `expireAt` in epoch ms, and
 * answers a list: the order, or — for an order list (`contingencyType` OCO/OTO/OTOCO with the take-profit/stop-loss
 * fields, docs/extensions.md) — every leg of it, as the contract writes it: the entry, the take-profit, the stop-loss
 * (legs made in the same millisecond have no age order). A QUOTED order carries its
 * `quoteId` (docs/otc.md). `positionId` and `leverage` (derivatives) travel in the RPC draft as
 * `tradeOrder.positionId` / `.leverage` (docs/derivatives.md).
 */
import type { RpcTradeExecution, RpcTradeOrder, RpcTradeOrderWithExtensions } from '@cadenza/contract';
import { toRestExecution, toRestTradeOrder } from '../models/trade-order.ts';
import { isoOf, isoRange } from '../models/rest-time.ts';
import { compact, pagination, type RestContext, type RestOperation } from '../rest-operation.ts';
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

/** The most order ids (and fills) one executions query takes: the RPC's page and `tradeOrderIds` bound. */
const FILLS_PAGE = 1000;

/**
 * The orders as REST `TradeOrder`s with their `executions`: the fills of every order of the answer read with one
 * executions query (`tradeOrderIds`; a further page only when the orders have more than 1,000 fills between them).
 * An order with nothing executed has no fill to read: an answer of such orders only (a resting order) reads nothing.
 */
async function withExecutions(orders: RpcTradeOrderWithExtensions[], context: RestContext) {
  const fills = new Map<string, RpcTradeExecution[]>();
  const ids = orders.filter((o) => o.executedQuantity !== undefined && !/^[0.]*$/.test(o.executedQuantity)).map((o) => o.tradeOrderId!);
  for (const id of ids) fills.set(id, []);
  const accounts = new Set(orders.map((o) => o.tradingAccountId));
  const tradingAccountId = accounts.size === 1 ? orders[0]!.tradingAccountId : undefined;
  for (let start = 0; start < ids.length; start += FILLS_PAGE) {
    const tradeOrderIds = ids.slice(start, start + FILLS_PAGE);
    for (let offset = 0; ; offset += FILLS_PAGE) {
      const page: RpcTradeExecution[] = await context.call('query.trade_order.execution.list', compact({ tradingAccountId, tradeOrderIds, ascending: true, pagination: { limit: FILLS_PAGE, offset } }));
      for (const f of page) fills.get(f.tradeOrderId)?.push(f);
      if (page.length < FILLS_PAGE) break;
    }
  }
  return orders.map((o) => toRestTradeOrder(o, fills.get(o.tradeOrderId!) ?? []));
}

const LEG_ORDER = ['ENTRY', 'TAKE_PROFIT', 'STOP_LOSS'];

export const orderOperations: RestOperation[] = [
  {
    operationId: 'submitTradeOrder',
    rpc: 'command.trade_order.submit',
    request: submitParams,
    response: async (o: RpcTradeOrderWithExtensions, _input, context) => {
      if (!o.orderListId) return withExecutions([o], context);
      const legs: RpcTradeOrderWithExtensions[] = await context.call('query.trade_order.list', { tradingAccountId: o.tradingAccountId, orderListId: o.orderListId, ascending: true, pagination: { limit: 10 } });
      legs.sort((a, b) => LEG_ORDER.indexOf(a.orderListRole ?? 'ENTRY') - LEG_ORDER.indexOf(b.orderListRole ?? 'ENTRY'));
      return withExecutions(legs.map((leg) => (leg.tradeOrderId === o.tradeOrderId ? o : leg)), context);
    },
  },
  {
    operationId: 'cancelTradeOrder',
    rpc: 'command.trade_order.cancel',
    request: (b) => ({ tradingAccountId: b.tradingAccountId, tradeOrderId: b.tradeOrderId }),
    response: (o: RpcTradeOrderWithExtensions, _input, context) => withExecutions([o], context).then(([one]) => one),
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
        ...isoRange(q),
        ascending: q.ascending,
        pagination: pagination(q),
      }),
    response: (orders: RpcTradeOrder[], _input, context) => withExecutions(orders, context),
  },
  // The server's extensions (docs/extensions.md; scripts/rest-extensions.ts writes their OpenAPI entries).
  {
    operationId: 'amendTradeOrder',
    rpc: 'command.trade_order.amend',
    request: (b) => compact({ tradingAccountId: b.tradingAccountId, tradeOrderId: b.tradeOrderId, clientOrderId: b.clientOrderId, externalOrderId: b.externalOrderId, quantity: b.quantity, limitPrice: b.limitPrice, stopPrice: b.stopPrice }),
    response: (o: RpcTradeOrderWithExtensions, _input, context) => withExecutions([o], context).then(([one]) => one),
  },
  {
    operationId: 'cancelAllTradeOrders',
    rpc: 'command.trade_order.cancel_all',
    request: (b) => compact({ tradingAccountId: b.tradingAccountId, instrumentId: b.instrumentId }),
    response: (orders: RpcTradeOrder[], _input, context) => withExecutions(orders, context),
  },
  {
    operationId: 'listTradeOrderExecutions',
    rpc: 'query.trade_order.execution.list',
    request: (q) =>
      compact({
        tradingAccountId: q.tradingAccountId,
        tradeOrderId: q.tradeOrderId,
        instrumentId: q.instrumentId,
        ...isoRange(q),
        ascending: q.ascending,
        pagination: pagination(q),
      }),
    response: (fills: RpcTradeExecution[]) => fills.map(toRestExecution),
  },
];
