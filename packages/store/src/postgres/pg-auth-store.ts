/**
 * @module postgres/pg-auth-store
 * The `AuthStore` on PostgreSQL, shared by every server on the database: users, identities, sessions, refresh
 * tokens, the revocation log (a trigger, auth-migrations.ts) and pending password recoveries. Writes go straight to
 * the database (auth writes are few and every caller awaits them); a multi-row change is one transaction.
 *
 * Single-use operations hold across servers because each is one conditional statement: `rotateRefreshToken`
 * revokes only a token that is still active (`… AND revoked_at IS NULL`, then inserts the next one in the same
 * transaction); `consumeRecoveryToken` is one DELETE; `clearReauthentication` is one compare-and-clear UPDATE,
 * `startReauthentication` one UPDATE conditional on the send interval; wrong tries at a mailed code are counted
 * in the row (`countWrongReauthentication`, `countWrongRecoveryCode`), so every server counts them together. Emails are unique on `lower(email)`.
 * A database that cannot be reached fails the call with STORE_UNAVAILABLE (temporary).
 */
import type pg from 'pg';
import type {
  AuthStore,
  IdentityRecord,
  RecoveryTokenRecord,
  RecoveryTokenStore,
  RefreshTokenRecord,
  RevocationLog,
  RevocationRecord,
  SessionRecord,
  UserRecord,
} from '@cadenza/auth';
import { silentLogger, type Logger } from '@cadenza/domain';
import { authMigrations } from './auth-migrations.ts';
import { isTransient, openPool, storeUnavailable, type PoolOptions } from './connection.ts';
import { migrate } from './migrator.ts';
import { toIdentity, toRecovery, toSession, toToken, toUser, type IdentityRow, type RecoveryRow, type SessionRow, type TokenRow, type UserRow } from './auth-rows.ts';
import {
  CLEAR_REAUTHENTICATION,
  COUNT_WRONG_REAUTHENTICATION,
  INSERT_IDENTITY,
  INSERT_TOKEN,
  INSERT_USER,
  START_REAUTHENTICATION,
  TOUCH_SESSION,
  UPDATE_USER,
  identityParams,
  tokenParams,
  userParams,
} from './auth-statements.ts';

/** How long revocation-log entries are kept (the port promises at least a day). */
const REVOCATION_RETENTION_MS = 24 * 3600_000;

type Queryable = Pick<pg.PoolClient, 'query'>;

function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

export interface PgAuthStoreOptions extends PoolOptions {
  log?: Logger;
}

export class PgAuthStore implements AuthStore, RevocationLog, RecoveryTokenStore {
  private constructor(private readonly pool: pg.Pool) {}

  /** Connects and applies the auth migrations (under the migration lock). */
  static async open(options: PgAuthStoreOptions): Promise<PgAuthStore> {
    const pool = await openPool({ max: 5, applicationName: 'cadenza-auth', ...options });
    try {
      const report = await migrate(pool, 'auth', authMigrations);
      const log = options.log ?? silentLogger;
      if (report.applied.length) log.info({ versions: report.applied }, 'PostgreSQL auth schema migrated');
      if (report.unknown.length) log.warn({ versions: report.unknown }, 'the database has auth migrations this release does not know (a newer release ran); using it as it is');
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
    return new PgAuthStore(pool);
  }

  private async q<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(text, values);
    } catch (err) {
      throw isTransient(err) ? storeUnavailable(err) : err;
    }
  }

  /** Runs `fn` in one transaction on one connection. */
  private async tx<T>(fn: (c: Queryable) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw isTransient(err) ? storeUnavailable(err) : err;
    }
    let broken: unknown;
    try {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch((e: unknown) => (broken = e));
      if (isTransient(err)) {
        broken ??= err;
        throw storeUnavailable(err);
      }
      throw err;
    } finally {
      client.release(broken as Error | undefined);
    }
  }

  async insertUser(user: UserRecord, identity: IdentityRecord): Promise<boolean> {
    try {
      await this.tx(async (c) => {
        await c.query(INSERT_USER, [...userParams(user), user.reauthenticationHash, user.reauthenticationSentAt]);
        await c.query(INSERT_IDENTITY, identityParams(identity));
      });
      return true;
    } catch (err) {
      if (isUniqueViolation(err, 'auth_users_email')) return false;
      throw err;
    }
  }

  async getUserById(id: string): Promise<UserRecord | undefined> {
    const r = (await this.q<UserRow>('SELECT * FROM auth_users WHERE id = $1', [id])).rows[0];
    return r && toUser(r);
  }

  async getUserByEmail(email: string): Promise<UserRecord | undefined> {
    const r = (await this.q<UserRow>('SELECT * FROM auth_users WHERE lower(email) = lower($1)', [email])).rows[0];
    return r && toUser(r);
  }

  async getUsersByEmailSkeleton(skeleton: string): Promise<UserRecord[]> {
    return (await this.q<UserRow>('SELECT * FROM auth_users WHERE email_skeleton = $1 ORDER BY created_at, id', [skeleton])).rows.map(toUser);
  }

  async listUsers(page: { limit: number; afterEmail?: string }): Promise<UserRecord[]> {
    const rows = page.afterEmail === undefined
      ? await this.q<UserRow>('SELECT * FROM auth_users ORDER BY email COLLATE "C" LIMIT $1', [page.limit])
      : await this.q<UserRow>('SELECT * FROM auth_users WHERE email COLLATE "C" > $1 ORDER BY email COLLATE "C" LIMIT $2', [page.afterEmail, page.limit]);
    return rows.rows.map(toUser);
  }

  /** One DELETE: identities, sessions (each logged as a revocation by the trigger), tokens and recovery cascade. */
  async deleteUser(id: string): Promise<boolean> {
    return (await this.q('DELETE FROM auth_users WHERE id = $1', [id])).rowCount === 1;
  }

  async updateUser(user: UserRecord): Promise<boolean> {
    try {
      await this.q(UPDATE_USER, userParams(user));
      return true;
    } catch (err) {
      if (isUniqueViolation(err, 'auth_users_email')) return false;
      throw err;
    }
  }

  /** One conditional UPDATE: of concurrent starts within the interval (servers included) one sets its nonce. */
  async startReauthentication(userId: string, hash: string, sentAt: number, lastSentBefore: number): Promise<boolean> {
    return (await this.q(START_REAUTHENTICATION, [userId, hash, sentAt, lastSentBefore])).rowCount === 1;
  }

  /** One conditional UPDATE (compare-and-clear; the row lock orders concurrent ones): exactly one sees a change. */
  async clearReauthentication(userId: string, hash: string, sentSince: number): Promise<boolean> {
    return (await this.q(CLEAR_REAUTHENTICATION, [userId, hash, sentSince])).rowCount === 1;
  }

  /** One conditional UPDATE: counts and, on the last try, clears in the same statement. */
  async countWrongReauthentication(userId: string, hash: string, maxFailures: number): Promise<boolean> {
    return (await this.q<{ voided: boolean }>(COUNT_WRONG_REAUTHENTICATION, [userId, hash, maxFailures])).rows[0]?.voided === true;
  }

  async listIdentities(userId: string): Promise<IdentityRecord[]> {
    return (await this.q<IdentityRow>('SELECT * FROM auth_identities WHERE user_id = $1 ORDER BY created_at, identity_id', [userId])).rows.map(toIdentity);
  }

  async updateIdentity(i: IdentityRecord): Promise<void> {
    await this.q(
      `UPDATE auth_identities SET user_id = $2, provider = $3, provider_id = $4, identity_data = $5, email = $6, last_sign_in_at = $7,
        created_at = $8, updated_at = $9 WHERE identity_id = $1`,
      identityParams(i),
    );
  }

  async recordSignIn(userId: string, provider: string, at: number): Promise<void> {
    await this.tx(async (c) => {
      await c.query('UPDATE auth_users SET last_sign_in_at = $1 WHERE id = $2', [at, userId]);
      await c.query('UPDATE auth_identities SET last_sign_in_at = $1 WHERE user_id = $2 AND provider = $3', [at, userId, provider]);
    });
  }

  async insertSession(s: SessionRecord, firstToken: RefreshTokenRecord): Promise<void> {
    await this.tx(async (c) => {
      await c.query(
        'INSERT INTO auth_sessions (id, user_id, aal, amr, user_agent, ip, created_at, refreshed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [s.id, s.userId, s.aal, JSON.stringify(s.amr), s.userAgent, s.ip, s.createdAt, s.refreshedAt],
      );
      await c.query(INSERT_TOKEN, tokenParams(firstToken));
    });
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    const r = (await this.q<SessionRow>('SELECT * FROM auth_sessions WHERE id = $1', [id])).rows[0];
    return r && toSession(r);
  }

  async listSessionIds(userId: string): Promise<string[]> {
    return (await this.q<{ id: string }>('SELECT id FROM auth_sessions WHERE user_id = $1 ORDER BY created_at, id', [userId])).rows.map((r) => r.id);
  }

  async deleteSessions(ids: string[]): Promise<void> {
    await this.tx(async (c) => {
      if (ids.length) await c.query('DELETE FROM auth_sessions WHERE id = ANY($1)', [ids]);
      await c.query('DELETE FROM auth_revocations WHERE revoked_at < $1', [Date.now() - REVOCATION_RETENTION_MS]);
    });
  }

  async latestRevocationId(): Promise<number> {
    return Number((await this.q<{ id: string }>('SELECT COALESCE(max(id), 0) AS id FROM auth_revocations')).rows[0]!.id);
  }

  async revocationsAfter(afterId: number, limit: number): Promise<RevocationRecord[]> {
    const rows = (await this.q<{ id: string; user_id: string; session_id: string; revoked_at: string }>(
      'SELECT id, user_id, session_id, revoked_at FROM auth_revocations WHERE id > $1 ORDER BY id LIMIT $2', [afterId, limit],
    )).rows;
    return rows.map((r) => ({ id: Number(r.id), userId: r.user_id, sessionId: r.session_id, revokedAt: Number(r.revoked_at) }));
  }

  async getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const r = (await this.q<TokenRow>('SELECT * FROM auth_refresh_tokens WHERE token_hash = $1', [tokenHash])).rows[0];
    return r && toToken(r);
  }

  async listChildTokens(parentHash: string): Promise<RefreshTokenRecord[]> {
    return (await this.q<TokenRow>('SELECT * FROM auth_refresh_tokens WHERE parent_hash = $1 ORDER BY created_at, seq', [parentHash])).rows.map(toToken);
  }

  async rotateRefreshToken(revokeHash: string, next: RefreshTokenRecord, at: number): Promise<boolean> {
    return this.tx(async (c) => {
      const revoked = await c.query('UPDATE auth_refresh_tokens SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL', [at, revokeHash]);
      if (revoked.rowCount !== 1) return false;
      await c.query(INSERT_TOKEN, tokenParams(next));
      await c.query(TOUCH_SESSION, [at, next.sessionId]);
      return true;
    });
  }

  async insertRefreshToken(next: RefreshTokenRecord, at: number): Promise<void> {
    await this.tx(async (c) => {
      await c.query(INSERT_TOKEN, tokenParams(next));
      await c.query(TOUCH_SESSION, [at, next.sessionId]);
    });
  }

  // ── pending password recoveries ──────────────────────────────────────────────────────────────────────
  async putRecoveryToken(r: RecoveryTokenRecord): Promise<void> {
    await this.q(
      `INSERT INTO auth_recovery_tokens (user_id, link_hash, otp_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (user_id) DO UPDATE SET link_hash = excluded.link_hash, otp_hash = excluded.otp_hash,
        created_at = excluded.created_at, expires_at = excluded.expires_at, failures = 0`,
      [r.userId, r.linkHash, r.otpHash, r.createdAt, r.expiresAt],
    );
  }
  async getRecoveryTokenByUser(userId: string): Promise<RecoveryTokenRecord | undefined> {
    return toRecovery((await this.q<RecoveryRow>('SELECT * FROM auth_recovery_tokens WHERE user_id = $1', [userId])).rows[0]);
  }
  async getRecoveryTokenByLink(linkHash: string): Promise<RecoveryTokenRecord | undefined> {
    return toRecovery((await this.q<RecoveryRow>('SELECT * FROM auth_recovery_tokens WHERE link_hash = $1', [linkHash])).rows[0]);
  }
  /** One DELETE: of several concurrent callers (servers included) exactly one sees a change. */
  async consumeRecoveryToken(userId: string, linkHash: string): Promise<boolean> {
    return (await this.q('DELETE FROM auth_recovery_tokens WHERE user_id = $1 AND link_hash = $2', [userId, linkHash])).rowCount === 1;
  }
  /** Count and delete in one transaction; the count's row lock makes a racing consume wait and then find nothing. */
  async countWrongRecoveryCode(userId: string, linkHash: string, maxFailures: number): Promise<boolean> {
    return this.tx(async (c) => {
      const counted = await c.query<{ failures: number }>(
        'UPDATE auth_recovery_tokens SET failures = failures + 1 WHERE user_id = $1 AND link_hash = $2 RETURNING failures', [userId, linkHash],
      );
      const failures = counted.rows[0]?.failures;
      if (failures === undefined || failures < maxFailures) return false;
      return (await c.query('DELETE FROM auth_recovery_tokens WHERE user_id = $1 AND link_hash = $2', [userId, linkHash])).rowCount === 1;
    });
  }

  /** Closes the pool; the store is unusable afterwards. */
  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
