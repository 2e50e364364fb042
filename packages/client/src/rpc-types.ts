/**
 * @module rpc-types
 * The shapes of a typed call: what goes in, what comes back. Shared by the client and the helpers it lends itself to.
 */
import type { Received, RpcMethodName, RpcPagination, RpcParams } from '@cadenza/contract';

/**
 * The `data` of a method's successful result, as received: the contract's models with the fields the server always
 * sends required (`Received.*`). Never undefined for methods whose result has `data`: a success without it is
 * reported as an error by `rpc()`.
 */
export type RpcData<M extends RpcMethodName> = Received.RpcDataMap[M];
/** The envelope after a successful call: `data` plus `pagination` on the paginated lists. */
export interface RpcSuccess<M extends RpcMethodName> {
  data: RpcData<M>;
  pagination?: RpcPagination;
}
/** Params may be left out when every field is optional. */
export type RpcArgs<M extends RpcMethodName> = {} extends RpcParams<M> ? [params?: RpcParams<M>] : [params: RpcParams<M>];
