/**
 * @module rpc
 * The RPC method table of the Cadenza contract and its dispatcher.
 */
export { createRpcDispatcher, rpcHandlers, type RpcDispatcher, type RpcDispatcherOptions, type DispatchOptions } from './rpc-dispatcher.ts';
export type { RpcHandler, RpcHandlers, RpcOutcome, RpcPayload } from './rpc-handler.ts';
export { ParamsValidator, describeSchemaError } from './params-validator.ts';
