/**
 * @module routes/rest-errors
 * Renders errors on `/api/v3/auth` as the contract's `BaseResponse`: `errno` from the auth catalogue (module 17),
 * `error` the message, `details.code` GoTrue's code in upper snake case (and `data: null` on 429, which the contract
 * answers with `AuthSignup429Response`). Statuses follow the REST
 * contract's lists: token problems are 401 (GoTrue says 403), wrong credentials 401, validation 400 (GoTrue
 * says 422 for weak passwords and existing users), rate limits 429.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AuthError, knownAuthError } from '../errors.ts';
import type { AuthLogger } from '../auth-logger.ts';

/** The HTTP status of an auth error on `/api/v3/auth` (the contract lists no 403 or 422 there). */
export function restStatus(e: AuthError): number {
  if (e.code === 'invalid_credentials' && e.message === 'Invalid login credentials') return 401;
  if (e.status === 403) return 401;
  if (e.status === 422) return 400;
  return e.status;
}

/**
 * The envelope for `err`. A store that cannot reach its database answers 503 with `details.temporary: true` and
 * `Retry-After: 1`; unknown errors are logged and answered 500 without detail.
 */
export function restErrorResponse(c: Context, err: unknown, log: AuthLogger): Response {
  const known = knownAuthError(err);
  const e = known ?? new AuthError('unexpectedFailure');
  const requestId = crypto.randomUUID();
  if (!known) log.error({ err, requestId, path: c.req.path }, 'auth request failed');
  const temporary = e.status === 503;
  if (temporary) c.header('Retry-After', '1');
  const details = {
    code: e.code.toUpperCase(),
    request_id: requestId,
    ...(temporary ? { temporary: true } : {}),
    ...(e.reasons ? { metadata: { reasons: e.reasons } } : {}),
  };
  const status = restStatus(e);
  return c.json({ success: false, errno: e.errno, error: e.message, details, ...(status === 429 ? { data: null } : {}) }, status as ContentfulStatusCode);
}
