/**
 * @module rpc/rpc-dispatcher
 * The RPC method table and its dispatch, in two error layers (docs/errors.md):
 * - Centrifugo protocol errors: 104 method not found (not a callable method of the contract), 103 permission
 *   denied (a service method without the admin role), 107 bad request (params not a JSON object), 100 internal.
 * - Contract results `{data?, pagination?, error?}`: params failing the method's JSON Schema → 10001 naming the
 *   field; `command.subscription.mc.create` (the contract gives it no schema and no meaning) → 10002 not supported;
 *   every domain refusal → its AABBB code. The methods the contract lists without a schema (RFQ, Fermata) take the
 *   schemas this server decided, and it adds the REST-only Fermata operations as methods (rpc/otc.ts).
 */
import { extensionRpcMethods, rpcMethods, schemaDefinitions, type RpcMethodInfo } from '@cadenza/contract';
import { withOrderExtensions } from '@cadenza/contract/order-extension-schemas';
import { DomainError, type Cadenza, type CallerContext, type Logger } from '@cadenza/domain';
import { credentialHandlers } from './credentials.ts';
import { instrumentHandlers } from './instruments.ts';
import { marketDataHandlers } from './market-data.ts';
import { otcHandlers } from './otc.ts';
import { ParamsValidator } from './params-validator.ts';
import { portfolioHandlers } from './portfolios.ts';
import type { RpcHandler, RpcHandlers, RpcMethodName, RpcOutcome } from './rpc-handler.ts';
import { securityHandlers } from './securities.ts';
import { subscriptionHandlers } from './subscriptions.ts';
import { systemHandlers, type SystemProbe } from './system.ts';
import { tradeOrderHandlers } from './trade-orders.ts';
import { tradeOrderExtensionHandlers } from './trade-order-extensions.ts';
import { tradingAccountHandlers } from './trading-accounts.ts';
import { venueHandlers } from './venues.ts';

export interface RpcDispatcherOptions {
  log?: Logger;
  /** Feeds `query.system.check`. */
  system?: SystemProbe;
}

/** How a transport hands params over. */
export interface DispatchOptions {
  /**
   * The transport has already checked the params against its own contract (REST checks the request models of docs/rest-api.md,
   * which differ from the RPC params in places, e.g. `credential/create` names no account): the method's RPC
   * schema is not applied again.
   */
  paramsChecked?: boolean;
}

export interface RpcDispatcher {
  dispatch(caller: CallerContext, method: string, params: unknown, options?: DispatchOptions): Promise<RpcOutcome>;
  /** Every method the table answers (for tests and docs). */
  readonly methods: ReadonlySet<string>;
}

/** The full method table: every callable contract method with a schema (the contract's or this server's). */
export function rpcHandlers(options: RpcDispatcherOptions = {}): RpcHandlers {
  return {
    ...systemHandlers(options.system ?? {}),
    ...tradingAccountHandlers,
    ...credentialHandlers,
    ...tradeOrderHandlers,
    ...tradeOrderExtensionHandlers,
    ...portfolioHandlers,
    ...instrumentHandlers,
    ...securityHandlers,
    ...venueHandlers,
    ...marketDataHandlers,
    ...subscriptionHandlers,
    ...otcHandlers,
  };
}

const decoder = new TextDecoder();

/** JSON object params, or undefined when the params are not an object (bytes are parsed as JSON first). */
function objectParams(params: unknown): Record<string, unknown> | undefined {
  let p = params;
  if (p === undefined || p === null) return {};
  if (p instanceof Uint8Array) {
    if (p.length === 0) return {};
    try {
      p = JSON.parse(decoder.decode(p));
    } catch {
      return undefined;
    }
  }
  return typeof p === 'object' && p !== null && !Array.isArray(p) ? (p as Record<string, unknown>) : undefined;
}

export function createRpcDispatcher(cadenza: Cadenza, options: RpcDispatcherOptions = {}): RpcDispatcher {
  const handlers = rpcHandlers(options);
  // The contract's methods, and the order methods this server adds (docs/extensions.md).
  const methods = [...rpcMethods, ...extensionRpcMethods];
  const contract = new Map<string, RpcMethodInfo>(methods.map((m) => [m.method, m]));
  const definitions = withOrderExtensions(schemaDefinitions);
  const validator = new ParamsValidator();
  const log = options.log;
  // Only three contract results carry `pagination` (docs/rest-api.md); the others get it out of band (REST).
  const declaresPagination = (model: string | null) => Boolean(model && 'pagination' in ((definitions[model] as { properties?: object }).properties ?? {}));
  const pagedResults = new Set(methods.filter((m) => declaresPagination(m.result)).map((m) => m.method));

  return {
    methods: new Set(Object.keys(handlers)),
    async dispatch(caller, method, rawParams, dispatchOptions = {}) {
      const info = contract.get(method);
      if (!info) return { protocolError: { code: 104, message: 'method not found' } };
      const handler = handlers[method as RpcMethodName] as RpcHandler | undefined;
      if (!info.params || !handler) {
        return { result: { error: new DomainError('NOT_SUPPORTED', `${method} is not supported by this server`).toRpcError() } };
      }
      if (handler.admin && !caller.isAdmin) return { protocolError: { code: 103, message: 'permission denied' } };
      const params = objectParams(rawParams);
      if (!params) return { protocolError: { code: 107, message: 'bad request' } };
      const invalid = dispatchOptions.paramsChecked ? undefined : validator.check(info.params, params);
      if (invalid) return { result: { error: new DomainError('VALIDATION_FAILED', `invalid params: ${invalid}`).toRpcError() } };
      try {
        // The method's JSON Schema (checked above, or by the transport) is what makes `params` the method's params type.
        const payload = await handler.handle(caller, params as never, cadenza);
        // An answer acknowledges only what is committed (group-commit stores batch commits per event-loop turn).
        await cadenza.durable();
        const result: { data?: unknown; pagination?: (typeof payload)['pagination'] } = {};
        if (payload.data !== undefined) result.data = payload.data;
        if (payload.pagination === undefined) return { result };
        if (pagedResults.has(method)) {
          result.pagination = payload.pagination;
          return { result };
        }
        return { result, page: payload.pagination };
      } catch (err) {
        // A refusal acknowledges nothing, but what the call wrote before refusing must be durable before the answer —
        // except when the database is away: then the answer would wait for it, and it says only "retry shortly".
        if (!(err instanceof DomainError && err.errorName === 'STORE_UNAVAILABLE')) await cadenza.durable();
        if (err instanceof DomainError) return { result: { error: err.toRpcError() } };
        log?.error({ err, method }, 'rpc handler failed');
        return { protocolError: { code: 100, message: 'internal server error' } };
      }
    },
  };
}
