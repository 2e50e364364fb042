/**
 * @module routes/gotrue-json
 * GoTrue's JSON shapes (snake_case): the user object and the session object, as supabase-js and supabase-py
 * parse them. Null timestamps are omitted (GoTrue's `omitempty`); `identities[].identity_data` is always an object.
 */
import type { UserView, SessionView } from '../auth-flows.ts';

const iso = (ms: number | null): string | undefined => (ms === null ? undefined : new Date(ms).toISOString());

function definedOnly(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** GoTrue `models.User`. */
export function gotrueUser({ user, identities }: UserView): Record<string, unknown> {
  return definedOnly({
    id: user.id,
    aud: user.aud,
    role: user.role,
    email: user.email,
    email_confirmed_at: iso(user.emailConfirmedAt),
    phone: '',
    confirmed_at: iso(user.emailConfirmedAt),
    last_sign_in_at: iso(user.lastSignInAt),
    reauthentication_sent_at: iso(user.reauthenticationSentAt),
    app_metadata: user.appMetadata,
    user_metadata: user.userMetadata,
    identities: identities.map((i) =>
      definedOnly({
        identity_id: i.identityId,
        id: i.providerId,
        user_id: i.userId,
        identity_data: i.identityData,
        provider: i.provider,
        last_sign_in_at: iso(i.lastSignInAt),
        created_at: iso(i.createdAt),
        updated_at: iso(i.updatedAt),
        email: i.email ?? undefined,
      }),
    ),
    created_at: iso(user.createdAt),
    updated_at: iso(user.updatedAt),
    banned_until: iso(user.bannedUntil),
    is_anonymous: user.isAnonymous,
  });
}

/** GoTrue's token response (`/token`, auto-confirmed `/signup`). */
export function gotrueSession(view: SessionView): Record<string, unknown> {
  const { issued } = view;
  return {
    access_token: issued.accessToken,
    token_type: 'bearer',
    expires_in: issued.expiresIn,
    expires_at: issued.expiresAt,
    refresh_token: issued.refreshToken,
    user: gotrueUser(view),
    ...(view.weakPasswordReasons
      ? { weak_password: { message: 'Password does not meet the current policy', reasons: view.weakPasswordReasons } }
      : {}),
  };
}
