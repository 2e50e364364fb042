/**
 * HS256 tokens are checked in place (fast-jwt), the key ring's ES256 tokens with their signature on the thread pool
 * and their claims by jose's rules, other keys through jose whole: for every claims set and header below the three
 * give the same verdict, so no token passes one path that another refuses.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyObject, createHmac, randomUUID, sign as signBytes } from 'node:crypto';
import { SignJWT, generateKeyPair, type JWTPayload } from 'jose';
import { TokenError, createVerifier, type TokenVerifier } from '../src/index.ts';
import { builtInKeyResolver } from '../src/verify.ts';

const SECRET = 'parity-secret-parity-secret-parity-secret';
const NOW_MS = 1_900_000_000_000;
const now = Math.floor(NOW_MS / 1000);
const ISSUER = 'https://cadenza.test/auth/v1';
const { privateKey, publicKey } = await generateKeyPair('ES256');

function verifiers(issuer: string | undefined): { hs: TokenVerifier; es: TokenVerifier; jose: TokenVerifier } {
  const keyRing = builtInKeyResolver({ verificationKey: (kid) => (kid === 'k1' ? publicKey : undefined) });
  return {
    hs: createVerifier({ ...builtInKeyResolver({ secret: SECRET }), issuer, now: () => NOW_MS }),
    es: createVerifier({ ...keyRing, issuer, now: () => NOW_MS }),
    // The same key ring without the in-place path: what a JWKS key goes through.
    jose: createVerifier({ resolveKey: keyRing.resolveKey, algorithms: keyRing.algorithms, issuer, now: () => NOW_MS }),
  };
}

async function verdict(v: TokenVerifier, token: string): Promise<string> {
  try {
    const c = await v.verify(token);
    return `accepted ${c.sub}`;
  } catch (err) {
    assert.ok(err instanceof TokenError, String(err));
    return err.reason;
  }
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const esKey = KeyObject.from(privateKey);
/** Signed by hand: jose would refuse to sign some of the headers below (an unknown `crit`). */
const sign = {
  hs: (payload: JWTPayload, header: Record<string, unknown> = {}) => {
    const input = `${b64({ typ: 'JWT', ...header, alg: 'HS256' })}.${b64(payload)}`;
    return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
  },
  es: (payload: JWTPayload, header: Record<string, unknown> = {}) => {
    const input = `${b64({ typ: 'JWT', ...header, alg: 'ES256', kid: 'k1' })}.${b64(payload)}`;
    return `${input}.${signBytes('sha256', Buffer.from(input), { key: esKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  },
};

const sub = randomUUID();
const base: JWTPayload = { sub, aud: 'authenticated', role: 'authenticated', iat: now - 10, exp: now + 3600 };
const cases: Array<{ name: string; payload: JWTPayload; header?: Record<string, unknown>; issuer?: string; expect: string }> = [
  { name: 'a fresh token', payload: base, expect: `accepted ${sub}` },
  { name: 'expired within the leeway', payload: { ...base, exp: now - 29 }, expect: `accepted ${sub}` },
  { name: 'expired at the leeway', payload: { ...base, exp: now - 30 }, expect: 'expired' },
  { name: 'expired long ago', payload: { ...base, exp: now - 3600 }, expect: 'expired' },
  { name: 'exp not a number', payload: { ...base, exp: String(now + 60) as unknown as number }, expect: 'invalid' },
  { name: 'no exp', payload: { ...base, exp: undefined }, expect: 'invalid' },
  { name: 'nbf within the leeway', payload: { ...base, nbf: now + 30 }, expect: `accepted ${sub}` },
  { name: 'nbf in the future', payload: { ...base, nbf: now + 31 }, expect: 'invalid' },
  { name: 'nbf not a number', payload: { ...base, nbf: 'soon' as unknown as number }, expect: 'invalid' },
  { name: 'iat not a number', payload: { ...base, iat: 'then' as unknown as number }, expect: 'invalid' },
  { name: 'iat in the future', payload: { ...base, iat: now + 31 }, expect: 'invalid' },
  { name: 'aud in an array', payload: { ...base, aud: ['other', 'authenticated'] }, expect: `accepted ${sub}` },
  { name: 'another aud', payload: { ...base, aud: 'anon' }, expect: 'invalid' },
  { name: 'no aud', payload: { ...base, aud: undefined }, expect: 'invalid' },
  { name: 'no sub', payload: { ...base, sub: undefined }, expect: 'invalid' },
  { name: 'the issuer configured', payload: { ...base, iss: ISSUER }, issuer: ISSUER, expect: `accepted ${sub}` },
  { name: 'another issuer', payload: { ...base, iss: 'https://elsewhere' }, issuer: ISSUER, expect: 'invalid' },
  { name: 'no issuer when one is configured', payload: base, issuer: ISSUER, expect: 'invalid' },
  { name: 'an unknown critical header', payload: base, header: { crit: ['x-thing'], 'x-thing': 1 }, expect: 'invalid' },
];

describe('HS256 in place (fast-jwt), key-ring ES256 and ES256 through jose: the verdicts agree', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const { hs, es, jose } = verifiers(c.issuer);
      const hsToken = sign.hs(c.payload, c.header);
      const esToken = sign.es(c.payload, c.header);
      assert.equal(await verdict(hs, hsToken), c.expect, 'HS256');
      assert.equal(await verdict(es, esToken), c.expect, 'ES256 of the key ring');
      assert.equal(await verdict(jose, esToken), c.expect, 'ES256 through jose');
    });
  }

  test('the key ring refuses forged, tampered, unknown-kid, kid-less, HS256-with-the-public-key, RS256 and mis-encoded-signature tokens', async () => {
    const { es } = verifiers(undefined);
    const good = sign.es(base);
    const [h, p, s] = good.split('.');
    const other = await generateKeyPair('ES256');
    const forged = await new SignJWT(base).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(other.privateKey);
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...base, sub: randomUUID() })).toString('base64url')}.${s}`;
    const unknownKid = await new SignJWT(base).setProtectedHeader({ alg: 'ES256', kid: 'k2' }).sign(privateKey);
    const noKid = await new SignJWT(base).setProtectedHeader({ alg: 'ES256' }).sign(privateKey);
    const spki = KeyObject.from(publicKey).export({ format: 'pem', type: 'spki' });
    const hsInput = `${Buffer.from(JSON.stringify({ alg: 'HS256', kid: 'k1' })).toString('base64url')}.${p}`;
    const confused = `${hsInput}.${createHmac('sha256', spki).update(hsInput).digest('base64url')}`;
    const rsa = await generateKeyPair('RS256');
    const rs256 = await new SignJWT(base).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(rsa.privateKey);
    assert.equal(await verdict(es, good), `accepted ${sub}`);
    const der = signBytes('sha256', Buffer.from(`${h}.${p}`), { key: esKey, dsaEncoding: 'der' }).toString('base64url');
    const bad = [forged, tampered, unknownKid, noKid, confused, rs256, `${h}.${p}.`, `${h}.${p}.${s!.slice(0, 20)}`, `${good}A`, `${good}=`, `${h}.${p}.${der}`];
    for (const t of bad) assert.equal(await verdict(es, t), 'invalid', t);
    // Many at once, as a reconnect storm brings them: each gets its own verdict.
    assert.deepEqual(await Promise.all([good, forged, good, tampered].map((t) => verdict(es, t))), [`accepted ${sub}`, 'invalid', `accepted ${sub}`, 'invalid']);
  });

  test('a forged or tampered HS256 token, alg none and an ES256 token are refused by the HS256-only verifier', async () => {
    const { hs } = verifiers(undefined);
    const good = sign.hs(base);
    const [h, p, s] = good.split('.');
    const forged = await new SignJWT(base).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('another-secret-another-secret-another'));
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...base, sub: randomUUID() })).toString('base64url')}.${s}`;
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    for (const t of [forged, tampered, none, sign.es(base), `${h}.${p}.`, `${h}.${p}`]) assert.equal(await verdict(hs, t), 'invalid');
  });
});
