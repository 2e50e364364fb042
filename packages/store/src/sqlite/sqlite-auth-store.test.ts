/**
 * The SQLite `AuthStore` passes the port's shared suite (two connections to one file standing for two processes),
 * and keeps what is SQLite's own: data surviving a reopen, migrations run once, WAL, revocation-log pruning.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authStoreContract, sampleAuthUser as user, sampleIdentity as identity, sampleRefreshToken as token, sampleSession as session } from '@cadenza/testkit/auth-store';
import { SqliteAuthStore } from './sqlite-auth-store.ts';

function tempPath(): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-auth-store-'));
  return { path: join(dir, 'auth.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

authStoreContract('SqliteAuthStore', async () => {
  const { path, remove } = tempPath();
  const stores = [new SqliteAuthStore(path)];
  return {
    store: stores[0]!,
    async another() {
      const s = new SqliteAuthStore(path);
      stores.push(s);
      return s;
    },
    close() {
      for (const s of stores) s.close();
      remove();
    },
  };
});

function open(t: { after(fn: () => void): void }): { store: SqliteAuthStore; path: string } {
  const { path, remove } = tempPath();
  const store = new SqliteAuthStore(path);
  t.after(() => {
    store.close();
    remove();
  });
  return { store, path };
}

describe('SqliteAuthStore', () => {
  test('data survives a reopen and migrations run once', async (t) => {
    const { store, path } = open(t);
    const u = user('p@example.com');
    await store.insertUser(u, identity(u));
    store.close();
    const again = new SqliteAuthStore(path);
    try {
      assert.deepEqual(await again.getUserByEmail('p@example.com'), u);
      const versions = again.db.prepare('SELECT version FROM auth_migrations').all();
      assert.deepEqual(versions, [{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }, { version: 5 }]);
      assert.equal(again.db.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      again.close();
    }
  });

  test('sessions deleted from a sqlite3 shell (an operator) are logged too, with the wall-clock time', async (t) => {
    const { store } = open(t);
    const u = user('shell@example.com');
    await store.insertUser(u, identity(u));
    const s = session(u);
    await store.insertSession(s, token(s));
    const before = Date.now();
    store.db.prepare('DELETE FROM auth_users WHERE id = ?').run(u.id);
    const [entry] = await store.revocationsAfter(0, 10);
    assert.equal(entry?.sessionId, s.id);
    assert.ok(entry!.revokedAt >= before - 5 && entry!.revokedAt <= Date.now() + 5, 'revokedAt is epoch ms now');
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
