/**
 * @module http/api-v3
 * The REST API `/api/v3/*` (contract §f; auth and health are served elsewhere): a thin adapter over the RPC
 * dispatcher. Each operation of the route table runs the same chain — request id, body limit (counted while
 * streaming), bearer check (the caller kept on the context), the operation's checks against the OpenAPI document,
 * its request mapper, the RPC call, its response mapper, the envelope — and one `onError` answers every refusal
 * in the `BaseResponse` envelope. Anything unexpected is logged once with the request id and answered 10500.
 *
 * Mount (composition root): `app.route('/', apiV3Routes({ rpc, verifier, log, venueStatus }))`.
 */
import { Hono, type Context } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { openApiDocument, type OpenApiOperation, type VenueStatus } from '@cadenza/contract';
import { TokenError, type TokenVerifier } from '@cadenza/auth';
import { errorCodes, type CallerContext, type ErrorName } from '@cadenza/domain';
import type { RpcDispatcher } from '../../rpc/index.ts';
import { bare, failure, ok, RestError } from './envelope.ts';
import { invalidRequest, statusOfError, transportError } from './http-status.ts';
import { RequestChecks } from './request-checks.ts';
import type { RestContext, RestOperation } from './rest-operation.ts';
import { restOperations } from './route-table.ts';

export { restOperations } from './route-table.ts';

/** Far above any request model (an order is under 1 KiB, a credential's secrets at most 24 KiB). */
export const MAX_BODY_BYTES = 64 * 1024;

export interface ApiV3Options {
  rpc: RpcDispatcher;
  verifier: TokenVerifier;
  log?: { error(obj: object, msg?: string): void } | false;
  /** For `market/venue/list`; every configured venue is ONLINE when not given. */
  venueStatus?: (venue: string) => VenueStatus;
}

type Env = { Variables: { caller: CallerContext; requestId: string } };

const errorNames = new Map<number, ErrorName>(Object.entries(errorCodes).map(([name, e]) => [e.code, name as ErrorName]));

export function apiV3Routes(options: ApiV3Options): Hono<Env> {
  const app = new Hono<Env>();
  const checks = new RequestChecks(openApiDocument);
  const venueStatus = options.venueStatus ?? (() => 'ONLINE');
  /** Dispatches one RPC for `caller`; its `data`, or the refusal as a RestError. */
  const dispatch = async (caller: CallerContext, method: string, params: Record<string, unknown>, checked: boolean) => {
    const outcome = await options.rpc.dispatch(caller, method, params, { paramsChecked: checked });
    if ('protocolError' in outcome) throw protocolRefusal(outcome.protocolError.code);
    if (outcome.result.error) throw domainRefusal(outcome.result.error);
    return outcome;
  };
  const log = options.log || undefined;

  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse();
    const refusal = err instanceof RestError ? err : undefined;
    if (!refusal) log?.error({ err, requestId: c.get('requestId'), method: c.req.method, path: c.req.path }, 'REST request failed');
    const e = refusal ?? transportError('INTERNAL_ERROR', 'internal error');
    // A refused oversize body is not read to its end: the connection closes instead.
    if (e.status === 413) c.header('connection', 'close');
    return c.json(failure(e.errno, e.message, e.code, c.get('requestId')), e.status);
  });

  app.get('/api/v3/openapi.json', (c) => c.json(openApiDocument));

  const unauthorized = (message: string) => (c: Context<Env>) => c.json(failure(10401, message, 'INVALID_TOKEN', c.get('requestId')), 401);
  const chain = [
    requestId(),
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw transportError('PAYLOAD_TOO_LARGE', `request body is larger than ${MAX_BODY_BYTES} bytes`);
      },
    }),
    bearerAuth({
      verifyToken: async (token, c) => {
        let claims: Awaited<ReturnType<TokenVerifier['verify']>>;
        try {
          claims = await options.verifier.verify(token);
        } catch (err) {
          if (err instanceof TokenError) return false;
          throw err;
        }
        (c as Context<Env>).set('caller', { userId: claims.sub, isAdmin: claims.isAdmin === true, ...(claims.sessionId ? { sessionId: claims.sessionId } : {}) });
        return true;
      },
      noAuthenticationHeader: { message: unauthorized('missing bearer token') },
      invalidAuthenticationHeader: { message: unauthorized('the Authorization header must be "Bearer <access token>"') },
      invalidToken: { message: unauthorized('invalid or expired token') },
    }),
  ] as const;

  for (const op of restOperations) {
    const { verb, path, spec } = locate(op.operationId);
    checks.prepare(spec);
    const answer = answerShape(spec);
    app.on(verb, path, ...chain, async (c) => {
      if (!op.rpc) throw transportError('NOT_IMPLEMENTED', `${verb} ${path} is not implemented by this server`);
      const input = verb === 'GET' ? checks.query(spec, c.req.queries()) : checks.body(spec, await c.req.text());
      const params = op.request ? op.request(input) : input;
      const caller = c.get('caller');
      const outcome = await dispatch(caller, op.rpc, params, true);
      const { data } = outcome.result;
      const context: RestContext = { venueStatus, call: async (method, p) => (await dispatch(caller, method, p, false)).result.data };
      const body = op.response ? await op.response(data, input, context) : data;
      if (answer === 'bare') return c.json(bare(body as string));
      return c.json(ok(body, answer === 'page' ? (outcome.page ?? outcome.result.pagination) : undefined));
    });
  }
  return app;
}

/** The operation's verb, path and description in the OpenAPI document. */
function locate(operationId: string): { verb: string; path: string; spec: OpenApiOperation } {
  for (const [path, verbs] of Object.entries(openApiDocument.paths)) {
    for (const [verb, spec] of Object.entries(verbs)) if (spec.operationId === operationId) return { verb: verb.toUpperCase(), path, spec };
  }
  throw new Error(`operation ${operationId} is not in the OpenAPI document`);
}

/** `bare` for the standalone `{errno, error, data}` wrapper, `page` for list wrappers with `pagination`. */
function answerShape(spec: OpenApiOperation): 'bare' | 'page' | 'one' {
  const model = spec.responses['200']?.content?.['application/json']?.schema.$ref.split('/').pop() ?? '';
  if (model === 'DeleteMarketInstrument200Response') return 'bare';
  const schema = openApiDocument.components.schemas[model] as { properties?: Record<string, unknown> } | undefined;
  return schema?.properties && 'pagination' in schema.properties ? 'page' : 'one';
}

function domainRefusal(error: { code: number; message: string; temporary?: boolean }): RestError {
  const name = errorNames.get(error.code);
  const status = name ? statusOfError[name] : error.temporary ? 503 : 400;
  return new RestError(status, error.code, name ?? `E${error.code}`, error.message);
}

/** The dispatcher's protocol errors (docs/errors.md, layer 1) in REST terms. */
function protocolRefusal(code: number): RestError {
  if (code === 103) return transportError('ACCESS_DENIED', 'this operation needs the admin role');
  if (code === 104) return transportError('NOT_IMPLEMENTED', 'this operation is not implemented by this server');
  if (code === 107) return invalidRequest('the request does not match the operation');
  return transportError('INTERNAL_ERROR', 'internal error');
}
