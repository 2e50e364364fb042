/**
 * @module rpc/system
 * query.system.info, query.system.check.
 */
import type { RpcHealthCheck, RpcSystemInfo } from '@cadenza/contract';
import { toIso } from '@cadenza/domain';
import { user, type RpcHandlers } from './rpc-handler.ts';

export interface SystemProbe {
  /** Health of the database, checked on each `query.system.check`. */
  database?: () => boolean;
  now?: () => number;
}

export function systemHandlers(probe: SystemProbe): RpcHandlers {
  return {
    'query.system.info': user((_c, _p, cadenza) => {
      const s = cadenza.config.system;
      const info: RpcSystemInfo = { name: s.name, version: s.version, description: s.description, documentation: s.documentation };
      return { data: info };
    }),
    'query.system.check': user((_c, _p, cadenza) => {
      const db = probe.database ? probe.database() : true;
      const check: RpcHealthCheck = {
        status: db ? 'healthy' : 'unhealthy',
        timestamp: toIso((probe.now ?? Date.now)()),
        version: cadenza.config.system.version,
        checks: { database: { status: db ? 'healthy' : 'unhealthy' } },
      };
      return { data: check };
    }),
  };
}
