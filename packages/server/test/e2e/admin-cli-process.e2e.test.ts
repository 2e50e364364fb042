/**
 * `npm run admin` as a process: the password comes from standard input (the first line), never from argv, and every
 * command names its data directory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../../..');

function admin(args: string[], stdin: string, env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/admin/admin.ts', ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out, err }));
    child.stdin.end(stdin);
  });
}

test('create-user reads the password from stdin, set-password refuses one in argv, the data dir is named', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-admin-proc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { CADENZA_DATA_DIR: dir };
  const created = await admin(['create-user', 'piped@example.com'], 'piped-password\nignored second line\n', env);
  assert.equal(created.code, 0, created.err);
  assert.match(created.err, new RegExp(`data dir: ${dir}`));
  assert.match(created.out, /^created piped@example\.com/);

  const argv = await admin(['set-password', 'piped@example.com', 'visible-in-ps'], '', env);
  assert.equal(argv.code, 2);
  assert.match(argv.err, /never taken from the command line/);

  const empty = await admin(['set-password', 'piped@example.com'], '', env);
  assert.equal(empty.code, 1);
  assert.match(empty.err, /no password on standard input/);

  const listed = await admin(['list-users', '--json', '--data-dir', dir], '', {});
  assert.equal(listed.code, 0, listed.err);
  assert.deepEqual((JSON.parse(listed.out) as Array<{ email: string }>).map((u) => u.email), ['piped@example.com']);
});
