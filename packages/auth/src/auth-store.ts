/**
 * @module auth-store
 * The persistence port of the auth service: users, their identities, sessions and refresh tokens.
 *
 * Every method returns a promise (an implementation may do I/O: SQLite answers at once, PostgreSQL over the
 * network); callers never rely on a call having completed before its promise settles. One shared suite checks any
 * implementation: `authStoreContract` in `@cadenza/testkit` (packages/testkit/src/contracts/auth-store.contract.ts).
 *
 * Guarantees an implementation must give:
 * - `email` is unique among users, compared case-insensitively; callers pass it normalised (NFKC, lower-cased).
 * - `emailSkeleton` (the UTS #39 confusable skeleton of the email, computed by the auth service) is stored and
 *   indexed, not unique: `getUsersByEmailSkeleton` finds look-alike accounts. A store that migrates rows written
 *   before the column existed fills it with `emailSkeleton(email)` from `@cadenza/auth`.
 * - Deleting a user deletes its identities, sessions (each logged as a revocation where the store keeps a
 *   `RevocationLog`), refresh tokens and pending recovery, in one transaction.
 * - Deleting a session deletes its refresh tokens in the same transaction; deleting never fails for unknown ids.
 * - `rotateRefreshToken` is atomic: it revokes `revokeHash` only if that token is still active, and inserts
 *   `next` only in that case. Two concurrent rotations of one token: exactly one returns true.
 * - The pending reauthentication (`reauthenticationHash`, `reauthenticationSentAt`) is written only by
 *   `insertUser`, `startReauthentication`, `clearReauthentication` and `countWrongReauthentication`, never by
 *   `updateUser`: a stale copy of the user written back cannot revive a used nonce. Each is one conditional
 *   statement, so they hold across connections and processes: of concurrent clears of one nonce exactly one returns
 *   true, of concurrent starts within one interval exactly one, and wrong tries from every process count together.
 * - Refresh tokens are stored as hashes only (the service hashes; the store never sees a plaintext token).
 * - Times are epoch milliseconds; metadata objects round-trip as JSON.
 */

/** One `amr` entry: how the session was started (GoTrue: `password`, `otp`, …). */
export interface AmrEntry {
  method: string;
  /** Unix seconds. */
  timestamp: number;
}

export interface UserRecord {
  id: string;
  /** Normalised: NFKC, trimmed, lower-cased. */
  email: string;
  /** UTS #39 confusable skeleton of `email` (see `email-address.ts`); look-alike addresses share it. */
  emailSkeleton: string;
  /** bcrypt hash; null for users without a password. */
  passwordHash: string | null;
  /** Postgres-style role of the user's tokens: `authenticated`. */
  role: string;
  aud: string;
  emailConfirmedAt: number | null;
  lastSignInAt: number | null;
  bannedUntil: number | null;
  /** Server-controlled: provider(s), `role: 'admin'`, tenant data. Never writable by the user. */
  appMetadata: Record<string, unknown>;
  /** User-controlled (sign-up `data`, `PUT /user` `data`). */
  userMetadata: Record<string, unknown>;
  isAnonymous: boolean;
  /**
   * Pending reauthentication (`GET /reauthenticate`): HMAC of the mailed nonce, and when it was sent (epoch ms).
   * Null when none is pending; a nonce is single use.
   */
  reauthenticationHash: string | null;
  reauthenticationSentAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface IdentityRecord {
  identityId: string;
  userId: string;
  provider: string;
  /** The provider's id of the user; for `email` it is the user id. */
  providerId: string;
  identityData: Record<string, unknown>;
  email: string | null;
  lastSignInAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface SessionRecord {
  id: string;
  userId: string;
  aal: string;
  amr: AmrEntry[];
  userAgent: string | null;
  ip: string | null;
  createdAt: number;
  refreshedAt: number | null;
}

export interface RefreshTokenRecord {
  /** SHA-256 (hex) of the opaque token. */
  tokenHash: string;
  sessionId: string;
  userId: string;
  /** Hash of the token this one replaced; null for the first token of a session. */
  parentHash: string | null;
  createdAt: number;
  revokedAt: number | null;
}

/** Persistence of the auth service. See the module note for the guarantees. */
export interface AuthStore {
  /** Inserts a user with its first identity. Returns false (and stores nothing) if the email is taken. */
  insertUser(user: UserRecord, identity: IdentityRecord): Promise<boolean>;
  getUserById(id: string): Promise<UserRecord | undefined>;
  /** `email` normalised. */
  getUserByEmail(email: string): Promise<UserRecord | undefined>;
  /** Every user whose `emailSkeleton` equals `skeleton` (look-alikes of an address), in creation order. */
  getUsersByEmailSkeleton(skeleton: string): Promise<UserRecord[]>;
  /** A page of users ordered by email: at most `limit`, emails after `afterEmail` when given. */
  listUsers(page: { limit: number; afterEmail?: string }): Promise<UserRecord[]>;
  /** Deletes a user and everything of it (see the module note). Returns false for an unknown id. */
  deleteUser(id: string): Promise<boolean>;
  /**
   * Replaces the user row, except its pending reauthentication (see the module note). Returns false if the new email
   * belongs to another user.
   */
  updateUser(user: UserRecord): Promise<boolean>;
  /**
   * Makes `hash` the user's pending reauthentication, sent at `sentAt`, replacing a pending one — unless a nonce was
   * sent after `lastSentBefore` (the send interval). True when it was set.
   */
  startReauthentication(userId: string, hash: string, sentAt: number, lastSentBefore: number): Promise<boolean>;
  /**
   * Compare-and-clear: clears the pending reauthentication only where it is still `hash` and was sent at or after
   * `sentSince` (its lifetime). True to exactly one of concurrent callers; false for a wrong, used or expired one.
   */
  clearReauthentication(userId: string, hash: string, sentSince: number): Promise<boolean>;
  /**
   * Counts a wrong try at the pending reauthentication if it is still `hash`, and clears it on the `maxFailures`-th
   * since it was started. True when this try cleared it.
   */
  countWrongReauthentication(userId: string, hash: string, maxFailures: number): Promise<boolean>;
  listIdentities(userId: string): Promise<IdentityRecord[]>;
  /** Replaces an identity row (matched by `identityId`). */
  updateIdentity(identity: IdentityRecord): Promise<void>;
  /** Sets `last_sign_in_at` on the user and on its identities of `provider`. */
  recordSignIn(userId: string, provider: string, at: number): Promise<void>;

  /** Inserts a session together with its first refresh token. */
  insertSession(session: SessionRecord, firstToken: RefreshTokenRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | undefined>;
  listSessionIds(userId: string): Promise<string[]>;
  /** Deletes sessions and their refresh tokens; unknown ids are ignored. */
  deleteSessions(ids: string[]): Promise<void>;

  getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /** Every token issued in place of `parentHash` (rotations and concurrent siblings), oldest first. */
  listChildTokens(parentHash: string): Promise<RefreshTokenRecord[]>;
  /** Revokes `revokeHash` (if still active) and inserts `next`, marking the session refreshed at `at`. */
  rotateRefreshToken(revokeHash: string, next: RefreshTokenRecord, at: number): Promise<boolean>;
  /** Adds a token to a session without revoking another (concurrent refreshes within the reuse interval). */
  insertRefreshToken(next: RefreshTokenRecord, at: number): Promise<void>;
}

/** One entry of the revocation log: a session that ended, whoever ended it. */
export interface RevocationRecord {
  /** Rises with every entry and is never reused, even after old entries are pruned. */
  id: number;
  userId: string;
  sessionId: string;
  /** Epoch ms (wall clock of whoever deleted the session). */
  revokedAt: number;
}

/**
 * Optional capability of an `AuthStore` shared by several processes: a log of ended sessions that every process can
 * follow (the revocation watch). Guarantees:
 * - every deleted session gets exactly one entry, whichever process or connection deleted it;
 * - entries appear in commit order with rising ids; an entry is visible to `revocationsAfter` once its deletion
 *   committed;
 * - entries are kept at least 24 hours.
 */
export interface RevocationLog {
  /** The newest entry's id, or 0: a watch starting now follows entries after it. */
  latestRevocationId(): Promise<number>;
  /** Entries with `id > afterId`, oldest first, at most `limit`. */
  revocationsAfter(afterId: number, limit: number): Promise<RevocationRecord[]>;
}

/** Whether a store also keeps a `RevocationLog`. */
export function hasRevocationLog(store: AuthStore): store is AuthStore & RevocationLog {
  const s = store as Partial<RevocationLog>;
  return typeof s.latestRevocationId === 'function' && typeof s.revocationsAfter === 'function';
}

/** A user's pending password recovery (at most one per user). Never holds the link token or the code in clear. */
export interface RecoveryTokenRecord {
  userId: string;
  /** SHA-256 (hex) of the link's `token_hash` (a 256-bit random value). */
  linkHash: string;
  /** HMAC-SHA-256 (hex) of `<userId>:<6-digit code>` under the server's recovery secret (never in the store). */
  otpHash: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms; the token is refused from then on. */
  expiresAt: number;
}

/**
 * Optional capability of an `AuthStore`: pending password recoveries, so they survive restarts and are shared by
 * processes on one database. Without it the service keeps them in memory (`memory-recovery-tokens.ts`).
 * Guarantees:
 * - `putRecoveryToken` replaces the user's previous token (a new recovery invalidates the previous one);
 * - `consumeRecoveryToken` deletes the user's token only if it is still `linkHash`, and returns true to exactly
 *   one of several concurrent callers;
 * - `countWrongRecoveryCode` counts a wrong code against the user's token only if it is still `linkHash`, and
 *   deletes the token on the `maxFailures`-th wrong code since it was put, atomically: wrong codes on every
 *   connection and process count together, and a consume racing the last of them cannot win after it;
 * - deleting a user deletes its token.
 */
export interface RecoveryTokenStore {
  putRecoveryToken(record: RecoveryTokenRecord): Promise<void>;
  getRecoveryTokenByUser(userId: string): Promise<RecoveryTokenRecord | undefined>;
  getRecoveryTokenByLink(linkHash: string): Promise<RecoveryTokenRecord | undefined>;
  consumeRecoveryToken(userId: string, linkHash: string): Promise<boolean>;
  /** True when this wrong code voided (deleted) the token. */
  countWrongRecoveryCode(userId: string, linkHash: string, maxFailures: number): Promise<boolean>;
}

/** Whether a store also keeps recovery tokens. */
export function hasRecoveryTokens(store: AuthStore): store is AuthStore & RecoveryTokenStore {
  const s = store as Partial<RecoveryTokenStore>;
  return (
    typeof s.putRecoveryToken === 'function' &&
    typeof s.getRecoveryTokenByUser === 'function' &&
    typeof s.getRecoveryTokenByLink === 'function' &&
    typeof s.consumeRecoveryToken === 'function' &&
    typeof s.countWrongRecoveryCode === 'function'
  );
}
