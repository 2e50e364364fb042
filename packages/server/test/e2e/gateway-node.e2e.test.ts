/**
 * Scale-out: a gateway node (no domain) in front of the Cadenza server, both on one Redis. A client logged in with
 * supabase-js at the server connects to the node with the official centrifuge client: RPCs, subscription checks and
 * the order-book snapshot go through the server's Centrifugo proxy endpoints; publications come from the server's
 * PAPER market and account events through Redis.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Centrifuge, type PublicationContext, type SubscribedContext } from 'centrifuge';
import { createClient } from '@supabase/supabase-js';
import { startRedis } from '@cadenza/testkit/redis-server';
import { startServer } from '../../src/server.ts';
import { startGatewayNode } from '../../src/gateway-node.ts';

const redis = await startRedis();
const dataDir = mkdtempSync(join(tmpdir(), 'cadenza-gwnode-'));
const proxySecret = 'a-long-shared-secret-for-the-test';
const core = await startServer({ port: 0, host: '127.0.0.1', dataDir, log: false, venues: ['PAPER'], redisUrl: redis.url, proxySecret });
const node = await startGatewayNode({ port: 0, host: '127.0.0.1', upstreamUrl: core.url, redisUrl: redis.url, proxySecret, logLevel: 'silent' });
const clients: Centrifuge[] = [];
after(async () => {
  for (const c of clients) c.disconnect();
  await node.close();
  await core.close();
  await redis.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function signIn(email: string, signUp = false) {
  const sb = createClient(core.url, 'anon', { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: WebSocket as never } });
  if (signUp) assert.equal((await sb.auth.signUp({ email, password: 'gateway-node-pass' })).error, null);
  const { data, error } = await sb.auth.signInWithPassword({ email, password: 'gateway-node-pass' });
  assert.equal(error, null);
  return { sb, token: data.session!.access_token, userId: data.user!.id };
}

async function connect(token: string): Promise<Centrifuge> {
  const c = new Centrifuge(node.wsUrl, { token, websocket: WebSocket, timeout: 5000 });
  clients.push(c);
  await new Promise<void>((resolve, reject) => {
    c.once('connected', () => resolve());
    c.once('disconnected', (ctx) => reject(new Error(`disconnected ${ctx.code} ${ctx.reason}`)));
    c.connect();
  });
  return c;
}

test('through the gateway node: RPCs, the order book with its snapshot, account events, and who may read what', { timeout: 30_000 }, async () => {
  const alice = await signIn('alice-node@example.com', true);
  const c = await connect(alice.token);

  const instruments = (await c.rpc('query.instrument.list', { venue: 'PAPER', limit: 50 })).data as any;
  assert.ok(instruments.data.some((i: { instrumentId: string }) => i.instrumentId === 'PAPER:BTC/USDT'));
  await assert.rejects(c.rpc('no.such.method', {}), (e: { code: number }) => e.code === 104);

  // Market data produced by the server's PAPER market reaches a client of the node.
  const book = c.newSubscription('market:orderbook:PAPER:BTC/USDT');
  const books: unknown[] = [];
  const twoBooks = new Promise<void>((r) => book.on('publication', (ctx: PublicationContext) => books.push(ctx.data) >= 2 && r()));
  const subscribed = new Promise<SubscribedContext>((r) => book.once('subscribed', r));
  book.subscribe();
  const first = await subscribed;
  assert.ok((first.data as { bids: unknown[] }).bids.length > 0, 'the subscribe reply carries the snapshot');
  await twoBooks; // order books flow through Redis

  // An order placed through the node: the reply, then the account events on the account channel.
  const account = ((await c.rpc('command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'node' } })).data as any).data.tradingAccountId as string;
  const events: string[] = [];
  const acct = c.newSubscription(`tradingAccount:${account}`);
  const orderAndPortfolio = new Promise<void>((r) =>
    acct.on('publication', (ctx: PublicationContext) => {
      events.push((ctx.data as { type: string }).type);
      if (events.includes('event.trade_order.updated') && events.includes('event.portfolio.updated')) r();
    }),
  );
  const acctUp = new Promise((r) => acct.once('subscribed', r));
  acct.subscribe();
  await acctUp;
  const order = ((await c.rpc('command.trade_order.submit', {
    tradingAccountId: account,
    tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'MARKET', quantity: '0.01' },
    awaitClosed: true,
  })).data as any).data;
  assert.equal(order.status, 'FILLED');
  await orderAndPortfolio;

  // Another user cannot read Alice's account, through the node either.
  const bob = await signIn('bob-node@example.com', true);
  const b = await connect(bob.token);
  const spy = b.newSubscription(`tradingAccount:${account}`);
  const refused = new Promise<{ code: number }>((r) => spy.once('unsubscribed', (ctx) => r(ctx)));
  spy.subscribe();
  assert.equal((await refused).code, 103);
  const notHers = (await b.rpc('query.trade_order.get', { tradeOrderId: order.tradeOrderId })).data as any;
  assert.equal(notHers.error.code, 11001);
});

test('the node refuses forged tokens, cuts and refuses signed-out sessions, and the proxy endpoints refuse callers without the secret', { timeout: 30_000 }, async () => {
  const carol = await signIn('carol-node@example.com', true);
  const forged = new Centrifuge(node.wsUrl, { token: carol.token.slice(0, -4) + 'AAAA', websocket: WebSocket });
  clients.push(forged);
  const cut = await new Promise<{ code: number }>((resolve) => {
    forged.once('disconnected', resolve);
    forged.connect();
  });
  assert.equal(cut.code, 3500);

  const live = await connect(carol.token);
  const liveCut = new Promise<{ code: number }>((resolve) => live.once('disconnected', resolve));
  const signedOutAt = Date.now();
  await carol.sb.auth.signOut();
  assert.equal((await liveCut).code, 3500, 'signing out at the server cuts the session\'s connection on the node');
  assert.ok(Date.now() - signedOutAt < 2000, 'at once, not at the next session check');
  const after = new Centrifuge(node.wsUrl, { token: carol.token, websocket: WebSocket });
  clients.push(after);
  const refused = await new Promise<{ code: number }>((resolve) => {
    after.once('disconnected', resolve);
    after.connect();
  });
  assert.equal(refused.code, 3500, 'a signed-out session is refused at the node');

  const direct = await fetch(`${core.url}/centrifugo/rpc`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-cadenza-proxy-secret': 'wrong' }, body: JSON.stringify({ user: carol.userId, method: 'query.system.info', data: {} }) });
  assert.equal(direct.status, 403);
});
