/**
 * @module rpc/securities
 * query.security.list (everyone) and the admin security methods. Securities are the assets of the
 * instruments each venue lists (`{VENUE}:{ASSET}`).
 */
import type { RpcListSecuritiesParams } from '@cadenza/contract';
import { DomainError, boundedText, pageOf, paginationOf, slicePage, toRpcSecurity, type Security } from '@cadenza/domain';
import type { ListSecuritiesExtras } from './params-extensions.ts';
import { admin, user, type RpcHandlers } from './rpc-handler.ts';

export const securityHandlers: RpcHandlers = {
  'query.security.list': user((_c, p: RpcListSecuritiesParams & ListSecuritiesExtras, z) => {
    const f: { venue?: string; securities?: string[]; externalSymbols?: string[] } = {};
    if (p.venue) f.venue = p.venue;
    if (p.securities) f.securities = p.securities;
    if (p.externalSymbols) f.externalSymbols = p.externalSymbols;
    const page = pageOf({ limit: p.limit ?? 1000, offset: p.offset ?? 0 });
    const r = slicePage(z.instruments.listSecurities(f), page);
    return { data: r.items.map(toRpcSecurity), pagination: paginationOf(page, r) };
  }),
  'command.security.sync': admin((_c, p, z) => ({ data: z.instruments.syncSecurities(p.venue, p.securities).map(toRpcSecurity) })),
  'command.security.save': admin((_c, p, z) => {
    const list: Security[] = p.securities.map((s) => {
      if (!s.venue || !s.symbol) throw new DomainError('VALIDATION_FAILED', 'securities[] need venue and symbol');
      z.venues.require(s.venue);
      return { securityId: s.securityId ?? `${s.venue}:${s.symbol}`, venue: s.venue, symbol: s.symbol, externalSymbol: s.externalSymbol ?? s.symbol };
    });
    return { data: z.instruments.saveSecurities(list).map(toRpcSecurity) };
  }),
  'command.security.delete': admin((_c, p, z) => {
    const unknown = p.securityIds.find((id) => !z.instruments.findSecurity(id));
    if (unknown !== undefined) throw new DomainError('SECURITY_NOT_FOUND', `security ${boundedText(unknown)} not found`);
    z.instruments.deleteSecurities(p.securityIds);
    return {};
  }),
};
