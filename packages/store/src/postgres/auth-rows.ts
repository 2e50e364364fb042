/**
 * @module postgres/auth-rows
 * The rows of the PostgreSQL auth tables and their mappers to the auth port's records (bigint columns arrive as
 * strings).
 */
import type { IdentityRecord, RecoveryTokenRecord, RefreshTokenRecord, SessionRecord, UserRecord } from '@cadenza/auth';

export interface UserRow {
  id: string;
  email: string;
  email_skeleton: string;
  password_hash: string | null;
  role: string;
  aud: string;
  email_confirmed_at: string | null;
  last_sign_in_at: string | null;
  banned_until: string | null;
  app_metadata: Record<string, unknown>;
  user_metadata: Record<string, unknown>;
  is_anonymous: boolean;
  reauthentication_hash: string | null;
  reauthentication_sent_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface IdentityRow {
  identity_id: string;
  user_id: string;
  provider: string;
  provider_id: string;
  identity_data: Record<string, unknown>;
  email: string | null;
  last_sign_in_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SessionRow {
  id: string;
  user_id: string;
  aal: string;
  amr: SessionRecord['amr'];
  user_agent: string | null;
  ip: string | null;
  created_at: string;
  refreshed_at: string | null;
}

export interface TokenRow {
  token_hash: string;
  session_id: string;
  user_id: string;
  parent_hash: string | null;
  created_at: string;
  revoked_at: string | null;
}

export type RecoveryRow = { user_id: string; link_hash: string; otp_hash: string; created_at: string; expires_at: string };

/** bigint columns arrive as strings. */
const ms = (v: string | null): number | null => (v === null ? null : Number(v));

export const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  email: r.email,
  emailSkeleton: r.email_skeleton,
  passwordHash: r.password_hash,
  role: r.role,
  aud: r.aud,
  emailConfirmedAt: ms(r.email_confirmed_at),
  lastSignInAt: ms(r.last_sign_in_at),
  bannedUntil: ms(r.banned_until),
  appMetadata: r.app_metadata,
  userMetadata: r.user_metadata,
  isAnonymous: r.is_anonymous,
  reauthenticationHash: r.reauthentication_hash,
  reauthenticationSentAt: ms(r.reauthentication_sent_at),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export const toIdentity = (r: IdentityRow): IdentityRecord => ({
  identityId: r.identity_id,
  userId: r.user_id,
  provider: r.provider,
  providerId: r.provider_id,
  identityData: r.identity_data,
  email: r.email,
  lastSignInAt: ms(r.last_sign_in_at),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export const toSession = (r: SessionRow): SessionRecord => ({
  id: r.id,
  userId: r.user_id,
  aal: r.aal,
  amr: r.amr,
  userAgent: r.user_agent,
  ip: r.ip,
  createdAt: Number(r.created_at),
  refreshedAt: ms(r.refreshed_at),
});

export const toToken = (r: TokenRow): RefreshTokenRecord => ({
  tokenHash: r.token_hash,
  sessionId: r.session_id,
  userId: r.user_id,
  parentHash: r.parent_hash,
  createdAt: Number(r.created_at),
  revokedAt: ms(r.revoked_at),
});

export const toRecovery = (r: RecoveryRow | undefined): RecoveryTokenRecord | undefined =>
  r && { userId: r.user_id, linkHash: r.link_hash, otpHash: r.otp_hash, createdAt: Number(r.created_at), expiresAt: Number(r.expires_at) };
