/**
 * Refresh-token reuse after a concurrent refresh (issue 20): two refreshes of one token racing (two tabs) both get
 * tokens — the sibling rule — but from then on the raced token works only inside the reuse window. Presented later
 * it is theft: the whole session is revoked (every token of it refused, its access tokens refused, the revocation
 * announced so live connections are cut). Driven by the real supabase-js over HTTP, time moved by the test clock.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthApiError } from '@supabase/auth-js';
import { decodeJwt } from 'jose';
import { TokenError, type SessionsRevokedEvent } from '../src/index.ts';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
const revocations: SessionsRevokedEvent[] = [];
const PASSWORD = 'race-password';

before(async () => {
  h = await startHarness();
  h.auth.sessions.onRevoked((e) => revocations.push(e));
  await h.listen();
});
after(() => h.close());

async function raced(email: string) {
  await h.auth.users.createUser({ email, password: PASSWORD });
  const { data, error } = await h.supabase().auth.signInWithPassword({ email, password: PASSWORD });
  assert.equal(error, null);
  const s0 = data.session!;
  const [a, b] = await Promise.all([
    h.supabase().auth.refreshSession({ refresh_token: s0.refresh_token }),
    h.supabase().auth.refreshSession({ refresh_token: s0.refresh_token }),
  ]);
  assert.equal(a.error, null, 'the sibling rule lets both racers through');
  assert.equal(b.error, null);
  return { s0, a: a.data.session!, b: b.data.session!, sessionId: String(decodeJwt(s0.access_token).session_id), userId: s0.user.id };
}

async function refused(token: string) {
  return h.auth.verifier.verify(token).then(
    () => assert.fail('the access token still passes'),
    (err: unknown) => err,
  );
}

test('the raced token presented after the window revokes the whole family, even while a sibling was never used', async () => {
  const { s0, a, b, sessionId, userId } = await raced('race-unused@example.com');
  const a2 = await h.supabase().auth.refreshSession({ refresh_token: a.refresh_token });
  assert.equal(a2.error, null, 'one tab goes on refreshing; the other tab\'s sibling stays unused');
  h.clock.advance(11);
  revocations.length = 0;

  const stolen = await h.supabase().auth.refreshSession({ refresh_token: s0.refresh_token });
  assert.ok(stolen.error instanceof AuthApiError, 'the raced token stopped working outside the window');
  assert.equal(stolen.error.code, 'refresh_token_already_used');

  assert.deepEqual(revocations, [{ userId, sessionIds: [sessionId] }], 'announced, so live connections are cut');
  for (const t of [a2.data.session!.refresh_token, b.refresh_token, s0.refresh_token]) {
    const again = await h.supabase().auth.refreshSession({ refresh_token: t });
    assert.ok(again.error instanceof AuthApiError, 'no token of the family works any more');
  }
  const err = await refused(a2.data.session!.access_token);
  assert.ok(err instanceof TokenError && err.reason === 'revoked');
});

test('after a race with no later refresh, the raced token is still refused outside the window (it never works forever)', async () => {
  const { s0, b, sessionId, userId } = await raced('race-idle@example.com');
  h.clock.advance(11);
  revocations.length = 0;
  const late = await h.supabase().auth.refreshSession({ refresh_token: s0.refresh_token });
  assert.ok(late.error instanceof AuthApiError);
  assert.equal(late.error.code, 'refresh_token_already_used');
  assert.deepEqual(revocations, [{ userId, sessionIds: [sessionId] }]);
  const sibling = await h.supabase().auth.refreshSession({ refresh_token: b.refresh_token });
  assert.ok(sibling.error instanceof AuthApiError, 'the session is gone for the siblings too');
});

test('inside the window the raced token keeps working (the documented allowance), and the session lives on', async () => {
  const { s0, a } = await raced('race-window@example.com');
  h.clock.advance(9);
  const third = await h.supabase().auth.refreshSession({ refresh_token: s0.refresh_token });
  assert.equal(third.error, null);
  const next = await h.supabase().auth.refreshSession({ refresh_token: a.refresh_token });
  assert.equal(next.error, null);
});
