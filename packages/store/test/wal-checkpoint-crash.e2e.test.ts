/**
 * SIGKILL while the WAL checkpointer thread copies: a process commits orders under load and kills itself at a moment
 * it sees a checkpoint running (after the thread's first passes and a rewind of the WAL by the main thread). Reopened,
 * the database passes SQLite's integrity check and holds every order acknowledged before the kill. And the thread
 * never keeps a process alive: one that opens a store, writes and ends without closing it exits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/sqlite/sqlite-store.ts';

const child = new URL('./wal-checkpoint-crash-child.ts', import.meta.url).pathname;

test('SIGKILL during a checkpoint loses no acknowledged order and leaves an intact database', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-ckpt-crash-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'cadenza.db');
  const ackFile = join(dir, 'acked.txt');
  const proc = spawn(process.execPath, ['--import', 'tsx', child, path, ackFile], { stdio: ['ignore', 'inherit', 'inherit'] });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => proc.once('exit', (c, s) => resolve([c, s])));
  assert.equal(signal, 'SIGKILL', `the child ended by ${code ?? signal}`);
  const lines = readFileSync(ackFile, 'utf8').split('\n').filter(Boolean);
  assert.equal(lines.at(-1), 'killed in a pass');
  const acked = lines.slice(0, -1);
  assert.ok(acked.length >= 8);

  const store = new SqliteStore({ path, checkpoint: 'inline' });
  try {
    assert.equal(store.db.pragma('integrity_check', { simple: true }), 'ok');
    const stored = new Set((store.db.prepare('SELECT trade_order_id AS id FROM orders').all() as Array<{ id: string }>).map((r) => r.id));
    const lost = acked.filter((id) => !stored.has(id));
    assert.deepEqual(lost, [], `${lost.length} of ${acked.length} acknowledged orders lost`);
  } finally {
    await store.close();
  }
});

test('a store left open does not keep its process alive: the checkpointer thread is not waited for', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-ckpt-exit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = new URL('../src/sqlite/sqlite-store.ts', import.meta.url).pathname;
  const code = `
    const { SqliteStore } = await import(${JSON.stringify(store)});
    const s = new SqliteStore(${JSON.stringify(join(dir, 'cadenza.db'))});
    for (let i = 0; i < 50; i++) s.transaction(() => s.upsertBalance({ balanceId: 'b' + i, tradingAccountId: 'a', asset: 'A' + i, free: '1', locked: '0', createdAt: 1, updatedAt: 1 }));
    await s.flush();
    console.log(JSON.stringify(s.checkpointer.stats()));`;
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  const [exitCode] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => proc.once('exit', (c, s) => resolve([c, s])));
  assert.equal(exitCode, 0);
  assert.equal((JSON.parse(out) as { running: boolean }).running, true, 'the thread was running when the script ended');
});
