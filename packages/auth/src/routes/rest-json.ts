/**
 * @module routes/rest-json
 * The Cadenza REST contract's auth shapes (camelCase `AuthSession`, `AuthUser`) and the `BaseResponse` envelope
 * `{success, errno, error, details, data}` used by every `/api/v3` answer.
 */
import type { UserView, SessionView } from '../auth-flows.ts';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Contract `AuthUser`. `appMetadata` carries the contract's `tenantId`/`environments` when set, plus the rest. */
export function restUser({ user, identities }: UserView): Record<string, unknown> {
  return {
    id: user.id,
    email: user.email,
    phone: null,
    emailConfirmedAt: iso(user.emailConfirmedAt),
    phoneConfirmedAt: null,
    lastSignInAt: iso(user.lastSignInAt),
    role: user.role,
    createdAt: iso(user.createdAt),
    updatedAt: iso(user.updatedAt),
    appMetadata: { tenantId: null, environments: [], ...user.appMetadata },
    userMetadata: user.userMetadata,
    identities: identities.map((i) => ({
      id: i.providerId,
      userId: i.userId,
      identityData: i.identityData,
      provider: i.provider,
      lastSignInAt: iso(i.lastSignInAt),
      createdAt: iso(i.createdAt),
      updatedAt: iso(i.updatedAt),
    })),
  };
}

/** Contract `AuthSession` (`expiresAt` in Unix seconds). */
export function restSession(view: SessionView): Record<string, unknown> {
  return {
    accessToken: view.issued.accessToken,
    refreshToken: view.issued.refreshToken,
    tokenType: 'bearer',
    expiresIn: view.issued.expiresIn,
    expiresAt: view.issued.expiresAt,
    user: restUser(view),
  };
}

/** A successful `BaseResponse` with `data`. */
export function ok(data: unknown): Record<string, unknown> {
  return { success: true, errno: 0, error: null, details: null, data };
}
