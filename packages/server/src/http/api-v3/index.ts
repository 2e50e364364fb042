/**
 * @module http/api-v3
 * The REST mirror `/api/v3/*` (docs/rest-api.md; auth and health are served elsewhere): a thin translation over the RPC dispatcher.
 * Mount with `app.route('/', apiV3Routes({ rpc, verifier, log }))`.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { RpcDispatcher } from '../../rpc/index.ts';
import type { TokenVerifier } from '@cadenza/auth';
import type { CallerContext } from '@cadenza/domain';
import { restRoutes, type RestRoute } from './routes-table.ts';
import { bodyToRpc, queryToRpc, rpcToRest, RestInputError } from './translate.ts';
import { ok, fail, restErrors, statusForCode, codeName } from './envelope.ts';

export interface ApiV3Options {
  rpc: RpcDispatcher;
  verifier: TokenVerifier;
  log?: { error: (obj: unknown, msg?: string) => void } | false;
}

export { restRoutes } from './routes-table.ts';

export function apiV3Routes({ rpc, verifier, log }: ApiV3Options): Hono {
  const app = new Hono();
  for (const route of restRoutes) {
    app.on(route.verb, route.path, (c) => handle(c, route));
  }

  async function handle(c: Context, route: RestRoute): Promise<Response> {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return c.json(fail(restErrors.INVALID_TOKEN, 'missing bearer token', 'INVALID_TOKEN'), 401);
    let claims: Awaited<ReturnType<TokenVerifier['verify']>>;
    try {
      claims = await verifier.verify(match[1]!);
    } catch {
      return c.json(fail(restErrors.INVALID_TOKEN, 'invalid or expired token', 'INVALID_TOKEN'), 401);
    }
    if (route.rpc === null) {
      return c.json(fail(restErrors.NOT_IMPLEMENTED, `${route.verb} ${route.path} is not implemented by this server`, 'NOT_IMPLEMENTED'), 501);
    }
    let params: unknown;
    try {
      if (route.verb === 'GET') params = queryToRpc(c.req.queries() ?? {});
      else {
        const text = await c.req.text();
        let body: unknown = {};
        if (text.trim() !== '') {
          try { body = JSON.parse(text); } catch { throw new RestInputError('request body is not valid JSON'); }
        }
        if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new RestInputError('request body must be a JSON object');
        const renamed = bodyToRpc(body) as Record<string, unknown>;
        params = route.shape ? route.shape(renamed) : renamed;
      }
    } catch (err) {
      if (err instanceof RestInputError) return c.json(fail(restErrors.BAD_REQUEST, err.message, 'VALIDATION_FAILED'), 400);
      throw err;
    }
    try {
      const caller: CallerContext = { userId: claims.sub, isAdmin: claims.isAdmin === true, ...(claims.sessionId ? { sessionId: claims.sessionId } : {}) };
      let outcome = await rpc.dispatch(caller, route.rpc, params);
      // REST connect creates the account it connects (RPC separates create and connect).
      if (route.rpc === 'command.trading_account.connect' && 'result' in outcome && outcome.result.error?.code === 12001
        && !(params as { tradingAccount: { tradingAccountId?: unknown } }).tradingAccount.tradingAccountId) {
        const created = await rpc.dispatch(caller, 'command.trading_account.create', params);
        outcome = created;
        if ('result' in created && !created.result.error) {
          const id = (created.result.data as { tradingAccountId: string }).tradingAccountId;
          const account = (params as { tradingAccount: Record<string, unknown> }).tradingAccount;
          outcome = await rpc.dispatch(caller, route.rpc, { tradingAccount: { ...account, tradingAccountId: id } });
        }
      }
      if ('protocolError' in outcome) {
        const { code, message } = outcome.protocolError;
        if (code === 103) return c.json(fail(restErrors.ACCESS_DENIED, message, 'ACCESS_DENIED'), 403);
        if (code === 107) return c.json(fail(restErrors.BAD_REQUEST, message, 'VALIDATION_FAILED'), 400);
        if (code === 104) return c.json(fail(restErrors.NOT_IMPLEMENTED, message, 'NOT_IMPLEMENTED'), 501);
        return c.json(fail(restErrors.INTERNAL_ERROR, 'internal error', 'INTERNAL_ERROR'), 500);
      }
      const { data, pagination, error } = outcome.result;
      if (error) return c.json(fail(error.code, error.message, codeName(error.code)), statusForCode(error.code, error.temporary));
      const rest = rpcToRest(data);
      return c.json(ok(route.wrapArray ? [rest] : rest, pagination));
    } catch (err) {
      if (log) log.error({ err, path: route.path }, 'api-v3 request failed');
      return c.json(fail(restErrors.INTERNAL_ERROR, 'internal error', 'INTERNAL_ERROR'), 500);
    }
  }
  return app;
}
