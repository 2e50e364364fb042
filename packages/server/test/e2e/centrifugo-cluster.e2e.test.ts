/**
 * The scaled-out topology end to end: a real Centrifugo v6.9.1 run from deploy/centrifugo/config.json as it ships,
 * its site-specific settings given by Centrifugo's own environment overrides, on Redis; behind it two Cadenza servers
 * on one PostgreSQL (one holds the trading domain, the other forwards to it) behind a round-robin balancer; clients
 * connect to Centrifugo only.
 *
 * - the README's quick start (supabase-js + centrifuge-js) runs as it is, with CADENZA_WS_URL pointing at Centrifugo;
 * - the same walk in detail: the server-side `user:{id}` subscription at connect, the order book's snapshot in the
 *   subscribe reply (subscribe proxy), account events published through Centrifugo's API, refusals of the proxies;
 * - a connection whose token runs out is kept by the refresh proxy; one without a token is admitted by the connect
 *   proxy from its Authorization header; a signed-out user is cut in Centrifugo too;
 * - the seed's quick start in Python (supabase-py + centrifuge-python), through Centrifugo.
 *
 * Everything is started here: Redis, PostgreSQL, Centrifugo (built with `go install` once per machine when missing —
 * the time it took is printed), the Python clients (a venv under .cache/).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile as execFileCb } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes, randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { Centrifuge, type PublicationContext, type SubscribedContext } from 'centrifuge';
import { createClient } from '@supabase/supabase-js';
import { SignJWT, decodeJwt, decodeProtectedHeader, importJWK } from 'jose';
import { startRedis, type TestRedis } from '@cadenza/testkit/redis-server';
import { startPostgres, type TestPostgres } from '@cadenza/testkit/services/postgres-server';
import { ensureCentrifugo, startCentrifugo, type TestCentrifugo } from '@cadenza/testkit/services/centrifugo-server';
import { startTcpBalancer, type TcpBalancer } from '@cadenza/testkit/services/tcp-balancer';
import { startServer, type RunningServer } from '../../src/server.ts';
import { pythonQuickStartSuite } from './python/quickstart-suite.ts';

const execFile = promisify(execFileCb);
const root = resolve(import.meta.dirname, '../../../..');
const secret = randomBytes(24).toString('hex');

let redis: TestRedis;
let postgres: TestPostgres;
let balancer: TcpBalancer;
let centrifugo: TestCentrifugo;
const servers: RunningServer[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'cadenza-cf-cluster-'));
const clients: Centrifuge[] = [];

before(async () => {
  const t0 = Date.now();
  const bin = await ensureCentrifugo();
  process.stderr.write(`# centrifugo v6.9.1 ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (${bin}; a fresh machine builds it with go install, minutes)\n`);
  [redis, postgres, balancer] = await Promise.all([startRedis(), startPostgres(), startTcpBalancer()]);
  const lb = balancer.url;
  centrifugo = await startCentrifugo({
    configFile: join(root, 'deploy/centrifugo/config.json'),
    env: {
      CENTRIFUGO_CLIENT_TOKEN_JWKS_PUBLIC_ENDPOINT: `${lb}/auth/v1/.well-known/jwks.json`,
      CENTRIFUGO_CLIENT_PROXY_CONNECT_ENDPOINT: `${lb}/centrifugo/connect`,
      CENTRIFUGO_CLIENT_PROXY_REFRESH_ENDPOINT: `${lb}/centrifugo/refresh`,
      CENTRIFUGO_CHANNEL_PROXY_SUBSCRIBE_ENDPOINT: `${lb}/centrifugo/subscribe`,
      CENTRIFUGO_RPC_PROXY_ENDPOINT: `${lb}/centrifugo/rpc`,
      CENTRIFUGO_ENGINE_REDIS_ADDRESS: redis.url,
      CENTRIFUGO_VAR_CADENZA_PROXY_SECRET: secret,
      CENTRIFUGO_LOG_LEVEL: 'error',
    },
  });
  const databaseUrl = await postgres.createDatabase();
  // One after the other: the first creates the signing keys in the shared data directory, the second loads them.
  for (let i = 0; i < 2; i++) {
    servers.push(
      await startServer({
        port: 0,
        host: '127.0.0.1',
        dataDir,
        log: false,
        venues: ['PAPER'],
        databaseUrl,
        proxySecret: secret,
        centrifugo: { apiUrl: `${centrifugo.httpUrl}/api`, apiKey: centrifugo.apiKey },
        lease: { pollMs: 200 },
      }),
    );
  }
  balancer.setBackends(servers.map((s) => s.port));
}, { timeout: 1_500_000 });

after(async () => {
  for (const c of clients) c.disconnect();
  for (const s of servers) await s.close();
  await centrifugo?.stop();
  await balancer?.close();
  await redis?.stop();
  await postgres?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function supabase() {
  return createClient(balancer.url, 'any-anon-key', { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: WebSocket as never } });
}

async function signUp(): Promise<{ token: string; userId: string; sb: ReturnType<typeof supabase> }> {
  const sb = supabase();
  const email = `cf-${randomUUID().slice(0, 8)}@example.com`;
  assert.equal((await sb.auth.signUp({ email, password: 'correct-horse-battery' })).error, null);
  const { data, error } = await sb.auth.signInWithPassword({ email, password: 'correct-horse-battery' });
  assert.equal(error, null);
  return { token: data.session!.access_token, userId: data.user!.id, sb };
}

/** A connected centrifuge-js client, and the server-side subscriptions it was given. */
async function connect(options: ConstructorParameters<typeof Centrifuge>[1]): Promise<{ c: Centrifuge; serverSide: string[]; userPubs: any[] }> {
  const c = new Centrifuge(centrifugo.wsUrl, { websocket: WebSocket, ...options });
  clients.push(c);
  const serverSide: string[] = [];
  const userPubs: any[] = [];
  c.on('subscribed', (ctx) => serverSide.push(ctx.channel));
  c.on('publication', (ctx) => userPubs.push(ctx.data));
  await new Promise<void>((resolve, reject) => {
    c.once('connected', () => resolve());
    c.once('disconnected', (ctx) => reject(new Error(`disconnected ${ctx.code} ${ctx.reason}`)));
    c.connect();
  });
  return { c, serverSide, userPubs };
}

const rpc = async (c: Centrifuge, method: string, params: unknown): Promise<{ data?: any; error?: { code: number; message: string } }> => (await c.rpc(method, params)).data as never;

async function until(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 60_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The user's token re-signed with the server's key to run out `seconds` from now (Centrifugo allows no leeway). */
async function shortToken(token: string, seconds: number): Promise<string> {
  const { kid } = decodeProtectedHeader(token);
  const file = JSON.parse(readFileSync(join(dataDir, 'keys', `${kid}.json`), 'utf8')) as { privateJwk: Record<string, unknown> };
  const key = await importJWK({ ...file.privateJwk, alg: 'ES256' }, 'ES256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...decodeJwt(token), iat: now, exp: now + seconds }).setProtectedHeader({ alg: 'ES256', kid: kid!, typ: 'JWT' }).sign(key);
}

describe('Centrifugo v6.9.1 in front of two Cadenza servers on PostgreSQL and Redis', () => {
  test('one server holds the trading domain, the other forwards to it', () => {
    assert.deepEqual(servers.map((s) => s.domainRole()).sort(), ['follower', 'holder']);
  });

  test("the README's quick start (supabase-js + centrifuge-js) runs as it is, through Centrifugo", async () => {
    const dir = join(root, '.cache', `cf-quick-start-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      const text = readFileSync(join(root, 'README.md'), 'utf8');
      const block = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes('createClient('));
      assert.ok(block, 'the README has the quick start');
      writeFileSync(join(dir, 'quick-start.mjs'), block);
      const { stdout } = await execFile(process.execPath, ['quick-start.mjs'], { cwd: dir, env: { ...process.env, CADENZA_URL: balancer.url, CADENZA_WS_URL: centrifugo.wsUrl }, timeout: 240_000 });
      assert.match(stdout, /BTC\/USDT/);
      assert.equal(stdout.match(/^best bid \[/gm)?.length, 3, stdout);
      assert.match(stdout, /^FILLED \d+(\.\d+)?$/m);
      assert.match(stdout, /^event\.trade_order\.updated/m);
      assert.match(stdout, /BTC \d+(\.\d+)?/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('centrifuge-js in detail: user channel at connect, book snapshot in the subscribe reply, account events, refusals', async () => {
    const alice = await signUp();
    const { c, serverSide, userPubs } = await connect({ token: alice.token });
    assert.deepEqual(serverSide, [`user:${alice.userId}`], 'subscribed to its own user channel at connect (the token names it)');

    const subs = await rpc(c, 'command.subscription.create', { venue: 'PAPER', instruments: ['PAPER:BTC/USDT'], subscriptionType: 'MARKET.SUBSCRIPTION.ORDERBOOK' });
    assert.equal(subs.error, undefined, JSON.stringify(subs.error));
    await until(() => userPubs.some((p) => p.type === 'event.subscription.updated'), 'the subscription event on the user channel');

    const book = c.newSubscription('market:orderbook:PAPER:BTC/USDT');
    const subscribed = new Promise<SubscribedContext>((resolve) => book.once('subscribed', resolve));
    const books: any[] = [];
    book.on('publication', (ctx: PublicationContext) => books.push(ctx.data));
    book.subscribe();
    const ctx = await subscribed;
    assert.equal((ctx.data as any)?.updateType, 'SNAPSHOT', 'the subscribe proxy returned the snapshot');
    assert.equal(ctx.recoverable, true, 'the market namespace keeps history (force_recovery)');
    await until(() => books.length >= 2, 'order books published through the API');
    assert.ok(Number(books[1].bids[0][0]) < Number(books[1].asks[0][0]));

    const account = (await rpc(c, 'command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'behind centrifugo' } })).data!;
    const events: any[] = [];
    const acct = c.newSubscription(`tradingAccount:${account.tradingAccountId}`);
    acct.on('publication', (p: PublicationContext) => events.push(p.data));
    await new Promise((resolve) => {
      acct.once('subscribed', resolve);
      acct.subscribe();
    });
    const order = await rpc(c, 'command.trade_order.submit', {
      tradingAccountId: account.tradingAccountId,
      tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'MARKET', quantity: '0.01' },
      idempotencyKey: randomUUID(),
      awaitClosed: true,
    });
    assert.equal(order.data?.status, 'FILLED', JSON.stringify(order.error));
    await until(() => events.some((e) => e.type === 'event.trade_order.updated' && e.data.status === 'FILLED'), 'the order event through Centrifugo');

    // Another user's account channel: refused by the subscribe proxy (103, terminal for the subscription).
    const bob = await signUp();
    const other = await connect({ token: bob.token });
    const peek = other.c.newSubscription(`tradingAccount:${account.tradingAccountId}`);
    const refused = new Promise<{ code: number }>((resolve) => peek.once('unsubscribed', resolve));
    peek.subscribe();
    assert.equal((await refused).code, 103);
    await assert.rejects(other.c.rpc('no.such.method', {}), (e: { code: number }) => e.code === 104);
  });

  test('the refresh proxy keeps a connection whose token ran out, while its login session lives', async () => {
    const u = await signUp();
    let getTokenCalls = 0;
    const before = balancer.requests.filter((r) => r === 'POST /centrifugo/refresh').length;
    const { c } = await connect({ token: await shortToken(u.token, 2), getToken: async () => (getTokenCalls++, u.token) });
    await until(() => balancer.requests.filter((r) => r === 'POST /centrifugo/refresh').length > before, 'Centrifugo asking the refresh proxy');
    assert.equal((await rpc(c, 'query.instrument.list', { venue: 'PAPER', limit: 1 })).data?.length, 1);
    assert.equal(c.state, 'connected');
    assert.equal(getTokenCalls, 0, 'refreshed on the server side');
  });

  test('a client without a token is admitted by the connect proxy from its Authorization header, user channel included', async () => {
    const u = await signUp();
    const { c, serverSide } = await connect({ headers: { Authorization: `Bearer ${u.token}` } });
    assert.deepEqual(serverSide, [`user:${u.userId}`]);
    assert.equal((await rpc(c, 'query.trading_account.list', {})).error, undefined);
  });

  test('signing out cuts the user in Centrifugo too: disconnect 3500, no reconnect', async () => {
    const u = await signUp();
    const { c } = await connect({ token: u.token });
    const cut = new Promise<{ code: number }>((resolve) => c.once('disconnected', resolve));
    assert.equal((await u.sb.auth.signOut()).error, null);
    assert.equal((await cut).code, 3500);
    assert.equal(c.state, 'disconnected');
  });

  test('the balancer spread the calls over both servers; the follower answers REST by forwarding to the holder', async () => {
    for (const s of servers) assert.ok(balancer.counts.get(s.port)! > 0, `server on ${s.port} took connections`);
    const follower = servers.find((s) => s.domainRole() === 'follower')!;
    const u = await signUp();
    const { c } = await connect({ token: u.token });
    assert.equal((await rpc(c, 'command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'seen from the follower' } })).error, undefined);
    const listed = await fetch(`${follower.url}/api/v3/tradingAccount/list`, { headers: { authorization: `Bearer ${u.token}` } });
    assert.equal(listed.status, 200);
    assert.deepEqual(((await listed.json()) as { data: Array<{ nickname: string }> }).data.map((a) => a.nickname), ['seen from the follower']);
    const text = await (await fetch(`${follower.url}/metrics`)).text();
    const value = (name: string) => text.split('\n').filter((l) => l.startsWith(name)).reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    assert.equal(value('cadenza_domain_holder '), 0);
    assert.ok(value('cadenza_rpc_calls_total{') >= 1, 'the follower answered the call (forwarded to the holder)');
  });
});

pythonQuickStartSuite('the seed\'s quick start in Python (supabase-py + centrifuge-python), through Centrifugo', async () => ({
  url: balancer.url,
  wsUrl: centrifugo.wsUrl,
  keysDir: join(dataDir, 'keys'),
  front: 'centrifugo',
}));
