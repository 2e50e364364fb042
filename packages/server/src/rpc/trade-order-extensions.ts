/**
 * @module rpc/trade-order-extensions
 * The order methods this server adds to the contract (docs/extensions.md; schemas in @cadenza/contract's
 * order-extensions.ts): the executions query, amend and cancel-all.
 */
import { pageOf, paginationOf, toRpcTradeExecution, type ExecutionListFilter } from '@cadenza/domain';
import { user, type RpcHandlers } from './rpc-handler.ts';

export const tradeOrderExtensionHandlers: RpcHandlers = {
  'query.trade_order.execution.list': user(async (c, p, z) => {
    const page = pageOf(p.pagination);
    const f: ExecutionListFilter = {};
    for (const k of ['tradingAccountId', 'tradeOrderId', 'instrumentId', 'startTime', 'endTime', 'ascending'] as const) {
      const v = p[k];
      if (v !== undefined && v !== null) (f as Record<string, unknown>)[k] = v;
    }
    const r = await z.orders.executions(c, f, page);
    return { data: r.items.map(toRpcTradeExecution), pagination: paginationOf(page, r) };
  }),
};
