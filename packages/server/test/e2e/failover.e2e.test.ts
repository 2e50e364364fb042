/**
 * Fail-over of the trading domain among three Cadenza server processes on one PostgreSQL and one Redis, behind a
 * round-robin balancer, with the official centrifuge-js client on the servers' own WebSocket gateways:
 *
 * the server holding the domain lease — the one whose PAPER book holds a trader's resting orders — is killed with
 * SIGKILL while the two others run. Another takes the lease and loads the domain: the resting orders are intact (open,
 * back in its book at their price, filled by a crossing order from another trader), the client that was connected to
 * the dead server reconnects through the balancer and recovers its account stream — the events it missed while away,
 * exactly once, in order — and the client that never left saw the same stream.
 *
 * PAPER runs without its simulated traders (CADENZA_PAPER_LIVELY=false): every server starts the same seeded book, so
 * the test can place the trader's order inside the spread and see it at the top of the next holder's book.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { Centrifuge, type PublicationContext, type Subscription, type SubscribedContext } from 'centrifuge';
import { createClient } from '@supabase/supabase-js';
import { startRedis, type TestRedis } from '@cadenza/testkit/redis-server';
import { startPostgres, type TestPostgres } from '@cadenza/testkit/services/postgres-server';
import { startTcpBalancer, type TcpBalancer } from '@cadenza/testkit/services/tcp-balancer';

const root = new URL('../../../../', import.meta.url).pathname;

interface Node {
  child: ChildProcess;
  url: string;
  port: number;
}

let redis: TestRedis;
let postgres: TestPostgres;
let balancer: TcpBalancer;
const nodes: Node[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'cadenza-failover-'));
const sockets: Centrifuge[] = [];

async function boot(env: Record<string, string>): Promise<Node> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/main.ts'], {
    cwd: root,
    env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1', CADENZA_DATA_DIR: dataDir, CADENZA_VENUES: 'PAPER', CADENZA_PAPER_LIVELY: 'false', CADENZA_LOG_LEVEL: 'silent', CADENZA_PUBLIC_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 120_000);
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
    child.stderr!.on('data', (d) => { // the banner: stderr when stdout is not a terminal
      out += d;
      const up = /is up on http:\/\/localhost:(\d+)/.exec(out);
      if (up) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({ child, port: Number(up[1]), url: `http://127.0.0.1:${up[1]}` });
      }
    });
  });
}

before(async () => {
  [redis, postgres, balancer] = await Promise.all([startRedis(), startPostgres(), startTcpBalancer()]);
  const env = { CADENZA_DATABASE_URL: await postgres.createDatabase(), CADENZA_REDIS_URL: redis.url, CADENZA_PROXY_SECRET: randomBytes(24).toString('hex') };
  // The first alone: it creates the signing and master keys in the shared data directory the others read.
  nodes.push(await boot(env));
  nodes.push(...(await Promise.all([boot(env), boot(env)])));
  balancer.setBackends(nodes.map((n) => n.port));
}, { timeout: 300_000 });

after(async () => {
  for (const c of sockets) c.disconnect();
  for (const n of nodes) if (n.child.exitCode === null && n.child.signalCode === null) n.child.kill('SIGKILL');
  await balancer?.close();
  await redis?.stop();
  await postgres?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function metric(node: Node, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

async function holder(among: Node[]): Promise<Node | undefined> {
  for (const n of among) if ((await metric(n, 'cadenza_domain_holder').catch(() => 0)) === 1) return n;
  return undefined;
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
  const end = Date.now() + 90_000;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function signUp(at: Node): Promise<string> {
  const sb = createClient(at.url, 'anon', { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: WebSocket as never } });
  const email = `fo-${randomUUID().slice(0, 8)}@example.com`;
  assert.equal((await sb.auth.signUp({ email, password: 'correct-horse-battery' })).error, null);
  const { data, error } = await sb.auth.signInWithPassword({ email, password: 'correct-horse-battery' });
  assert.equal(error, null);
  return data.session!.access_token;
}

/** A centrifuge-js client on `to`'s gateway, connected through the balancer (reconnects go wherever it sends them). */
async function connect(token: string, to: Node, options: ConstructorParameters<typeof Centrifuge>[1] = {}): Promise<Centrifuge> {
  const c = new Centrifuge(`ws://127.0.0.1:${balancer.port}/connection/websocket`, { token, websocket: WebSocket, ...options });
  sockets.push(c);
  balancer.pin(to.port);
  try {
    await new Promise<void>((resolve, reject) => {
      c.once('connected', () => resolve());
      c.once('disconnected', (ctx) => reject(new Error(`${ctx.code} ${ctx.reason}`)));
      c.connect();
    });
  } finally {
    balancer.pin(undefined);
  }
  return c;
}

/**
 * One RPC, as a client that follows docs/scale-out.md does: 10003 (the domain is moving to another server, or the
 * database is away) is temporary and retried until the new holder answers; every other error fails the test.
 */
async function call(c: Centrifuge, method: string, params: unknown): Promise<any> {
  const end = Date.now() + 90_000;
  for (;;) {
    const r = (await c.rpc(method, params)).data as { data?: unknown; error?: { code: number; message: string } };
    if (r.error?.code === 10003 && Date.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    if (r.error) throw Object.assign(new Error(`${method}: ${r.error.code} ${r.error.message}`), { code: r.error.code });
    return r.data;
  }
}

/** The account stream as a client sees it: each publication's offset and (type, order, status). */
function follow(sub: Subscription): { seen: Array<{ offset: number; what: string }>; subscribed: SubscribedContext[] } {
  const seen: Array<{ offset: number; what: string }> = [];
  const subscribed: SubscribedContext[] = [];
  sub.on('subscribed', (ctx) => subscribed.push(ctx));
  sub.on('publication', (ctx: PublicationContext) => seen.push({ offset: ctx.offset ?? 0, what: `${ctx.data.type} ${ctx.data.data.clientOrderId ?? ''} ${ctx.data.data.status ?? ''}`.trim() }));
  sub.subscribe();
  return { seen, subscribed };
}

test('the holder of the PAPER book dies: another takes the lease, resting orders are intact, clients reconnect and recover', async () => {
  const first = await until(() => holder(nodes), 'a holder');
  const [followerB, followerC] = nodes.filter((n) => n !== first) as [Node, Node];

  // A trader with a funded PAPER account and two resting BUYs: one inside the spread (the best bid), one far below.
  const trader = await signUp(followerB);
  const viaHolder = await connect(trader, first, { minReconnectDelay: 600_000, maxReconnectDelay: 600_000 });
  const viaFollower = await connect(trader, followerB);
  const account = (await call(viaFollower, 'command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'fail-over' } })).tradingAccountId as string;
  const onHolder = follow(viaHolder.newSubscription(`tradingAccount:${account}`));
  const onFollower = follow(viaFollower.newSubscription(`tradingAccount:${account}`));
  await until(() => onHolder.subscribed.length === 1 && onFollower.subscribed.length === 1, 'both subscribed');

  const book = await call(viaFollower, 'query.orderbook.get', { instrumentId: 'PAPER:BTC/USDT', depth: 5 });
  const tick = 0.01;
  const inside = (Number(book.bids[0][0]) + tick).toFixed(2);
  assert.ok(Number(inside) < Number(book.asks[0][0]), `room inside the spread: bid ${book.bids[0][0]} ask ${book.asks[0][0]}`);
  const submit = (clientOrderId: string, price: string) =>
    call(viaFollower, 'command.trade_order.submit', { tradingAccountId: account, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: price, clientOrderId } });
  assert.equal((await submit('best-bid', inside)).status, 'ACCEPTED');
  assert.equal((await submit('far-below', '1000.00')).status, 'ACCEPTED');
  const before = (await call(viaFollower, 'query.orderbook.get', { instrumentId: 'PAPER:BTC/USDT', depth: 1 })).bids[0];
  assert.deepEqual(before.map(Number), [Number(inside), 0.01], 'the resting order is the best bid');
  await until(() => onHolder.seen.length >= 2 && onHolder.seen.length === onFollower.seen.length, 'the acceptances on both clients');

  // The holder dies. Its client is left waiting (a long reconnect delay) so that it misses what happens next.
  const lost = new Promise<void>((resolve) => viaHolder.once('connecting', () => resolve()));
  const killedAt = Date.now();
  first.child.kill('SIGKILL');
  await lost;
  viaHolder.disconnect();
  const next = await until(() => holder([followerB, followerC]), 'a new holder');
  // A figure for docs/scale-out.md, never asserted: it depends on the machine's load.
  process.stderr.write(`# fail-over: a new holder serves the domain ${Date.now() - killedAt} ms after the SIGKILL\n`);

  // The next holder put the resting orders back: open, and the inside one is at the top of its book again.
  const open = (await call(viaFollower, 'query.trade_order.list', { tradingAccountId: account })) as Array<{ clientOrderId: string; status: string }>;
  assert.deepEqual(open.map((o) => `${o.clientOrderId} ${o.status}`).sort(), ['best-bid ACCEPTED', 'far-below ACCEPTED']);
  assert.deepEqual((await call(viaFollower, 'query.orderbook.get', { instrumentId: 'PAPER:BTC/USDT', depth: 1 })).bids[0].map(Number), [Number(inside), 0.01], 'back in the book at its price');

  // While the first client is away: another trader sells into the restored order, and the far one is cancelled.
  const seller = await signUp(next);
  const sellerClient = await connect(seller, followerC === next ? followerB : followerC);
  const sellerAccount = (await call(sellerClient, 'command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'seller' } })).tradingAccountId as string;
  const sold = await call(sellerClient, 'command.trade_order.submit', {
    tradingAccountId: sellerAccount,
    tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'SELL', orderType: 'LIMIT', quantity: '0.01', limitPrice: inside, timeInForce: 'IOC' },
    awaitClosed: true,
  });
  assert.equal(sold.status, 'FILLED', 'the crossing SELL met the restored BUY');
  const farId = (await call(viaFollower, 'query.trade_order.list', { tradingAccountId: account })).find((o: { clientOrderId: string }) => o.clientOrderId === 'far-below').tradeOrderId;
  await call(viaFollower, 'command.trade_order.cancel', { tradingAccountId: account, tradeOrderId: farId });
  await until(() => onFollower.seen.some((e) => e.what.includes('far-below CANCELLED')), 'the cancel on the client that never left');
  const missed = onFollower.seen.length - onHolder.seen.length;
  assert.ok(missed >= 2, `the away client missed ${missed} events`);

  // It comes back through the balancer (the dead server refuses, another answers) and recovers what it missed.
  viaHolder.connect();
  await until(() => onHolder.subscribed.length === 2 && onHolder.seen.length >= onFollower.seen.length, 'the away client recovering');
  const again = onHolder.subscribed[1]!;
  assert.equal(again.wasRecovering, true);
  assert.equal(again.recovered, true, 'recovered from the shared stream');
  assert.deepEqual(onHolder.seen, onFollower.seen, 'the same events, each once, in order');
  const offsets = onHolder.seen.map((e) => e.offset);
  assert.deepEqual(offsets, offsets.map((_, i) => offsets[0]! + i), 'consecutive offsets across the fail-over');
  assert.ok(onHolder.seen.some((e) => e.what === 'event.trade_order.updated best-bid FILLED'));
  assert.ok(onHolder.seen.some((e) => e.what === 'event.trade_order.updated far-below CANCELLED'));

  // The fills are the domain's truth now: the trader holds the BTC, nothing is left locked.
  const portfolio = await call(viaHolder, 'query.portfolio.get', { tradingAccountId: account });
  const btc = portfolio.balances.find((b: { securitySymbol: string }) => b.securitySymbol === 'BTC');
  assert.ok(Number(btc.total) > 1, `bought BTC on top of the initial one: ${JSON.stringify(btc)}`);
  for (const b of portfolio.balances) assert.equal(Number(b.locked ?? 0), 0, `${b.securitySymbol} nothing locked`);
});

test('a rolling restart: the holder stopped with SIGTERM commits, gives the lease up, and the last server takes over with the trades intact', async () => {
  const alive = nodes.filter((n) => n.child.exitCode === null && n.child.signalCode === null);
  assert.equal(alive.length, 2, 'two servers left after the fail-over');
  const current = await until(() => holder(alive), 'the current holder');
  const last = alive.find((n) => n !== current)!;
  const trader = await signUp(last);
  const c = await connect(trader, last);
  const account = (await call(c, 'command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'rolling' } })).tradingAccountId as string;
  const submitted = await call(c, 'command.trade_order.submit', {
    tradingAccountId: account,
    tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '1000.00', clientOrderId: 'across-restart' },
  });
  assert.equal(submitted.status, 'ACCEPTED');

  const exited = new Promise<number | null>((resolve) => current.child.once('exit', (code) => resolve(code)));
  const stoppedAt = Date.now();
  current.child.kill('SIGTERM');
  assert.equal(await exited, 0, 'the holder drained and exited 0');
  await until(() => holder([last]), 'the last server holding the domain');
  process.stderr.write(`# rolling restart: the last server holds the domain ${Date.now() - stoppedAt} ms after the SIGTERM\n`);

  // The order acknowledged before the restart is open on the new holder, and it takes new commands.
  type Listed = Array<{ tradeOrderId: string; clientOrderId: string; status: string }>;
  const list = async () => (await call(c, 'query.trade_order.list', { tradingAccountId: account })) as Listed;
  const open = await list();
  assert.deepEqual(open.map((o) => `${o.clientOrderId} ${o.status}`), ['across-restart ACCEPTED']);
  await call(c, 'command.trade_order.cancel', { tradingAccountId: account, tradeOrderId: open[0]!.tradeOrderId });
  await until(async () => (await list()).find((o) => o.status === 'CANCELLED'), 'the cancel carried out by the new holder');
});
