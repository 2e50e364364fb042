/**
 * @module rpc/rpc-handler
 * The shape of one RPC method's handler, typed from the contract's generated method map (`RpcMethodMap`): a
 * handler of `command.trade_order.submit` takes `RpcSubmitTradeOrderParams` and answers the `data` (and
 * `pagination`) of `RpcSubmitTradeOrderResult`. Handlers are written `(caller, params, cadenza)`.
 */
import type { ExtensionRpcMethodMap, RpcMethodMap, RpcPagination } from '@cadenza/contract';
import type { Cadenza, CallerContext } from '@cadenza/domain';

/** The contract's methods and the ones this server adds (docs/extensions.md), with their params and results. */
export type ServerMethodMap = RpcMethodMap & ExtensionRpcMethodMap;
export type RpcMethodName = keyof ServerMethodMap;
type RpcParams<M extends RpcMethodName> = ServerMethodMap[M]['params'];
type RpcResult<M extends RpcMethodName> = ServerMethodMap[M]['result'];

/** The `data` of a method's contract result. */
export type RpcData<M extends RpcMethodName> = RpcResult<M> extends { data?: infer D } ? D : never;

/** What a handler returns: the `data` (and `pagination`) of the contract's `Rpc*Result`. */
export interface RpcPayload<M extends RpcMethodName = RpcMethodName> {
  data?: RpcData<M>;
  pagination?: RpcPagination;
}

export interface RpcHandler<M extends RpcMethodName = RpcMethodName> {
  /** Service methods (`*.save`, `*.sync`, instrument/security enable/disable/delete): admins only. */
  admin?: boolean;
  /** `params` has passed the method's JSON Schema. Throw DomainError for refusals. */
  handle(caller: CallerContext, params: RpcParams<M>, cadenza: Cadenza): Promise<RpcPayload<M>> | RpcPayload<M>;
}

/** A table of handlers, each typed by its method. */
export type RpcHandlers = { [M in RpcMethodName]?: RpcHandler<M> };

/**
 * Either the contract's `Rpc*Result` (`{data?, pagination?, error?}`; domain refusals are `error` with an AABBB
 * code) for the RPC reply, or a Centrifugo protocol error (104 method not found, 103 permission denied,
 * 107 bad request, 100 internal) for the reply's `error`.
 */
export type RpcOutcome =
  | {
      result: { data?: unknown; pagination?: RpcPagination; error?: { code: number; message: string; temporary?: boolean } };
      /** The page of a list whose contract result has no `pagination` (kept off the RPC wire; REST answers it). */
      page?: RpcPagination;
    }
  | { protocolError: { code: number; message: string } };

export const user = <M extends RpcMethodName>(handle: RpcHandler<M>['handle']): RpcHandler<M> => ({ handle });
export const admin = <M extends RpcMethodName>(handle: RpcHandler<M>['handle']): RpcHandler<M> => ({ admin: true, handle });
