import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { Disconnect, ProtocolError, type ClientRef } from '../src/index.ts';
import { createJwtAuthenticator } from './jwt-authenticator.ts';

const secret = 'a-secret-that-is-long-enough-for-hs256';
const now = () => Math.floor(Date.now() / 1000);
const hs = (claims: JWTPayload, key = secret) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(key));
const ref = (userId: string, clientId = 'c1'): ClientRef => ({ clientId, identity: { userId }, transport: 'websocket', protocol: 'json' });
const isDisconnect = (code: number) => (e: unknown) => e instanceof Disconnect && e.code === code;
const isError = (code: number) => (e: unknown) => e instanceof ProtocolError && e.code === code;

const servers: Array<{ close(): void }> = [];
after(() => servers.forEach((s) => s.close()));

test('HS256 connect tokens: user from sub, expiry from exp (or expire_at), info, channels, session id', async () => {
  const auth = createJwtAuthenticator({ hmacSecret: secret });
  const exp = now() + 60;
  const r = await auth.connect(await hs({ sub: 'u1', exp, info: { n: 1 }, channels: ['user:u1'], session_id: 's1' }));
  assert.equal(r.identity.userId, 'u1');
  assert.equal(r.identity.expireAt, exp);
  assert.equal(r.identity.sessionId, 's1');
  assert.deepEqual(r.identity.info, { n: 1 });
  assert.deepEqual(r.channels, ['user:u1']);
  const forever = await auth.connect(await hs({ sub: 'u1', exp, expire_at: 0 }));
  assert.equal(forever.identity.expireAt, 0);
});

test('connect: bad signature, garbage or a channel claim → 3500; exp or nbf failing → 109; no token → 3501', async () => {
  const auth = createJwtAuthenticator({ hmacSecret: secret });
  await assert.rejects(auth.connect(await hs({ sub: 'u' }, 'some-other-secret-also-long-enough!')), isDisconnect(3500));
  await assert.rejects(auth.connect('not.a.jwt'), isDisconnect(3500));
  await assert.rejects(auth.connect(await hs({ sub: 'u', channel: 'x' })), isDisconnect(3500));
  await assert.rejects(auth.connect(await hs({ sub: 'u', exp: now() - 5 })), isError(109));
  await assert.rejects(auth.connect(await hs({ sub: 'u', nbf: now() + 60 })), isError(109));
  await assert.rejects(auth.connect(''), isDisconnect(3501));
  const anon = createJwtAuthenticator({ hmacSecret: secret, allowAnonymous: true });
  assert.equal((await anon.connect('')).identity.userId, '');
});

test('audience and issuer are checked when configured', async () => {
  const auth = createJwtAuthenticator({ hmacSecret: secret, audience: 'cadenza', issuer: 'https://auth' });
  assert.equal((await auth.connect(await hs({ sub: 'u', aud: 'cadenza', iss: 'https://auth' }))).identity.userId, 'u');
  await assert.rejects(auth.connect(await hs({ sub: 'u', aud: 'other', iss: 'https://auth' })), isDisconnect(3500));
  await assert.rejects(auth.connect(await hs({ sub: 'u', aud: 'cadenza' })), isDisconnect(3500));
});

test('ES256 with a PEM/JWK public key and RS256 through a JWKS endpoint', async () => {
  const es = await generateKeyPair('ES256');
  const rs = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(rs.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  const auth = createJwtAuthenticator({ publicKeys: [await exportJWK(es.publicKey)], jwksUrl });
  const esToken = await new SignJWT({ sub: 'e' }).setProtectedHeader({ alg: 'ES256' }).sign(es.privateKey);
  assert.equal((await auth.connect(esToken)).identity.userId, 'e');
  const rsToken = await new SignJWT({ sub: 'r' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(rs.privateKey);
  assert.equal((await auth.connect(rsToken)).identity.userId, 'r');
  const expired = await new SignJWT({ sub: 'r', exp: now() - 10 }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(rs.privateKey);
  await assert.rejects(auth.connect(expired), isError(109));
  const other = await generateKeyPair('ES256');
  await assert.rejects(auth.connect(await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'ES256' }).sign(other.privateKey)), isDisconnect(3500));
});

test('refresh: same user required (3500), expired → 3005', async () => {
  const auth = createJwtAuthenticator({ hmacSecret: secret });
  const exp = now() + 100;
  assert.equal((await auth.refresh(await hs({ sub: 'u', exp }), ref('u'))).expireAt, exp);
  await assert.rejects(auth.refresh(await hs({ sub: 'v', exp }), ref('u')), isDisconnect(3500));
  await assert.rejects(auth.refresh(await hs({ sub: 'u', exp: now() - 1 }), ref('u')), isDisconnect(3005));
});

test('subscription tokens: channel and user must match (3500), invalid → 103, expired → 109', async () => {
  const auth = createJwtAuthenticator({ hmacSecret: secret });
  const r = await auth.subscribe(await hs({ sub: 'u', channel: 'c', info: { role: 'x' }, data: { d: 1 } }), 'c', ref('u'));
  assert.deepEqual([r.info, r.data], [{ role: 'x' }, { d: 1 }]);
  await assert.rejects(auth.subscribe(await hs({ sub: 'u', channel: 'other' }), 'c', ref('u')), isDisconnect(3500));
  await assert.rejects(auth.subscribe(await hs({ sub: 'v', channel: 'c' }), 'c', ref('u')), isDisconnect(3500));
  await assert.rejects(auth.subscribe(await hs({ sub: 'u', channel: 'c', client: 'zz' }), 'c', ref('u')), isDisconnect(3500));
  await assert.rejects(auth.subscribe(await hs({ sub: 'u' }), 'c', ref('u')), isError(103));
  await assert.rejects(auth.subscribe('garbage', 'c', ref('u')), isError(103));
  await assert.rejects(auth.subscribe(await hs({ sub: 'u', channel: 'c', exp: now() - 1 }), 'c', ref('u')), isError(109));
});
