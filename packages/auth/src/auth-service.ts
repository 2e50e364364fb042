/**
 * @module auth-service
 * Builds the auth service from one typed options object: the HTTP app (`/auth/v1/*` and `/api/v3/auth/*`), the
 * token verifier for REST and the gateway, and the user and session services.
 *
 * Modes:
 * - built-in (default): users and sessions in the `AuthStore`; access tokens ES256 with a `kid` from
 *   `<dataDir>/keys/` (or HS256 with `jwtSecret`); the verifier also checks that the token's session still exists.
 * - external (`external.jwksUrl` and/or `external.jwtSecret`): tokens come from a real Supabase project and are
 *   verified against its JWKS or legacy secret; the built-in endpoints answer 404 and no sessions are checked.
 *
 * Password recovery mails a single-use link and code through the `mailer` (default: the log, see `mailer.ts`);
 * pending recoveries live in the store when it is a `RecoveryTokenStore`, else in process memory.
 *
 * In built-in mode with a store that keeps a `RevocationLog`, a revocation watch polls it so sessions ended by other
 * processes sharing the store reach `sessions.onRevoked` listeners and the verifier within `revocationPollMs`.
 */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { AccessTokenIssuer, keyRingSigner, noSigner, secretSigner } from './access-tokens.ts';
import { AuthFlows, defaultRateLimits, type RateLimitSettings } from './auth-flows.ts';
import { silentLogger, type AuthLogger } from './auth-logger.ts';
import { hasRecoveryTokens, hasRevocationLog, type AuthStore, type RecoveryTokenStore } from './auth-store.ts';
import { AuthError } from './errors.ts';
import { loadCodeDigester } from './hmac-secret.ts';
import { LogMailer, type Mailer } from './mailer.ts';
import { MemoryRecoveryTokens } from './memory-recovery-tokens.ts';
import { PasswordHasher } from './passwords.ts';
import { ProjectSessionCheck } from './project-session-check.ts';
import { gotrueErrorResponse } from './routes/gotrue-errors.ts';
import { gotrueRoutes } from './routes/gotrue-routes.ts';
import { restErrorResponse } from './routes/rest-errors.ts';
import { restRoutes } from './routes/rest-routes.ts';
import type { TrustProxy } from './routes/request.ts';
import { ReauthenticationService } from './reauthentication.ts';
import { RecoveryService } from './recovery.ts';
import { RedirectPolicy } from './redirect-policy.ts';
import { RevocationWatch } from './revocation-watch.ts';
import { SessionService } from './sessions.ts';
import { SigningKeys } from './signing-keys.ts';
import { UserService } from './users.ts';
import { builtInKeyResolver, createVerifier, externalKeyResolver, type TokenVerifier } from './verify.ts';

export interface AuthServiceOptions {
  store: AuthStore;
  /** Signing keys live in `<dataDir>/keys/` (built-in ES256 mode). */
  dataDir: string;
  clock?: { now(): number };
  log?: AuthLogger;
  /** Access-token lifetime. Default 3600 s. */
  accessTokenTtlSeconds?: number;
  /**
   * Built-in mode: claims added to every access token, as a Supabase custom access token hook would (Cadenza adds
   * Centrifugo's `channels` and `meta` when a Centrifugo cluster fronts it, docs/scale-out.md).
   */
  extraClaims?: (user: { id: string }, session: { id: string }) => Record<string, unknown>;
  /** Built-in mode: sign HS256 with this secret instead of ES256 keys. */
  jwtSecret?: string;
  /** External mode: verify a Supabase project's tokens; built-in endpoints off. */
  external?: {
    jwksUrl?: string | undefined;
    jwtSecret?: string | undefined;
    /** `https://<ref>.supabase.co/auth/v1`; checked against `iss` when set. */
    issuer?: string | undefined;
    /**
     * Also ask the project whether each token's session still exists (so logouts are seen), with its publishable
     * key. Needs `issuer` (the `/user` endpoint is `<issuer>/user`). Answers are cached `cacheSeconds` (60).
     */
    checkSessions?: { apiKey: string; cacheSeconds?: number } | undefined;
  };
  /** Public base URL; the built-in `iss` is `<siteUrl>/auth/v1` unless `issuer` is given. Default http://localhost:8000. */
  siteUrl?: string;
  /** `iss` of built-in tokens (checked by the verifier). */
  issuer?: string;
  /** Default 6 (GoTrue); applies to `/auth/v1` and `/api/v3/auth` alike. */
  minPasswordLength?: number;
  /** bcrypt cost. Default 10; tests may lower it (minimum 4). */
  bcryptCost?: number;
  rateLimits?: Partial<RateLimitSettings>;
  /** Default 10 s (hosted Supabase). */
  refreshTokenReuseIntervalSeconds?: number;
  /** How long the verifier trusts a session lookup. Default 5000 ms; logouts in this process apply at once. */
  sessionCacheMs?: number;
  /**
   * Built-in mode: how often to read the store's revocation log for sessions ended by other processes (admin CLI,
   * other instances on the same database); they are then refused and announced to `sessions.onRevoked`.
   * Default 1000 ms; 0 turns the watch off (short-lived processes such as the CLI).
   */
  revocationPollMs?: number;
  /**
   * Which peers are reverse proxies whose `X-Forwarded-For` gives the client IP for rate limits (`true` = any peer,
   * a predicate = those it accepts). Default false: the socket's peer address.
   */
  trustProxy?: TrustProxy;
  /** Default true. */
  signUpEnabled?: boolean;
  /**
   * Project keys `/auth/v1` demands as `apikey` (like hosted Supabase), e.g. the publishable key given to clients.
   * Default: none, any or no key is accepted. `/api/v3/auth` never asks for one.
   */
  apiKeys?: string[];
  /** Answered by `/auth/v1/health`. */
  version?: string;
  /**
   * Sends recovery mail. Default: `LogMailer`, which writes each message (link and code included) to `log` at
   * info instead of sending it — fine for development, a takeover risk wherever others read the log.
   */
  mailer?: Mailer;
  /**
   * Where recovery links may redirect besides the site's own host (GoTrue's `URI_ALLOW_LIST`): URLs whose
   * scheme, host and path prefix must match, e.g. `https://app.example.com/auth/callback` or `myapp://reset`.
   */
  redirectUrls?: string[];
  /** How long a recovery link or code works. Default 3600 s (GoTrue). */
  recoveryTokenTtlSeconds?: number;
  /**
   * Keys the stored digests of recovery codes and reauthentication nonces (≥ 32 characters). Default: the key file
   * `<dataDir>/keys/hmac.key`, made on first start (see `hmac-secret.ts`).
   */
  hmacSecret?: string;
}

export interface AuthService {
  /** Handles `/auth/v1/*` and `/api/v3/auth/*` (with CORS). Mount with `app.route('/', auth.app)`. */
  app: Hono;
  verifier: TokenVerifier;
  users: UserService;
  sessions: SessionService;
  /** Built-in ES256 mode only: makes a new signing key; the old one keeps verifying until its tokens expire. */
  rotateSigningKey(): Promise<string>;
  /**
   * Built-in ES256 mode only, for another process than the server (the admin CLI): writes a new key without retiring
   * the current one; the server signs with it from its next start. Returns its `kid`.
   */
  stageSigningKey(): Promise<string>;
  /** Whether tokens come from an external Supabase project. */
  readonly external: boolean;
  close(): Promise<void>;
}

const CORS_HEADERS = ['apikey', 'authorization', 'content-type', 'x-client-info', 'x-supabase-api-version', 'x-client-ip', 'x-jwt-aud', 'accept', 'traceparent', 'tracestate', 'baggage'];

/** Creates the auth service (see the module note). Reads or generates signing keys, so it is async. */
export async function createAuthService(options: AuthServiceOptions): Promise<AuthService> {
  const now = options.clock ? () => options.clock!.now() : () => Date.now();
  const log = options.log ?? silentLogger;
  const ttl = options.accessTokenTtlSeconds ?? 3600;
  if (!Number.isInteger(ttl) || ttl < 30) throw new Error('accessTokenTtlSeconds must be an integer ≥ 30');
  const minPasswordLength = Math.max(options.minPasswordLength ?? 6, 1);
  const signUpEnabled = options.signUpEnabled ?? true;
  const trustProxy = options.trustProxy ?? false;
  const rateLimits: RateLimitSettings = { ...defaultRateLimits, ...options.rateLimits };
  const external = options.external && (options.external.jwksUrl || options.external.jwtSecret) ? options.external : undefined;

  if (!external && options.jwtSecret !== undefined && options.jwtSecret.length < 32) {
    throw new Error('jwtSecret must be at least 32 characters');
  }
  let keys: SigningKeys | undefined;
  if (!external && !options.jwtSecret) {
    // Retired keys verify for one token lifetime plus the verifier's leeway and a margin.
    keys = await SigningKeys.open({ dataDir: options.dataDir, retainSeconds: ttl + 120, now });
  }
  const signer = keys ? keyRingSigner(keys) : options.jwtSecret && !external ? secretSigner(options.jwtSecret) : noSigner;
  const siteUrl = (options.siteUrl ?? 'http://localhost:8000').replace(/\/+$/, '');
  const issuerClaim = options.issuer ?? `${siteUrl}/auth/v1`;
  const issuer = new AccessTokenIssuer({ signer, ttlSeconds: ttl, issuer: issuerClaim, now, ...(options.extraClaims ? { extraClaims: options.extraClaims } : {}) });
  const sessions = new SessionService({
    store: options.store,
    issuer,
    now,
    log,
    reuseIntervalSeconds: options.refreshTokenReuseIntervalSeconds ?? 10,
    sessionCacheMs: options.sessionCacheMs ?? 5000,
  });
  const hasher = new PasswordHasher(Math.max(4, options.bcryptCost ?? 10));
  const users = new UserService({ store: options.store, hasher, sessions, minPasswordLength, now });

  const pollMs = options.revocationPollMs ?? 1000;
  if (!Number.isFinite(pollMs) || pollMs < 0) throw new Error('revocationPollMs must be ≥ 0');
  let watch: RevocationWatch | undefined;
  if (!external && pollMs > 0) {
    if (hasRevocationLog(options.store)) {
      watch = new RevocationWatch({
        log: options.store,
        intervalMs: pollMs,
        onRevoked: (userId, sessionIds) => sessions.noticeRevoked(userId, sessionIds),
        logger: log,
      });
      await watch.start();
    } else {
      log.warn({}, 'auth: the store keeps no revocation log; sessions ended by other processes are seen only after the session cache expires');
    }
  }

  const verifier = external
    ? externalVerifier(external, now, log)
    : createVerifier({
        ...builtInKeyResolver(keys ? { verificationKey: (kid) => keys.verificationKey(kid) } : { secret: options.jwtSecret }),
        issuer: issuerClaim,
        now,
        isSessionActive: (id) => sessions.isActive(id),
      });

  const app = new Hono();
  const corsMiddleware = cors({
    origin: (origin) => origin || '*',
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: CORS_HEADERS,
    exposeHeaders: ['X-Supabase-Api-Version', 'X-Total-Count', 'Link', 'x-sb-error-code'],
    credentials: true,
    maxAge: 86400,
  });
  app.use('/auth/v1/*', corsMiddleware);
  app.use('/api/v3/auth/*', corsMiddleware);
  if (external) {
    app.all('/auth/v1/*', (c) => gotrueErrorResponse(c, new AuthError('builtInAuthDisabled'), log));
    app.all('/api/v3/auth/*', (c) => restErrorResponse(c, new AuthError('builtInAuthDisabled'), log));
    log.info({ jwks: Boolean(external.jwksUrl), secret: Boolean(external.jwtSecret), issuer: external.issuer }, 'auth: external Supabase mode');
  } else {
    const recoveryTtl = options.recoveryTokenTtlSeconds ?? 3600;
    if (!Number.isInteger(recoveryTtl) || recoveryTtl < 60) throw new Error('recoveryTokenTtlSeconds must be an integer ≥ 60');
    let recoveryTokens: RecoveryTokenStore;
    if (hasRecoveryTokens(options.store)) recoveryTokens = options.store;
    else {
      recoveryTokens = new MemoryRecoveryTokens(now);
      log.info({}, 'auth: the store keeps no recovery tokens; pending password recoveries live in this process only');
    }
    const redirects = new RedirectPolicy(siteUrl, options.redirectUrls);
    const codes = loadCodeDigester({ dataDir: options.dataDir, secret: options.hmacSecret });
    const mailer = options.mailer ?? new LogMailer(log);
    const recovery = new RecoveryService({
      store: recoveryTokens,
      users,
      mailer,
      codes,
      redirects,
      siteUrl,
      ttlSeconds: recoveryTtl,
      maxCodeFailures: 5,
      now,
      log,
    });
    const reauthentication = new ReauthenticationService({ store: options.store, hasher, codes, mailer, now, log });
    const flows = new AuthFlows({ users, sessions, verifier, rateLimits, signUpEnabled, minPasswordLength, recovery, reauthentication, redirects, now, log });
    app.route('/', gotrueRoutes({ flows, jwks: () => keys?.jwks() ?? { keys: [] }, issuer: issuerClaim, log, trustProxy, signUpEnabled, version: options.version ?? '0.1.0', apiKeys: options.apiKeys }));
    app.route('/', restRoutes({ flows, log, trustProxy }));
    log.info({ alg: signer.alg, issuer: issuerClaim }, 'auth: built-in service');
  }

  return {
    app,
    verifier,
    users,
    sessions,
    external: Boolean(external),
    async rotateSigningKey() {
      if (!keys) throw new Error('signing keys rotate only in built-in ES256 mode');
      const kid = await keys.rotate();
      log.info({ kid }, 'auth: rotated the signing key');
      return kid;
    },
    async stageSigningKey() {
      if (!keys) throw new Error('signing keys rotate only in built-in ES256 mode');
      return keys.stage();
    },
    async close() {
      await watch?.stop();
      sessions.clearListeners();
    },
  };
}

/** The verifier of a Supabase project's tokens, optionally asking the project about logged-out sessions. */
function externalVerifier(external: NonNullable<AuthServiceOptions['external']>, now: () => number, log: AuthLogger): TokenVerifier {
  const resolver = externalKeyResolver({ jwksUrl: external.jwksUrl, secret: external.jwtSecret });
  if (!external.checkSessions) return createVerifier({ ...resolver, issuer: external.issuer, now });
  if (!external.issuer) throw new Error('external.checkSessions needs external.issuer (the project auth URL)');
  const check = new ProjectSessionCheck({
    userUrl: `${external.issuer.replace(/\/+$/, '')}/user`,
    apiKey: external.checkSessions.apiKey,
    cacheSeconds: external.checkSessions.cacheSeconds ?? 60,
    now,
    log,
  });
  return createVerifier({ ...resolver, issuer: external.issuer, now, isSessionActive: (id, token) => check.isActive(id, token) });
}
