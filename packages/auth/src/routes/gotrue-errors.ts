/**
 * @module routes/gotrue-errors
 * Renders errors on `/auth/v1` in GoTrue's version-dependent shape. A request carrying
 * `X-Supabase-Api-Version` ≥ 2024-01-01 (every official client) gets that header back and
 * `{code, message}` (+ `error_code`, so the code survives a proxy that strips the header); other requests get the
 * legacy `{code: <status>, error_code, msg}`. `x-sb-error-code` is always set; 5xx bodies carry an `error_id`.
 * A store that cannot reach its database answers 503 (`Retry-After: 1`), which supabase-js retries keeping the
 * session; anything else that is not an `AuthError` is logged and answered as 500 `unexpected_failure` without detail.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AuthError, knownAuthError } from '../errors.ts';
import type { AuthLogger } from '../auth-logger.ts';

export const API_VERSION = '2024-01-01';
const VERSION_HEADER = 'X-Supabase-Api-Version';

/** Whether the request asked for the 2024-01-01 error shape. */
export function wantsModernErrors(c: Context): boolean {
  const v = c.req.header(VERSION_HEADER);
  return v !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(v) && v >= API_VERSION;
}

/** The error response for `err` (see the module note). */
export function gotrueErrorResponse(c: Context, err: unknown, log: AuthLogger): Response {
  const known = knownAuthError(err);
  const e = known ?? new AuthError('unexpectedFailure');
  let errorId: string | undefined;
  if (!known) {
    errorId = crypto.randomUUID();
    log.error({ err, errorId, path: c.req.path }, 'auth request failed');
  }
  if (e.status === 503) c.header('Retry-After', '1');
  const weak = e.code === 'weak_password' ? { weak_password: { reasons: e.reasons ?? [] } } : {};
  c.header('x-sb-error-code', e.code);
  if (wantsModernErrors(c)) {
    c.header(VERSION_HEADER, API_VERSION);
    return c.json({ code: e.code, error_code: e.code, message: e.message, ...weak }, e.status as ContentfulStatusCode);
  }
  return c.json({ code: e.status, error_code: e.code, msg: e.message, ...(errorId ? { error_id: errorId } : {}), ...weak }, e.status as ContentfulStatusCode);
}
