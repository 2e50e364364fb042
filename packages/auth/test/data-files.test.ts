/**
 * What a copy of the auth data gives away (issue 20): the stored digest of a recovery code is keyed with a server
 * secret kept outside the database, so a stolen `auth.db` does not yield the code by trying the million of them;
 * and every auth data file is owner-only — the database with its `-wal`/`-shm`, the signing keys, the HMAC key —
 * created so, and tightened at start when an older version or a copy left them looser.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Mailer, MailMessage } from '../src/index.ts';
import { call, startHarness } from './harness.ts';

const mode = (path: string) => statSync(path).mode & 0o777;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

class CapturingMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  async send(m: MailMessage): Promise<void> {
    this.sent.push(m);
  }
}

function dataFiles(dir: string): string[] {
  const keys = readdirSync(join(dir, 'keys')).map((n) => join(dir, 'keys', n));
  return [join(dir, 'auth.db'), join(dir, 'auth.db-wal'), join(dir, 'auth.db-shm'), ...keys];
}

test('a recovery code cannot be recovered from the database: its digest is an HMAC under a secret kept outside it', async (t) => {
  const mailer = new CapturingMailer();
  const h = await startHarness({ mailer });
  t.after(() => h.close());
  const user = await h.auth.users.createUser({ email: 'digest@example.com', password: 'digest-password' });
  assert.equal((await call(h.auth, 'POST', '/auth/v1/recover', { email: 'digest@example.com' })).status, 200);
  const code = /code: (\d{6})\b/.exec(mailer.sent[0]!.text)?.[1];
  assert.ok(code);
  const stored = await h.store.getRecoveryTokenByUser(user.id);
  assert.ok(stored);
  assert.notEqual(stored.otpHash, sha256(`${user.id}:${code}`), 'not a bare SHA-256 of the code');
  const secretText = readFileSync(join(h.dataDir, 'keys', 'hmac.key'), 'utf8').trim();
  const secret = Buffer.from(secretText, 'base64');
  assert.equal(stored.otpHash, createHmac('sha256', secret).update(`${user.id}:${code}`).digest('hex'));
  const db = readFileSync(join(h.dataDir, 'auth.db'));
  assert.equal(db.includes(secret), false, 'the secret is not in the database');
  assert.equal(db.includes(Buffer.from(secretText)), false);
  // and the code still works
  const r = await call(h.auth, 'POST', '/auth/v1/verify', { type: 'recovery', email: 'digest@example.com', token: code });
  assert.equal(r.status, 200);
});

test('a configured hmacSecret is used instead of a key file', async (t) => {
  const mailer = new CapturingMailer();
  const secret = 's'.repeat(40);
  const h = await startHarness({ mailer, hmacSecret: secret });
  t.after(() => h.close());
  const user = await h.auth.users.createUser({ email: 'configured@example.com', password: 'digest-password' });
  await call(h.auth, 'POST', '/auth/v1/recover', { email: 'configured@example.com' });
  const code = /code: (\d{6})\b/.exec(mailer.sent[0]!.text)?.[1];
  const stored = await h.store.getRecoveryTokenByUser(user.id);
  assert.equal(stored?.otpHash, createHmac('sha256', secret).update(`${user.id}:${code}`).digest('hex'));
  assert.equal(readdirSync(join(h.dataDir, 'keys')).includes('hmac.key'), false);
});

test('auth data files are owner-only when created, and tightened at the next start when they were left looser', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-auth-modes-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const first = await startHarness({ mailer: new CapturingMailer() }, dir);
  await first.auth.users.createUser({ email: 'modes@example.com', password: 'modes-password' });
  await call(first.auth, 'POST', '/auth/v1/recover', { email: 'modes@example.com' });
  const files = dataFiles(dir);
  assert.ok(files.some((f) => f.endsWith('hmac.key')) && files.some((f) => f.endsWith('.json')), files.join(', '));
  for (const f of files) assert.equal(mode(f), 0o600, `${f} is ${mode(f).toString(8)}`);
  assert.equal(mode(join(dir, 'keys')), 0o700);

  for (const f of files) chmodSync(f, 0o644);
  chmodSync(join(dir, 'keys'), 0o755);
  await first.close();
  const again = await startHarness({}, dir);
  t.after(() => again.close());
  for (const f of dataFiles(dir)) assert.equal(mode(f), 0o600, `${f} was not tightened`);
  assert.equal(mode(join(dir, 'keys')), 0o700);
});
