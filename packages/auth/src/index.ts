/**
 * @module @cadenza/auth
 * Supabase-compatible (GoTrue) login service, Cadenza REST auth routes, and access-token verification for the
 * built-in service and for real Supabase projects. Persistence is the `AuthStore` port (SQLite implementation:
 * `@cadenza/store/sqlite-auth`).
 */
export { createAuthService, type AuthService, type AuthServiceOptions } from './auth-service.ts';
export type { AuthStore, RecoveryTokenStore, RecoveryTokenRecord, RevocationLog, RevocationRecord, UserRecord, IdentityRecord, SessionRecord, RefreshTokenRecord, AmrEntry } from './auth-store.ts';
export { AuthError, TokenError, authErrors, isTemporaryFailure, type AuthErrorName, type TokenErrorReason } from './errors.ts';
export { TOKEN_LEEWAY_SECONDS, validUntil, createVerifier, builtInKeyResolver, type AccessClaims, type TokenVerifier } from './verify.ts';
export type { SessionService, SessionsRevokedEvent, LogoutScope } from './sessions.ts';
export type { UserService, NewUser } from './users.ts';
export type { RateLimitSettings } from './auth-flows.ts';
export type { AuthLogger } from './auth-logger.ts';
export { LogMailer, type Mailer, type MailMessage } from './mailer.ts';
export { emailSkeleton, normaliseEmail } from './email-address.ts';
export { boundedText } from './bounded-text.ts';
export { jsonDepthExceeds } from './json-depth.ts';
export { forwardedClientAddress, type TrustProxy } from './routes/request.ts';
