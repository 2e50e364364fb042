/**
 * One leeway rule for every surface (issue 20): a token a few seconds past `exp` — inside the 30 s clock leeway — is
 * accepted alike by REST, the auth routes, the WebSocket connect of the server and of a gateway node; one past the
 * leeway is refused alike, and on a WebSocket connect that refusal is always error 109, so the official centrifuge
 * client asks `getToken` for a fresh token and connects. Time is moved by signing the tokens' `exp` into the past
 * with the server's own key (no sleeps).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Centrifuge } from 'centrifuge';
import { decodeJwt, decodeProtectedHeader, importJWK, SignJWT } from 'jose';
import { startRedis } from '@cadenza/testkit/redis-server';
import { startServer } from '../../src/server.ts';
import { startGatewayNode } from '../../src/gateway-node.ts';
import { demoToken } from './demo-token.ts';

const redis = await startRedis();
const dataDir = mkdtempSync(join(tmpdir(), 'cadenza-leeway-'));
const proxySecret = 'a-long-shared-secret-for-the-leeway-test';
const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, log: false, venues: ['PAPER'], redisUrl: redis.url, proxySecret });
const node = await startGatewayNode({ port: 0, host: '127.0.0.1', upstreamUrl: server.url, redisUrl: redis.url, proxySecret, logLevel: 'silent' });
const clients: Centrifuge[] = [];
after(async () => {
  for (const c of clients) c.disconnect();
  await node.close();
  await server.close();
  await redis.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A real token of the demo user's session, re-signed by the server's key to have expired `secondsAgo` ago. */
async function expiredBy(secondsAgo: number): Promise<string> {
  const token = await demoToken(server);
  const { kid } = decodeProtectedHeader(token);
  const file = JSON.parse(readFileSync(join(dataDir, 'keys', `${kid}.json`), 'utf8')) as { privateJwk: Record<string, unknown> };
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...decodeJwt(token), iat: now - 3600 - secondsAgo, exp: now - secondsAgo })
    .setProtectedHeader({ alg: 'ES256', kid: kid!, typ: 'JWT' })
    .sign(await importJWK(file.privateJwk, 'ES256'));
}

/** Connects the official client; the outcome, the errors it saw on the way and how often it asked for a token. */
function connectAndWait(url: string, token: string) {
  const errors: number[] = [];
  let fetched = 0;
  const c = new Centrifuge(url, {
    token,
    websocket: WebSocket,
    timeout: 5000,
    getToken: async () => {
      fetched++;
      return demoToken(server);
    },
  });
  clients.push(c);
  c.on('error', (ctx) => errors.push(ctx.error.code));
  const outcome = new Promise<string>((resolve) => {
    c.once('connected', () => resolve('connected'));
    c.once('disconnected', (ctx) => resolve(`disconnected ${ctx.code} ${ctx.reason}`));
  });
  c.connect();
  return outcome.then((result) => {
    c.disconnect();
    return { result, errors, fetched };
  });
}

const surfaces = [
  ['the server', () => server.wsUrl],
  ['a gateway node', () => node.wsUrl],
] as const;

test('a token 10 s past exp (inside the leeway) passes REST and the auth routes', async () => {
  const token = await expiredBy(10);
  const user = await fetch(`${server.url}/auth/v1/user`, { headers: { authorization: `Bearer ${token}`, apikey: 'any' } });
  assert.equal(user.status, 200);
  const rest = await fetch(`${server.url}/api/v3/market/instrument/list?venue=PAPER`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(rest.status, 200);
});

for (const [name, url] of surfaces) {
  test(`${name}: a token inside the leeway connects as REST accepts it (no 110)`, async () => {
    const { result, errors, fetched } = await connectAndWait(url(), await expiredBy(10));
    assert.equal(result, 'connected');
    assert.deepEqual(errors, [], 'no error on the way');
    assert.equal(fetched, 0, 'the token was good enough: no new one needed yet');
  });

  test(`${name}: a token past the leeway gets 109, the client fetches one new token through getToken and connects`, async () => {
    const { result, errors, fetched } = await connectAndWait(url(), await expiredBy(45));
    assert.equal(result, 'connected');
    assert.ok(errors.includes(109), `109 answered (errors seen: ${errors.join(',')})`);
    assert.ok(!errors.includes(110));
    assert.equal(fetched, 1);
  });
}

test('past the leeway, REST refuses the token too (one rule)', async () => {
  const token = await expiredBy(45);
  const rest = await fetch(`${server.url}/api/v3/market/instrument/list?venue=PAPER`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(rest.status, 401);
});
