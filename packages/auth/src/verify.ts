/**
 * @module verify
 * Access-token verification for REST and the WebSocket gateway, for tokens of the built-in service and of a real
 * Supabase project (external mode).
 *
 * A token passes only if: it is a compact JWS; its `alg` is allowed *for the key it names* (ES256/RS256 only with
 * a JWKS/key-ring key matched by `kid`, HS256 only with the configured secret — so `none`, HS/RS confusion and
 * unknown `kid`s fail); the signature verifies; `exp` is in the future and `iat` not (with `TOKEN_LEEWAY_SECONDS` of
 * clock leeway — the one rule every surface follows: REST, the auth routes, WebSocket connect and refresh, gateway
 * nodes; a token is usable until `validUntil` = exp + leeway, and expired after); `aud` is `authenticated`;
 * `iss` matches when an issuer is configured; `sub` is a UUID; `role` is `authenticated` (so the anon and
 * service-role API keys, which are JWTs of the same secret, never pass as users). In built-in mode the token's
 * session must still exist (`revoked` otherwise), looked up through a short cache that logouts clear at once; in
 * external mode the same check can be asked of the project (`project-session-check.ts`).
 *
 * HS256 tokens are checked in place with fast-jwt (node:crypto, synchronous: about 10 µs); ES256 tokens of the
 * built-in key ring — what the built-in service issues — have their signature checked by node:crypto on libuv's
 * thread pool (90–130 µs of CPU a token: checked in place, the largest part of a WebSocket connect, and the event
 * loop stood still meanwhile; a reconnect storm of thousands of clients held up every publication) and their claims
 * by jose's own claims-set rules on the event loop (a few µs); the others (a Supabase project's JWKS) go through
 * jose whole (WebCrypto: its per-call overhead cost about 215–230 µs of CPU an ES256 token, measured beside the
 * fan-out bench). The rules above are the same on every path: the time rules (`exp`, `nbf`, `iat`) are applied as
 * jose applies them, so no token passes one path that another refuses (`test/token-check-parity.test.ts`).
 */
import { createRemoteJWKSet, errors, jwtVerify, UnsecuredJWT, type CryptoKey, type JWTPayload, type JWTHeaderParameters } from 'jose';
import { KeyObject, verify as verifySignature } from 'node:crypto';
import { createVerifier as createSyncVerifier, TokenError as SyncTokenError } from 'fast-jwt';
import { TokenError } from './errors.ts';
import { boundedText } from './bounded-text.ts';

/**
 * Clock leeway on `exp`/`iat`, seconds: tolerates skew between the issuer's clock and ours. Every surface that judges a
 * token's expiry uses this one value (through `validUntil`), so none refuses a token another accepts.
 */
export const TOKEN_LEEWAY_SECONDS = 30;

/** Unix seconds until which a token with this `exp` is accepted. */
export function validUntil(exp: number, leewaySeconds = TOKEN_LEEWAY_SECONDS): number {
  return exp + leewaySeconds;
}

/** What a verified access token says. */
export interface AccessClaims {
  /** User id. */
  sub: string;
  email: string;
  /** Always `authenticated`. */
  role: string;
  /** Server-side session; absent only on external tokens that carry none. */
  sessionId: string | undefined;
  /** Server-controlled metadata: the only source of permissions. */
  appMetadata: Record<string, unknown>;
  /** User-editable; never use for permissions. */
  userMetadata: Record<string, unknown>;
  /** Unix seconds. */
  exp: number;
  /** Unix seconds: `exp` plus the leeway — the last moment any surface accepts this token (a connection's expiry). */
  validUntil: number;
  iat: number | undefined;
  aal: string | undefined;
  isAnonymous: boolean;
  /** `app_metadata.role === 'admin'`. */
  isAdmin: boolean;
  /** Every claim as received. */
  raw: JWTPayload;
}

/** Verifies access tokens; throws `TokenError` with reason `expired`, `invalid` or `revoked`. */
export interface TokenVerifier {
  verify(token: string): Promise<AccessClaims>;
}

/** Picks the verification key for a token header, or throws `TokenError('invalid')`. */
export type KeyResolver = (header: JWTHeaderParameters) => Promise<CryptoKey | Uint8Array> | CryptoKey | Uint8Array;

export interface VerifierOptions {
  /** The key of an ES256/RS256 token (never asked for HS256: those are checked with `hmacSecret`). */
  resolveKey: KeyResolver;
  /** Every asymmetric algorithm any configured key may use (jose refuses the rest before the resolver runs). */
  algorithms: string[];
  /** The HS256 secret, when HS256 tokens are accepted. */
  hmacSecret?: string;
  /** ES256 public keys by `kid` (the built-in key ring), checked without jose's WebCrypto; ES256 tokens go to `resolveKey` without it. */
  es256Key?: (kid: string) => CryptoKey | undefined;
  issuer: string | undefined;
  now: () => number;
  /** Whether the token's session still exists (built-in store, or the project's `/user` in external mode). */
  isSessionActive?: (sessionId: string, token: string) => Promise<boolean>;
  leewaySeconds?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const AUDIENCE = 'authenticated';
const ASYMMETRIC = ['ES256', 'RS256'];

function objectClaim(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Builds a verifier from a key resolver and/or an HS256 secret; see the module note for the rules. */
export function createVerifier(options: VerifierOptions): TokenVerifier {
  const leeway = options.leewaySeconds ?? TOKEN_LEEWAY_SECONDS;
  const hs256 = options.hmacSecret === undefined ? undefined : inPlaceChecker(options.hmacSecret, 'HS256', options.issuer);
  const es256 = options.es256Key;
  /** jose's claims options: the same for every path. */
  const claimRules = () => ({
    audience: AUDIENCE,
    ...(options.issuer ? { issuer: options.issuer } : {}),
    clockTolerance: leeway,
    currentDate: new Date(options.now()),
    requiredClaims: ['sub', 'exp'],
  });

  /** Signature and claims of a token whose header names `alg` (and `kid`), on the short path when its key is here. */
  function check(token: string, parts: string[]): Promise<JWTPayload> | JWTPayload {
    const header = decodeHeader(parts[0]!);
    if (header?.alg === 'HS256' && hs256) return checkTimes(hs256(token), options.now(), leeway);
    if (header?.alg === 'ES256' && es256) return keyRingCheck(parts, header);
    return joseCheck(token);
  }

  /**
   * A key-ring ES256 token: its `kid`'s key (no `crit` extension accepted), the signature on the thread pool, then
   * the claims by jose's rules — the claims set re-wrapped as an unsecured JWT, which jose reads with the checks
   * `jwtVerify` makes once a signature verified.
   */
  async function keyRingCheck(parts: string[], header: { alg?: unknown; kid?: unknown; crit?: unknown }): Promise<JWTPayload> {
    if (typeof header.kid !== 'string') throw new TokenError('invalid', 'token has no kid');
    const key = es256!(header.kid);
    if (!key) throw new TokenError('invalid', 'unknown kid');
    if (header.crit !== undefined) throw new TokenError('invalid', 'critical header extensions are not supported');
    if (!ES256_SIGNATURE.test(parts[2]!)) throw new TokenError('invalid', 'signature is not an ES256 signature');
    if (!(await es256Signed(key, parts))) throw new TokenError('invalid', 'signature verification failed');
    return claimsOf(() => UnsecuredJWT.decode(`${UNSECURED_HEADER}.${parts[1]}.`, claimRules()).payload);
  }

  /** Signature, `aud` and `iss` through jose, which also applies the time rules. */
  function joseCheck(token: string): Promise<JWTPayload> {
    if (options.algorithms.length === 0) throw new TokenError('invalid', 'algorithm is not accepted');
    return claimsOf(async () => (await jwtVerify(token, (header) => options.resolveKey(header), { algorithms: options.algorithms, ...claimRules() })).payload);
  }

  return {
    async verify(token: string): Promise<AccessClaims> {
      if (typeof token !== 'string') throw new TokenError('invalid', 'malformed token');
      const parts = token.split('.');
      if (parts.length !== 3) throw new TokenError('invalid', 'malformed token');
      const payload = await check(token, parts);
      if (typeof payload.sub !== 'string' || !UUID.test(payload.sub)) throw new TokenError('invalid', 'sub claim must be a UUID');
      if (payload.role !== AUDIENCE) throw new TokenError('invalid', 'role claim must be authenticated');
      if (typeof payload.exp !== 'number') throw new TokenError('invalid', 'missing exp claim');
      if (typeof payload.iat === 'number' && payload.iat > options.now() / 1000 + leeway) throw new TokenError('invalid', 'iat is in the future');
      const sessionId = typeof payload.session_id === 'string' ? payload.session_id : undefined;
      if (options.isSessionActive) {
        if (!sessionId) throw new TokenError('invalid', 'missing session_id claim');
        if (!(await options.isSessionActive(sessionId, token))) throw new TokenError('revoked', 'session has ended');
      }
      const appMetadata = objectClaim(payload.app_metadata);
      return {
        sub: payload.sub,
        email: typeof payload.email === 'string' ? payload.email : '',
        role: payload.role,
        sessionId,
        appMetadata,
        userMetadata: objectClaim(payload.user_metadata),
        exp: payload.exp,
        validUntil: validUntil(payload.exp, leeway),
        iat: typeof payload.iat === 'number' ? payload.iat : undefined,
        aal: typeof payload.aal === 'string' ? payload.aal : undefined,
        isAnonymous: payload.is_anonymous === true,
        isAdmin: appMetadata.role === 'admin',
        raw: payload,
      };
    },
  };
}

/** jose's verdict as a TokenError: `expired` (said only of a token whose signature verified), else `invalid`. */
async function claimsOf(read: () => Promise<JWTPayload> | JWTPayload): Promise<JWTPayload> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof TokenError) throw err;
    if (err instanceof errors.JWTExpired) throw new TokenError('expired', 'token has expired', { cause: err });
    const detail = err instanceof Error ? boundedText(err.message) : 'verification failed';
    throw new TokenError('invalid', detail, { cause: err });
  }
}

/** A token's header, or undefined when it is not a JSON object. */
function decodeHeader(encoded: string): { alg?: unknown; kid?: unknown; crit?: unknown } | undefined {
  try {
    const header: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    return header !== null && typeof header === 'object' ? (header as { alg?: unknown; kid?: unknown; crit?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

/** An ES256 signature: 64 bytes (r ‖ s), base64url without padding — nothing else decodes to one. */
const ES256_SIGNATURE = /^[A-Za-z0-9_-]{86}$/;
const UNSECURED_HEADER = Buffer.from('{"alg":"none"}').toString('base64url');
/** The node:crypto form of each key-ring key, made once per key and dropped with it. */
const keyObjects = new WeakMap<CryptoKey, KeyObject>();

/** Whether the token's signature is the key's over `header.payload`, checked on libuv's thread pool. */
function es256Signed(key: CryptoKey, parts: string[]): Promise<boolean> {
  let keyObject = keyObjects.get(key);
  if (!keyObject) keyObjects.set(key, (keyObject = KeyObject.from(key)));
  const input = Buffer.from(`${parts[0]}.${parts[1]}`);
  const signature = Buffer.from(parts[2]!, 'base64url');
  return new Promise((resolve) => {
    verifySignature('sha256', input, { key: keyObject, dsaEncoding: 'ieee-p1363' }, signature, (err, ok) => resolve(!err && ok));
  });
}

/**
 * A synchronous check of one key: signature, `crit`, `aud` (and `iss` when configured) — all required. The time
 * rules are left to `checkTimes`, which reads the verifier's clock (fast-jwt's is fixed when it is created).
 */
function inPlaceChecker(key: string, alg: 'HS256', issuer: string | undefined): (token: string) => JWTPayload {
  const check = createSyncVerifier({
    key,
    algorithms: [alg],
    allowedAud: AUDIENCE,
    ...(issuer ? { allowedIss: issuer } : {}),
    requiredClaims: ['sub', 'exp', 'aud', ...(issuer ? ['iss'] : [])],
    ignoreExpiration: true,
    ignoreNotBefore: true,
    cache: false,
  });
  return (token) => {
    try {
      const payload: unknown = check(token);
      if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new TokenError('invalid', 'payload is not a claims set');
      return payload as JWTPayload;
    } catch (err) {
      if (err instanceof TokenError) throw err;
      const detail = err instanceof SyncTokenError || err instanceof Error ? boundedText(err.message) : 'verification failed';
      throw new TokenError('invalid', detail, { cause: err });
    }
  };
}

/** jose's time rules for a payload whose signature verified: `exp` required, `nbf` and `iat` numbers when present. */
function checkTimes(payload: JWTPayload, nowMs: number, leeway: number): JWTPayload {
  const now = Math.floor(nowMs / 1000);
  if (typeof payload.exp !== 'number') throw new TokenError('invalid', '"exp" claim must be a number');
  if (payload.iat !== undefined && typeof payload.iat !== 'number') throw new TokenError('invalid', '"iat" claim must be a number');
  if (payload.nbf !== undefined) {
    if (typeof payload.nbf !== 'number') throw new TokenError('invalid', '"nbf" claim must be a number');
    if (payload.nbf > now + leeway) throw new TokenError('invalid', '"nbf" claim timestamp check failed');
  }
  if (payload.exp <= now - leeway) throw new TokenError('expired', 'token has expired');
  return payload;
}

/** Built-in mode keys: the key ring (ES256 by `kid`) and/or the HS256 secret. */
export function builtInKeyResolver(sources: {
  verificationKey?: (kid: string) => CryptoKey | undefined;
  secret?: string;
}): { resolveKey: KeyResolver; algorithms: string[]; hmacSecret?: string; es256Key?: (kid: string) => CryptoKey | undefined } {
  return {
    algorithms: sources.verificationKey ? ['ES256'] : [],
    ...(sources.secret ? { hmacSecret: sources.secret } : {}),
    ...(sources.verificationKey ? { es256Key: sources.verificationKey } : {}),
    resolveKey(header) {
      if (header.alg === 'ES256' && sources.verificationKey) {
        if (typeof header.kid !== 'string') throw new TokenError('invalid', 'token has no kid');
        const key = sources.verificationKey(header.kid);
        if (!key) throw new TokenError('invalid', 'unknown kid');
        return key;
      }
      throw new TokenError('invalid', `algorithm ${boundedText(String(header.alg))} is not accepted`);
    },
  };
}

/** External mode keys: a Supabase project's JWKS (ES256/RS256 by `kid`) and/or its legacy HS256 secret. */
export function externalKeyResolver(sources: { jwksUrl?: string; secret?: string }): { resolveKey: KeyResolver; algorithms: string[]; hmacSecret?: string } {
  // The JWKS is cached 10 min (like supabase-js); an unknown kid refetches at most every 30 s.
  const jwks = sources.jwksUrl
    ? createRemoteJWKSet(new URL(sources.jwksUrl), { cacheMaxAge: 600_000, cooldownDuration: 30_000, timeoutDuration: 5_000 })
    : undefined;
  return {
    algorithms: jwks ? ASYMMETRIC : [],
    ...(sources.secret ? { hmacSecret: sources.secret } : {}),
    async resolveKey(header) {
      if (header.alg !== undefined && ASYMMETRIC.includes(header.alg) && jwks) {
        if (typeof header.kid !== 'string') throw new TokenError('invalid', 'token has no kid');
        try {
          return await jwks(header, { payload: '', signature: '' });
        } catch (err) {
          if (err instanceof errors.JWKSNoMatchingKey) throw new TokenError('invalid', 'unknown kid', { cause: err });
          throw new TokenError('invalid', 'signing keys unavailable', { cause: err });
        }
      }
      throw new TokenError('invalid', `algorithm ${boundedText(String(header.alg))} is not accepted`);
    },
  };
}
