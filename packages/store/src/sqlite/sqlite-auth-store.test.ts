/**
 * The SQLite `AuthStore` keeps the port's promises: unique case-insensitive emails, JSON round-trips, sessions
 * deleting their refresh tokens, atomic single-use rotation, data surviving a reopen, and a revocation log that
 * records every ended session whichever connection ended it.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IdentityRecord, RefreshTokenRecord, SessionRecord, UserRecord } from '@cadenza/auth';
import { SqliteAuthStore } from './sqlite-auth-store.ts';

function open(t: { after(fn: () => void): void }): { store: SqliteAuthStore; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-auth-store-'));
  const path = join(dir, 'auth.db');
  const store = new SqliteAuthStore(path);
  t.after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { store, path };
}

function user(email: string, id = crypto.randomUUID()): UserRecord {
  return {
    id,
    email,
    passwordHash: '$2b$04$abcdefghijklmnopqrstuv',
    role: 'authenticated',
    aud: 'authenticated',
    emailConfirmedAt: 1,
    lastSignInAt: null,
    bannedUntil: null,
    appMetadata: { provider: 'email', providers: ['email'] },
    userMetadata: { nested: { a: [1, 2] } },
    isAnonymous: false,
    createdAt: 1,
    updatedAt: 1,
  };
}

function identity(u: UserRecord): IdentityRecord {
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

function session(u: UserRecord): SessionRecord {
  return { id: crypto.randomUUID(), userId: u.id, aal: 'aal1', amr: [{ method: 'password', timestamp: 1 }], userAgent: 'ua', ip: '127.0.0.1', createdAt: 1, refreshedAt: null };
}

function token(s: SessionRecord, parentHash: string | null = null): RefreshTokenRecord {
  return { tokenHash: crypto.randomUUID(), sessionId: s.id, userId: s.userId, parentHash, createdAt: 1, revokedAt: null };
}

describe('SqliteAuthStore', () => {
  test('users round-trip; emails are unique case-insensitively and a duplicate stores nothing', async (t) => {
    const { store } = open(t);
    const u = user('a@example.com');
    assert.equal(await store.insertUser(u, identity(u)), true);
    assert.deepEqual(await store.getUserById(u.id), u);
    assert.deepEqual(await store.getUserByEmail('a@example.com'), u);
    const dup = user('A@example.com');
    assert.equal(await store.insertUser(dup, identity(dup)), false);
    assert.equal(await store.getUserById(dup.id), undefined);
    assert.deepEqual(await store.listIdentities(dup.id), []);
  });

  test('updateUser refuses another user\'s email; identities update; recordSignIn stamps user and identity', async (t) => {
    const { store } = open(t);
    const a = user('a@example.com');
    const b = user('b@example.com');
    const ia = identity(a);
    await store.insertUser(a, ia);
    await store.insertUser(b, identity(b));
    assert.equal(await store.updateUser({ ...b, email: 'a@example.com' }), false);
    assert.equal(await store.updateUser({ ...b, userMetadata: { x: 1 }, updatedAt: 2 }), true);
    assert.deepEqual((await store.getUserById(b.id))?.userMetadata, { x: 1 });
    await store.updateIdentity({ ...ia, email: 'a2@example.com', identityData: { sub: a.id, email: 'a2@example.com' } });
    assert.equal((await store.listIdentities(a.id))[0]?.email, 'a2@example.com');
    await store.recordSignIn(a.id, 'email', 99);
    assert.equal((await store.getUserById(a.id))?.lastSignInAt, 99);
    assert.equal((await store.listIdentities(a.id))[0]?.lastSignInAt, 99);
  });

  test('rotation is single-use: the second rotation of the same token fails and inserts nothing', async (t) => {
    const { store } = open(t);
    const u = user('r@example.com');
    await store.insertUser(u, identity(u));
    const s = session(u);
    const t0 = token(s);
    await store.insertSession(s, t0);
    const t1 = token(s, t0.tokenHash);
    const t1b = token(s, t0.tokenHash);
    assert.equal(await store.rotateRefreshToken(t0.tokenHash, t1, 50), true);
    assert.equal(await store.rotateRefreshToken(t0.tokenHash, t1b, 51), false);
    assert.equal(await store.getRefreshToken(t1b.tokenHash), undefined);
    assert.equal((await store.getRefreshToken(t0.tokenHash))?.revokedAt, 50);
    assert.equal((await store.getActiveChild(t0.tokenHash))?.tokenHash, t1.tokenHash);
    assert.equal((await store.getSession(s.id))?.refreshedAt, 50);
    const sibling = token(s, t0.tokenHash);
    await store.insertRefreshToken(sibling, 60);
    assert.ok(await store.getRefreshToken(sibling.tokenHash));
  });

  test('deleting sessions deletes their refresh tokens and ignores unknown ids', async (t) => {
    const { store } = open(t);
    const u = user('s@example.com');
    await store.insertUser(u, identity(u));
    const s1 = session(u);
    const s2 = session(u);
    const t1 = token(s1);
    const t2 = token(s2);
    await store.insertSession(s1, t1);
    await store.insertSession(s2, t2);
    assert.deepEqual((await store.listSessionIds(u.id)).sort(), [s1.id, s2.id].sort());
    await store.deleteSessions([s1.id, 'no-such-session']);
    assert.equal(await store.getSession(s1.id), undefined);
    assert.equal(await store.getRefreshToken(t1.tokenHash), undefined);
    assert.ok(await store.getRefreshToken(t2.tokenHash));
    assert.deepEqual(await store.getSession(s2.id), s2);
  });

  test('data survives a reopen and migrations run once', async (t) => {
    const { store, path } = open(t);
    const u = user('p@example.com');
    await store.insertUser(u, identity(u));
    store.close();
    const again = new SqliteAuthStore(path);
    try {
      assert.deepEqual(await again.getUserByEmail('p@example.com'), u);
      const versions = again.db.prepare('SELECT version FROM auth_migrations').all();
      assert.deepEqual(versions, [{ version: 1 }, { version: 2 }, { version: 3 }]);
      assert.equal(again.db.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      again.close();
    }
  });

  test('the revocation log records each session deleted by any connection once, cascades included, with rising ids', async (t) => {
    const { store, path } = open(t);
    const other = new SqliteAuthStore(path); // another process: the admin CLI or a second server instance
    t.after(() => other.close());
    const u = user('log@example.com');
    const v = user('gone@example.com');
    await store.insertUser(u, identity(u));
    await store.insertUser(v, identity(v));
    const [s1, s2, s3] = [session(u), session(u), session(v)];
    for (const s of [s1, s2, s3]) await store.insertSession(s, token(s));
    assert.equal(await store.latestRevocationId(), 0);

    const before = Date.now();
    await other.deleteSessions([s1.id, 'no-such-session']);
    await other.deleteSessions([s1.id]); // already gone: nothing new
    other.db.prepare('DELETE FROM auth_users WHERE id = ?').run(v.id); // cascades to s3
    await store.deleteSessions([s2.id]);

    const log = await store.revocationsAfter(0, 10);
    assert.deepEqual(log.map((r) => [r.userId, r.sessionId]), [[u.id, s1.id], [v.id, s3.id], [u.id, s2.id]]);
    assert.ok(log[0]!.id < log[1]!.id && log[1]!.id < log[2]!.id);
    assert.ok(log.every((r) => r.revokedAt >= before - 5 && r.revokedAt <= Date.now() + 5), 'revokedAt is epoch ms now');
    assert.equal(await store.latestRevocationId(), log[2]!.id);
    assert.deepEqual(await store.revocationsAfter(log[0]!.id, 1), [log[1]]);
    assert.deepEqual(await store.revocationsAfter(log[2]!.id, 10), []);
  });

  test('revocation entries older than a day are pruned, and ids keep rising after the log emptied', async (t) => {
    const { store } = open(t);
    const u = user('prune@example.com');
    await store.insertUser(u, identity(u));
    const s1 = session(u);
    await store.insertSession(s1, token(s1));
    await store.deleteSessions([s1.id]);
    const [first] = await store.revocationsAfter(0, 10);
    store.db.prepare('UPDATE auth_revocations SET revoked_at = ?').run(Date.now() - 25 * 3600_000);
    const s2 = session(u);
    await store.insertSession(s2, token(s2));
    await store.deleteSessions([s2.id]);
    const left = await store.revocationsAfter(0, 10);
    assert.deepEqual(left.map((r) => r.sessionId), [s2.id]);
    assert.ok(left[0]!.id > first!.id);
    store.db.prepare('DELETE FROM auth_revocations').run();
    const s3 = session(u);
    await store.insertSession(s3, token(s3));
    await store.deleteSessions([s3.id]);
    const [third] = await store.revocationsAfter(left[0]!.id, 10);
    assert.equal(third?.sessionId, s3.id, 'an id is never reused, so a watch cursor past the old entries still sees it');
  });
});

test('pending recoveries: one per user (a new one replaces it), found by user and by link, consumed exactly once across connections, gone with the user', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-recovery-store-'));
  try {
    const path = join(dir, 'auth.db');
    const a = new SqliteAuthStore(path);
    const b = new SqliteAuthStore(path);
    const u = user('recover@example.com');
    await a.insertUser(u, identity(u));
    const first = { userId: u.id, linkHash: 'l1', otpHash: 'o1', createdAt: 1, expiresAt: 2 };
    await a.putRecoveryToken(first);
    assert.deepEqual(await b.getRecoveryTokenByLink('l1'), first, 'another connection sees it');
    await a.putRecoveryToken({ ...first, linkHash: 'l2', otpHash: 'o2' });
    assert.equal(await a.getRecoveryTokenByLink('l1'), undefined, 'the new one replaced it');
    assert.equal((await b.getRecoveryTokenByUser(u.id))?.otpHash, 'o2');
    assert.equal(await a.consumeRecoveryToken(u.id, 'l1'), false, 'a replaced link consumes nothing');
    const both = await Promise.all([a.consumeRecoveryToken(u.id, 'l2'), b.consumeRecoveryToken(u.id, 'l2')]);
    assert.deepEqual(both.sort(), [false, true]);
    await a.putRecoveryToken({ ...first, linkHash: 'l3' });
    a.db.prepare('DELETE FROM auth_users WHERE id = ?').run(u.id);
    assert.equal(await b.getRecoveryTokenByLink('l3'), undefined, 'deleting the user deletes its token');
    a.close();
    b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
