/**
 * The PostgreSQL `AuthStore` passes the port's shared suite on a real PostgreSQL (each test its own database; a
 * second store on it stands for another server), and keeps what is its own: the revocation log in commit order
 * when sessions end concurrently on several connections.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { authStoreContract, sampleAuthUser as user, sampleIdentity as identity, sampleRefreshToken as token, sampleSession as session } from '@cadenza/testkit/auth-store';
import { startPostgres, type TestPostgres } from '@cadenza/testkit/services/postgres-server';
import { PgAuthStore } from '@cadenza/store/postgres';

let server: TestPostgres;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server.stop();
});

authStoreContract('PgAuthStore', async () => {
  const url = await server.createDatabase();
  const stores = [await PgAuthStore.open({ url })];
  return {
    store: stores[0]!,
    async another() {
      const s = await PgAuthStore.open({ url });
      stores.push(s);
      return s;
    },
    async close() {
      for (const s of stores) await s.close();
    },
  };
});

test('revocation ids follow commit order: a deletion waits for an earlier one still open, so a watch never skips an id', async () => {
  const url = await server.createDatabase();
  const store = await PgAuthStore.open({ url });
  const raw = new pg.Client(url); // an operator's psql, or another server mid-transaction
  await raw.connect();
  try {
    const u = user('order@example.com');
    await store.insertUser(u, identity(u));
    const [a, b] = [session(u), session(u)];
    for (const s of [a, b]) await store.insertSession(s, token(s));
    await raw.query('BEGIN');
    await raw.query('DELETE FROM auth_sessions WHERE id = $1', [a.id]); // draws the first id, not committed yet
    let bCommitted = false;
    const deletingB = store.deleteSessions([b.id]).then(() => (bCommitted = true));
    // Either B waits on the revocation lock (right) or it commits past the open deletion (a watch would skip A's id).
    for (;;) {
      const waiting = await raw.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'");
      if (waiting.rows[0].n > 0) break;
      assert.equal(bCommitted, false, 'the second deletion committed while the first was still open');
      await new Promise((r) => setImmediate(r));
    }
    assert.deepEqual(await store.revocationsAfter(0, 10), [], 'nothing is visible while the first deletion is open');
    await raw.query('COMMIT');
    await deletingB;
    const log = await store.revocationsAfter(0, 10);
    assert.deepEqual(log.map((r) => r.sessionId), [a.id, b.id]);
    assert.ok(log[0]!.id < log[1]!.id);
  } finally {
    await raw.end();
    await store.close();
  }
});
