/**
 * @module cluster/domain-access
 * What the transports (WebSocket hooks, REST, the Centrifugo proxy endpoints) need of the trading domain — its RPC
 * table and its subscribe grants — wherever it runs: in this process, in the server holding the domain lease (then
 * calls are forwarded there), or nowhere for a moment (a fail-over under way: a temporary answer the clients retry).
 */
import { extensionRpcMethods, rpcMethods } from '@cadenza/contract';
import { DomainError, type CallerContext } from '@cadenza/domain';
import { ProtocolError } from '@cadenza/gateway';
import { rpcHandlers, type RpcDispatcher } from '../rpc/index.ts';

export interface DomainAccess {
  readonly rpc: RpcDispatcher;
  /** Subscribe permission and the subscribe reply's data; throws ProtocolError when refused. */
  grant(caller: CallerContext, channel: string): Promise<{ data?: unknown }>;
}

/** Every method the RPC table answers, wherever the table runs. */
export const domainMethods: ReadonlySet<string> = new Set(Object.keys(rpcHandlers()));
const contractMethods = new Set([...rpcMethods, ...extensionRpcMethods].map((m) => m.method));

/** The temporary refusal while no server holds the domain. */
export function domainMoving(): { code: number; message: string; temporary?: boolean } {
  return new DomainError('STORE_UNAVAILABLE', 'the trading domain is moving to another server; retry shortly').toRpcError();
}

/** While no server holds the domain: contract methods answer 10003 (temporary), subscriptions a temporary 100. */
export const domainUnavailable: DomainAccess = {
  rpc: {
    methods: domainMethods,
    async dispatch(_caller, method) {
      if (!contractMethods.has(method)) return { protocolError: { code: 104, message: 'method not found' } };
      return { result: { error: domainMoving() } };
    },
  },
  async grant() {
    throw new ProtocolError(100, 'internal server error', true);
  },
};

/** The domain running here when there is one, else the lease holder's, else "moving". Decided per call. */
export function routedDomain(o: { local(): DomainAccess | undefined; remote(): DomainAccess | undefined }): DomainAccess {
  const pick = () => o.local() ?? o.remote() ?? domainUnavailable;
  return {
    rpc: {
      methods: domainMethods,
      dispatch: (caller, method, params, options) => pick().rpc.dispatch(caller, method, params, options),
    },
    grant: (caller, channel) => pick().grant(caller, channel),
  };
}
