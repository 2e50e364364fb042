/**
 * @module rpc/trade-orders
 * command.trade_order.* and query.trade_order.*.
 */
import type { RpcListTradeOrdersParams } from '@cadenza/contract';
import { pageOf, paginationOf, toRpcTradeOrder, type OrderListFilter, type OrderLookup } from '@cadenza/domain';
import type { ListTradeOrdersExtras } from './params-extensions.ts';
import { admin, user, type RpcHandlers } from './rpc-handler.ts';

function lookupOf(p: { tradeOrderId?: string; tradingAccountId?: string; clientOrderId?: string; externalOrderId?: string }): OrderLookup {
  const q: OrderLookup = {};
  if (p.tradeOrderId) q.tradeOrderId = p.tradeOrderId;
  if (p.tradingAccountId) q.tradingAccountId = p.tradingAccountId;
  if (p.clientOrderId) q.clientOrderId = p.clientOrderId;
  if (p.externalOrderId) q.externalOrderId = p.externalOrderId;
  return q;
}

export const tradeOrderHandlers: RpcHandlers = {
  'command.trade_order.submit': user(async (c, p, z) => {
    const req: Parameters<typeof z.orders.submit>[1] = { tradingAccountId: p.tradingAccountId, tradeOrder: p.tradeOrder };
    if (p.idempotencyKey !== undefined) req.idempotencyKey = p.idempotencyKey;
    if (p.awaitClosed !== undefined) req.awaitClosed = p.awaitClosed;
    return { data: toRpcTradeOrder(await z.orders.submit(c, req)) };
  }),
  'command.trade_order.cancel': user(async (c, p, z) => ({
    data: toRpcTradeOrder(await z.orders.cancel(c, { ...lookupOf(p), tradingAccountId: p.tradingAccountId })),
  })),
  'command.trade_order.save': admin(async (_c, p, z) => ({ data: toRpcTradeOrder(await z.orders.save(p.tradeOrder)) })),
  'query.trade_order.get': user(async (c, p, z) => ({ data: toRpcTradeOrder(await z.orders.get(c, lookupOf(p))) })),
  'query.trade_order.get_by_id': user(async (c, p, z) => ({ data: toRpcTradeOrder(await z.orders.get(c, { tradeOrderId: p.tradeOrderId })) })),
  'query.trade_order.list': user(async (c, p: RpcListTradeOrdersParams & ListTradeOrdersExtras, z) => {
    const page = pageOf(p.pagination);
    const f: OrderListFilter = {};
    for (const k of ['tradeOrderId', 'tradingAccountId', 'instrumentId', 'side', 'orderType', 'status', 'startTime', 'endTime', 'orderListId', 'externalOrderListId', 'ascending'] as const) {
      const v = p[k];
      if (v !== undefined && v !== null) (f as Record<string, unknown>)[k] = v;
    }
    const r = await z.orders.list(c, f, page);
    return { data: r.items.map(toRpcTradeOrder), pagination: paginationOf(page, r) };
  }),
};
