/**
 * @module rpc/portfolios
 * query.portfolio.get/list and the admin balance adjustment command.portfolio.save.
 */
import { pageOf, paginationOf } from '@cadenza/domain';
import { admin, user, type RpcHandlers } from './rpc-handler.ts';

export const portfolioHandlers: RpcHandlers = {
  'query.portfolio.get': user((c, p, z) => ({ data: z.portfolios.get(c, p.tradingAccountId) })),
  'query.portfolio.list': user(async (c, p, z) => {
    const page = pageOf(p.pagination);
    const f: { tradingAccountId?: string; venue?: string; currency?: string } = {};
    if (p.tradingAccountId) f.tradingAccountId = p.tradingAccountId;
    if (p.venue) f.venue = p.venue;
    if (p.currency) f.currency = p.currency;
    const r = await z.portfolios.list(c, f, page);
    return { data: r.items, pagination: paginationOf(page, r) };
  }),
  'command.portfolio.save': admin((c, p, z) => ({ data: z.portfolios.save(c, p.portfolio) })),
};
