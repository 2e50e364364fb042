/**
 * @module rpc/instruments
 * query.instrument.list (everyone) and the admin catalogue methods.
 */
import { DomainError, pageOf, paginationOf, slicePage, specFromRpc, toRpcInstrument, type InstrumentFilter, type InstrumentSpec } from '@cadenza/domain';
import { admin, user, type RpcHandlers } from './rpc-handler.ts';

export const instrumentHandlers: RpcHandlers = {
  'query.instrument.list': user((_c, p, z) => {
    const f: InstrumentFilter = {};
    if (p.venue) f.venue = p.venue;
    if (p.symbols?.length) f.symbols = p.symbols;
    if (p.securityType) f.securityType = p.securityType;
    if (p.instrumentStatus) f.status = p.instrumentStatus;
    const page = pageOf({ offset: Math.max(p.offset ?? 0, 0), limit: p.limit ?? 50 });
    const r = slicePage(z.instruments.list(f), page);
    return { data: r.items.map(toRpcInstrument), pagination: paginationOf(page, r) };
  }),
  'command.instrument.sync': admin(async (_c, p, z) => ({ data: { total: await z.instruments.sync(p.venue, p.symbols) } })),
  'command.instrument.save': admin((_c, p, z) => {
    const specs: InstrumentSpec[] = [];
    const statuses = new Map<string, 'ACTIVE' | 'INACTIVE' | 'DISABLED' | 'DELISTED'>();
    for (const r of p.instruments) {
      const existing = r.instrumentId ? z.instruments.get(r.instrumentId)?.spec : undefined;
      const spec = specFromRpc(r, existing);
      if (!spec) throw new DomainError('VALIDATION_FAILED', 'instruments[] need venue and symbol (BASE/QUOTE) or an existing instrumentId');
      z.venues.require(spec.venue);
      specs.push(spec);
      if (r.status) statuses.set(spec.instrumentId, r.status);
    }
    return { data: z.instruments.save(specs, statuses).map(toRpcInstrument) };
  }),
  'command.instrument.delete': admin((_c, p, z) => ({ data: toRpcInstrument(z.instruments.delete(p.instrumentId)) })),
  'command.instrument.enable': admin((_c, p, z) => ({ data: toRpcInstrument(z.instruments.setStatus(p.instrumentId, 'ACTIVE')) })),
  'command.instrument.disable': admin((_c, p, z) => ({ data: toRpcInstrument(z.instruments.setStatus(p.instrumentId, 'DISABLED')) })),
};
