/**
 * @module access-tokens
 * Issues access tokens with GoTrue's claims (`iss` when configured, `sub`, `aud`, `exp`, `iat`, `email`, `phone`,
 * `app_metadata`, `user_metadata`, `role`, `aal`, `amr`, `session_id`, `is_anonymous`). Signed ES256 with the
 * current key's `kid` by default, or HS256 with a shared secret (no `kid`, like legacy Supabase projects).
 */
import { SignJWT } from 'jose';
import type { SessionRecord, UserRecord } from './auth-store.ts';
import type { SigningKeys } from './signing-keys.ts';

/** Signs a JWT payload; says which algorithm it uses. */
export interface TokenSigner {
  readonly alg: 'ES256' | 'HS256';
  sign(payload: Record<string, unknown>): Promise<string>;
}

/** ES256 with the key ring's current key and its `kid`. */
export function keyRingSigner(keys: SigningKeys): TokenSigner {
  return {
    alg: 'ES256',
    sign(payload) {
      const { kid, privateKey } = keys.current();
      return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' }).sign(privateKey);
    },
  };
}

/** HS256 with a shared secret (UTF-8 bytes of the string, as GoTrue uses `GOTRUE_JWT_SECRET`). */
export function secretSigner(secret: string): TokenSigner {
  const key = new TextEncoder().encode(secret);
  return {
    alg: 'HS256',
    sign(payload) {
      return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);
    },
  };
}

/** For external mode, where this server must never mint tokens of its own. */
export const noSigner: TokenSigner = {
  alg: 'ES256',
  sign() {
    return Promise.reject(new Error('external auth mode: this server does not issue access tokens'));
  },
};

/** A freshly issued access token. */
export interface IssuedAccessToken {
  accessToken: string;
  /** Seconds. */
  expiresIn: number;
  /** Unix seconds. */
  expiresAt: number;
}

export interface AccessTokenIssuerOptions {
  signer: TokenSigner;
  ttlSeconds: number;
  /** `iss` claim; omitted when undefined. */
  issuer: string | undefined;
  now: () => number;
  /**
   * Claims added to every token, as a Supabase project's custom access token hook adds them (GoTrue's own claims
   * win over a name they repeat).
   */
  extraClaims?: (user: UserRecord, session: SessionRecord) => Record<string, unknown>;
}

/** Builds and signs access tokens for a user's session. */
export class AccessTokenIssuer {
  constructor(private readonly options: AccessTokenIssuerOptions) {}

  /** Profile claims are read from `user` at issue time, so metadata changes show up on the next refresh. */
  async issue(user: UserRecord, session: SessionRecord): Promise<IssuedAccessToken> {
    const iat = Math.floor(this.options.now() / 1000);
    const exp = iat + this.options.ttlSeconds;
    const payload: Record<string, unknown> = {
      ...this.options.extraClaims?.(user, session),
      ...(this.options.issuer ? { iss: this.options.issuer } : {}),
      sub: user.id,
      aud: user.aud,
      exp,
      iat,
      email: user.email,
      phone: '',
      app_metadata: user.appMetadata,
      user_metadata: user.userMetadata,
      role: user.role,
      aal: session.aal,
      amr: session.amr,
      session_id: session.id,
      is_anonymous: user.isAnonymous,
    };
    return { accessToken: await this.options.signer.sign(payload), expiresIn: this.options.ttlSeconds, expiresAt: exp };
  }
}
