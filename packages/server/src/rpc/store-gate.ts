/**
 * @module rpc/store-gate
 * While the store cannot reach its database (PostgreSQL down or unreachable), commands are refused at once with the
 * temporary `10003 STORE_UNAVAILABLE` rather than applied in memory and left unanswered until the database returns
 * (docs/storage.md). Queries pass: what memory answers still works, the rest fails with the same error from the store.
 * The embedded SQLite store is always available.
 */
import { DomainError } from '@cadenza/domain';
import type { RpcDispatcher } from './rpc-dispatcher.ts';

export function storeGate(inner: RpcDispatcher, available: () => boolean): RpcDispatcher {
  return {
    methods: inner.methods,
    async dispatch(caller, method, params, options) {
      if (method.startsWith('command.') && inner.methods.has(method) && !available()) {
        return { result: { error: new DomainError('STORE_UNAVAILABLE').toRpcError() } };
      }
      return inner.dispatch(caller, method, params, options);
    },
  };
}
