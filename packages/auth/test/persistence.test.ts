/**
 * Nothing is lost on restart (users, sessions, refresh tokens, signing keys live in the data dir), signing keys
 * rotate without breaking live tokens (the admin CLI's commands are tested with the server: packages/server/test/admin-cli.test.ts).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { call, startHarness } from './harness.ts';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-auth-persist-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('restart', () => {
  test('after a restart the same user signs in, the old refresh token rotates and the old access token verifies', async (t) => {
    const dir = tempDir(t);
    const first = await startHarness({}, dir);
    await first.auth.users.createUser({ email: 'keep@example.com', password: 'keep-password' });
    const login = await call(first.auth, 'POST', '/auth/v1/token?grant_type=password', { email: 'keep@example.com', password: 'keep-password' });
    await first.close();
    const keyFiles = readdirSync(join(dir, 'keys')).filter((n) => n.endsWith('.json'));
    assert.equal(keyFiles.length, 1);
    assert.equal(statSync(join(dir, 'keys', keyFiles[0]!)).mode & 0o777, 0o600);

    const second = await startHarness({}, dir);
    try {
      const claims = await second.auth.verifier.verify(login.body.access_token);
      assert.equal(claims.email, 'keep@example.com');
      const refreshed = await call(second.auth, 'POST', '/auth/v1/token?grant_type=refresh_token', { refresh_token: login.body.refresh_token });
      assert.equal(refreshed.status, 200);
      assert.equal(decodeProtectedHeader(refreshed.body.access_token).kid, decodeProtectedHeader(login.body.access_token).kid);
      const again = await call(second.auth, 'POST', '/auth/v1/token?grant_type=password', { email: 'keep@example.com', password: 'keep-password' });
      assert.equal(again.status, 200);
    } finally {
      await second.close();
    }
  });
});

describe('key rotation', () => {
  test('a rotated-out key keeps verifying its tokens and stays in the JWKS until they expire, then is deleted', async (t) => {
    const h = await startHarness({}, tempDir(t));
    try {
      await h.auth.users.createUser({ email: 'rot@example.com', password: 'rot-password' });
      const signIn = () => call(h.auth, 'POST', '/auth/v1/token?grant_type=password', { email: 'rot@example.com', password: 'rot-password' });
      const before = (await signIn()).body.access_token;
      const oldKid = decodeProtectedHeader(before).kid;
      const newKid = await h.auth.rotateSigningKey();
      assert.notEqual(newKid, oldKid);
      const after = (await signIn()).body.access_token;
      assert.equal(decodeProtectedHeader(after).kid, newKid);
      assert.equal((await h.auth.verifier.verify(before)).email, 'rot@example.com');
      const kids = (await call(h.auth, 'GET', '/auth/v1/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid);
      assert.deepEqual(kids.sort(), [oldKid, newKid].sort());
      h.clock.advance(3600 + 121);
      const later = (await call(h.auth, 'GET', '/auth/v1/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid);
      assert.deepEqual(later, [newKid]);
      assert.deepEqual(readdirSync(join(h.dataDir, 'keys')).filter((n) => n.endsWith('.json')), [`${newKid}.json`]);
    } finally {
      await h.close();
    }
  });
});

describe('a pending password recovery', () => {
  test('survives a restart: the mailed code still redeems once, on the restarted service', async (t) => {
    const dir = tempDir(t);
    const mails: string[] = [];
    const mailer = { send: async (m: { text: string }) => void mails.push(m.text) };
    const first = await startHarness({ mailer }, dir);
    await first.auth.users.createUser({ email: 'forgot@example.com', password: 'forgotten-pass' });
    assert.equal((await call(first.auth, 'POST', '/auth/v1/recover', { email: 'forgot@example.com' })).status, 200);
    await first.close();
    const code = /code: (\d{6})\b/.exec(mails[0] ?? '')?.[1];
    assert.ok(code, 'a code was mailed');

    const second = await startHarness({ mailer }, dir);
    try {
      const verified = await call(second.auth, 'POST', '/auth/v1/verify', { type: 'recovery', email: 'forgot@example.com', token: code });
      assert.equal(verified.status, 200, JSON.stringify(verified.body));
      assert.ok(verified.body.access_token);
      const again = await call(second.auth, 'POST', '/auth/v1/verify', { type: 'recovery', email: 'forgot@example.com', token: code });
      assert.equal(again.status, 403, 'used once');
    } finally {
      await second.close();
    }
  });
});
