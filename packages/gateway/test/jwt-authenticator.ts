/**
 * Test support: a JWT verifier with Centrifugo's token semantics, so the gateway's tests can drive the official
 * clients with real tokens through the hooks. The gateway itself never verifies tokens; the Cadenza server plugs
 * @cadenza/auth's verifier into `onConnect`.
 *
 * - Algorithms: HS256/384/512 with `hmacSecret`; RS*, PS*, ES*, EdDSA with `publicKeys` (PEM, JWK or KeyObject) or
 *   a JWKS endpoint (`jwksUrl`, key picked by `kid`). `audience` / `issuer` are checked when set.
 * - Connect tokens: user from `sub` (or `userIdClaim`); expiry from `expire_at` when present (0 = never), else `exp`;
 *   `info` becomes connection info; `channels` become server-side subscriptions; a `channel` claim makes it invalid.
 *   Bad signature/format/aud/iss → disconnect 3500; `exp`/`nbf` failing → error 109 (the client fetches a new token).
 * - Refresh: same checks, user must not change; invalid → 3500, expired → disconnect 3005.
 * - Subscription tokens: `channel` required and equal to the channel, `sub` equal to the connection's user, `client`
 *   (when present) equal to the client id — a mismatch is disconnect 3500; otherwise invalid → error 103,
 *   expired → error 109.
 */
import { createPublicKey, KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type CryptoKey, type JWK, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { Disconnect, ProtocolError, type ClientRef, type ConnectReply, type RefreshReply, type SubscribeReply } from '../src/index.ts';

export interface JwtAuthenticatorOptions {
  hmacSecret?: string | Uint8Array;
  /** JWKS endpoint for asymmetric tokens (key chosen by the token's `kid`). */
  jwksUrl?: string;
  /** Public keys for asymmetric tokens, tried in order: PEM text, JWK objects or KeyObjects. */
  publicKeys?: Array<string | JWK | KeyObject>;
  audience?: string;
  issuer?: string;
  /** Claim holding the user id (default `sub`). */
  userIdClaim?: string;
  /** Connect without a token as anonymous user '' (default false: disconnect 3501). */
  allowAnonymous?: boolean;
  /** Tolerated clock skew in seconds (default 0). */
  clockToleranceSeconds?: number;
  /** The clock tokens are judged on, unix ms (default the wall clock; tests pass the node's fake one). */
  now?: () => number;
}

/** Why a token was refused. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(readonly reason: 'invalid' | 'expired', message: string) {
    super(message);
  }
}

export interface JwtAuthenticator {
  /** Verifies signature and claims; throws TokenError. */
  verify(token: string): Promise<JWTPayload>;
  /** For `onConnect`. */
  connect(token: string): Promise<ConnectReply>;
  /** For `onRefresh`. */
  refresh(token: string, client: ClientRef): Promise<RefreshReply>;
  /** For `onSubscribe` / `onSubRefresh` with a subscription token. */
  subscribe(token: string, channel: string, client: ClientRef): Promise<SubscribeReply>;
}

const HMAC_ALGS = ['HS256', 'HS384', 'HS512'];
const ASYM_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

function toKeyObject(k: string | JWK | KeyObject): KeyObject {
  if (typeof k === 'string') return createPublicKey(k);
  if (k instanceof KeyObject) return k;
  return createPublicKey({ key: k as import('node:crypto').JsonWebKey, format: 'jwk' });
}

function expiryOf(claims: JWTPayload): number {
  const e = claims.expire_at;
  if (typeof e === 'number') return e;
  return typeof claims.exp === 'number' ? claims.exp : 0;
}

export function createJwtAuthenticator(o: JwtAuthenticatorOptions): JwtAuthenticator {
  const raw = typeof o.hmacSecret === 'string' ? new TextEncoder().encode(o.hmacSecret) : o.hmacSecret;
  // Imported once per hash: given raw bytes, jose imports them again for every token (most of a fuzzed connect's cost).
  const hmacKeys = new Map<string, Promise<CryptoKey>>();
  const secret: JWTVerifyGetKey | undefined = raw
    ? (header) => {
        const hash = `SHA-${String(header.alg).slice(2)}`;
        let key = hmacKeys.get(hash);
        if (!key) hmacKeys.set(hash, (key = crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash }, false, ['verify'])));
        return key;
      }
    : undefined;
  const keys = (o.publicKeys ?? []).map(toKeyObject);
  const jwks: JWTVerifyGetKey | undefined = o.jwksUrl ? createRemoteJWKSet(new URL(o.jwksUrl)) : undefined;
  const userClaim = o.userIdClaim ?? 'sub';
  const common = { audience: o.audience, issuer: o.issuer, clockTolerance: o.clockToleranceSeconds ?? 0 };

  function classify(err: unknown): TokenError {
    if (err instanceof TokenError) return err;
    if (err instanceof joseErrors.JWTExpired) return new TokenError('expired', 'token expired');
    if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'nbf') return new TokenError('expired', 'token not yet valid');
    return new TokenError('invalid', err instanceof Error ? err.message : 'invalid token');
  }

  async function verify(token: string): Promise<JWTPayload> {
    const candidates: Array<{ key: Uint8Array | KeyObject | JWTVerifyGetKey; algorithms: string[] }> = [];
    if (secret) candidates.push({ key: secret, algorithms: HMAC_ALGS });
    for (const k of keys) candidates.push({ key: k, algorithms: ASYM_ALGS });
    if (jwks) candidates.push({ key: jwks, algorithms: ASYM_ALGS });
    if (candidates.length === 0) throw new Error('createJwtAuthenticator: no key configured');
    let last: TokenError | undefined;
    for (const c of candidates) {
      try {
        const { payload } = await jwtVerify(token, c.key as Uint8Array, { ...common, algorithms: c.algorithms, ...(o.now ? { currentDate: new Date(o.now()) } : {}) });
        return payload;
      } catch (err) {
        const e = classify(err);
        // A verified signature with failing time claims is final; other failures may succeed with the next key.
        if (e.reason === 'expired') throw e;
        last = e;
      }
    }
    throw last ?? new TokenError('invalid', 'invalid token');
  }

  function userOf(claims: JWTPayload): string {
    const u = claims[userClaim];
    return typeof u === 'string' ? u : u === undefined ? '' : String(u);
  }

  return {
    verify,

    async connect(token) {
      if (!token) {
        if (o.allowAnonymous) return { identity: { userId: '' } };
        throw Disconnect.badRequest();
      }
      let claims: JWTPayload;
      try {
        claims = await verify(token);
      } catch (err) {
        if (classify(err).reason === 'expired') throw ProtocolError.tokenExpired();
        throw Disconnect.invalidToken();
      }
      if (claims.channel !== undefined) throw Disconnect.invalidToken();
      const reply: ConnectReply = {
        identity: {
          userId: userOf(claims),
          expireAt: expiryOf(claims),
          meta: { claims },
        },
      };
      if (typeof claims.session_id === 'string') reply.identity.sessionId = claims.session_id;
      if (claims.info !== undefined) reply.identity.info = claims.info;
      if (Array.isArray(claims.channels)) reply.channels = claims.channels.filter((c): c is string => typeof c === 'string');
      return reply;
    },

    async refresh(token, client) {
      let claims: JWTPayload;
      try {
        claims = await verify(token);
      } catch (err) {
        if (classify(err).reason === 'expired') throw Disconnect.expired();
        throw Disconnect.invalidToken();
      }
      if (userOf(claims) !== client.identity.userId) throw Disconnect.invalidToken();
      const r: RefreshReply = { expireAt: expiryOf(claims) };
      if (claims.info !== undefined) r.info = claims.info;
      return r;
    },

    async subscribe(token, channel, client) {
      let claims: JWTPayload;
      try {
        claims = await verify(token);
      } catch (err) {
        if (classify(err).reason === 'expired') throw ProtocolError.tokenExpired();
        throw ProtocolError.permissionDenied();
      }
      if (typeof claims.channel !== 'string') throw ProtocolError.permissionDenied();
      if (claims.channel !== channel) throw Disconnect.invalidToken();
      if (userOf(claims) !== client.identity.userId) throw Disconnect.invalidToken();
      if (claims.client !== undefined && claims.client !== client.clientId) throw Disconnect.invalidToken();
      const r: SubscribeReply = { expireAt: expiryOf(claims) };
      if (claims.info !== undefined) r.info = claims.info;
      if (claims.data !== undefined) r.data = claims.data;
      return r;
    },
  };
}
