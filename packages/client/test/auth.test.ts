import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SessionManager, signInWithPassword, signUp, type AuthSession } from '../src/auth.ts';
import { AuthError } from '../src/errors.ts';

interface Call {
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A scripted stand-in for the auth endpoints: each request gets the next response. */
function fakeFetch(responses: Array<{ status: number; body: unknown } | Error>, calls: Call[]): typeof fetch {
  return (async (url: string | URL, init?: RequestInit) => {
    calls.push({ url: String(url), headers: init?.headers as Record<string, string>, body: JSON.parse(String(init?.body)) });
    const next = responses.shift();
    if (!next) throw new Error('unexpected request');
    if (next instanceof Error) throw next;
    await new Promise((r) => setImmediate(r));
    return new Response(JSON.stringify(next.body), { status: next.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}

function session(n: number, expiresAt: number): AuthSession {
  return { access_token: `access-${n}`, refresh_token: `refresh-${n}`, token_type: 'bearer', expires_in: 3600, expires_at: expiresAt, user: { id: 'u-1', email: 'a@b.c' } };
}

describe('auth endpoints', () => {
  test('password sign-in posts to /auth/v1/token?grant_type=password with the apikey header', async () => {
    const calls: Call[] = [];
    const s = await signInWithPassword({ url: 'http://h:1/', email: 'a@b.c', password: 'pw', apiKey: 'k', fetch: fakeFetch([{ status: 200, body: session(1, 99) }], calls) });
    assert.equal(s.access_token, 'access-1');
    assert.equal(calls[0]!.url, 'http://h:1/auth/v1/token?grant_type=password');
    assert.equal(calls[0]!.headers.apikey, 'k');
    assert.deepEqual(calls[0]!.body, { email: 'a@b.c', password: 'pw' });
  });

  test('GoTrue error bodies become AuthError with status and code', async () => {
    const calls: Call[] = [];
    const f = fakeFetch([{ status: 400, body: { code: 'invalid_credentials', message: 'Invalid login credentials' } }, { status: 400, body: { error_code: 'x', msg: 'old shape' } }], calls);
    await assert.rejects(signInWithPassword({ url: 'http://h', email: 'a', password: 'b', fetch: f }), (e: unknown) => {
      assert.ok(e instanceof AuthError);
      assert.equal(e.status, 400);
      assert.equal(e.code, 'invalid_credentials');
      assert.equal(e.message, 'Invalid login credentials');
      assert.equal(e.temporary, false);
      return true;
    });
    await assert.rejects(signInWithPassword({ url: 'http://h', email: 'a', password: 'b', fetch: f }), { code: 'x', message: 'old shape' });
  });

  test('an unreachable server is a temporary AuthError with status 0', async () => {
    await assert.rejects(signInWithPassword({ url: 'http://h', email: 'a', password: 'b', fetch: fakeFetch([new TypeError('fetch failed')], []) }), (e: unknown) => {
      assert.ok(e instanceof AuthError && e.status === 0 && e.temporary);
      assert.match(e.message, /cannot reach http:\/\/h: fetch failed/);
      return true;
    });
  });

  test('sign-up returns the session when the server confirms at once, undefined otherwise', async () => {
    const f = fakeFetch([{ status: 200, body: session(1, 99) }, { status: 200, body: { id: 'u-2', email: 'x@y.z' } }], []);
    assert.equal((await signUp({ url: 'http://h', email: 'a', password: 'b', fetch: f }))?.access_token, 'access-1');
    assert.equal(await signUp({ url: 'http://h', email: 'x@y.z', password: 'b', fetch: f }), undefined);
  });
});

describe('SessionManager', () => {
  test('hands out the current token while it is valid, and refreshes once it is within the margin', async () => {
    let now = 1_000_000_000;
    const calls: Call[] = [];
    const seen: string[] = [];
    const m = new SessionManager({
      url: 'http://h',
      session: session(1, now / 1000 + 100),
      refreshMarginSeconds: 30,
      now: () => now,
      fetch: fakeFetch([{ status: 200, body: session(2, now / 1000 + 3700) }], calls),
      onSession: (s) => void seen.push(s.refresh_token),
    });
    assert.equal(await m.getAccessToken(), 'access-1');
    assert.equal(calls.length, 0);
    now += 80_000; // 20 s left
    assert.equal(await m.getAccessToken(), 'access-2');
    assert.equal(calls[0]!.url, 'http://h/auth/v1/token?grant_type=refresh_token');
    assert.deepEqual(calls[0]!.body, { refresh_token: 'refresh-1' });
    assert.deepEqual(seen, ['refresh-2'], 'the rotated refresh token is reported for persistence');
    assert.equal(m.refreshes, 1);
  });

  test('concurrent refreshes share one request (each refresh token works once)', async () => {
    const calls: Call[] = [];
    const m = new SessionManager({ url: 'http://h', session: session(1, 0), fetch: fakeFetch([{ status: 200, body: session(2, 9e9) }], calls) });
    const tokens = await Promise.all([m.getAccessToken(), m.getAccessToken(), m.refresh().then((s) => s.access_token)]);
    assert.deepEqual(tokens, ['access-2', 'access-2', 'access-2']);
    assert.equal(calls.length, 1);
  });

  test('a refused refresh surfaces as AuthError and a later call may try again', async () => {
    const m = new SessionManager({
      url: 'http://h',
      session: session(1, 0),
      fetch: fakeFetch([{ status: 400, body: { code: 'refresh_token_already_used', message: 'Invalid Refresh Token: Already Used' } }, { status: 200, body: session(3, 9e9) }], []),
    });
    await assert.rejects(m.getAccessToken(), { name: 'AuthError', code: 'refresh_token_already_used' });
    assert.equal(await m.getAccessToken(), 'access-3');
  });
});
