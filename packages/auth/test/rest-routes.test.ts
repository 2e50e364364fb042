/**
 * The contract's REST auth routes (`/api/v3/auth/*`): `AuthSession`/`AuthUser` in the `BaseResponse` envelope,
 * errors as envelopes with auth `errno`s and the contract's statuses.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, startHarness, type Harness } from './harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

describe('/api/v3/auth', () => {
  test('signup → AuthSession envelope; login; user; refresh; logout; then the token is refused', async () => {
    const signup = await call(h.auth, 'POST', '/api/v3/auth/signup', { email: 'Rest@Example.com', password: 'rest-password', metadata: { desk: 'fx' } });
    assert.equal(signup.status, 200);
    assert.equal(signup.body.success, true);
    assert.equal(signup.body.errno, 0);
    assert.equal(signup.body.error, null);
    const s = signup.body.data;
    assert.equal(s.tokenType, 'bearer');
    assert.equal(s.expiresIn, 3600);
    assert.equal(typeof s.expiresAt, 'number');
    assert.equal(s.user.email, 'rest@example.com');
    assert.deepEqual(s.user.userMetadata, { desk: 'fx' });
    assert.equal(s.user.appMetadata.tenantId, null);
    assert.deepEqual(s.user.appMetadata.environments, []);
    assert.equal(s.user.identities[0].provider, 'email');

    const login = await call(h.auth, 'POST', '/api/v3/auth/login', { email: 'rest@example.com', password: 'rest-password' });
    assert.equal(login.status, 200);
    const token = login.body.data.accessToken;

    const user = await call(h.auth, 'GET', '/api/v3/auth/user', undefined, bearer(token));
    assert.equal(user.body.data.id, s.user.id);

    const put = await call(h.auth, 'PUT', '/api/v3/auth/user', { metadata: { desk: null, book: 'A' } }, bearer(token));
    assert.deepEqual(put.body.data.userMetadata, { book: 'A' });

    const refresh = await call(h.auth, 'POST', '/api/v3/auth/token/refresh', { refreshToken: login.body.data.refreshToken });
    assert.equal(refresh.status, 200);
    assert.notEqual(refresh.body.data.refreshToken, login.body.data.refreshToken);

    const logout = await call(h.auth, 'POST', '/api/v3/auth/logout', undefined, bearer(refresh.body.data.accessToken));
    assert.equal(logout.status, 200);
    assert.equal(typeof logout.body.data, 'string');
    const after = await call(h.auth, 'GET', '/api/v3/auth/user', undefined, bearer(token));
    assert.equal(after.status, 401);
    assert.equal(after.body.success, false);
    assert.equal(after.body.details.code, 'SESSION_NOT_FOUND');
  });

  test('errors are envelopes: wrong password 401, weak password 400, taken email 400, no bearer 401', async () => {
    await h.auth.users.createUser({ email: 'taken@example.com', password: 'rest-password' });
    const wrong = await call(h.auth, 'POST', '/api/v3/auth/login', { email: 'taken@example.com', password: 'nope-nope' });
    assert.equal(wrong.status, 401);
    assert.deepEqual(
      { success: wrong.body.success, errno: wrong.body.errno, error: wrong.body.error, code: wrong.body.details.code, hasData: 'data' in wrong.body },
      { success: false, errno: 17005, error: 'Invalid login credentials', code: 'INVALID_CREDENTIALS', hasData: false },
    );
    const weak = await call(h.auth, 'POST', '/api/v3/auth/signup', { email: 'new@example.com', password: '123' });
    assert.equal(weak.status, 400);
    assert.equal(weak.body.details.code, 'WEAK_PASSWORD');
    assert.deepEqual(weak.body.details.metadata, { reasons: ['length'] });
    const taken = await call(h.auth, 'POST', '/api/v3/auth/signup', { email: 'taken@example.com', password: 'rest-password' });
    assert.equal(taken.status, 400);
    assert.equal(taken.body.details.code, 'USER_ALREADY_EXISTS');
    const noBearer = await call(h.auth, 'GET', '/api/v3/auth/user');
    assert.equal(noBearer.status, 401);
    const badJson = await call(h.auth, 'POST', '/api/v3/auth/login', '{nope');
    assert.equal(badJson.status, 400);
    assert.equal(badJson.body.details.code, 'BAD_JSON');
  });

  test('recover answers a message string for any email', async () => {
    const res = await call(h.auth, 'POST', '/api/v3/auth/recover', { email: 'whoever@example.com' });
    assert.equal(res.status, 200);
    assert.equal(typeof res.body.data, 'string');
    const missing = await call(h.auth, 'POST', '/api/v3/auth/recover', {});
    assert.equal(missing.status, 400);
  });
});
