/**
 * SIGKILL while the WAL checkpointer thread copies: a process commits orders under load and kills itself at a moment
 * it sees a checkpoint running (after the thread's first passes and a rewind of the WAL by the main thread). Reopened,
 * the database passes SQLite's integrity check and holds every order acknowledged before the kill.
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
