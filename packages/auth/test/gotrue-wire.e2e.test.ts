/**
 * The `/auth/v1` wire details the official clients depend on: version-dependent error bodies and headers, CORS,
 * empty and malformed bodies, unknown grants and paths, `/settings`, `/health`, and the rate limits (per IP and
 * per account) answering 429.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { AuthApiError } from '@supabase/supabase-js';
import { call, CLIENT_HEADERS, startHarness, type Harness } from './harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness({
    trustProxy: true,
    rateLimits: { signInPerIp: { burst: 1000, perSecond: 100 }, failedSignInsPerAccount: { maxFailures: 5, windowSeconds: 600 } },
  });
  await h.auth.users.createUser({ email: 'wire@example.com', password: 'secret-pw' });
});
after(() => h.close());

const badLogin = { email: 'wire@example.com', password: 'wrong-pw' };

describe('error shapes', () => {
  test('with X-Supabase-Api-Version the error is {code, message} and the header is echoed', async () => {
    const res = await call(h.auth, 'POST', '/auth/v1/token?grant_type=password', badLogin, { ...CLIENT_HEADERS, 'x-forwarded-for': '10.0.0.1' });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-supabase-api-version'), '2024-01-01');
    assert.equal(res.headers.get('x-sb-error-code'), 'invalid_credentials');
    assert.equal(res.body.code, 'invalid_credentials');
    assert.equal(res.body.message, 'Invalid login credentials');
  });

  test('without the header the error is the legacy {code: status, error_code, msg}', async () => {
    const res = await call(h.auth, 'POST', '/auth/v1/token?grant_type=password', badLogin, { 'x-forwarded-for': '10.0.0.2' });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-supabase-api-version'), null);
    assert.equal(res.headers.get('x-sb-error-code'), 'invalid_credentials');
    assert.deepEqual(res.body, { code: 400, error_code: 'invalid_credentials', msg: 'Invalid login credentials' });
  });

  test('a weak password carries weak_password.reasons in both shapes', async () => {
    const modern = await call(h.auth, 'POST', '/auth/v1/signup', { email: 'weak@example.com', password: '123' }, CLIENT_HEADERS);
    assert.equal(modern.status, 422);
    assert.deepEqual(modern.body.weak_password, { reasons: ['length'] });
    const legacy = await call(h.auth, 'POST', '/auth/v1/signup', { email: 'weak@example.com', password: '123' });
    assert.equal(legacy.body.error_code, 'weak_password');
    assert.deepEqual(legacy.body.weak_password, { reasons: ['length'] });
  });

  test('a body nested deeper than 32 levels is 400 validation_failed on every route, never 5xx nor stored', async () => {
    const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
    const signUp = (email: string, levels: number) => `{"email":"${email}","password":"deep-password","data":${nested(levels)}}`;
    // 32 levels in all (the body and 31 in `data`) are taken; one more is refused, and so are thousands.
    assert.equal((await call(h.auth, 'POST', '/auth/v1/signup', signUp('deep-ok@example.com', 31), CLIENT_HEADERS)).status, 200);
    for (const levels of [32, 5000]) {
      const r = await call(h.auth, 'POST', '/auth/v1/signup', signUp(`deep-${levels}@example.com`, levels), CLIENT_HEADERS);
      assert.equal(r.status, 400, `${levels}: ${JSON.stringify(r.body).slice(0, 200)}`);
      assert.equal(r.body.code, 'validation_failed');
      assert.match(r.body.message, /nested deeper than 32 levels/);
    }
    const session = (await call(h.auth, 'POST', '/auth/v1/token?grant_type=password', { email: 'deep-ok@example.com', password: 'deep-password' }, CLIENT_HEADERS)).body;
    const update = await call(h.auth, 'PUT', '/auth/v1/user', `{"data":{"x":${nested(5000)}}}`, { ...CLIENT_HEADERS, authorization: `Bearer ${session.access_token}` });
    assert.equal(update.status, 400);
    assert.equal(update.body.code, 'validation_failed');
    const rest = await call(h.auth, 'POST', '/api/v3/auth/signup', `{"email":"deep-rest@example.com","password":"deep-password","metadata":${nested(5000)}}`);
    assert.deepEqual([rest.status, rest.body.errno], [400, 17003]);
    // Brackets inside strings are text, not nesting.
    assert.equal((await call(h.auth, 'POST', '/auth/v1/signup', { email: 'deep-text@example.com', password: 'deep-password', data: { note: '{['.repeat(100) } }, CLIENT_HEADERS)).status, 200);
  });

  test('malformed JSON is 400 bad_json; an unknown grant is 400; an unknown path is 404 — never 5xx', async () => {
    const bad = await call(h.auth, 'POST', '/auth/v1/signup', '{"email":', CLIENT_HEADERS);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'bad_json');
    const arr = await call(h.auth, 'POST', '/auth/v1/signup', '[1,2]', CLIENT_HEADERS);
    assert.equal(arr.body.code, 'bad_json');
    const grant = await call(h.auth, 'POST', '/auth/v1/token?grant_type=magic', {}, CLIENT_HEADERS);
    assert.equal(grant.status, 400);
    assert.equal(grant.body.message, 'unsupported_grant_type');
    const missing = await call(h.auth, 'GET', '/auth/v1/factors', undefined, CLIENT_HEADERS);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 'not_found');
  });

  test('user endpoints without a bearer are 401 no_authorization; an unknown logout scope is 400', async () => {
    const noAuth = await call(h.auth, 'GET', '/auth/v1/user', undefined, CLIENT_HEADERS);
    assert.equal(noAuth.status, 401);
    assert.equal(noAuth.body.code, 'no_authorization');
    const res = await call(h.auth, 'POST', '/auth/v1/token?grant_type=password', { email: 'wire@example.com', password: 'secret-pw' }, { 'x-forwarded-for': '10.0.0.3' });
    const scope = await call(h.auth, 'POST', '/auth/v1/logout?scope=everything', undefined, { ...CLIENT_HEADERS, authorization: `Bearer ${res.body.access_token}` });
    assert.equal(scope.status, 400);
    assert.equal(scope.body.message, 'Unsupported logout scope "everything"');
  });

  test('the anon key in Authorization is ignored on public endpoints; logout accepts an empty JSON body', async () => {
    const anonJwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoiYW5vbiJ9.c2ln';
    const res = await call(h.auth, 'POST', '/auth/v1/token?grant_type=password', { email: 'wire@example.com', password: 'secret-pw', gotrue_meta_security: { captcha_token: null }, data: {} }, { ...CLIENT_HEADERS, authorization: `Bearer ${anonJwt}`, 'x-forwarded-for': '10.0.0.4' });
    assert.equal(res.status, 200);
    const out = await h.auth.app.request('/auth/v1/logout?scope=local', {
      method: 'POST',
      headers: { 'content-type': 'application/json;charset=UTF-8', authorization: `Bearer ${res.body.access_token}` },
    });
    assert.equal(out.status, 204);
    assert.equal(await out.text(), '');
  });
});

describe('plumbing endpoints', () => {
  test('mounted in a parent app (as the server does) the routes, error shapes and CORS are unchanged', async () => {
    const parent = new Hono();
    parent.route('/', h.auth.app);
    parent.notFound((c) => c.json({ parent: true }, 404));
    const bad = await parent.request('/auth/v1/token?grant_type=password', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-supabase-api-version': '2024-01-01', origin: 'http://app.example', 'x-forwarded-for': '10.9.9.9' },
      body: JSON.stringify(badLogin),
    });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { code: string }).code, 'invalid_credentials');
    assert.equal(bad.headers.get('access-control-allow-origin'), 'http://app.example');
    const rest = await parent.request('/api/v3/auth/user');
    assert.equal(rest.status, 401);
    assert.equal(((await rest.json()) as { success: boolean }).success, false);
    assert.equal((await parent.request('/elsewhere')).status, 404);
  });

  test('CORS preflight admits the Supabase headers and exposes X-Supabase-Api-Version', async () => {
    const res = await h.auth.app.request('/auth/v1/token?grant_type=password', {
      method: 'OPTIONS',
      headers: {
        origin: 'http://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'apikey, authorization, content-type, x-client-info, x-supabase-api-version',
      },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://app.example');
    const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const hdr of ['apikey', 'authorization', 'content-type', 'x-client-info', 'x-supabase-api-version']) assert.ok(allowed.includes(hdr), hdr);
    assert.match(res.headers.get('access-control-allow-methods') ?? '', /PUT/);
    const get = await h.auth.app.request('/auth/v1/health', { headers: { origin: 'http://app.example' } });
    assert.match(get.headers.get('access-control-expose-headers') ?? '', /X-Supabase-Api-Version/);
  });

  test('/health, /settings and the JWKS answer without an apikey', async () => {
    const health = await call(h.auth, 'GET', '/auth/v1/health');
    assert.equal(health.body.name, 'GoTrue');
    const settings = await call(h.auth, 'GET', '/auth/v1/settings');
    assert.equal(settings.body.external.email, true);
    assert.equal(settings.body.mailer_autoconfirm, true);
    const jwks = await call(h.auth, 'GET', '/auth/v1/.well-known/jwks.json');
    assert.equal(jwks.status, 200);
    assert.equal(jwks.headers.get('cache-control'), 'public, max-age=600');
    const discovery = await call(h.auth, 'GET', '/auth/v1/.well-known/openid-configuration');
    assert.equal(discovery.body.issuer, 'http://localhost:8000/auth/v1');
    assert.equal(discovery.body.jwks_uri, 'http://localhost:8000/auth/v1/.well-known/jwks.json');
  });
});

describe('apikey', () => {
  test('with apiKeys set, /auth/v1 needs a listed apikey (header or query) except the JWKS and health', async () => {
    const keyed = await startHarness({ apiKeys: ['sb_publishable_right'] });
    try {
      const body = { email: 'nobody@example.com', password: 'whatever1' };
      const none = await call(keyed.auth, 'POST', '/auth/v1/token?grant_type=password', body);
      assert.equal(none.status, 401);
      assert.equal(none.body.message, 'No API key found in request');
      const wrong = await call(keyed.auth, 'POST', '/auth/v1/token?grant_type=password', body, { apikey: 'sb_publishable_wrong' });
      assert.equal(wrong.body.message, 'Invalid API key');
      const right = await call(keyed.auth, 'POST', '/auth/v1/token?grant_type=password', body, { apikey: 'sb_publishable_right' });
      assert.equal(right.status, 400);
      const query = await call(keyed.auth, 'POST', '/auth/v1/token?grant_type=password&apikey=sb_publishable_right', body);
      assert.equal(query.status, 400);
      assert.equal((await call(keyed.auth, 'GET', '/auth/v1/.well-known/jwks.json')).status, 200);
      assert.equal((await call(keyed.auth, 'GET', '/auth/v1/health')).status, 200);
      assert.equal((await call(keyed.auth, 'POST', '/api/v3/auth/login', body)).status, 401, 'REST checks credentials, not keys');
    } finally {
      await keyed.close();
    }
  });
});

describe('rate limits', () => {
  test('per account: after the allowed failures even the right password is 429 until the window passes', async () => {
    await h.auth.users.createUser({ email: 'locked@example.com', password: 'secret-pw' });
    for (let i = 0; i < 5; i++) {
      const r = await call(h.auth, 'POST', '/auth/v1/token?grant_type=password', { email: 'locked@example.com', password: 'guess' + i }, { ...CLIENT_HEADERS, 'x-forwarded-for': `10.1.0.${i}` });
      assert.equal(r.status, 400);
    }
    const blocked = await call(h.auth, 'POST', '/auth/v1/token?grant_type=password', { email: 'LOCKED@example.com', password: 'secret-pw' }, { ...CLIENT_HEADERS, 'x-forwarded-for': '10.1.1.1' });
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.code, 'over_request_rate_limit');
    h.clock.advance(601);
    const later = await call(h.auth, 'POST', '/auth/v1/token?grant_type=password', { email: 'locked@example.com', password: 'secret-pw' }, { ...CLIENT_HEADERS, 'x-forwarded-for': '10.1.1.1' });
    assert.equal(later.status, 200);
  });

  test('per account: parallel guesses cannot exceed the allowed failures', async () => {
    await h.auth.users.createUser({ email: 'parallel@example.com', password: 'secret-pw' });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        call(h.auth, 'POST', '/auth/v1/token?grant_type=password', { email: 'parallel@example.com', password: `guess${i}` }, { ...CLIENT_HEADERS, 'x-forwarded-for': `10.2.0.${i}` }),
      ),
    );
    assert.equal(results.filter((r) => r.status === 400).length, 5);
    assert.equal(results.filter((r) => r.status === 429).length, 7);
  });

  test('per IP: a brute-force burst from supabase-js gets 429 over_request_rate_limit', async () => {
    const strict = await startHarness();
    try {
      await strict.listen();
      await strict.auth.users.createUser({ email: 'target@example.com', password: 'secret-pw' });
      const sb = strict.supabase();
      const statuses: number[] = [];
      let last: unknown;
      for (let i = 0; i < 35; i++) {
        // different accounts, so only the per-IP bucket can stop it
        const { error } = await sb.auth.signInWithPassword({ email: `victim${i}@example.com`, password: 'guess' });
        statuses.push(error?.status ?? 200);
        last = error;
      }
      assert.equal(statuses.filter((s) => s === 400).length, 30);
      assert.ok(statuses.slice(30).every((s) => s === 429));
      assert.ok(last instanceof AuthApiError);
      assert.equal(last.code, 'over_request_rate_limit');
    } finally {
      await strict.close();
    }
  });
});
