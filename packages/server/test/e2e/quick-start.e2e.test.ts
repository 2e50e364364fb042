/**
 * The seed's quick start, end to end, with the official clients over real sockets:
 * supabase-js logs in, centrifuge-js connects with the access token, calls RPCs and subscribes to channels.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Centrifuge, type PublicationContext, type SubscribedContext } from 'centrifuge';
import { createClient } from '@supabase/supabase-js';
import { startServer, type RunningServer } from '../../src/server.ts';

let server: RunningServer;
let dataDir: string;
const clients: Centrifuge[] = [];

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cadenza-e2e-'));
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir, log: false, venues: ['PAPER', 'MOCK'] });
});

after(async () => {
  for (const c of clients) c.disconnect();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function supabase() {
  return createClient(server.url, 'any-anon-key', {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
  });
}

async function login(email: string, password: string, signUp = false): Promise<{ token: string; userId: string }> {
  const sb = supabase();
  if (signUp) {
    const { error } = await sb.auth.signUp({ email, password });
    assert.equal(error, null);
  }
  const { data, error } = await sb.auth.signInWithPassword({ email, password });
  assert.equal(error, null, `sign-in failed: ${error?.message}`);
  assert.ok(data.session?.access_token.split('.').length === 3, 'the access token is a JWT');
  return { token: data.session!.access_token, userId: data.user!.id };
}

async function connect(token: string): Promise<Centrifuge> {
  const c = new Centrifuge(server.wsUrl, { token, websocket: WebSocket });
  clients.push(c);
  const connected = new Promise<void>((resolve, reject) => {
    c.once('connected', () => resolve());
    c.once('disconnected', (ctx) => reject(new Error(`disconnected ${ctx.code} ${ctx.reason}`)));
  });
  c.connect();
  await connected;
  return c;
}

async function rpc<T = any>(c: Centrifuge, method: string, params: unknown): Promise<{ data?: T; error?: { code: number; message: string }; pagination?: unknown }> {
  const r = await c.rpc(method, params);
  return r.data as never;
}

test('the demo user logs in with supabase-js and a new user can sign up', async () => {
  assert.ok(server.demoUser);
  await login(server.demoUser.email, server.demoUser.password);
  await login(`trader-${Date.now()}@example.com`, 'correct-horse-battery', true);
});

test('a forged or missing token is refused with disconnect 3500 invalid token, no reconnect', async () => {
  for (const token of ['', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bm9wZQ']) {
    const c = new Centrifuge(server.wsUrl, { token, websocket: WebSocket, minReconnectDelay: 50 });
    clients.push(c);
    const ctx = await new Promise<{ code: number; reason: string }>((resolve) => {
      c.once('disconnected', resolve);
      c.connect();
    });
    assert.equal(ctx.code, 3500);
    assert.equal(ctx.reason, 'invalid token');
    assert.equal(c.state, 'disconnected');
  }
});

test('full paper-trading flow over the Centrifugo connection', async () => {
  const { token, userId } = await login(server.demoUser!.email, server.demoUser!.password);
  const c = await connect(token);

  // 4. instruments
  const instruments = await rpc<any[]>(c, 'query.instrument.list', { venue: 'PAPER', limit: 50 });
  assert.equal(instruments.error, undefined);
  const symbols = instruments.data!.map((i) => i.symbol);
  for (const s of ['BTC/USDT', 'ETH/USDT']) assert.ok(symbols.includes(s), `PAPER lists ${s}`);
  const btc = instruments.data!.find((i) => i.symbol === 'BTC/USDT');
  assert.equal(btc.instrumentId, 'PAPER:BTC/USDT');
  assert.equal(btc.venue, 'PAPER');
  assert.match(btc.createdAt ?? '2026-01-01T00:00:00.000Z', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

  // 5. server-side subscription, then the order-book channel
  const subs = await rpc<any[]>(c, 'command.subscription.create', { venue: 'PAPER', instruments: ['PAPER:BTC/USDT'], subscriptionType: 'MARKET.SUBSCRIPTION.ORDERBOOK' });
  assert.equal(subs.error, undefined);
  assert.equal(subs.data![0].subscriptionType, 'MARKET.SUBSCRIPTION.ORDERBOOK');
  assert.equal(subs.data![0].status, 'ACTIVE');
  const books: any[] = [];
  const sub = c.newSubscription('market:orderbook:PAPER:BTC/USDT');
  const subscribed = new Promise<SubscribedContext>((resolve) => sub.once('subscribed', resolve));
  const threeBooks = new Promise<void>((resolve) => {
    sub.on('publication', (ctx: PublicationContext) => {
      books.push(ctx.data);
      if (books.length === 3) resolve();
    });
  });
  sub.subscribe();
  const sctx = await subscribed;
  assert.equal((sctx.data as any)?.updateType, 'SNAPSHOT', 'the subscribe reply carries a snapshot');
  await threeBooks;
  const book = books[2];
  assert.equal(book.venue, 'PAPER');
  assert.equal(book.symbol, 'BTC/USDT');
  assert.ok(book.bids.length > 0 && book.asks.length > 0);
  assert.ok(Number(book.bids[0][0]) < Number(book.asks[0][0]), 'best bid below best ask');
  sub.unsubscribe();

  // 6. paper account, orders, portfolio, account channel
  const acct = await rpc<any>(c, 'command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'quick start' } });
  assert.equal(acct.error, undefined);
  const accountId = acct.data!.tradingAccountId;
  assert.equal(acct.data!.status, 'ACTIVE');
  assert.equal(acct.data!.userId, userId);

  const events: any[] = [];
  const acctSub = c.newSubscription(`tradingAccount:${accountId}`);
  acctSub.on('publication', (ctx: PublicationContext) => events.push(ctx.data));
  const acctSubscribed = new Promise((resolve) => acctSub.once('subscribed', resolve));
  acctSub.subscribe();
  await acctSubscribed;

  const market = await rpc<any>(c, 'command.trade_order.submit', {
    tradingAccountId: accountId,
    tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'MARKET', quantity: '0.01' },
    idempotencyKey: 'qs-market-1',
    awaitClosed: true,
  });
  assert.equal(market.error, undefined, JSON.stringify(market.error));
  assert.equal(market.data!.status, 'FILLED');
  assert.equal(market.data!.executedQuantity, '0.01');

  const again = await rpc<any>(c, 'command.trade_order.submit', {
    tradingAccountId: accountId,
    tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'MARKET', quantity: '0.01' },
    idempotencyKey: 'qs-market-1',
  });
  assert.equal(again.data!.tradeOrderId, market.data!.tradeOrderId, 'the same idempotencyKey returns the original order');

  const limit = await rpc<any>(c, 'command.trade_order.submit', {
    tradingAccountId: accountId,
    tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '1000.00', timeInForce: 'GTC' },
  });
  assert.equal(limit.error, undefined, JSON.stringify(limit.error));
  assert.ok(['SUBMITTED', 'ACCEPTED'].includes(limit.data!.status));

  const cancelled = await rpc<any>(c, 'command.trade_order.cancel', { tradingAccountId: accountId, tradeOrderId: limit.data!.tradeOrderId });
  assert.equal(cancelled.error, undefined);
  const got = await rpc<any>(c, 'query.trade_order.get', { tradeOrderId: limit.data!.tradeOrderId, tradingAccountId: accountId });
  assert.equal(got.data!.status, 'CANCELLED');

  const list = await rpc<any[]>(c, 'query.trade_order.list', { tradingAccountId: accountId });
  assert.equal(list.data!.length, 2);

  const portfolio = await rpc<any>(c, 'query.portfolio.get', { tradingAccountId: accountId });
  const btcBal = portfolio.data!.balances.find((b: any) => b.securitySymbol === 'BTC');
  assert.ok(Number(btcBal.total) > 1, 'bought BTC on top of the initial 1 BTC');

  await waitFor(() => events.some((e) => e.type === 'event.trade_order.updated' && e.data.status === 'FILLED'));
  await waitFor(() => events.some((e) => e.type === 'event.portfolio.updated'));

  // Nobody else can read or subscribe to the account.
  const other = await login(`intruder-${Date.now()}@example.com`, 'intruder-password', true);
  const c2 = await connect(other.token);
  const denied = await rpc<any>(c2, 'query.portfolio.get', { tradingAccountId: accountId });
  assert.ok(denied.error, 'another user gets an error');
  const spy = c2.newSubscription(`tradingAccount:${accountId}`);
  const spyErr = await new Promise<{ code: number }>((resolve) => {
    spy.once('unsubscribed', (ctx) => resolve(ctx));
    spy.subscribe();
  });
  assert.equal(spyErr.code, 103);
});

test('bad input gets clear errors and the connection carries on', async () => {
  const { token } = await login(server.demoUser!.email, server.demoUser!.password);
  const c = await connect(token);
  await assert.rejects(c.rpc('query.nope.nothing', {}), (e: any) => e.code === 104);
  const malformed = await rpc(c, 'command.trade_order.submit', { tradingAccountId: 'not-a-uuid', tradeOrder: 'x' });
  assert.ok(malformed.error && malformed.error.code > 0, 'malformed params are a coded error');
  const acct = await rpc<any>(c, 'command.trading_account.create', { tradingAccount: { venue: 'PAPER' } });
  const impossible = await rpc(c, 'command.trade_order.submit', {
    tradingAccountId: acct.data!.tradingAccountId,
    tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '1000000', limitPrice: '50000' },
  });
  assert.ok(impossible.error, 'an order beyond the balance is refused');
  const still = await rpc<any[]>(c, 'query.instrument.list', { venue: 'PAPER' });
  assert.ok(still.data!.length > 0, 'the connection still works');
});

async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
