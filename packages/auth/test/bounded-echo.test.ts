/**
 * Error messages never echo more than a bounded prefix of the client's input (issue 20): a 100 kB logout scope, a
 * broken JSON body or a forged token header come back as a short message, never as the request.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, CLIENT_HEADERS, startHarness, type Harness } from './harness.ts';

let h: Harness;
let token: string;
const huge = 'x'.repeat(100_000);

before(async () => {
  h = await startHarness();
  await h.auth.users.createUser({ email: 'echo@example.com', password: 'echo-password' });
  token = (await call(h.auth, 'POST', '/auth/v1/token?grant_type=password', { email: 'echo@example.com', password: 'echo-password' })).body.access_token;
});
after(() => h.close());

function bounded(message: unknown) {
  assert.equal(typeof message, 'string');
  assert.ok((message as string).length <= 300, `a ${(message as string).length}-character message`);
  assert.equal((message as string).includes('x'.repeat(100)), false, 'no long run of the input');
}

test('logout with an unknown scope quotes a prefix of it', async () => {
  const r = await call(h.auth, 'POST', `/auth/v1/logout?scope=${huge}`, undefined, { ...CLIENT_HEADERS, authorization: `Bearer ${token}` });
  assert.equal(r.status, 400);
  assert.match(r.body.message, /^Unsupported logout scope "x+…"$/);
  bounded(r.body.message);
});

test('a body that is not JSON', async () => {
  for (const body of [`{"email": "${huge}`, `${huge}`, `{"a": 1}${huge}`]) {
    const r = await call(h.auth, 'POST', '/auth/v1/signup', body, CLIENT_HEADERS);
    assert.equal(r.status, 400);
    assert.equal(r.body.code, 'bad_json');
    bounded(r.body.message);
  }
});

test('a token whose header names a huge algorithm', async () => {
  const header = Buffer.from(JSON.stringify({ alg: huge, kid: huge, typ: 'JWT' })).toString('base64url');
  const [, payload, signature] = token.split('.');
  const r = await call(h.auth, 'GET', '/auth/v1/user', undefined, { ...CLIENT_HEADERS, authorization: `Bearer ${header}.${payload}.${signature}` });
  assert.equal(r.status, 403);
  assert.equal(r.body.code, 'bad_jwt');
  bounded(r.body.message);
  const rest = await call(h.auth, 'POST', `/api/v3/auth/logout?scope=${huge}`, undefined, { authorization: `Bearer ${token}` });
  bounded(rest.body.error);
});
