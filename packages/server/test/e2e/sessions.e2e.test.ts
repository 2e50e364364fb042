/**
 * Login sessions meet live connections: signing out cuts the session's WebSocket connections and its token is
 * refused afterwards; an expired token gets Centrifugo's 109, so centrifuge-js fetches a new one and reconnects.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Centrifuge } from 'centrifuge';
import { createClient } from '@supabase/supabase-js';
import { SignJWT, decodeJwt, decodeProtectedHeader, importJWK } from 'jose';
import { startServer, type RunningServer } from '../../src/server.ts';

let server: RunningServer;
let dataDir: string;
const clients: Centrifuge[] = [];

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cadenza-sessions-'));
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir, log: false, venues: ['MOCK'] });
});

after(async () => {
  for (const c of clients) c.disconnect();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function supabase() {
  return createClient(server.url, 'anon', { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: WebSocket as never } });
}

async function signIn(sb = supabase()) {
  const { data, error } = await sb.auth.signInWithPassword({ email: server.demoUser!.email, password: server.demoUser!.password });
  assert.equal(error, null);
  return { sb, token: data.session!.access_token };
}

function centrifuge(token: string, extra: Partial<ConstructorParameters<typeof Centrifuge>[1]> = {}) {
  const c = new Centrifuge(server.wsUrl, { token, websocket: WebSocket, minReconnectDelay: 20, maxReconnectDelay: 100, ...extra });
  clients.push(c);
  return c;
}

function nextDisconnect(c: Centrifuge) {
  return new Promise<{ code: number; reason: string }>((resolve) => c.once('disconnected', resolve));
}

test('signing out cuts the live connections of that session and its token is refused afterwards', async () => {
  const { sb, token } = await signIn();
  const other = await signIn(); // a second login session of the same user survives a local sign-out
  const live = centrifuge(token);
  const survivor = centrifuge(other.token);
  for (const c of [live, survivor]) {
    const up = new Promise((r) => c.once('connected', r));
    c.connect();
    await up;
  }
  const cut = nextDisconnect(live);
  const { error } = await sb.auth.signOut({ scope: 'local' });
  assert.equal(error, null);
  const ctx = await cut;
  assert.equal(ctx.code, 3500);
  assert.equal(survivor.state, 'connected', 'another session of the same user is untouched by a local sign-out');

  const again = centrifuge(token);
  const refused = nextDisconnect(again);
  again.connect();
  assert.equal((await refused).code, 3500, 'the signed-out token cannot connect again');

  const cutGlobal = nextDisconnect(survivor);
  await other.sb.auth.signOut({ scope: 'global' });
  assert.equal((await cutGlobal).code, 3500);
});

test('an expired token gets error 109 and the client reconnects with a token from getToken', async () => {
  const { token } = await signIn();
  const keyDir = join(dataDir, 'keys');
  const header = decodeProtectedHeader(token);
  const keyFile = readdirSync(keyDir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(keyDir, f), 'utf8'))).find((k) => k.kid === header.kid);
  const key = await importJWK(keyFile.privateJwk, 'ES256');
  const now = Math.floor(Date.now() / 1000);
  const expired = await new SignJWT({ ...decodeJwt(token), iat: now - 7200, exp: now - 3600 })
    .setProtectedHeader({ alg: 'ES256', kid: header.kid!, typ: 'JWT' })
    .sign(key);

  let fetched = 0;
  const c = centrifuge(expired, {
    getToken: async () => {
      fetched++;
      return (await signIn()).token;
    },
  });
  const errors: number[] = [];
  c.on('error', (ctx) => errors.push(ctx.error.code));
  const up = new Promise((r) => c.once('connected', r));
  c.connect();
  await up;
  assert.ok(errors.includes(109), `the server answered 109 (errors seen: ${errors.join(',')})`);
  assert.equal(fetched, 1, 'the client fetched exactly one new token');
});

test('a connection refreshes with a new token of its own login session, never with another session\'s', async () => {
  const keyDir = join(dataDir, 'keys');
  /** The caller's token, re-signed so the connection expires in two seconds (exp + the 30 s leeway), so the client refreshes it soon. */
  async function shortLived(token: string) {
    const header = decodeProtectedHeader(token);
    const keyFile = readdirSync(keyDir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(keyDir, f), 'utf8'))).find((k) => k.kid === header.kid);
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ ...decodeJwt(token), iat: now - 60, exp: now - 28 })
      .setProtectedHeader({ alg: 'ES256', kid: header.kid!, typ: 'JWT' })
      .sign(await importJWK(keyFile.privateJwk, 'ES256'));
  }

  const own = await signIn();
  const same = centrifuge(await shortLived(own.token), {
    getToken: async () => (await own.sb.auth.refreshSession()).data.session!.access_token,
  });
  const other = await signIn();
  const foreign = centrifuge(await shortLived(other.token), { getToken: async () => (await signIn()).token });
  for (const c of [same, foreign]) {
    const up = new Promise((r) => c.once('connected', r));
    c.connect();
    await up;
  }
  const cut = await Promise.race([nextDisconnect(foreign), new Promise<{ code: number }>((r) => setTimeout(() => r({ code: -1 }), 8000))]);
  assert.equal(cut.code, 3500, 'a token of another session is refused on refresh');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(same.state, 'connected', 'a refreshed token of the same session keeps the connection');
  const info = await same.rpc('query.system.info', {});
  assert.ok((info.data as { data?: unknown }).data);
});
