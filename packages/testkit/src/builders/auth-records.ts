/**
 * @module builders/auth-records
 * Records of the auth store's port for tests: a user with its email identity, a session, a refresh token.
 */
import { emailSkeleton, normaliseEmail, type IdentityRecord, type RefreshTokenRecord, type SessionRecord, type UserRecord } from '@cadenza/auth';

export function sampleAuthUser(email: string, over: Partial<UserRecord> = {}): UserRecord {
  const normal = normaliseEmail(email);
  return {
    id: crypto.randomUUID(),
    email: normal,
    emailSkeleton: emailSkeleton(normal),
    passwordHash: '$2b$04$abcdefghijklmnopqrstuv',
    role: 'authenticated',
    aud: 'authenticated',
    emailConfirmedAt: 1,
    lastSignInAt: null,
    bannedUntil: null,
    appMetadata: { provider: 'email', providers: ['email'] },
    userMetadata: { nested: { a: [1, 2] } },
    isAnonymous: false,
    reauthenticationHash: null,
    reauthenticationSentAt: null,
    createdAt: 1,
    updatedAt: 1,
    ...over,
  };
}

export function sampleIdentity(u: UserRecord): IdentityRecord {
  return {
    identityId: crypto.randomUUID(),
    userId: u.id,
    provider: 'email',
    providerId: u.id,
    identityData: { sub: u.id, email: u.email },
    email: u.email,
    lastSignInAt: null,
    createdAt: 1,
    updatedAt: 1,
  };
}

export function sampleSession(u: UserRecord, createdAt = 1): SessionRecord {
  return { id: crypto.randomUUID(), userId: u.id, aal: 'aal1', amr: [{ method: 'password', timestamp: 1 }], userAgent: 'ua', ip: '127.0.0.1', createdAt, refreshedAt: null };
}

export function sampleRefreshToken(s: SessionRecord, parentHash: string | null = null, createdAt = 1): RefreshTokenRecord {
  return { tokenHash: crypto.randomUUID(), sessionId: s.id, userId: s.userId, parentHash, createdAt, revokedAt: null };
}
