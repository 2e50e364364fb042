/**
 * The verifier refuses every token that is not a live user token of this service: forged signature, wrong
 * audience/issuer, expired, `alg: none`, HS/RS confusion, unknown or missing `kid`, and Supabase API keys.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair, importJWK, type JWTPayload } from 'jose';
import { TokenError } from '../src/index.ts';
import { call, CLIENT_HEADERS, startHarness, type Harness } from './harness.ts';

let h: Harness;
let token: string;
let claims: JWTPayload;
let kid: string;

before(async () => {
  h = await startHarness();
  await h.auth.users.createUser({ email: 'verify@example.com', password: 'secret-pw' });
  const res = await call(h.auth, 'POST', '/auth/v1/token?grant_type=password', { email: 'verify@example.com', password: 'secret-pw' });
  assert.equal(res.status, 200);
  token = res.body.access_token;
  claims = decodeJwt(token);
  kid = decodeProtectedHeader(token).kid!;
});
after(() => h.close());

async function reason(t: string, verifier = h.auth.verifier): Promise<string> {
  try {
    await verifier.verify(t);
  } catch (err) {
    assert.ok(err instanceof TokenError, String(err));
    return err.reason;
  }
  return 'accepted';
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

async function signWithForeignEs256(payload: JWTPayload, header: Record<string, unknown>): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', typ: 'JWT', ...header }).sign(privateKey);
}

describe('built-in verifier', () => {
  test('accepts a fresh token and reports its claims', async () => {
    const c = await h.auth.verifier.verify(token);
    assert.equal(c.sub, claims.sub);
    assert.equal(c.email, 'verify@example.com');
    assert.equal(c.role, 'authenticated');
    assert.equal(c.sessionId, claims.session_id);
    assert.equal(c.isAdmin, false);
    assert.equal(c.exp, claims.exp);
  });

  test('refuses a token signed by another key under our kid (forged signature)', async () => {
    assert.equal(await reason(await signWithForeignEs256(claims, { kid })), 'invalid');
  });

  test('refuses a tampered payload', async () => {
    const [hd, , sig] = token.split('.');
    assert.equal(await reason(`${hd}.${b64({ ...claims, email: 'evil@example.com' })}.${sig}`), 'invalid');
  });

  test('refuses alg none', async () => {
    assert.equal(await reason(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`), 'invalid');
    assert.equal(await reason(`${b64({ alg: 'none', typ: 'JWT', kid })}.${b64(claims)}.x`), 'invalid');
  });

  test('refuses HS256 signed with the published public key (algorithm confusion)', async () => {
    const jwks = (await call(h.auth, 'GET', '/auth/v1/.well-known/jwks.json')).body;
    const pub = jwks.keys.find((k: { kid: string }) => k.kid === kid);
    for (const secret of [JSON.stringify(pub), String(pub.x)]) {
      const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid }).sign(new TextEncoder().encode(secret));
      assert.equal(await reason(forged), 'invalid');
    }
  });

  test('refuses RS256 under our kid (RS/ES confusion)', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey);
    assert.equal(await reason(forged), 'invalid');
  });

  test('refuses an unknown kid and a missing kid', async () => {
    assert.equal(await reason(await signWithForeignEs256(claims, { kid: crypto.randomUUID() })), 'invalid');
    assert.equal(await reason(await signWithForeignEs256(claims, {})), 'invalid');
  });

  test('refuses a wrong audience, a wrong issuer, a non-user role and a missing sub — even when validly signed', async () => {
    // Altered claims signed with the service's own private key (read from its key file).
    const file = JSON.parse(readFileSync(join(h.dataDir, 'keys', `${kid}.json`), 'utf8'));
    const key = await importJWK(file.privateJwk, 'ES256');
    const sign = (p: JWTPayload) => new SignJWT(p).setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' }).sign(key);
    assert.equal(await reason(await sign(claims)), 'accepted', 'control: the same key and claims pass');
    assert.equal(await reason(await sign({ ...claims, aud: 'someone-else' })), 'invalid');
    assert.equal(await reason(await sign({ ...claims, iss: 'https://evil.example/auth/v1' })), 'invalid');
    assert.equal(await reason(await sign({ ...claims, role: 'anon' })), 'invalid');
    assert.equal(await reason(await sign({ ...claims, role: 'service_role' })), 'invalid');
    const { sub: _sub, ...noSub } = claims;
    assert.equal(await reason(await sign(noSub)), 'invalid');
    const { session_id: _sid, ...noSession } = claims;
    assert.equal(await reason(await sign(noSession)), 'invalid');
  });

  test('an expired token is refused as expired (after the 30 s leeway), and /user answers 403 bad_jwt', async () => {
    h.clock.advance(3600 + 31);
    try {
      assert.equal(await reason(token), 'expired');
      const res = await call(h.auth, 'GET', '/auth/v1/user', undefined, { ...CLIENT_HEADERS, authorization: `Bearer ${token}` });
      assert.equal(res.status, 403);
      assert.equal(res.body.code, 'bad_jwt');
    } finally {
      h.clock.advance(-(3600 + 31));
    }
  });

  test('garbage is refused as invalid', async () => {
    for (const t of ['', 'abc', 'a.b.c', `${b64({ alg: 'ES256', kid })}.notjson.sig`]) assert.equal(await reason(t), 'invalid');
  });
});

describe('HS256 built-in mode', () => {
  test('signs HS256 without kid, publishes an empty JWKS, and refuses the project anon and service keys', async () => {
    const secret = 'super-secret-jwt-token-with-at-least-32-characters';
    const hs = await startHarness({ jwtSecret: secret });
    try {
      await hs.auth.users.createUser({ email: 'hs@example.com', password: 'secret-pw' });
      const res = await call(hs.auth, 'POST', '/auth/v1/token?grant_type=password', { email: 'hs@example.com', password: 'secret-pw' });
      assert.equal(res.status, 200);
      const header = decodeProtectedHeader(res.body.access_token);
      assert.equal(header.alg, 'HS256');
      assert.equal(header.kid, undefined);
      assert.equal((await hs.auth.verifier.verify(res.body.access_token)).email, 'hs@example.com');
      assert.deepEqual((await call(hs.auth, 'GET', '/auth/v1/.well-known/jwks.json')).body, { keys: [] });
      const key = new TextEncoder().encode(secret);
      const now = Math.floor(Date.now() / 1000);
      for (const role of ['anon', 'service_role']) {
        const apiKey = await new SignJWT({ iss: 'supabase', ref: 'abcd', role, iat: now, exp: now + 10 * 365 * 86400 })
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
          .sign(key);
        assert.equal(await reason(apiKey, hs.auth.verifier), 'invalid', role);
      }
      const otherSecret = await new SignJWT(decodeJwt(res.body.access_token))
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .sign(new TextEncoder().encode('another-secret-another-secret-another'));
      assert.equal(await reason(otherSecret, hs.auth.verifier), 'invalid');
    } finally {
      await hs.close();
    }
  });
});

describe('exported JWK shape', () => {
  test('every published key is a public EC P-256 key for verification', async () => {
    const { keys } = (await call(h.auth, 'GET', '/auth/v1/.well-known/jwks.json')).body;
    assert.ok(keys.length >= 1);
    for (const k of keys) {
      assert.equal(k.kty, 'EC');
      assert.equal(k.crv, 'P-256');
      assert.equal(k.alg, 'ES256');
      assert.deepEqual(k.key_ops, ['verify']);
      assert.equal(k.d, undefined);
    }
  });
});
