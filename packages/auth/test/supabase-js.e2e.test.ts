/**
 * The official `@supabase/supabase-js` 2.119 (and `@supabase/auth-js`) against the built-in service over HTTP:
 * sign-up, sign-in, exact errors, user read/update, refresh rotation and reuse detection, sign-out scopes, and
 * the verifier refusing logged-out tokens.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthClient, AuthApiError, AuthSessionMissingError, AuthWeakPasswordError, isAuthError } from '@supabase/auth-js';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { TokenError, type SessionsRevokedEvent } from '../src/index.ts';
import { ANON_KEY, startHarness, type Harness } from './harness.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
let h: Harness;
let seq = 0;
const email = (tag: string) => `${tag}-${++seq}@example.com`;
const PASSWORD = 'correct horse';
const revocations: SessionsRevokedEvent[] = [];

before(async () => {
  h = await startHarness({
    rateLimits: { signInPerIp: { burst: 1000, perSecond: 100 }, signUpPerIp: { burst: 1000, perSecond: 100 } },
  });
  h.auth.sessions.onRevoked((e) => revocations.push(e));
  await h.listen();
});
after(() => h.close());

async function signedIn(tag: string, password = PASSWORD) {
  const address = email(tag);
  await h.auth.users.createUser({ email: address, password });
  const sb = h.supabase();
  const { data, error } = await sb.auth.signInWithPassword({ email: address, password });
  assert.equal(error, null);
  assert.ok(data.session);
  return { sb, email: address, session: data.session };
}

async function rejection(token: string): Promise<TokenError> {
  const err = await h.auth.verifier.verify(token).then(
    () => assert.fail('token was accepted'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof TokenError);
  return err;
}

describe('sign-up', () => {
  test('signUp returns a session, a lower-cased email, the email identity and GoTrue claims', async () => {
    const sb = h.supabase();
    const address = email('Signup').toUpperCase();
    const { data, error } = await sb.auth.signUp({ email: address, password: PASSWORD, options: { data: { name: 'Ada' } } });
    assert.equal(error, null);
    assert.ok(data.session && data.user);
    assert.match(data.user.id, UUID);
    assert.equal(data.user.email, address.toLowerCase());
    assert.equal(data.user.role, 'authenticated');
    assert.equal(data.user.aud, 'authenticated');
    assert.deepEqual(data.user.app_metadata, { provider: 'email', providers: ['email'] });
    assert.equal(data.user.user_metadata.name, 'Ada');
    assert.equal(data.user.identities?.length, 1);
    assert.equal(data.user.identities?.[0]?.provider, 'email');
    assert.ok(data.user.email_confirmed_at);
    const claims = decodeJwt(data.session.access_token);
    assert.equal(claims.sub, data.user.id);
    assert.deepEqual((claims.user_metadata as Record<string, unknown>).name, 'Ada');
  });

  test('signUp of a taken email is 422 user_already_exists', async () => {
    const { email: taken } = await signedIn('taken');
    const { error } = await h.supabase().auth.signUp({ email: taken, password: PASSWORD });
    assert.ok(error instanceof AuthApiError);
    assert.equal(error.status, 422);
    assert.equal(error.code, 'user_already_exists');
    assert.equal(error.message, 'User already registered');
  });

  test('a short password is a weak-password error with reason length; over 72 bytes is validation_failed', async () => {
    const weak = await h.supabase().auth.signUp({ email: email('weak'), password: '12345' });
    assert.ok(weak.error instanceof AuthWeakPasswordError);
    assert.equal(weak.error.status, 422);
    assert.equal(weak.error.code, 'weak_password');
    assert.deepEqual(weak.error.reasons, ['length']);
    const long = await h.supabase().auth.signUp({ email: email('long'), password: 'x'.repeat(73) });
    assert.ok(long.error instanceof AuthApiError);
    assert.equal(long.error.status, 400);
    assert.equal(long.error.code, 'validation_failed');
  });
});

describe('sign-in', () => {
  test('signInWithPassword returns a complete session with Supabase claims signed ES256 with a published kid', async () => {
    const { sb, session } = await signedIn('signin');
    assert.equal(session.token_type, 'bearer');
    assert.equal(session.expires_in, 3600);
    assert.ok(Math.abs(session.expires_at! - (Math.floor(h.clock.now() / 1000) + 3600)) <= 2);
    assert.ok(session.refresh_token.length >= 12);
    const header = decodeProtectedHeader(session.access_token);
    assert.equal(header.alg, 'ES256');
    const claims = decodeJwt(session.access_token);
    for (const k of ['sub', 'aud', 'exp', 'iat', 'email', 'phone', 'app_metadata', 'user_metadata', 'role', 'aal', 'amr', 'session_id', 'is_anonymous']) {
      assert.ok(k in claims, `claim ${k}`);
    }
    assert.equal(claims.aud, 'authenticated');
    assert.equal(claims.role, 'authenticated');
    assert.equal(claims.aal, 'aal1');
    assert.equal((claims.amr as Array<{ method: string }>)[0]?.method, 'password');
    assert.match(String(claims.session_id), UUID);
    assert.equal(claims.is_anonymous, false);
    assert.equal(claims.exp! - claims.iat!, 3600);
    // getClaims verifies locally through the JWKS endpoint
    const jwks = (await (await fetch(`${h.url}/auth/v1/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string; d?: string }> };
    assert.ok(jwks.keys.some((k) => k.kid === header.kid && k.d === undefined));
    const viaClient = await sb.auth.getClaims();
    assert.equal(viaClient.error, null);
    assert.equal(viaClient.data?.claims.sub, claims.sub);
  });

  test('a wrong password and an unknown email both give 400 invalid_credentials "Invalid login credentials"', async () => {
    const { email: address } = await signedIn('wrongpw');
    const wrong = await h.supabase().auth.signInWithPassword({ email: address, password: 'not it!' });
    const unknown = await h.supabase().auth.signInWithPassword({ email: email('nobody'), password: 'not it!' });
    for (const { error, data } of [wrong, unknown]) {
      assert.ok(error instanceof AuthApiError);
      assert.equal(error.status, 400);
      assert.equal(error.code, 'invalid_credentials');
      assert.equal(error.message, 'Invalid login credentials');
      assert.equal(data.session, null);
    }
  });

  test('a legacy JWT-shaped anon key works as the client key (it is ignored on public endpoints)', async () => {
    const { email: address } = await signedIn('jwtkey');
    const anonJwt = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"iss":"supabase","role":"anon"}').toString('base64url')}.c2lnbmF0dXJl`;
    const sb = createClient(h.url, anonJwt, { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: WebSocket as never } });
    const { data, error } = await sb.auth.signInWithPassword({ email: address, password: PASSWORD });
    assert.equal(error, null);
    assert.equal((await h.auth.verifier.verify(data.session!.access_token)).email, address);
  });

  test('sign-in is case-insensitive in the email', async () => {
    const { email: address } = await signedIn('case');
    const { error } = await h.supabase().auth.signInWithPassword({ email: address.toUpperCase(), password: PASSWORD });
    assert.equal(error, null);
  });
});

describe('user', () => {
  test('getUser returns the signed-in user; a tampered token is 403 bad_jwt', async () => {
    const { sb, session } = await signedIn('getuser');
    const { data, error } = await sb.auth.getUser();
    assert.equal(error, null);
    assert.equal(data.user?.id, session.user.id);
    const [hd, payload, sig] = session.access_token.split('.');
    const forged = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    forged.sub = crypto.randomUUID();
    const tampered = `${hd}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${sig}`;
    const bad = await sb.auth.getUser(tampered);
    assert.ok(bad.error instanceof AuthApiError);
    assert.equal(bad.error.status, 403);
    assert.equal(bad.error.code, 'bad_jwt');
  });

  test('updateUser merges data, null deletes a key, and a refreshed token carries the new metadata', async () => {
    const { sb } = await signedIn('update');
    const events: string[] = [];
    sb.auth.onAuthStateChange((e) => events.push(e));
    const first = await sb.auth.updateUser({ data: { a: 1, b: 'x' } });
    assert.equal(first.error, null);
    assert.deepEqual({ a: first.data.user?.user_metadata.a, b: first.data.user?.user_metadata.b }, { a: 1, b: 'x' });
    const second = await sb.auth.updateUser({ data: { a: null } });
    assert.equal(second.error, null);
    assert.equal('a' in (second.data.user?.user_metadata ?? {}), false);
    assert.equal(second.data.user?.user_metadata.b, 'x');
    assert.ok(events.includes('USER_UPDATED'));
    const refreshed = await sb.auth.refreshSession();
    assert.equal(refreshed.error, null);
    const claims = decodeJwt(refreshed.data.session!.access_token);
    assert.deepEqual(claims.user_metadata, { b: 'x' });
  });

  test('changing the password: same one is 422 same_password; a new one ends the other sessions only', async () => {
    const { sb, email: address } = await signedIn('pwchange');
    const other = h.supabase();
    const otherSignIn = await other.auth.signInWithPassword({ email: address, password: PASSWORD });
    assert.equal(otherSignIn.error, null);
    const same = await sb.auth.updateUser({ password: PASSWORD });
    assert.ok(same.error instanceof AuthApiError);
    assert.equal(same.error.status, 422);
    assert.equal(same.error.code, 'same_password');
    const changed = await sb.auth.updateUser({ password: 'a brand new one' });
    assert.equal(changed.error, null);
    const old = await h.supabase().auth.signInWithPassword({ email: address, password: PASSWORD });
    assert.equal(old.error?.code, 'invalid_credentials');
    const fresh = await h.supabase().auth.signInWithPassword({ email: address, password: 'a brand new one' });
    assert.equal(fresh.error, null);
    const otherRefresh = await other.auth.refreshSession();
    assert.ok(otherRefresh.error);
    const ownRefresh = await sb.auth.refreshSession();
    assert.equal(ownRefresh.error, null);
  });
});

describe('refresh', () => {
  test('refreshSession rotates the refresh token and keeps the session id', async () => {
    const { sb, session } = await signedIn('rotate');
    const { data, error } = await sb.auth.refreshSession();
    assert.equal(error, null);
    assert.notEqual(data.session!.refresh_token, session.refresh_token);
    assert.notEqual(data.session!.access_token, session.access_token);
    assert.equal(decodeJwt(data.session!.access_token).session_id, decodeJwt(session.access_token).session_id);
  });

  test('replaying a used token within the reuse interval succeeds; an older one later revokes the whole session', async () => {
    const { sb, session: s0 } = await signedIn('reuse');
    const r1 = await sb.auth.refreshSession();
    assert.equal(r1.error, null);
    const r2 = await sb.auth.refreshSession();
    assert.equal(r2.error, null);
    const replay = await h.supabase().auth.refreshSession({ refresh_token: r1.data.session!.refresh_token });
    assert.equal(replay.error, null, 'a concurrent refresh within 10 s is allowed');
    h.clock.advance(11);
    revocations.length = 0;
    const stale = await h.supabase().auth.refreshSession({ refresh_token: s0.refresh_token });
    assert.ok(stale.error instanceof AuthApiError);
    assert.equal(stale.error.status, 400);
    assert.equal(stale.error.code, 'refresh_token_already_used');
    for (const t of [r2.data.session!, replay.data.session!]) {
      const latest = await h.supabase().auth.refreshSession({ refresh_token: t.refresh_token });
      assert.ok(latest.error instanceof AuthApiError, 'every token of the family is revoked');
      assert.equal(latest.error.code, 'refresh_token_not_found');
    }
    const sessionId = String(decodeJwt(s0.access_token).session_id);
    assert.deepEqual(revocations, [{ userId: s0.user.id, sessionIds: [sessionId] }]);
    assert.equal((await rejection(r2.data.session!.access_token)).reason, 'revoked');
  });

  test('the immediately previous token still works after the interval when its successor was never used', async () => {
    const { sb, session: s0 } = await signedIn('lost');
    const r1 = await sb.auth.refreshSession();
    assert.equal(r1.error, null);
    h.clock.advance(30);
    const again = await h.supabase().auth.refreshSession({ refresh_token: s0.refresh_token });
    assert.equal(again.error, null);
    h.clock.advance(11);
    const superseded = await h.supabase().auth.refreshSession({ refresh_token: r1.data.session!.refresh_token });
    assert.ok(superseded.error, 'the lost successor was replaced');
  });

  test('two clients refreshing with the same token at once both get working tokens', async () => {
    const { session } = await signedIn('race');
    const [a, b] = await Promise.all([
      h.supabase().auth.refreshSession({ refresh_token: session.refresh_token }),
      h.supabase().auth.refreshSession({ refresh_token: session.refresh_token }),
    ]);
    assert.equal(a.error, null);
    assert.equal(b.error, null);
    assert.notEqual(a.data.session!.refresh_token, b.data.session!.refresh_token);
    for (const r of [a, b]) {
      const next = await h.supabase().auth.refreshSession({ refresh_token: r.data.session!.refresh_token });
      assert.equal(next.error, null);
    }
  });

  test('unknown and malformed refresh tokens are 400 refresh_token_not_found and validation_failed', async () => {
    const unknown = await h.supabase().auth.refreshSession({ refresh_token: 'doesnotexist123' });
    assert.ok(unknown.error instanceof AuthApiError);
    assert.equal(unknown.error.code, 'refresh_token_not_found');
    const short = await h.supabase().auth.refreshSession({ refresh_token: 'short' });
    assert.ok(short.error instanceof AuthApiError);
    assert.equal(short.error.status, 400);
    assert.equal(short.error.code, 'validation_failed');
  });
});

describe('sign-out', () => {
  test('global signOut revokes every session: the verifier refuses the token as revoked and listeners hear of it', async () => {
    const { sb, session, email: address } = await signedIn('global');
    const second = h.supabase();
    const s2 = await second.auth.signInWithPassword({ email: address, password: PASSWORD });
    assert.equal(s2.error, null);
    const before = await h.auth.verifier.verify(session.access_token);
    assert.equal(before.sub, session.user.id);
    revocations.length = 0;
    const { error } = await sb.auth.signOut();
    assert.equal(error, null);
    assert.equal((await sb.auth.getSession()).data.session, null);
    assert.equal((await rejection(session.access_token)).reason, 'revoked');
    assert.equal((await rejection(s2.data.session!.access_token)).reason, 'revoked');
    assert.equal(revocations.length, 1);
    assert.equal(revocations[0]!.userId, session.user.id);
    assert.equal(revocations[0]!.sessionIds.length, 2);
    const refresh = await h.supabase().auth.refreshSession({ refresh_token: session.refresh_token });
    assert.ok(refresh.error);
    const user = await h.supabase().auth.getUser(session.access_token);
    assert.ok(user.error instanceof AuthSessionMissingError);
  });

  test('local signOut ends only this session; others ends every session but this one', async () => {
    const { sb: a, email: address } = await signedIn('scopes');
    const b = h.supabase();
    const c = h.supabase();
    await b.auth.signInWithPassword({ email: address, password: PASSWORD });
    await c.auth.signInWithPassword({ email: address, password: PASSWORD });
    const bToken = (await b.auth.getSession()).data.session!.access_token;
    const cToken = (await c.auth.getSession()).data.session!.access_token;
    const local = await c.auth.signOut({ scope: 'local' });
    assert.equal(local.error, null);
    assert.equal((await rejection(cToken)).reason, 'revoked');
    assert.equal((await h.auth.verifier.verify(bToken)).email, address);
    const others = await a.auth.signOut({ scope: 'others' });
    assert.equal(others.error, null);
    assert.equal((await rejection(bToken)).reason, 'revoked');
    const aStill = await a.auth.getUser();
    assert.equal(aStill.error, null);
    assert.equal((await a.auth.refreshSession()).error, null);
  });
});

describe('recovery and plumbing', () => {
  test('resetPasswordForEmail answers {} for known and unknown emails; a repeat within 60 s is 429', async () => {
    const { email: address } = await signedIn('recover');
    const sb = h.supabase();
    const known = await sb.auth.resetPasswordForEmail(address);
    assert.deepEqual(known, { data: {}, error: null });
    const unknown = await sb.auth.resetPasswordForEmail(email('ghost'));
    assert.deepEqual(unknown, { data: {}, error: null });
    const again = await sb.auth.resetPasswordForEmail(address);
    assert.ok(again.error instanceof AuthApiError);
    assert.equal(again.error.status, 429);
    assert.equal(again.error.code, 'over_email_send_rate_limit');
  });

  test('@supabase/auth-js AuthClient signs in, reads the user and signs out against /auth/v1', async () => {
    const address = email('authjs');
    await h.auth.users.createUser({ email: address, password: PASSWORD });
    const client = new AuthClient({
      url: `${h.url}/auth/v1`,
      headers: { apikey: ANON_KEY, Authorization: `Bearer ${ANON_KEY}` },
      persistSession: false,
      autoRefreshToken: false,
    });
    const signIn = await client.signInWithPassword({ email: address, password: PASSWORD });
    assert.equal(signIn.error, null);
    const user = await client.getUser();
    assert.equal(user.data.user?.email, address);
    const bad = await client.signInWithPassword({ email: address, password: 'nope-nope' });
    assert.ok(isAuthError(bad.error));
    assert.equal(bad.error?.code, 'invalid_credentials');
    assert.equal((await client.signOut()).error, null);
  });
});
