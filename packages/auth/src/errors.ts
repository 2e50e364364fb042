/**
 * @module errors
 * The auth error catalogue. Every refusal of the auth service is an `AuthError` carrying GoTrue's `error_code`,
 * GoTrue's HTTP status and message, and a Cadenza `errno` (module 17 = auth) for the `/api/v3/auth` envelope.
 * Rendering to the wire happens in one place per surface (`routes/gotrue-errors.ts`, `routes/rest-envelope.ts`).
 *
 * `TokenError` is the verifier's refusal: `expired` (the client may fetch a fresh token), `revoked` (the session
 * was logged out) or `invalid` (anything else — bad signature, wrong audience, unknown key, malformed).
 */
import { boundedText } from './bounded-text.ts';

/** Catalogue entry: HTTP status, GoTrue error code, default message, Cadenza errno. */
interface CatalogueEntry {
  status: number;
  code: string;
  message: string;
  errno: number;
}

/** Every auth error the service can answer. Messages are GoTrue's strings where GoTrue has one. */
export const authErrors = {
  badJson: { status: 400, code: 'bad_json', message: 'Could not parse request body as JSON', errno: 17001 },
  requestTooLarge: { status: 413, code: 'request_entity_too_large', message: 'Request body is too large', errno: 17002 },
  validationFailed: { status: 400, code: 'validation_failed', message: 'Invalid request', errno: 17003 },
  unsupportedGrantType: { status: 400, code: 'invalid_credentials', message: 'unsupported_grant_type', errno: 17004 },
  invalidCredentials: { status: 400, code: 'invalid_credentials', message: 'Invalid login credentials', errno: 17005 },
  userBanned: { status: 400, code: 'user_banned', message: 'User is banned', errno: 17006 },
  overRequestRateLimit: { status: 429, code: 'over_request_rate_limit', message: 'Request rate limit reached', errno: 17007 },
  overEmailSendRateLimit: {
    status: 429,
    code: 'over_email_send_rate_limit',
    message: 'For security purposes, you can only request this after 60 seconds.',
    errno: 17008,
  },
  refreshTokenInvalid: { status: 400, code: 'validation_failed', message: 'Refresh token is not valid', errno: 17009 },
  refreshTokenNotFound: {
    status: 400,
    code: 'refresh_token_not_found',
    message: 'Invalid Refresh Token: Refresh Token Not Found',
    errno: 17010,
  },
  refreshTokenAlreadyUsed: {
    status: 400,
    code: 'refresh_token_already_used',
    message: 'Invalid Refresh Token: Already Used',
    errno: 17011,
  },
  refreshSessionNotFound: {
    status: 400,
    code: 'session_not_found',
    message: 'Invalid Refresh Token: No Valid Session Found',
    errno: 17012,
  },
  weakPassword: { status: 422, code: 'weak_password', message: 'Password should be at least 6 characters.', errno: 17013 },
  userAlreadyExists: { status: 422, code: 'user_already_exists', message: 'User already registered', errno: 17014 },
  signupDisabled: { status: 422, code: 'signup_disabled', message: 'Signups not allowed for this instance', errno: 17015 },
  anonymousProviderDisabled: {
    status: 422,
    code: 'anonymous_provider_disabled',
    message: 'Anonymous sign-ins are disabled',
    errno: 17016,
  },
  noAuthorization: { status: 401, code: 'no_authorization', message: 'This endpoint requires a valid Bearer token', errno: 17017 },
  badJwt: { status: 403, code: 'bad_jwt', message: 'invalid JWT: unable to parse or verify signature', errno: 17018 },
  userNotFound: { status: 403, code: 'user_not_found', message: 'User from sub claim in JWT does not exist', errno: 17019 },
  sessionNotFound: {
    status: 403,
    code: 'session_not_found',
    message: 'Session from session_id claim in JWT does not exist',
    errno: 17020,
  },
  samePassword: {
    status: 422,
    code: 'same_password',
    message: 'New password should be different from the old password.',
    errno: 17021,
  },
  emailExists: {
    status: 422,
    code: 'email_exists',
    message: 'A user with this email address has already been registered',
    errno: 17022,
  },
  notAdmin: { status: 403, code: 'not_admin', message: 'Updating app_metadata requires admin privileges', errno: 17023 },
  notFound: { status: 404, code: 'not_found', message: 'Not Found', errno: 17024 },
  builtInAuthDisabled: {
    status: 404,
    code: 'not_found',
    message: 'Built-in auth is off on this server: sign in with the Supabase project it trusts',
    errno: 17025,
  },
  otpExpired: { status: 403, code: 'otp_expired', message: 'Token has expired or is invalid', errno: 17026 },
  emailLinkExpired: { status: 403, code: 'otp_expired', message: 'Email link is invalid or has expired', errno: 17027 },
  verifyUserBanned: { status: 403, code: 'user_banned', message: 'User is banned', errno: 17028 },
  invalidEmailFormat: { status: 422, code: 'validation_failed', message: 'Invalid email format', errno: 17029 },
  emailLookAlike: {
    status: 422,
    code: 'email_exists',
    message: 'A user with a look-alike email address has already been registered',
    errno: 17030,
  },
  reauthenticationNeeded: {
    status: 400,
    code: 'reauthentication_needed',
    message: 'This change requires the current password or a reauthentication nonce',
    errno: 17031,
  },
  reauthenticationNotValid: {
    status: 400,
    code: 'reauthentication_not_valid',
    message: 'Invalid or expired reauthentication nonce',
    errno: 17032,
  },
  currentPasswordInvalid: { status: 400, code: 'invalid_credentials', message: 'Invalid current password', errno: 17033 },
  serviceUnavailable: { status: 503, code: 'unexpected_failure', message: 'Service temporarily unavailable; retry shortly', errno: 17034 },
  unexpectedFailure: { status: 500, code: 'unexpected_failure', message: 'Unexpected failure', errno: 17000 },
} as const satisfies Record<string, CatalogueEntry>;

export type AuthErrorName = keyof typeof authErrors;

/** Longest message an auth error carries: whatever a message quotes of the request, the answer stays small. */
const MAX_MESSAGE_CHARS = 300;

/**
 * An expected refusal of the auth service. `message` is safe to show to the caller (never secrets) and bounded: it
 * quotes at most a bounded prefix of the client's input (`bounded-text.ts`), and never exceeds 300 characters.
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly status: number;
  /** GoTrue `error_code`. */
  readonly code: string;
  /** Cadenza AABBB code (module 17). */
  readonly errno: number;
  /** `weak_password` only: GoTrue's reasons (`length`, `characters`, `pwned`). */
  readonly reasons: string[] | undefined;

  constructor(name: AuthErrorName, message?: string, extra: { reasons?: string[]; cause?: unknown } = {}) {
    const entry = authErrors[name];
    super(boundedText(message ?? entry.message, MAX_MESSAGE_CHARS), extra.cause === undefined ? undefined : { cause: extra.cause });
    this.status = entry.status;
    this.code = entry.code;
    this.errno = entry.errno;
    this.reasons = extra.reasons;
  }
}

/**
 * The auth error an answer renders for `err`: itself when it is an AuthError; `serviceUnavailable` (503, which the
 * Supabase clients retry without dropping the session) when it is a store's temporary failure — an error marked
 * `temporary: true`, as the PostgreSQL adapters' STORE_UNAVAILABLE is while the database is down; else undefined
 * (a bug: logged and answered 500).
 */
export function knownAuthError(err: unknown): AuthError | undefined {
  if (err instanceof AuthError) return err;
  if (isTemporaryFailure(err)) return new AuthError('serviceUnavailable', undefined, { cause: err });
  return undefined;
}

/** Whether `err` says "try again shortly" (`temporary: true`): the auth store's way of saying its database is away. */
export function isTemporaryFailure(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { temporary?: unknown }).temporary === true;
}

/** Why a token was refused. The gateway maps `expired` to Centrifugo 109 and the others to "invalid token". */
export type TokenErrorReason = 'expired' | 'invalid' | 'revoked';

/** A refused access token. `detail` is for logs and GoTrue's `bad_jwt` message; it never contains the token. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
  readonly reason: TokenErrorReason;

  constructor(reason: TokenErrorReason, detail: string, options?: { cause?: unknown }) {
    super(detail, options);
    this.reason = reason;
  }
}
