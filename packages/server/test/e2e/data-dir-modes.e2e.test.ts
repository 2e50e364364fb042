/**
 * Every data file is owner-only (issue 20): the server makes the data directory 0700 and every file in it 0600 — the
 * domain and auth databases with their -wal/-shm, the signing keys, the HMAC key, the master key — and tightens
 * files an older version (or a copy) left readable by others when it starts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../src/server.ts';

const mode = (p: string) => statSync(p).mode & 0o777;

function files(dir: string): string[] {
  const top = readdirSync(dir).filter((n) => n !== 'keys').map((n) => join(dir, n));
  return [...top, ...readdirSync(join(dir, 'keys')).map((n) => join(dir, 'keys', n))];
}

test('a loose data directory and loose files are tightened at start; new files are created owner-only', async (t) => {
  const parent = mkdtempSync(join(tmpdir(), 'cadenza-modes-'));
  t.after(() => rmSync(parent, { recursive: true, force: true }));
  const dir = join(parent, 'data');
  mkdirSync(dir, { mode: 0o755 });
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'master.key'), `${randomBytes(32).toString('base64')}\n`, { mode: 0o644 });
  chmodSync(join(dir, 'master.key'), 0o644);
  closeSync(openSync(join(dir, 'cadenza.db'), 'w', 0o644));
  chmodSync(join(dir, 'cadenza.db'), 0o644);

  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir: dir, log: false, venues: ['PAPER'] });
  try {
    assert.equal(mode(dir), 0o700, 'the data directory');
    assert.equal(mode(join(dir, 'keys')), 0o700);
    const all = files(dir);
    for (const name of ['cadenza.db', 'cadenza.db-wal', 'cadenza.db-shm', 'auth.db', 'auth.db-wal', 'auth.db-shm', 'master.key']) {
      assert.ok(existsSync(join(dir, name)), `${name} exists while the server runs`);
    }
    assert.ok(all.some((f) => f.endsWith('.json')) && all.some((f) => f.endsWith('hmac.key')), all.join(', '));
    for (const f of all) assert.equal(mode(f), 0o600, `${f} is ${mode(f).toString(8)}`);
  } finally {
    await server.close();
  }
});
