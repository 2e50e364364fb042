/**
 * Account takeover with one stolen access token (issue 20): `PUT /user` no longer changes the email (or, on an old
 * session, the password) on the token alone. supabase-js's `updateUser` flow works with `current_password`, or with
 * `reauthenticate()` and the mailed `nonce` — GoTrue's secure email change.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthApiError } from '@supabase/auth-js';
import { CapturingMailer, startHarness, type Harness } from './harness.ts';

const mailer = new CapturingMailer();
let h: Harness;
let seq = 0;
const PASSWORD = 'owner password';

before(async () => {
  h = await startHarness({ mailer, rateLimits: { signUpPerIp: { burst: 1000, perSecond: 100 } } });
  await h.listen();
});
after(() => h.close());

async function signedIn(tag: string) {
  const email = `${tag}-${++seq}@example.com`;
  await h.auth.users.createUser({ email, password: PASSWORD });
  const sb = h.supabase();
  const { data, error } = await sb.auth.signInWithPassword({ email, password: PASSWORD });
  assert.equal(error, null);
  return { sb, email, token: data.session!.access_token };
}

describe('email change', () => {
  test('a stolen access token alone cannot change the email: 400 reauthentication_needed, nothing changed', async () => {
    const { sb, email, token } = await signedIn('stolen');
    const { error } = await sb.auth.updateUser({ email: `attacker-${seq}@evil.example` });
    assert.ok(error instanceof AuthApiError);
    assert.equal(error.status, 400);
    assert.equal(error.code, 'reauthentication_needed');
    const raw = await fetch(`${h.url}/auth/v1/user`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: `attacker-raw-${seq}@evil.example` }),
    });
    assert.equal(raw.status, 400);
    assert.equal((await sb.auth.getUser()).data.user?.email, email);
  });

  test('with the current password the email changes; a wrong one is refused', async () => {
    const { sb } = await signedIn('password');
    const wrong = await sb.auth.updateUser({ email: `new-${seq}@example.com`, current_password: 'not it' });
    assert.ok(wrong.error instanceof AuthApiError);
    assert.equal(wrong.error.code, 'invalid_credentials');
    const ok = await sb.auth.updateUser({ email: `new-${seq}@example.com`, current_password: PASSWORD });
    assert.equal(ok.error, null);
    assert.equal(ok.data.user?.email, `new-${seq}@example.com`);
  });

  test('reauthenticate() mails a nonce; updateUser({ email, nonce }) changes the email once; the nonce is single use', async () => {
    const { sb, email } = await signedIn('nonce');
    const sent = await sb.auth.reauthenticate();
    assert.equal(sent.error, null);
    assert.ok(((await sb.auth.getUser()).data.user as { reauthentication_sent_at?: string } | null)?.reauthentication_sent_at);
    const nonce = mailer.lastCode(email);
    const bad = await sb.auth.updateUser({ email: `other-${seq}@example.com`, nonce: nonce === '000000' ? '000001' : '000000' });
    assert.equal(bad.error?.code, 'reauthentication_not_valid');
    const ok = await sb.auth.updateUser({ email: `nonce-new-${seq}@example.com`, nonce });
    assert.equal(ok.error, null);
    assert.equal(ok.data.user?.email, `nonce-new-${seq}@example.com`);
    const again = await sb.auth.updateUser({ email: `nonce-again-${seq}@example.com`, nonce });
    assert.equal(again.error?.code, 'reauthentication_not_valid', 'used once');
  });

  test('nonces: one mail per minute, expired after 10 minutes, void after five wrong tries', async () => {
    const { sb, email } = await signedIn('limits');
    assert.equal((await sb.auth.reauthenticate()).error, null);
    const soon = await sb.auth.reauthenticate();
    assert.equal(soon.error?.status, 429);
    assert.equal(soon.error?.code, 'over_email_send_rate_limit');
    h.clock.advance(601);
    const stale = await sb.auth.updateUser({ email: `late-${seq}@example.com`, nonce: mailer.lastCode(email) });
    assert.equal(stale.error?.code, 'reauthentication_not_valid', 'expired');

    assert.equal((await sb.auth.reauthenticate()).error, null);
    const nonce = mailer.lastCode(email);
    const wrong = nonce === '123456' ? '654321' : '123456';
    for (let i = 0; i < 5; i++) assert.equal((await sb.auth.updateUser({ email: `guess-${seq}@example.com`, nonce: wrong })).error?.code, 'reauthentication_not_valid');
    const right = await sb.auth.updateUser({ email: `guess-${seq}@example.com`, nonce });
    assert.equal(right.error?.code, 'reauthentication_not_valid', 'five wrong tries void the nonce');
  });
});

describe('password change', () => {
  test('right after signing in no proof is needed; on an older session the current password or a nonce is', async () => {
    const { sb, email } = await signedIn('pw');
    assert.equal((await sb.auth.updateUser({ password: 'fresh session password' })).error, null);
    h.clock.advance(601);
    const stale = await sb.auth.updateUser({ password: 'stolen token password' });
    assert.equal(stale.error?.code, 'reauthentication_needed');
    const withPassword = await sb.auth.updateUser({ password: 'second password', current_password: 'fresh session password' });
    assert.equal(withPassword.error, null);
    assert.equal((await sb.auth.reauthenticate()).error, null);
    const withNonce = await sb.auth.updateUser({ password: 'third password', nonce: mailer.lastCode(email) });
    assert.equal(withNonce.error, null);
    const signIn = await h.supabase().auth.signInWithPassword({ email, password: 'third password' });
    assert.equal(signIn.error, null);
  });
});
