/**
 * The domain lease on a real PostgreSQL: one holder at a time, the others waiting and knowing who holds it; a holder
 * whose session ends is replaced with a higher epoch and its store's later writes are refused (the fence); a holder
 * whose connection only broke takes the lease back with the same epoch; one that goes silent (a partition) is cut
 * by PostgreSQL and replaced; a holder that closes hands over at once.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { sampleAccount } from '@cadenza/testkit';
import { startPostgres, type TestPostgres } from '@cadenza/testkit/services/postgres-server';
import { tcpPartition } from '@cadenza/testkit/services/tcp-partition';
import { PgLease, PgStore, type LeaseState } from '@cadenza/store/postgres';

let server: TestPostgres;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server.stop();
});

const quick = { pollMs: 100, silenceMs: 1500, graceMs: 300 };

interface Watched {
  lease: PgLease;
  /** Resolves when `pred` holds for the lease's state (now or after a change). */
  until(pred: (s: LeaseState) => boolean): Promise<LeaseState>;
  lost: Promise<Error>;
}

async function watched(url: string, holder: string): Promise<Watched> {
  const waits: Array<{ pred: (s: LeaseState) => boolean; resolve(s: LeaseState): void }> = [];
  let onLost!: (err: Error) => void;
  const lost = new Promise<Error>((resolve) => (onLost = resolve));
  const lease = await PgLease.open({
    url,
    holder,
    ...quick,
    onChange: (s) => {
      for (const w of waits.splice(0)) (w.pred(s) ? w.resolve(s) : waits.push(w));
    },
    onLost,
  });
  return {
    lease,
    lost,
    until: (pred) => (pred(lease.state) ? Promise.resolve(lease.state) : new Promise((resolve) => waits.push({ pred, resolve }))),
  };
}

async function lockHolderPid(url: string): Promise<number> {
  const c = new pg.Client(url);
  await c.connect();
  try {
    const r = await c.query<{ pid: number }>(`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid <> 0 AND pid <> pg_backend_pid()
      AND pid IN (SELECT pid FROM pg_stat_activity WHERE application_name = 'cadenza-lease-domain')`);
    assert.equal(r.rows.length, 1, 'one session holds the lease lock');
    return r.rows[0]!.pid;
  } finally {
    await c.end();
  }
}

async function terminate(url: string, pid: number): Promise<void> {
  const c = new pg.Client(url);
  await c.connect();
  try {
    await c.query('SELECT pg_terminate_backend($1)', [pid]);
  } finally {
    await c.end();
  }
}

test('one holder, a waiter that knows it; the holder session ends: the waiter takes over, the old store is fenced off', async () => {
  const url = await server.createDatabase();
  const a = await watched(url, 'http://a');
  const b = await watched(url, 'http://b');
  try {
    assert.deepEqual(await a.lease.start(), { role: 'holder', epoch: 1 });
    assert.deepEqual(await b.lease.start(), { role: 'waiting', current: { epoch: 1, holder: 'http://a' } });

    let onFatal!: (err: Error) => void;
    const fatal = new Promise<Error>((resolve) => (onFatal = resolve));
    const storeA = await PgStore.open({ url, fence: { lease: 'domain', epoch: 1 }, onFatal });
    storeA.insertTradingAccount(sampleAccount({ tradingAccountId: 'acct-before' }));
    await storeA.flush();

    await terminate(url, await lockHolderPid(url));
    const taken = await b.until((s) => s.role === 'holder');
    assert.deepEqual(taken, { role: 'holder', epoch: 2 });
    assert.match((await a.lost).message, /epoch 2, http:\/\/b/);
    assert.equal(a.lease.state.role, 'waiting');

    // The old holder's store still believes; PostgreSQL does not.
    storeA.insertTradingAccount(sampleAccount({ tradingAccountId: 'acct-fenced' }));
    assert.match((await fatal).message, /another server holds the domain lease now/);

    const storeB = await PgStore.open({ url, fence: { lease: 'domain', epoch: 2 } });
    try {
      assert.deepEqual((await storeB.loadTradingAccounts()).map((t) => t.tradingAccountId), ['acct-before'], 'the new holder sees what the old one committed, and nothing after the fence');
      storeB.insertTradingAccount(sampleAccount({ tradingAccountId: 'acct-after' }));
      await storeB.flush();
    } finally {
      await storeB.close();
    }
    await storeA.close(100);
  } finally {
    await a.lease.close();
    await b.lease.close();
  }
});

test('a holder whose connection only broke takes the lease back with the same epoch', async () => {
  const url = await server.createDatabase();
  const a = await watched(url, 'http://a');
  try {
    assert.deepEqual(await a.lease.start(), { role: 'holder', epoch: 1 });
    const first = await lockHolderPid(url);
    await terminate(url, first);
    // Taken back on a new session, still epoch 1: nothing was lost, nobody else held it.
    while ((await lockHolderPid(url).catch(() => first)) === first) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(a.lease.state, { role: 'holder', epoch: 1 });
    const s = await PgStore.open({ url, fence: { lease: 'domain', epoch: 1 }, onFatal: (err) => assert.fail(err) });
    s.insertTradingAccount(sampleAccount());
    await s.flush();
    await s.close();
  } finally {
    await a.lease.close();
  }
});

test('a silent holder (a partition) is cut by PostgreSQL and replaced; when it hears again, it has lost', async () => {
  const url = await server.createDatabase();
  const net = await tcpPartition(server.port);
  const a = await watched(url.replace(`:${server.port}/`, `:${net.port}/`), 'http://a');
  const b = await watched(url, 'http://b');
  try {
    await a.lease.start();
    await b.lease.start();
    net.cut();
    assert.deepEqual(await b.until((s) => s.role === 'holder'), { role: 'holder', epoch: 2 });
    net.heal();
    assert.match((await a.lost).message, /epoch 2/);
  } finally {
    await a.lease.close();
    await b.lease.close();
    await net.close();
  }
});

test('a holder that closes hands the lease over at once', async () => {
  const url = await server.createDatabase();
  const a = await watched(url, 'http://a');
  const b = await watched(url, 'http://b');
  try {
    await a.lease.start();
    await b.lease.start();
    await a.lease.close();
    assert.deepEqual(await b.until((s) => s.role === 'holder'), { role: 'holder', epoch: 2 });
  } finally {
    await b.lease.close();
  }
});
