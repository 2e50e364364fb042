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
 */
import { createRemoteJWKSet, errors, jwtVerify, type CryptoKey, type JWTPayload, type JWTHeaderParameters } from 'jose';
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
  resolveKey: KeyResolver;
  /** Every algorithm any configured key may use (jose refuses the rest before the resolver runs). */
  algorithms: string[];
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

/** Builds a verifier from a key resolver; see the module note for the rules. */
export function createVerifier(options: VerifierOptions): TokenVerifier {
  const leeway = options.leewaySeconds ?? TOKEN_LEEWAY_SECONDS;
  return {
    async verify(token: string): Promise<AccessClaims> {
      if (typeof token !== 'string' || token.split('.').length !== 3) throw new TokenError('invalid', 'malformed token');
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, (header) => options.resolveKey(header), {
          algorithms: options.algorithms,
          audience: AUDIENCE,
          ...(options.issuer ? { issuer: options.issuer } : {}),
          clockTolerance: leeway,
          currentDate: new Date(options.now()),
          requiredClaims: ['sub', 'exp'],
        }));
      } catch (err) {
        if (err instanceof TokenError) throw err;
        // jose checks claims only after the signature verified, so "expired" is never said of a forged token.
        if (err instanceof errors.JWTExpired) throw new TokenError('expired', 'token has expired', { cause: err });
        const detail = err instanceof Error ? boundedText(err.message) : 'verification failed';
        throw new TokenError('invalid', detail, { cause: err });
      }
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

/**
 * The HS256 secret as a key imported once. Given the raw bytes, jose imports them again on every verification, which
 * cost more than the verification itself (about 1 ms against 0.07 ms per token, measured on the fan-out bench).
 */
function hmacKey(secret: Uint8Array): () => Promise<CryptoKey> {
  let key: Promise<CryptoKey> | undefined;
  return () => (key ??= crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']));
}

/** Built-in mode keys: the key ring (ES256 by `kid`) and/or the HS256 secret. */
export function builtInKeyResolver(sources: {
  verificationKey?: (kid: string) => CryptoKey | undefined;
  secret?: string;
}): { resolveKey: KeyResolver; algorithms: string[] } {
  const secret = sources.secret === undefined ? undefined : hmacKey(new TextEncoder().encode(sources.secret));
  const algorithms = [...(sources.verificationKey ? ['ES256'] : []), ...(secret ? ['HS256'] : [])];
  return {
    algorithms,
    resolveKey(header) {
      if (header.alg === 'HS256' && secret) return secret();
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
export function externalKeyResolver(sources: { jwksUrl?: string; secret?: string }): { resolveKey: KeyResolver; algorithms: string[] } {
  const secret = sources.secret === undefined ? undefined : hmacKey(new TextEncoder().encode(sources.secret));
  // The JWKS is cached 10 min (like supabase-js); an unknown kid refetches at most every 30 s.
  const jwks = sources.jwksUrl
    ? createRemoteJWKSet(new URL(sources.jwksUrl), { cacheMaxAge: 600_000, cooldownDuration: 30_000, timeoutDuration: 5_000 })
    : undefined;
  const algorithms = [...(jwks ? ASYMMETRIC : []), ...(secret ? ['HS256'] : [])];
  return {
    algorithms,
    async resolveKey(header) {
      if (header.alg === 'HS256' && secret) return secret();
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
