/**
 * Sign-up addresses (issue 20), through supabase-js: the NFKC form is the account (the fullwidth `ｄｅｍｏ@…` is
 * `demo@…`, for sign-up and sign-in alike); control characters, invisible format characters and markup are refused;
 * an address that looks like an existing account's (same UTS #39 confusable skeleton, e.g. a Cyrillic е) is refused,
 * at sign-up and as a new email.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthApiError } from '@supabase/auth-js';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
const PASSWORD = 'address password';

before(async () => {
  h = await startHarness({ rateLimits: { signUpPerIp: { burst: 1000, perSecond: 100 } } });
  await h.listen();
  await h.auth.users.createUser({ email: 'demo@cadenza.dev', password: PASSWORD });
});
after(() => h.close());

async function signUp(email: string) {
  return h.supabase().auth.signUp({ email, password: PASSWORD });
}

test('the fullwidth address is the existing account: sign-up says it exists, sign-in reaches it', async () => {
  const fullwidth = 'ｄｅｍｏ＠ｃａｄｅｎｚａ．ｄｅｖ';
  const { error } = await signUp(fullwidth);
  assert.ok(error instanceof AuthApiError);
  assert.equal(error.code, 'user_already_exists');
  const signIn = await h.supabase().auth.signInWithPassword({ email: fullwidth, password: PASSWORD });
  assert.equal(signIn.error, null);
  assert.equal(signIn.data.user?.email, 'demo@cadenza.dev');
});

test('a look-alike of an existing account (Cyrillic е) is refused with 422 email_exists', async () => {
  const { error } = await signUp('dеmo@cadenza.dev');
  assert.ok(error instanceof AuthApiError);
  assert.equal(error.status, 422);
  assert.equal(error.code, 'email_exists');
  assert.match(error.message, /look-alike/);
  assert.equal(await h.auth.users.findByEmail('dеmo@cadenza.dev'), undefined);
});

test('control characters, invisible format characters and markup are refused with 400 validation_failed', async () => {
  for (const email of ['ab\u0000c@example.com', 'line\nbreak@example.com', 'rlo\u202Eevil@example.com', 'zero\u200Bwidth@example.com', '<script>@example.com', '"><img src=x onerror=alert(1)>@example.com', 'a@b@example.com']) {
    const { error } = await signUp(email);
    assert.ok(error instanceof AuthApiError, JSON.stringify(email));
    assert.equal(error.status, 400, JSON.stringify(email));
    assert.equal(error.code, 'validation_failed');
    assert.equal(error.message, 'Unable to validate email address: invalid format');
  }
});

test('ordinary and non-ASCII addresses still sign up; changing to a look-alike email is refused', async () => {
  const zoe = await signUp('Zoë.O\'Neil+trade@example.com');
  assert.equal(zoe.error, null);
  assert.equal(zoe.data.user?.email, 'zoë.o\'neil+trade@example.com');
  const other = await signUp('trader@example.com');
  assert.equal(other.error, null);
  const sb = h.supabase();
  assert.equal((await sb.auth.signInWithPassword({ email: 'trader@example.com', password: PASSWORD })).error, null);
  const change = await sb.auth.updateUser({ email: 'dеmo@cadenza.dev', current_password: PASSWORD });
  assert.equal(change.error?.code, 'email_exists');
});
