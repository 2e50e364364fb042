/**
 * The WAL checkpointer thread on real SQLite files: it copies what the committing connection writes, the WAL is
 * rewound under constant load, a quiet spell truncates it, close ends the thread and leaves no WAL, a failed worker
 * leaves a working store with SQLite's own checkpoints back on. No sleeps: each test waits for the worker's passes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sampleOrder } from '@cadenza/testkit';
import type { Logger } from '@cadenza/domain';
import { SqliteStore } from './sqlite-store.ts';
import { WalCheckpointer } from './wal-checkpointer.ts';
import { openDomainDatabase } from './open-database.ts';

function tempPath(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-ckpt-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'cadenza.db');
}

let n = 0;
/** One group of `orders` orders, committed. */
async function commitOrders(store: SqliteStore, orders: number): Promise<void> {
  for (let k = 0; k < orders; k++) {
    const i = n++;
    store.transaction(() => store.insertOrder(sampleOrder({ tradeOrderId: `o-${i}`, clientOrderId: `c-${i}`, createdAt: i })));
  }
  await store.flush();
}

const count = (path: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

test('the worker copies committed frames into the database file; the committing connection does not checkpoint', async (t) => {
  const path = tempPath(t);
  const store = new SqliteStore({ path, groupCommit: true, walCheckpoint: { checkpointFrames: 20, idleMs: 60_000 } });
  assert.equal(store.db.pragma('wal_autocheckpoint', { simple: true }), 0);
  const first = n;
  // Work-counted: the worker runs beside this loop on its own thread.
  for (let commits = 0; store.checkpointer!.stats().passes === 0; commits++) {
    assert.ok(commits < 200_000, `no pass after ${commits} commits`);
    await commitOrders(store, 8);
  }
  assert.equal(store.checkpointer!.stats().rewinds, 0, 'a short WAL is not rewound by the main thread');
  await store.close();
  assert.equal(count(path), n - first);
});

test('under constant load the main thread rewinds the WAL once it is long; every row is kept', async (t) => {
  const path = tempPath(t);
  const store = new SqliteStore({ path, groupCommit: true, walCheckpoint: { checkpointFrames: 16, rewindFrames: 120, idleMs: 60_000 } });
  const first = n;
  // Work-counted: commits go on (no quiet spell) until the main thread has rewound the WAL three times.
  for (let commits = 0; store.checkpointer!.stats().rewinds < 3; commits++) {
    assert.ok(commits < 200_000, `no rewind after ${commits} commits: ${JSON.stringify(store.checkpointer!.stats())}`);
    await commitOrders(store, 4);
  }
  // The last rewind copied every frame: the next transaction writes the WAL from its start again.
  await commitOrders(store, 1);
  const { log } = (store.db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]!;
  assert.ok(log < 120, `the WAL holds ${log} frames after one more order: it did not start over`);
  const written = n - first;
  await store.close();
  assert.equal(count(path), written);
});

test('a quiet spell: the worker copies what is left and truncates the WAL; files stay owner-only', async (t) => {
  const path = tempPath(t);
  const store = new SqliteStore({ path, groupCommit: true, walCheckpoint: { checkpointFrames: 1_000_000, idleMs: 10 } });
  const passes = store.checkpointer!.stats().passes;
  await commitOrders(store, 50);
  assert.ok(statSync(`${path}-wal`).size > 0);
  // The copy and the truncation are a pass each.
  await store.checkpointer!.whenPasses(passes + 2);
  assert.equal(statSync(`${path}-wal`).size, 0);
  for (const f of [path, `${path}-wal`, `${path}-shm`]) assert.equal(statSync(f).mode & 0o777, 0o600, f);
  // Writing again after the truncation works as on a new WAL.
  await commitOrders(store, 5);
  assert.equal((store.db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n, 55);
  await store.close();
});

test('close stops the worker, checkpoints and removes the WAL; everything committed is in the database file', async (t) => {
  const path = tempPath(t);
  const store = new SqliteStore({ path, groupCommit: true, walCheckpoint: { idleMs: 60_000 } });
  const first = n;
  await commitOrders(store, 300);
  store.transaction(() => store.insertOrder(sampleOrder({ tradeOrderId: 'last', clientOrderId: 'last', createdAt: 0 })));
  await store.close();
  assert.equal(store.checkpointer!.stats().running, false);
  assert.equal(existsSync(`${path}-wal`), false, 'the last connection closed with an empty WAL');
  assert.equal(count(path), n - first + 1);
});

test('a worker that fails is logged; the store keeps working with SQLite\'s own checkpoints', async (t) => {
  const path = tempPath(t);
  const db = openDomainDatabase(path, 'normal');
  t.after(() => db.close());
  db.exec('CREATE TABLE t (x)');
  const errors: string[] = [];
  const log: Logger = { info() {}, warn() {}, error: (_o, msg) => void errors.push(msg ?? '') };
  // The worker opens the WAL index of a file that is not there: it fails at once.
  const checkpointer = new WalCheckpointer(db, join(path, 'missing.db'), 'NORMAL', log);
  assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 0);
  await checkpointer.whenStopped();
  assert.equal(checkpointer.stats().running, false);
  assert.equal(errors.length, 1, errors.join('; '));
  assert.match(errors[0]!, /checkpointer failed/);
  assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000);
  checkpointer.committed();
  db.prepare('INSERT INTO t VALUES (1)').run();
  assert.equal((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 1);
  await assert.rejects(checkpointer.whenPasses(1), /stopped/);
  await checkpointer.close();
});

test(':memory: and checkpoint "inline" run no worker', async (t) => {
  const a = new SqliteStore({ path: ':memory:' });
  const b = new SqliteStore({ path: tempPath(t), checkpoint: 'inline' });
  assert.equal(a.checkpointer, undefined);
  assert.equal(b.checkpointer, undefined);
  assert.equal(b.db.pragma('wal_autocheckpoint', { simple: true }), 1000);
  await a.close();
  await b.close();
});
