/**
 * @module rpc/trade-order-extensions
 * The order methods this server adds to the contract (docs/extensions.md; schemas in @cadenza/contract's
 * order-extensions.ts): the executions query, amend and cancel-all.
 */
import { pageOf, paginationOf, toRpcTradeExecution, toRpcTradeOrder, type AmendTerms, type ExecutionListFilter, type OrderLookup } from '@cadenza/domain';
import { user, type RpcHandlers } from './rpc-handler.ts';

export const tradeOrderExtensionHandlers: RpcHandlers = {
  'command.trade_order.amend': user(async (c, p, z) => {
    const req: OrderLookup & AmendTerms & { tradingAccountId: string } = { tradingAccountId: p.tradingAccountId };
    for (const k of ['tradeOrderId', 'clientOrderId', 'externalOrderId', 'quantity', 'limitPrice', 'stopPrice'] as const) {
      const v = p[k];
      if (v !== undefined && v !== null) req[k] = v;
    }
    return { data: toRpcTradeOrder(await z.orders.amend(c, req)) };
  }),
  'command.trade_order.cancel_all': user(async (c, p, z) => {
    const req: { tradingAccountId: string; instrumentId?: string } = { tradingAccountId: p.tradingAccountId };
    if (p.instrumentId !== undefined && p.instrumentId !== null) req.instrumentId = p.instrumentId;
    return { data: (await z.orders.cancelAll(c, req)).map(toRpcTradeOrder) };
  }),
  'query.trade_order.execution.list': user(async (c, p, z) => {
    const page = pageOf(p.pagination);
    const f: ExecutionListFilter = {};
    for (const k of ['tradingAccountId', 'tradeOrderId', 'tradeOrderIds', 'instrumentId', 'startTime', 'endTime', 'ascending'] as const) {
      const v = p[k];
      if (v !== undefined && v !== null) (f as Record<string, unknown>)[k] = v;
    }
    const r = await z.orders.executions(c, f, page);
    return { data: r.items.map(toRpcTradeExecution), pagination: paginationOf(page, r) };
  }),
};
