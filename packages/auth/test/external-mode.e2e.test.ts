/**
 * External mode: tokens of a real Supabase project, verified against its JWKS (served here by a local test
 * server standing in for `https://<ref>.supabase.co/auth/v1/.well-known/jwks.json`) or its legacy HS256 secret.
 * The built-in endpoints are off.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, decodeJwt, exportJWK, generateKeyPair, type CryptoKey, type JWTPayload } from 'jose';
import { TokenError } from '../src/index.ts';
import { call, CLIENT_HEADERS, startHarness, type Harness } from './harness.ts';

const SECRET = 'legacy-project-jwt-secret-of-at-least-32-chars';
let jwksServer: Server;
let jwksUrl: string;
let jwksRequests = 0;
let issuer: string;
const es = { kid: crypto.randomUUID(), key: undefined as unknown as CryptoKey };
const rs = { kid: crypto.randomUUID(), key: undefined as unknown as CryptoKey };
let h: Harness;
let jwksOnly: Harness;
let checking: Harness;
/** Stand-in for the project's `GET /auth/v1/user`: sessions listed here are logged out. */
const loggedOut = new Set<string>();
let userRequests = 0;
let userEndpointDown = false;

function answerUser(headers: IncomingHttpHeaders, res: ServerResponse): void {
  userRequests += 1;
  if (userEndpointDown) {
    res.statusCode = 503;
    return void res.end('{}');
  }
  if (headers.apikey !== 'sb_publishable_project') {
    res.statusCode = 401;
    return void res.end(JSON.stringify({ message: 'Invalid API key' }));
  }
  const claims = decodeJwt(String(headers.authorization).replace(/^Bearer /, ''));
  if (loggedOut.has(String(claims.session_id))) {
    res.statusCode = 403;
    return void res.end(JSON.stringify({ code: 'session_not_found', message: 'Session from session_id claim in JWT does not exist' }));
  }
  res.end(JSON.stringify({ id: claims.sub }));
}

before(async () => {
  const esPair = await generateKeyPair('ES256', { extractable: true });
  const rsPair = await generateKeyPair('RS256', { extractable: true });
  es.key = esPair.privateKey;
  rs.key = rsPair.privateKey;
  const keys = [
    { ...(await exportJWK(esPair.publicKey)), kid: es.kid, alg: 'ES256', use: 'sig', key_ops: ['verify'] },
    { ...(await exportJWK(rsPair.publicKey)), kid: rs.kid, alg: 'RS256', use: 'sig', key_ops: ['verify'] },
  ];
  jwksServer = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/auth/v1/user') return answerUser(req.headers, res);
    jwksRequests += 1;
    res.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
  issuer = `${base}/auth/v1`;
  jwksUrl = `${issuer}/.well-known/jwks.json`;
  h = await startHarness({ external: { jwksUrl, jwtSecret: SECRET, issuer } });
  jwksOnly = await startHarness({ external: { jwksUrl, issuer } });
  checking = await startHarness({ external: { jwksUrl, issuer, checkSessions: { apiKey: 'sb_publishable_project', cacheSeconds: 60 } } });
});
after(async () => {
  await h.close();
  await jwksOnly.close();
  await checking.close();
  jwksServer.closeAllConnections();
  await new Promise<void>((resolve) => jwksServer.close(() => resolve()));
});

function userClaims(overrides: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: issuer,
    sub: crypto.randomUUID(),
    aud: 'authenticated',
    exp: now + 3600,
    iat: now,
    email: 'hosted@example.com',
    phone: '',
    app_metadata: { provider: 'email', providers: ['email'], role: 'admin' },
    user_metadata: {},
    role: 'authenticated',
    aal: 'aal1',
    amr: [{ method: 'password', timestamp: now }],
    session_id: crypto.randomUUID(),
    is_anonymous: false,
    ...overrides,
  };
}

const signEs = (p: JWTPayload, kid = es.kid) => new SignJWT(p).setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' }).sign(es.key);
const signRs = (p: JWTPayload) => new SignJWT(p).setProtectedHeader({ alg: 'RS256', kid: rs.kid, typ: 'JWT' }).sign(rs.key);
const signHs = (p: JWTPayload, secret = SECRET) =>
  new SignJWT(p).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(secret));

async function reason(t: string, harness = h): Promise<string> {
  try {
    await harness.auth.verifier.verify(t);
  } catch (err) {
    assert.ok(err instanceof TokenError, String(err));
    return err.reason;
  }
  return 'accepted';
}

describe('external mode', () => {
  test('accepts ES256 and RS256 tokens of the project JWKS, without a local session, and fetches the JWKS once', async () => {
    const claims = userClaims();
    const c = await h.auth.verifier.verify(await signEs(claims));
    assert.equal(c.sub, claims.sub);
    assert.equal(c.sessionId, claims.session_id);
    assert.equal(c.isAdmin, true);
    assert.equal(await reason(await signRs(userClaims())), 'accepted');
    const fetched = jwksRequests;
    assert.equal(await reason(await signEs(userClaims())), 'accepted');
    assert.equal(jwksRequests, fetched, 'the JWKS is cached');
  });

  test('accepts legacy HS256 tokens when the project secret is configured, and refuses them otherwise', async () => {
    const t = await signHs(userClaims());
    assert.equal(await reason(t), 'accepted');
    assert.equal(await reason(t, jwksOnly), 'invalid');
    assert.equal(await reason(await signHs(userClaims(), 'not-the-project-secret-not-the-project')), 'invalid');
  });

  test('refuses the project anon and service-role keys as user tokens', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const role of ['anon', 'service_role']) {
      assert.equal(await reason(await signHs({ iss: 'supabase', ref: 'abcd', role, iat: now, exp: now + 315360000 })), 'invalid');
    }
  });

  test('refuses unknown kid, wrong issuer, wrong audience, expiry and forged signatures', async () => {
    assert.equal(await reason(await signEs(userClaims(), crypto.randomUUID())), 'invalid');
    assert.equal(await reason(await signEs(userClaims({ iss: 'https://other.supabase.co/auth/v1' }))), 'invalid');
    assert.equal(await reason(await signEs(userClaims({ aud: 'anon' }))), 'invalid');
    const old = Math.floor(Date.now() / 1000) - 7200;
    assert.equal(await reason(await signEs(userClaims({ iat: old, exp: old + 3600 }))), 'expired');
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT(userClaims()).setProtectedHeader({ alg: 'ES256', kid: es.kid }).sign(privateKey);
    assert.equal(await reason(forged), 'invalid');
  });

  test('turns the built-in endpoints off on both surfaces', async () => {
    const gotrue = await call(h.auth, 'POST', '/auth/v1/token?grant_type=password', { email: 'a@b.c', password: 'xxxxxxxx' }, CLIENT_HEADERS);
    assert.equal(gotrue.status, 404);
    assert.match(gotrue.body.message, /Built-in auth is off/);
    const rest = await call(h.auth, 'POST', '/api/v3/auth/login', { email: 'a@b.c', password: 'xxxxxxxx' });
    assert.equal(rest.status, 404);
    assert.equal(rest.body.success, false);
    assert.equal(h.auth.external, true);
  });

  test('with checkSessions, a session logged out at the project is refused as revoked; answers are cached', async () => {
    const claims = userClaims();
    const t = await signEs(claims);
    const asked = userRequests;
    assert.equal(await reason(t, checking), 'accepted');
    assert.equal(await reason(t, checking), 'accepted');
    assert.equal(userRequests, asked + 1, 'one project lookup per session within the cache time');
    const gone = userClaims();
    loggedOut.add(String(gone.session_id));
    assert.equal(await reason(await signEs(gone), checking), 'revoked');
    assert.equal(await reason(t), 'accepted', 'without checkSessions logouts are invisible');
  });

  test('with checkSessions, an unreachable project does not lock users out', async () => {
    userEndpointDown = true;
    try {
      assert.equal(await reason(await signEs(userClaims()), checking), 'accepted');
    } finally {
      userEndpointDown = false;
    }
  });
});
