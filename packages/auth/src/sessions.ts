/**
 * @module sessions
 * Sessions and refresh tokens of the built-in service.
 *
 * Refresh tokens are 256-bit random strings, stored only as SHA-256 hashes, single-use, chained by `parent`.
 * Presenting a token:
 *  1. active → it is revoked and a new one issued (rotation);
 *  2. revoked within `reuseIntervalSeconds` of its rotation → a sibling token is issued (two tabs refreshing at
 *     once);
 *  3. revoked, and exactly one token was ever issued in its place, still unused → that one is replaced (the client
 *     lost the answer to its last refresh; GoTrue's "immediately previous token" rule). The replacement is a second
 *     child of the presented token, so this works once; the replaced token is dead from then on;
 *  4. anything else is reuse of a stolen or stale token → the whole session (every token of the family) is
 *     revoked, its live connections cut (`onRevoked`), and `refresh_token_already_used` answered. This includes a
 *     token that raced (rule 2 gave it siblings) presented after the window: its family forked, so no single
 *     successor can be the one the client lost.
 * Every revocation (logout of any scope, reuse, password change, admin action) is announced to `onRevoked`
 * listeners so live WebSocket connections of those sessions can be cut, and clears the verifier's cache.
 * Revocations made here are announced at once; those made by other processes on the same store (admin CLI, other
 * server instances) arrive through the revocation watch (`revocation-watch.ts`) via `noticeRevoked`. Each session
 * is announced once whichever way it arrives first: a session id, once announced, is remembered
 * `announcedMemoryMs` (10 min), long enough for the watch to see the log entry of a revocation made here.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AuthStore, RefreshTokenRecord, SessionRecord, UserRecord } from './auth-store.ts';
import type { AccessTokenIssuer } from './access-tokens.ts';
import { AuthError } from './errors.ts';
import type { AuthLogger } from './auth-logger.ts';

/** Fired when sessions end. */
export interface SessionsRevokedEvent {
  userId: string;
  sessionIds: string[];
}

export type LogoutScope = 'global' | 'local' | 'others';

/** A session with fresh tokens, as answered by sign-in, sign-up and refresh. */
export interface IssuedSession {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  expiresAt: number;
  user: UserRecord;
  session: SessionRecord;
}

/** Who started a session (recorded on the session). */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export interface SessionServiceOptions {
  store: AuthStore;
  issuer: AccessTokenIssuer;
  now: () => number;
  log: AuthLogger;
  /** GoTrue's `REFRESH_TOKEN_REUSE_INTERVAL`; hosted projects use 10 s. */
  reuseIntervalSeconds: number;
  /** How long the verifier may trust a session lookup; in-process revocations clear it at once. */
  sessionCacheMs: number;
  /** How long an announced session id is remembered to suppress a second announcement. Default 10 min. */
  announcedMemoryMs?: number;
}

const MIN_REFRESH_TOKEN_LENGTH = 12;
const CACHE_LIMIT = 10_000;

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Session lifecycle; see the module note. */
export class SessionService {
  private readonly listeners = new Set<(e: SessionsRevokedEvent) => void>();
  private readonly activeCache = new Map<string, { active: boolean; until: number }>();
  /** Session id → when it was announced; insertion order is announcement order (swept from the front). */
  private readonly announced = new Map<string, number>();

  constructor(private readonly options: SessionServiceOptions) {}

  /** Starts a new session for a user who just proved who they are (`method` goes into `amr`). */
  async start(user: UserRecord, client: ClientInfo, method = 'password'): Promise<IssuedSession> {
    const now = this.options.now();
    const session: SessionRecord = {
      id: crypto.randomUUID(),
      userId: user.id,
      aal: 'aal1',
      amr: [{ method, timestamp: Math.floor(now / 1000) }],
      userAgent: client.userAgent,
      ip: client.ip,
      createdAt: now,
      refreshedAt: null,
    };
    const { token, record } = this.newRefreshToken(session, null, now);
    await this.options.store.insertSession(session, record);
    return this.issue(user, session, token);
  }

  /** Exchanges a refresh token for a new session token pair (rules in the module note). */
  async refresh(token: unknown): Promise<IssuedSession> {
    if (typeof token !== 'string' || token.length < MIN_REFRESH_TOKEN_LENGTH) throw new AuthError('refreshTokenInvalid');
    const { store } = this.options;
    const hash = hashToken(token);
    let presented = await store.getRefreshToken(hash);
    if (!presented) throw new AuthError('refreshTokenNotFound');
    const session = await store.getSession(presented.sessionId);
    const user = session && (await store.getUserById(session.userId));
    if (!session || !user) throw new AuthError('refreshSessionNotFound');
    const now = this.options.now();
    if (user.bannedUntil !== null && user.bannedUntil > now) throw new AuthError('userBanned', 'Invalid Refresh Token: User Banned');

    if (presented.revokedAt === null) {
      const next = this.newRefreshToken(session, hash, now);
      if (await store.rotateRefreshToken(hash, next.record, now)) return this.issue(user, session, next.token);
      presented = (await store.getRefreshToken(hash)) ?? presented; // lost a race: treat as just revoked
    }
    const revokedAt = presented.revokedAt ?? now;
    if (now - revokedAt <= this.options.reuseIntervalSeconds * 1000) {
      const sibling = this.newRefreshToken(session, hash, now);
      await store.insertRefreshToken(sibling.record, now);
      return this.issue(user, session, sibling.token);
    }
    const children = await store.listChildTokens(hash);
    const lost = children.length === 1 && children[0]!.revokedAt === null ? children[0]! : undefined;
    if (lost) {
      const next = this.newRefreshToken(session, hash, now);
      if (await store.rotateRefreshToken(lost.tokenHash, next.record, now)) return this.issue(user, session, next.token);
    }
    this.options.log.warn({ userId: user.id, sessionId: session.id }, 'refresh token reused: revoking the session');
    await this.revoke(user.id, [session.id]);
    throw new AuthError('refreshTokenAlreadyUsed');
  }

  /** Ends sessions of the caller's user: `global` all, `local` the caller's, `others` all but the caller's. */
  async logout(userId: string, sessionId: string, scope: LogoutScope): Promise<string[]> {
    const all = await this.options.store.listSessionIds(userId);
    const ids = scope === 'local' ? all.filter((id) => id === sessionId) : scope === 'others' ? all.filter((id) => id !== sessionId) : all;
    await this.revoke(userId, ids);
    return ids;
  }

  /** Ends every session of a user, optionally sparing one (password change, admin revocation). */
  async revokeUserSessions(userId: string, options: { except?: string } = {}): Promise<string[]> {
    const ids = (await this.options.store.listSessionIds(userId)).filter((id) => id !== options.except);
    await this.revoke(userId, ids);
    return ids;
  }

  /** Whether a session still exists; cached for `sessionCacheMs`. */
  async isActive(sessionId: string): Promise<boolean> {
    const now = this.options.now();
    const hit = this.activeCache.get(sessionId);
    if (hit && hit.until > now) return hit.active;
    const active = (await this.options.store.getSession(sessionId)) !== undefined;
    if (this.activeCache.size >= CACHE_LIMIT) this.activeCache.clear();
    this.activeCache.set(sessionId, { active, until: now + this.options.sessionCacheMs });
    return active;
  }

  /** Subscribes to revocations; returns the unsubscribe function. Listener errors are logged, never thrown. */
  onRevoked(listener: (e: SessionsRevokedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Drops every listener (service shutdown). */
  clearListeners(): void {
    this.listeners.clear();
  }

  /**
   * Sessions ended elsewhere (found in the revocation log): refused from now on, and announced to the listeners
   * unless already announced.
   */
  noticeRevoked(userId: string, sessionIds: string[]): void {
    this.markInactive(sessionIds);
    this.announce(userId, this.claim(sessionIds));
  }

  private async revoke(userId: string, sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    // Claimed before deleting, so a watch poll that sees the log entry meanwhile does not announce them as well.
    const fresh = this.claim(sessionIds);
    try {
      await this.options.store.deleteSessions(sessionIds);
    } catch (err) {
      for (const id of fresh) this.announced.delete(id);
      throw err;
    }
    this.markInactive(sessionIds);
    this.announce(userId, fresh);
  }

  /** The ids not announced yet, now marked as announced. */
  private claim(sessionIds: string[]): string[] {
    const now = this.options.now();
    const forgetBefore = now - (this.options.announcedMemoryMs ?? 600_000);
    for (const [id, at] of this.announced) {
      if (at >= forgetBefore) break;
      this.announced.delete(id);
    }
    const fresh = sessionIds.filter((id) => !this.announced.has(id));
    for (const id of fresh) this.announced.set(id, now);
    return fresh;
  }

  private markInactive(sessionIds: string[]): void {
    for (const id of sessionIds) this.activeCache.set(id, { active: false, until: Number.POSITIVE_INFINITY });
  }

  private announce(userId: string, sessionIds: string[]): void {
    if (sessionIds.length === 0) return;
    const event: SessionsRevokedEvent = { userId, sessionIds };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.options.log.error({ err }, 'session revocation listener failed');
      }
    }
  }

  private newRefreshToken(session: SessionRecord, parentHash: string | null, now: number): { token: string; record: RefreshTokenRecord } {
    const token = randomBytes(32).toString('base64url');
    return {
      token,
      record: { tokenHash: hashToken(token), sessionId: session.id, userId: session.userId, parentHash, createdAt: now, revokedAt: null },
    };
  }

  private async issue(user: UserRecord, session: SessionRecord, refreshToken: string): Promise<IssuedSession> {
    const access = await this.options.issuer.issue(user, session);
    return { ...access, refreshToken, user, session };
  }
}
