/**
 * @module postgres/auth-statements
 * The statements the PostgreSQL auth store uses more than once or whose condition is its single-use promise, and the
 * parameter lists of the records they write.
 */
import type { IdentityRecord, RefreshTokenRecord, UserRecord } from '@cadenza/auth';

/** The columns `updateUser` writes, $1…$14 (insert adds the pending reauthentication as $15, $16). */
export const userParams = (u: UserRecord) => [
  u.id, u.email, u.emailSkeleton, u.passwordHash, u.role, u.aud, u.emailConfirmedAt, u.lastSignInAt, u.bannedUntil,
  JSON.stringify(u.appMetadata), JSON.stringify(u.userMetadata), u.isAnonymous, u.createdAt, u.updatedAt,
];

export const identityParams = (i: IdentityRecord) => [
  i.identityId, i.userId, i.provider, i.providerId, JSON.stringify(i.identityData), i.email, i.lastSignInAt, i.createdAt, i.updatedAt,
];

export const tokenParams = (t: RefreshTokenRecord) => [t.tokenHash, t.sessionId, t.userId, t.parentHash, t.createdAt, t.revokedAt];

export const INSERT_USER = `INSERT INTO auth_users (id, email, email_skeleton, password_hash, role, aud, email_confirmed_at, last_sign_in_at,
  banned_until, app_metadata, user_metadata, is_anonymous, created_at, updated_at, reauthentication_hash, reauthentication_sent_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`;
// Not the pending reauthentication: only the conditional statements below write it.
export const UPDATE_USER = `UPDATE auth_users SET email = $2, email_skeleton = $3, password_hash = $4, role = $5, aud = $6, email_confirmed_at = $7,
  last_sign_in_at = $8, banned_until = $9, app_metadata = $10, user_metadata = $11, is_anonymous = $12, created_at = $13, updated_at = $14
  WHERE id = $1`;
export const START_REAUTHENTICATION = `UPDATE auth_users SET reauthentication_hash = $2, reauthentication_sent_at = $3, reauthentication_failures = 0
  WHERE id = $1 AND (reauthentication_sent_at IS NULL OR reauthentication_sent_at <= $4)`;
export const CLEAR_REAUTHENTICATION = `UPDATE auth_users SET reauthentication_hash = NULL
  WHERE id = $1 AND reauthentication_hash = $2 AND reauthentication_sent_at >= $3`;
export const COUNT_WRONG_REAUTHENTICATION = `UPDATE auth_users SET reauthentication_failures = reauthentication_failures + 1,
  reauthentication_hash = CASE WHEN reauthentication_failures + 1 >= $3 THEN NULL ELSE reauthentication_hash END
  WHERE id = $1 AND reauthentication_hash = $2 RETURNING reauthentication_hash IS NULL AS voided`;
export const INSERT_IDENTITY = `INSERT INTO auth_identities (identity_id, user_id, provider, provider_id, identity_data, email, last_sign_in_at,
  created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;
export const INSERT_TOKEN = 'INSERT INTO auth_refresh_tokens (token_hash, session_id, user_id, parent_hash, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)';
export const TOUCH_SESSION = 'UPDATE auth_sessions SET refreshed_at = $1 WHERE id = $2';
