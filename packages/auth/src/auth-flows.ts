/**
 * @module auth-flows
 * The use cases behind both HTTP surfaces (`/auth/v1` GoTrue-compatible and `/api/v3/auth` Cadenza REST): sign-up,
 * password sign-in, refresh, the bearer check of user-scoped calls, profile update, logout, password recovery and
 * its verification, with the rate limits applied in one place. Routes only parse requests and render answers.
 */
import type { IdentityRecord, UserRecord } from './auth-store.ts';
import type { AuthLogger } from './auth-logger.ts';
import { AuthError, TokenError } from './errors.ts';
import { boundedText } from './bounded-text.ts';
import { FailureLimiter, TokenBucketLimiter, type FailureLimiterSettings, type TokenBucketSettings } from './rate-limits.ts';
import type { ReauthenticationProof, ReauthenticationService } from './reauthentication.ts';
import type { RecoveryService } from './recovery.ts';
import type { RedirectPolicy } from './redirect-policy.ts';
import type { ClientInfo, IssuedSession, LogoutScope, SessionService } from './sessions.ts';
import type { UserChanges, UserService } from './users.ts';
import { emailLookupKey, normaliseEmail } from './email-address.ts';
import type { AccessClaims, TokenVerifier } from './verify.ts';

/** Rate-limit settings (all per process). */
export interface RateLimitSettings {
  /** `POST /token?grant_type=password` per client IP. Default burst 30, 0.5/s (GoTrue). */
  signInPerIp: TokenBucketSettings;
  /** `POST /token?grant_type=refresh_token` per client IP. Default burst 60, 1/s: a 429 here can sign users out. */
  refreshPerIp: TokenBucketSettings;
  /** `/signup` and `/recover` per client IP. Default 30 per 5 min (GoTrue). */
  signUpPerIp: TokenBucketSettings;
  /** Failed password checks per account. Default 10 per 15 min. */
  failedSignInsPerAccount: FailureLimiterSettings;
  /** Minimum spacing of recovery requests per account, seconds. Default 60 (GoTrue). */
  recoverIntervalSeconds: number;
  /** `/verify` (POST and the mailed link) per client IP. Default 30 per 5 min (GoTrue). */
  verifyPerIp: TokenBucketSettings;
}

export const defaultRateLimits: RateLimitSettings = {
  signInPerIp: { burst: 30, perSecond: 0.5 },
  refreshPerIp: { burst: 60, perSecond: 1 },
  signUpPerIp: { burst: 30, perSecond: 30 / 300 },
  failedSignInsPerAccount: { maxFailures: 10, windowSeconds: 900 },
  recoverIntervalSeconds: 60,
  verifyPerIp: { burst: 30, perSecond: 30 / 300 },
};

/** A user and the identities the wire shapes include. */
export interface UserView {
  user: UserRecord;
  identities: IdentityRecord[];
}

/** Result of a sign-in/sign-up/refresh, ready to render. */
export interface SessionView extends UserView {
  issued: IssuedSession;
  /** Password sign-in only: why the (correct) password fails today's policy. */
  weakPasswordReasons?: string[];
}

/** The caller of a user-scoped endpoint. */
export interface Caller {
  claims: AccessClaims;
  user: UserRecord;
}

export interface AuthFlowsOptions {
  users: UserService;
  sessions: SessionService;
  verifier: TokenVerifier;
  rateLimits: RateLimitSettings;
  signUpEnabled: boolean;
  minPasswordLength: number;
  recovery: RecoveryService;
  reauthentication: ReauthenticationService;
  redirects: RedirectPolicy;
  now: () => number;
  log: AuthLogger;
}

const ipKey = (client: ClientInfo): string => client.ip ?? 'unknown';

/** See the module note. */
export class AuthFlows {
  private readonly signInLimiter: TokenBucketLimiter;
  private readonly refreshLimiter: TokenBucketLimiter;
  private readonly signUpLimiter: TokenBucketLimiter;
  private readonly verifyLimiter: TokenBucketLimiter;
  private readonly failures: FailureLimiter;
  private readonly lastRecovery = new Map<string, number>();

  constructor(private readonly options: AuthFlowsOptions) {
    const { rateLimits: r, now } = options;
    this.signInLimiter = new TokenBucketLimiter(r.signInPerIp, now);
    this.refreshLimiter = new TokenBucketLimiter(r.refreshPerIp, now);
    this.signUpLimiter = new TokenBucketLimiter(r.signUpPerIp, now);
    this.verifyLimiter = new TokenBucketLimiter(r.verifyPerIp, now);
    this.failures = new FailureLimiter(r.failedSignInsPerAccount, now);
  }

  /** Creates a confirmed user and signs them in. */
  async signUp(input: { email: unknown; password: unknown; data?: unknown }, client: ClientInfo): Promise<SessionView> {
    if (!this.options.signUpEnabled) throw new AuthError('signupDisabled');
    if (input.email === undefined || input.email === null || input.email === '') throw new AuthError('anonymousProviderDisabled');
    if (!this.signUpLimiter.take(ipKey(client))) throw new AuthError('overRequestRateLimit');
    const data = input.data ?? {};
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new AuthError('validationFailed', 'data must be an object');
    const created = await this.options.users.createUser({
      email: normaliseEmail(input.email),
      password: input.password as string,
      userMetadata: data as Record<string, unknown>,
    });
    const now = this.options.now();
    await this.options.users.recordSignIn(created.id, now);
    const user = { ...created, lastSignInAt: now };
    const issued = await this.options.sessions.start(user, client);
    return { issued, user, identities: await this.options.users.identities(user.id) };
  }

  /** Email + password sign-in; per-IP and per-account limits answer 429. */
  async signInWithPassword(input: { email?: unknown; phone?: unknown; password?: unknown }, client: ClientInfo): Promise<SessionView> {
    const hasEmail = typeof input.email === 'string' && input.email !== '';
    const hasPhone = typeof input.phone === 'string' && input.phone !== '';
    if (!hasEmail && !hasPhone) throw new AuthError('validationFailed', 'missing email or phone');
    if (hasEmail && hasPhone) throw new AuthError('validationFailed', 'Only an email address or phone number should be provided on login.');
    if (!this.signInLimiter.take(ipKey(client))) throw new AuthError('overRequestRateLimit');
    if (!hasEmail) throw new AuthError('invalidCredentials'); // no phone logins on the built-in service
    const account = emailLookupKey(input.email as string);
    if (!this.failures.begin(account)) throw new AuthError('overRequestRateLimit');
    let result;
    try {
      result = await this.options.users.authenticate(account, input.password);
    } catch (err) {
      if (err instanceof AuthError && err.code === 'invalid_credentials') this.options.log.info({ ip: client.ip }, 'failed password sign-in');
      throw err;
    }
    this.failures.succeeded(account);
    const issued = await this.options.sessions.start(result.user, client);
    return {
      issued,
      user: result.user,
      identities: await this.options.users.identities(result.user.id),
      ...(result.weakReasons.length ? { weakPasswordReasons: result.weakReasons } : {}),
    };
  }

  /** Rotates a refresh token (reuse detection in `SessionService.refresh`). */
  async refresh(refreshToken: unknown, client: ClientInfo): Promise<SessionView> {
    if (!this.refreshLimiter.take(ipKey(client))) throw new AuthError('overRequestRateLimit');
    const issued = await this.options.sessions.refresh(refreshToken);
    return { issued, user: issued.user, identities: await this.options.users.identities(issued.user.id) };
  }

  /**
   * The caller of a user-scoped endpoint, from its bearer token, with GoTrue's answers: 401 `no_authorization`
   * without a token; 403 `bad_jwt` for a token that does not verify; 403 `session_not_found` after logout;
   * 403 `user_not_found` when the user was deleted.
   */
  async caller(bearer: string | undefined): Promise<Caller> {
    if (!bearer) throw new AuthError('noAuthorization');
    let claims: AccessClaims;
    try {
      claims = await this.options.verifier.verify(bearer);
    } catch (err) {
      if (err instanceof TokenError) {
        if (err.reason === 'revoked') throw new AuthError('sessionNotFound');
        throw new AuthError('badJwt', `invalid JWT: unable to parse or verify signature, ${boundedText(err.message)}`);
      }
      throw err;
    }
    const user = await this.options.users.findById(claims.sub);
    if (!user) throw new AuthError('userNotFound');
    return { claims, user };
  }

  async getUser(bearer: string | undefined): Promise<UserView> {
    const { user } = await this.caller(bearer);
    return { user, identities: await this.options.users.identities(user.id) };
  }

  /**
   * `PUT /user`. A new email or password needs proof of ownership (`reauthentication.ts`): the current password, a
   * reauthentication nonce, or — for a password only — a recent sign-in; one stolen access token is not enough.
   */
  async updateUser(
    bearer: string | undefined,
    changes: UserChanges & { app_metadata?: unknown; phone?: unknown } & ReauthenticationProof,
    client: ClientInfo,
  ): Promise<UserView> {
    const { claims, user: current } = await this.caller(bearer);
    if (changes.app_metadata !== undefined && changes.app_metadata !== null) throw new AuthError('notAdmin');
    if (typeof changes.phone === 'string' && changes.phone !== '') throw new AuthError('validationFailed', 'Phone numbers are not supported');
    const newPassword = changes.password !== undefined && changes.password !== null && changes.password !== '';
    if (newPassword && !this.signUpLimiter.take(ipKey(client))) throw new AuthError('overRequestRateLimit');
    const newEmail = present(changes.email) && normaliseEmail(changes.email) !== current.email;
    if (newEmail || newPassword) {
      await this.options.reauthentication.confirm(current, { email: newEmail, password: newPassword }, changes, signedInAt(claims));
    }
    const user = await this.options.users.update(claims.sub, claims.sessionId, changes);
    return { user, identities: await this.options.users.identities(user.id) };
  }

  /** `GET /reauthenticate`: mails the caller a nonce that confirms an email or password change. */
  async reauthenticate(bearer: string | undefined): Promise<void> {
    const { user } = await this.caller(bearer);
    await this.options.reauthentication.send(user);
  }

  /** Ends sessions; returns their ids. */
  async logout(bearer: string | undefined, scope: string | undefined): Promise<string[]> {
    const s = scope === undefined || scope === '' ? 'global' : scope;
    if (s !== 'global' && s !== 'local' && s !== 'others') throw new AuthError('validationFailed', `Unsupported logout scope "${boundedText(s)}"`);
    const { claims } = await this.caller(bearer);
    return this.options.sessions.logout(claims.sub, claims.sessionId ?? '', s as LogoutScope);
  }

  /**
   * Password recovery request: for a known account, a new single-use token is issued and mailed (`recovery.ts`).
   * The answer is the same whether or not the account exists. PKCE recovery (a `code_challenge`) is not offered.
   */
  async recover(input: { email: unknown; redirectTo?: unknown; codeChallenge?: unknown }, client: ClientInfo): Promise<void> {
    const { email } = input;
    if (email === undefined || email === null || email === '') throw new AuthError('validationFailed', 'Password recovery requires an email');
    const address = normaliseEmail(email);
    if (typeof input.codeChallenge === 'string' && input.codeChallenge !== '') {
      throw new AuthError('validationFailed', 'PKCE flow is not supported by this server: use the implicit flow for password recovery');
    }
    if (!this.signUpLimiter.take(ipKey(client))) throw new AuthError('overRequestRateLimit');
    const now = this.options.now();
    const last = this.lastRecovery.get(address);
    if (last !== undefined && now - last < this.options.rateLimits.recoverIntervalSeconds * 1000) {
      throw new AuthError(
        'overEmailSendRateLimit',
        `For security purposes, you can only request this after ${this.options.rateLimits.recoverIntervalSeconds} seconds.`,
      );
    }
    if (this.lastRecovery.size >= 50_000) this.lastRecovery.clear();
    this.lastRecovery.set(address, now);
    const user = await this.options.users.findByEmail(address);
    if (user) await this.options.recovery.start(user, input.redirectTo);
  }

  /** Where a verify link sends the browser: `redirect_to` if allowed, else the site URL. */
  redirectTarget(requested: unknown): string {
    return this.options.redirects.resolve(requested);
  }

  /**
   * `POST /verify`: a recovery code (`{type, email, token}`) or link token (`{type, token_hash}`) for a session.
   * Refusals as GoTrue: 400 `validation_failed` for malformed requests and types other than `recovery`; 403
   * `otp_expired` for a wrong, expired or used token.
   */
  async verify(input: VerifyInput, client: ClientInfo): Promise<SessionView> {
    if (!this.verifyLimiter.take(ipKey(client))) throw new AuthError('overRequestRateLimit');
    if (!present(input.type)) throw new AuthError('validationFailed', 'Verify requires a verification type');
    const token = present(input.token) ? tokenText(input.token) : '';
    const tokenHash = present(input.tokenHash) ? tokenText(input.tokenHash) : '';
    if ((token === '') === (tokenHash === '')) throw new AuthError('validationFailed', 'Verify requires either a token or a token hash');
    let email = '';
    if (token !== '') {
      const hasEmail = present(input.email);
      if (hasEmail === present(input.phone)) throw new AuthError('validationFailed', 'Only an email address or phone number should be provided on verify');
      if (hasEmail) {
        try {
          email = normaliseEmail(input.email);
        } catch {
          throw new AuthError('invalidEmailFormat');
        }
      }
    } else if (present(input.email) || present(input.phone) || present(input.redirectTo)) {
      throw new AuthError('validationFailed', 'Only the token_hash and type should be provided');
    }
    if (input.type !== 'recovery') throw new AuthError('validationFailed', 'Unsupported verification type');
    if (token !== '' && email === '') throw new AuthError('otpExpired'); // phone codes: no phone accounts here
    const user = token !== '' ? await this.options.recovery.redeemCode(email, token) : await this.options.recovery.redeemLink(tokenHash);
    return this.startRecoveredSession(user, client);
  }

  /**
   * `GET /verify` (the mailed link), first step: rate limit and the checks GoTrue answers as JSON rather than as a
   * redirect (missing type or token).
   */
  checkVerifyLink(query: { type: unknown; token: unknown }, client: ClientInfo): void {
    if (!this.verifyLimiter.take(ipKey(client))) throw new AuthError('overRequestRateLimit');
    if (!present(query.type)) throw new AuthError('validationFailed', 'Verify requires a verification type');
    if (!present(query.token)) throw new AuthError('validationFailed', 'Verify requires a token or a token hash');
  }

  /** `GET /verify`, second step (after `checkVerifyLink`): the session, or the refusal to put in the redirect. */
  async redeemVerifyLink(query: { type: unknown; token: unknown }, client: ClientInfo): Promise<SessionView> {
    if (query.type !== 'recovery') throw new AuthError('validationFailed', 'Unsupported verification type');
    const user = await this.options.recovery.redeemLink(tokenText(query.token));
    return this.startRecoveredSession(user, client);
  }

  private async startRecoveredSession(user: UserRecord, client: ClientInfo): Promise<SessionView> {
    const now = this.options.now();
    await this.options.users.recordSignIn(user.id, now);
    const signedIn = { ...user, lastSignInAt: now };
    const issued = await this.options.sessions.start(signedIn, client, 'otp');
    return { issued, user: signedIn, identities: await this.options.users.identities(user.id) };
  }
}

/** What `POST /verify` was given (GoTrue's `VerifyParams`). */
export interface VerifyInput {
  type: unknown;
  token?: unknown;
  tokenHash?: unknown;
  email?: unknown;
  phone?: unknown;
  redirectTo?: unknown;
}

const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

/** When the token's session was signed in (unix s): the newest `amr` entry, which the token carries signed. */
function signedInAt(claims: AccessClaims): number | undefined {
  const amr = Array.isArray(claims.raw.amr) ? (claims.raw.amr as unknown[]) : [];
  const times = amr.map((e) => (e !== null && typeof e === 'object' ? (e as { timestamp?: unknown }).timestamp : undefined)).filter((t): t is number => typeof t === 'number');
  return times.length > 0 ? Math.max(...times) : undefined;
}

/** A token as text; GoTrue drops dashes (codes are sometimes shown as `123-456`). */
function tokenText(v: unknown): string {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return String(v).padStart(6, '0');
  if (typeof v !== 'string') throw new AuthError('validationFailed', 'token must be a string');
  return v.trim().replaceAll('-', '');
}
