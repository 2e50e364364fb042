/**
 * @module sqlite/sqlite-auth-store
 * The embedded `AuthStore`: one SQLite file (`<dataDir>/auth.db`) through better-sqlite3, WAL journal, foreign
 * keys on (deleting a session deletes its refresh tokens; deleting a user deletes everything of it).
 * It is also a `RevocationLog`: a trigger logs every deleted session (see migration 2), so processes sharing the
 * file (server instances, the admin CLI) see each other's revocations; entries older than a day are pruned
 * whenever this store deletes sessions.
 *
 * better-sqlite3 is synchronous, so every method completes before it returns its promise; callers do not rely on
 * that (the port is asynchronous), and conditional statements make the single-use operations atomic across
 * connections too (`rotateRefreshToken`, the reauthentication compare-and-clear, `consumeRecoveryToken`). The port's promises are checked by `authStoreContract` (testkit).
 */
import Database from 'better-sqlite3';
import type { AuthStore, IdentityRecord, RecoveryTokenRecord, RecoveryTokenStore, RefreshTokenRecord, RevocationLog, RevocationRecord, SessionRecord, UserRecord } from '@cadenza/auth';
import { authMigrations } from './auth-migrations.ts';
import { prepareAuthStatements, type AuthStatements } from './auth-statements.ts';
import { prepareOwnerOnlyDatabase } from './owner-only-file.ts';

interface UserRow {
  id: string;
  email: string;
  email_skeleton: string;
  password_hash: string | null;
  role: string;
  aud: string;
  email_confirmed_at: number | null;
  last_sign_in_at: number | null;
  banned_until: number | null;
  app_metadata: string;
  user_metadata: string;
  is_anonymous: number;
  reauthentication_hash: string | null;
  reauthentication_sent_at: number | null;
  created_at: number;
  updated_at: number;
}

interface IdentityRow {
  identity_id: string;
  user_id: string;
  provider: string;
  provider_id: string;
  identity_data: string;
  email: string | null;
  last_sign_in_at: number | null;
  created_at: number;
  updated_at: number;
}

interface SessionRow {
  id: string;
  user_id: string;
  aal: string;
  amr: string;
  user_agent: string | null;
  ip: string | null;
  created_at: number;
  refreshed_at: number | null;
}

interface TokenRow {
  token_hash: string;
  session_id: string;
  user_id: string;
  parent_hash: string | null;
  created_at: number;
  revoked_at: number | null;
}

interface RevocationRow {
  id: number;
  user_id: string;
  session_id: string;
  revoked_at: number;
}

/** How long revocation-log entries are kept (the port promises at least a day). */
const REVOCATION_RETENTION_MS = 24 * 3600_000;

const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  email: r.email,
  emailSkeleton: r.email_skeleton,
  passwordHash: r.password_hash,
  role: r.role,
  aud: r.aud,
  emailConfirmedAt: r.email_confirmed_at,
  lastSignInAt: r.last_sign_in_at,
  bannedUntil: r.banned_until,
  appMetadata: JSON.parse(r.app_metadata) as Record<string, unknown>,
  userMetadata: JSON.parse(r.user_metadata) as Record<string, unknown>,
  isAnonymous: r.is_anonymous === 1,
  reauthenticationHash: r.reauthentication_hash,
  reauthenticationSentAt: r.reauthentication_sent_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toIdentity = (r: IdentityRow): IdentityRecord => ({
  identityId: r.identity_id,
  userId: r.user_id,
  provider: r.provider,
  providerId: r.provider_id,
  identityData: JSON.parse(r.identity_data) as Record<string, unknown>,
  email: r.email,
  lastSignInAt: r.last_sign_in_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toSession = (r: SessionRow): SessionRecord => ({
  id: r.id,
  userId: r.user_id,
  aal: r.aal,
  amr: JSON.parse(r.amr) as SessionRecord['amr'],
  userAgent: r.user_agent,
  ip: r.ip,
  createdAt: r.created_at,
  refreshedAt: r.refreshed_at,
});

const toToken = (r: TokenRow): RefreshTokenRecord => ({
  tokenHash: r.token_hash,
  sessionId: r.session_id,
  userId: r.user_id,
  parentHash: r.parent_hash,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

/** The columns `updateUser` writes, in the statements' order (insert adds the pending reauthentication). */
const userFields = (u: UserRecord) => [
  u.email,
  u.emailSkeleton,
  u.passwordHash,
  u.role,
  u.aud,
  u.emailConfirmedAt,
  u.lastSignInAt,
  u.bannedUntil,
  JSON.stringify(u.appMetadata),
  JSON.stringify(u.userMetadata),
  u.isAnonymous ? 1 : 0,
];

const identityParams = (i: IdentityRecord) => [
  i.userId,
  i.provider,
  i.providerId,
  JSON.stringify(i.identityData),
  i.email,
  i.lastSignInAt,
  i.createdAt,
  i.updatedAt,
  i.identityId,
];

const tokenParams = (t: RefreshTokenRecord) => [t.tokenHash, t.sessionId, t.userId, t.parentHash, t.createdAt, t.revokedAt];

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Error && 'code' in err && String((err as { code: unknown }).code).startsWith('SQLITE_CONSTRAINT_UNIQUE');
}

/** `AuthStore` on SQLite. `path` is a file path, or ':memory:'. */
export class SqliteAuthStore implements AuthStore, RevocationLog, RecoveryTokenStore {
  readonly db: Database.Database;
  private readonly st: AuthStatements;

  constructor(path: string) {
    prepareOwnerOnlyDatabase(path);
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
    this.st = prepareAuthStatements(this.db);
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS auth_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    const applied = new Set(
      (this.db.prepare('SELECT version FROM auth_migrations').all() as Array<{ version: number }>).map((r) => r.version),
    );
    for (const m of authMigrations) {
      if (applied.has(m.version)) continue;
      this.db.transaction(() => {
        this.db.exec(m.sql);
        m.backfill?.(this.db);
        this.db.prepare('INSERT INTO auth_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
      })();
    }
  }

  async insertUser(user: UserRecord, identity: IdentityRecord): Promise<boolean> {
    try {
      this.db.transaction(() => {
        this.st.insertUser.run(...userFields(user), user.reauthenticationHash, user.reauthenticationSentAt, user.createdAt, user.updatedAt, user.id);
        this.st.insertIdentity.run(...identityParams(identity));
      })();
      return true;
    } catch (err) {
      if (isUniqueViolation(err) && (await this.getUserByEmail(user.email))) return false;
      throw err;
    }
  }

  async getUserById(id: string): Promise<UserRecord | undefined> {
    const r = this.st.userById.get(id) as UserRow | undefined;
    return r && toUser(r);
  }

  async getUserByEmail(email: string): Promise<UserRecord | undefined> {
    const r = this.st.userByEmail.get(email) as UserRow | undefined;
    return r && toUser(r);
  }

  async getUsersByEmailSkeleton(skeleton: string): Promise<UserRecord[]> {
    return (this.st.usersBySkeleton.all(skeleton) as UserRow[]).map(toUser);
  }

  async listUsers(page: { limit: number; afterEmail?: string }): Promise<UserRecord[]> {
    const limit = Math.max(0, Math.floor(page.limit));
    const rows = page.afterEmail === undefined ? this.st.usersFirst.all(limit) : this.st.usersAfter.all(page.afterEmail, limit);
    return (rows as UserRow[]).map(toUser);
  }

  /** Foreign keys cascade to identities, sessions (the trigger logs each), refresh tokens and the recovery. */
  async deleteUser(id: string): Promise<boolean> {
    return this.db.transaction(() => {
      const gone = this.st.deleteUser.run(id).changes === 1;
      if (gone) this.st.pruneRevocations.run(Date.now() - REVOCATION_RETENTION_MS);
      return gone;
    })();
  }

  async updateUser(user: UserRecord): Promise<boolean> {
    try {
      this.st.updateUser.run(...userFields(user), user.createdAt, user.updatedAt, user.id);
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  /** One conditional UPDATE: of concurrent starts within the interval (processes included) one sets its nonce. */
  async startReauthentication(userId: string, hash: string, sentAt: number, lastSentBefore: number): Promise<boolean> {
    return this.st.startReauthentication.run(hash, sentAt, userId, lastSentBefore).changes === 1;
  }

  /** One conditional UPDATE (compare-and-clear): of concurrent callers exactly one sees a change. */
  async clearReauthentication(userId: string, hash: string, sentSince: number): Promise<boolean> {
    return this.st.clearReauthentication.run(userId, hash, sentSince).changes === 1;
  }

  /** One conditional UPDATE: counts and, on the last try, clears in the same statement. */
  async countWrongReauthentication(userId: string, hash: string, maxFailures: number): Promise<boolean> {
    return (this.st.countWrongReauthentication.get(maxFailures, userId, hash) as { voided: number } | undefined)?.voided === 1;
  }

  async listIdentities(userId: string): Promise<IdentityRecord[]> {
    return (this.st.identities.all(userId) as IdentityRow[]).map(toIdentity);
  }

  async updateIdentity(identity: IdentityRecord): Promise<void> {
    this.st.updateIdentity.run(...identityParams(identity));
  }

  async recordSignIn(userId: string, provider: string, at: number): Promise<void> {
    this.db.transaction(() => {
      this.st.signInUser.run(at, userId);
      this.st.signInIdentity.run(at, userId, provider);
    })();
  }

  async insertSession(session: SessionRecord, firstToken: RefreshTokenRecord): Promise<void> {
    this.db.transaction(() => {
      this.st.insertSession.run(
        session.id,
        session.userId,
        session.aal,
        JSON.stringify(session.amr),
        session.userAgent,
        session.ip,
        session.createdAt,
        session.refreshedAt,
      );
      this.st.insertToken.run(...tokenParams(firstToken));
    })();
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    const r = this.st.session.get(id) as SessionRow | undefined;
    return r && toSession(r);
  }

  async listSessionIds(userId: string): Promise<string[]> {
    return (this.st.sessionIds.all(userId) as Array<{ id: string }>).map((r) => r.id);
  }

  async deleteSessions(ids: string[]): Promise<void> {
    this.db.transaction(() => {
      for (const id of ids) this.st.deleteSession.run(id);
      this.st.pruneRevocations.run(Date.now() - REVOCATION_RETENTION_MS);
    })();
  }

  async latestRevocationId(): Promise<number> {
    return (this.st.latestRevocation.get() as { id: number }).id;
  }

  async revocationsAfter(afterId: number, limit: number): Promise<RevocationRecord[]> {
    return (this.st.revocationsAfter.all(afterId, limit) as RevocationRow[]).map((r) => ({
      id: r.id,
      userId: r.user_id,
      sessionId: r.session_id,
      revokedAt: r.revoked_at,
    }));
  }

  async getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const r = this.st.token.get(tokenHash) as TokenRow | undefined;
    return r && toToken(r);
  }

  async listChildTokens(parentHash: string): Promise<RefreshTokenRecord[]> {
    return (this.st.children.all(parentHash) as TokenRow[]).map(toToken);
  }

  async rotateRefreshToken(revokeHash: string, next: RefreshTokenRecord, at: number): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.st.revokeToken.run(at, revokeHash).changes !== 1) return false;
      this.st.insertToken.run(...tokenParams(next));
      this.st.touchSession.run(at, next.sessionId);
      return true;
    })();
  }

  async insertRefreshToken(next: RefreshTokenRecord, at: number): Promise<void> {
    this.db.transaction(() => {
      this.st.insertToken.run(...tokenParams(next));
      this.st.touchSession.run(at, next.sessionId);
    })();
  }

  // ── pending password recoveries ──────────────────────────────────────────────────────────────────────
  async putRecoveryToken(r: RecoveryTokenRecord): Promise<void> {
    this.st.putRecovery.run(r.userId, r.linkHash, r.otpHash, r.createdAt, r.expiresAt);
  }
  async getRecoveryTokenByUser(userId: string): Promise<RecoveryTokenRecord | undefined> {
    return recoveryFromRow(this.st.recoveryByUser.get(userId) as RecoveryRow | undefined);
  }
  async getRecoveryTokenByLink(linkHash: string): Promise<RecoveryTokenRecord | undefined> {
    return recoveryFromRow(this.st.recoveryByLink.get(linkHash) as RecoveryRow | undefined);
  }
  /** One DELETE: of several concurrent callers (processes included) exactly one sees a change. */
  async consumeRecoveryToken(userId: string, linkHash: string): Promise<boolean> {
    return this.st.consumeRecovery.run(userId, linkHash).changes === 1;
  }
  /** Count and delete in one write transaction: no consume runs between them, in any process. */
  async countWrongRecoveryCode(userId: string, linkHash: string, maxFailures: number): Promise<boolean> {
    return this.db.transaction(() => {
      const row = this.st.countWrongRecovery.get(userId, linkHash) as { failures: number } | undefined;
      return row !== undefined && row.failures >= maxFailures && this.st.consumeRecovery.run(userId, linkHash).changes === 1;
    }).immediate();
  }

  /** Closes the database; the store is unusable afterwards. */
  close(): void {
    if (this.db.open) this.db.close();
  }
}

type RecoveryRow = { user_id: string; link_hash: string; otp_hash: string; created_at: number; expires_at: number };

function recoveryFromRow(r: RecoveryRow | undefined): RecoveryTokenRecord | undefined {
  return r === undefined ? undefined : { userId: r.user_id, linkHash: r.link_hash, otpHash: r.otp_hash, createdAt: r.created_at, expiresAt: r.expires_at };
}
