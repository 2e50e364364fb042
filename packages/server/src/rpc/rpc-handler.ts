/**
 * @module rpc/rpc-handler
 * The shape of one RPC method's handler and the outcome the dispatcher answers.
 */
import type { RpcPagination } from '@cadenza/contract';
import type { Cadenza, CallerContext } from '@cadenza/domain';

/** What a handler returns: the `data` (and `pagination`) of the contract's `Rpc*Result`. */
export interface RpcPayload {
  data?: unknown;
  pagination?: RpcPagination;
}

export interface RpcHandler {
  /** Service methods (`*.save`, `*.sync`, instrument/security enable/disable/delete): admins only. */
  admin?: boolean;
  /** `params` has passed the method's JSON Schema. Throw DomainError for refusals. */
  handle(caller: CallerContext, params: any, cadenza: Cadenza): Promise<RpcPayload> | RpcPayload;
}

export type RpcHandlers = Record<string, RpcHandler>;

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

export const user = (handle: RpcHandler['handle']): RpcHandler => ({ handle });
export const admin = (handle: RpcHandler['handle']): RpcHandler => ({ admin: true, handle });
