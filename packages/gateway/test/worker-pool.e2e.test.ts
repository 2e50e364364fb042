/**
 * WorkerPool with real worker processes (test/fixtures/pool-worker.ts): the workers share one port and both take
 * connections, one that dies is replaced, stop() drains them all, and a worker that exits before it listens fails
 * the start instead of being restarted for ever.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { WorkerPool } from '../src/index.ts';

const exec = new URL('./fixtures/pool-worker.ts', import.meta.url).pathname;
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

/** The pid of the worker that answered a fresh connection. */
function whoAnswers(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(Number(body)));
    });
    req.on('error', reject);
    req.end();
  });
}

function exited(pid: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      try {
        process.kill(pid, 0);
        setTimeout(check, 20);
      } catch {
        resolve();
      }
    };
    check();
  });
}

test('two workers share one port, a dead one is replaced, stop drains them', { timeout: 60_000 }, async () => {
  const pool = new WorkerPool({ workers: 2, log: quiet, exec, execArgv: ['--import', 'tsx'], restartDelayMs: 10 });
  const { port } = await pool.start();
  try {
    const first = pool.pids();
    assert.equal(first.length, 2);
    const seen = new Set<number>();
    for (let i = 0; i < 200 && seen.size < 2; i++) seen.add(await whoAnswers(port));
    assert.deepEqual([...seen].sort(), [...first].sort(), 'both workers took connections on the one port');

    process.kill(first[0]!, 'SIGKILL');
    await exited(first[0]!);
    while (pool.pids().length < 2 || pool.pids().includes(first[0]!)) await new Promise((r) => setTimeout(r, 20));
    const replacement = pool.pids().find((p) => !first.includes(p))!;
    const after = new Set<number>();
    for (let i = 0; i < 200 && !after.has(replacement); i++) after.add(await whoAnswers(port));
    assert.ok(after.has(replacement), 'the replacement serves the same port');
    assert.ok(!after.has(first[0]!));
  } finally {
    const pids = pool.pids();
    await pool.stop();
    await Promise.all(pids.map(exited));
  }
});

test('a worker that exits before listening fails the start', { timeout: 60_000 }, async () => {
  const pool = new WorkerPool({ workers: 2, log: quiet, exec, execArgv: ['--import', 'tsx'], env: { POOL_FIXTURE: 'fail' } });
  await assert.rejects(pool.start(), /exited before listening \(code 3\)/);
  assert.deepEqual(pool.pids(), []);
});
