/**
 * BINANCE through the whole stack: the real server (startServer) with its BINANCE venue pointed at the local
 * fake Binance, supabase-js login, and the official centrifuge client subscribed to
 * `market:orderbook:BINANCE:BTC/USDT` — the seed's own example channel.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Centrifuge, type PublicationContext } from 'centrifuge';
import { createClient } from '@supabase/supabase-js';
import { startServer, type RunningServer } from '@cadenza/server';
import { startFakeBinanceServer, type FakeBinanceServer } from '@cadenza/testkit/venue-fakes/binance';

const API_KEY = 'stack-test-api-key';
const SECRET = 'stack-test-secret';

let fake: FakeBinanceServer;
let server: RunningServer;
let dataDir: string;
let client: Centrifuge | undefined;

before(async () => {
  fake = await startFakeBinanceServer({ keys: { [API_KEY]: { secret: SECRET, balances: { USDT: '10000', BTC: '0.5' } } } });
  fake.setBook('BTCUSDT', { bids: [['64000.00', '1.5'], ['63999.50', '2']], asks: [['64000.50', '0.7'], ['64001.00', '3']] });
  dataDir = mkdtempSync(join(tmpdir(), 'cadenza-binance-stack-'));
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir, log: false, venues: ['PAPER', 'BINANCE'], binance: { restBaseUrl: fake.restBaseUrl, wsBaseUrl: fake.wsBaseUrl } });
});

after(async () => {
  client?.disconnect();
  await server.close();
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Resolves when `check` passes, re-checking every 20 ms (server-side state has no event to await). */
async function eventually(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function loginAndConnect(): Promise<Centrifuge> {
  if (client) return client;
  const sb = createClient(server.url, 'anon', { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: WebSocket as never } });
  const { data: login, error } = await sb.auth.signInWithPassword({ email: server.demoUser!.email, password: server.demoUser!.password });
  assert.equal(error, null);
  client = new Centrifuge(server.wsUrl, { token: login.session!.access_token, websocket: WebSocket });
  const connected = new Promise<void>((resolve) => client!.once('connected', () => resolve()));
  client.connect();
  await connected;
  return client;
}

/** The account channel's publications, from the moment this resolves. */
async function accountEvents(tradingAccountId: string): Promise<any[]> {
  const events: any[] = [];
  const sub = client!.newSubscription(`tradingAccount:${tradingAccountId}`);
  sub.on('publication', (ctx: PublicationContext) => events.push(ctx.data));
  const subscribed = new Promise<void>((resolve) => sub.once('subscribed', () => resolve()));
  sub.subscribe();
  await subscribed;
  return events;
}

async function rpc(method: string, params: unknown): Promise<{ data?: any; error?: { code: number; message: string } }> {
  return (await (await loginAndConnect()).rpc(method, params)).data as never;
}

test('live Binance order book and trades reach centrifuge clients; the feed stops when unsubscribed', async () => {
  assert.equal(fake.streamConnectionCount(), 0, 'no Binance socket before anything needs one');
  await loginAndConnect();
  const instruments = await rpc('query.instrument.list', { venue: 'BINANCE', limit: 50 });
  assert.equal(instruments.error, undefined);
  const btc = instruments.data.find((i: { symbol: string }) => i.symbol === 'BTC/USDT');
  assert.equal(btc?.instrumentId, 'BINANCE:BTC/USDT');

  const created = await rpc('command.subscription.create', { venue: 'BINANCE', instruments: ['BINANCE:BTC/USDT'], subscriptionType: 'MARKET.SUBSCRIPTION.ORDERBOOK' });
  assert.equal(created.error, undefined, JSON.stringify(created.error));
  const subscriptionId = created.data[0].subscriptionId as string;
  await eventually(() => fake.subscribedStreams().includes('btcusdt@depth@100ms'), 'the depth stream on the fake');

  const books: any[] = [];
  const sub = client!.newSubscription('market:orderbook:BINANCE:BTC/USDT');
  sub.on('publication', (ctx: PublicationContext) => books.push(ctx.data));
  const subscribed = new Promise<void>((resolve) => sub.once('subscribed', () => resolve()));
  sub.subscribe();
  await subscribed;

  fake.pushDepth('BTCUSDT', { bids: [['64000.00', '1.25']] });
  await eventually(() => books.some((b) => b.bids?.[0]?.[0] === '64000' && b.bids[0][1] === '1.25'), 'a book publication with the diff applied');
  const book = books.at(-1);
  assert.equal(book.venue, 'BINANCE');
  assert.equal(book.symbol, 'BTC/USDT');
  assert.deepEqual(book.asks[0], ['64000.5', '0.7']);

  // a lost diff: the connector detects the gap, resyncs from a snapshot, and clients see the true book
  fake.queueDepthFaults('drop');
  fake.pushDepth('BTCUSDT', { asks: [['64000.25', '0.2']] });
  fake.pushDepth('BTCUSDT', { bids: [['63999.75', '0.4']] });
  await eventually(() => books.some((b) => b.asks?.[0]?.[0] === '64000.25' && b.bids?.[1]?.[0] === '63999.75'), 'the recovered book after a gap');

  const trades = await rpc('command.subscription.create', { venue: 'BINANCE', instruments: ['BINANCE:BTC/USDT'], subscriptionType: 'MARKET.SUBSCRIPTION.TRADE' });
  assert.equal(trades.error, undefined, JSON.stringify(trades.error));
  await eventually(() => fake.subscribedStreams().includes('btcusdt@trade'), 'the trade stream on the fake');
  const ticks: any[] = [];
  const tsub = client!.newSubscription('market:trade:BINANCE:BTC/USDT');
  tsub.on('publication', (ctx: PublicationContext) => ticks.push(ctx.data));
  const tsubscribed = new Promise<void>((resolve) => tsub.once('subscribed', () => resolve()));
  tsub.subscribe();
  await tsubscribed;
  fake.pushTrade('BTCUSDT', { price: '64000.50', qty: '0.003', buyerMaker: false, id: 777 });
  await eventually(() => ticks.length > 0, 'a trade publication');
  assert.equal(ticks[0].tradeId, '777');
  assert.equal(ticks[0].price, '64000.5');
  assert.equal(ticks[0].side, 'BUY');

  const gone = await rpc('command.market.subscription.orderbook.unsubscribe', { subscriptionId });
  assert.equal(gone.error, undefined, JSON.stringify(gone.error));
  await eventually(() => !fake.subscribedStreams().includes('btcusdt@depth@100ms'), 'the depth stream stopped');
  assert.ok(fake.subscribedStreams().includes('btcusdt@trade'), 'the trade stream still runs for its subscription');
});

test('a Binance account with API keys trades through Cadenza: balances, a resting order, its fill, a rejection', async () => {
  const acct = await rpc('command.trading_account.create', { tradingAccount: { venue: 'BINANCE', nickname: 'binance stack' } });
  assert.equal(acct.error, undefined, JSON.stringify(acct.error));
  const tradingAccountId = acct.data.tradingAccountId as string;
  const cred = await rpc('command.credential.create', { tradingAccountId, venue: 'BINANCE', credentialType: 'HMAC', apiKey: API_KEY, secretKey: SECRET });
  assert.equal(cred.error, undefined, JSON.stringify(cred.error));
  assert.notEqual(cred.data.apiKey, API_KEY, 'the key is returned masked');
  const connected = await rpc('command.trading_account.connect', { tradingAccount: { tradingAccountId } });
  assert.equal(connected.error, undefined, JSON.stringify(connected.error));
  assert.equal(connected.data.status, 'ACTIVE');
  const portfolio = await rpc('query.portfolio.get', { tradingAccountId });
  const usdt = portfolio.data.balances.find((b: { securitySymbol: string }) => b.securitySymbol === 'USDT');
  assert.equal(Number(usdt.total), 10000, 'balances come from /api/v3/account');

  const events = await accountEvents(tradingAccountId);

  const placed = await rpc('command.trade_order.submit', {
    tradingAccountId,
    tradeOrder: { instrumentId: 'BINANCE:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '60000.00', timeInForce: 'GTC' },
  });
  assert.equal(placed.error, undefined, JSON.stringify(placed.error));
  const tradeOrderId = placed.data.tradeOrderId as string;
  const sent = fake.requests.find((r) => r.method === 'POST' && r.path === '/api/v3/order');
  assert.ok(sent, 'the order reached Binance');
  const clientOrderId = sent.params.get('newClientOrderId')!;
  await eventually(() => events.some((e) => e.type === 'event.trade_order.updated' && e.data.tradeOrderId === tradeOrderId && e.data.status === 'ACCEPTED'), 'ACCEPTED pushed');

  fake.fillResting(API_KEY, clientOrderId);
  await eventually(() => events.some((e) => e.type === 'event.trade_order.updated' && e.data.tradeOrderId === tradeOrderId && e.data.status === 'FILLED'), 'FILLED pushed');
  const got = await rpc('query.trade_order.get', { tradeOrderId, tradingAccountId });
  assert.equal(got.data.status, 'FILLED');
  assert.equal(Number(got.data.executedQuantity), 0.01);

  fake.rejectNextOrder(-2010, 'Account has insufficient balance for requested action.');
  const refused = await rpc('command.trade_order.submit', {
    tradingAccountId,
    tradeOrder: { instrumentId: 'BINANCE:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '60000.00', timeInForce: 'GTC' },
    awaitClosed: true,
  });
  assert.equal(refused.error, undefined, JSON.stringify(refused.error));
  assert.equal(refused.data.status, 'REJECTED');
  assert.match(refused.data.rejectReason, /-2010: Account has insufficient balance/);
});

test('an OCO on a Binance account is Binance\'s own order list: one request, both legs work at Binance, the take-profit fills and Binance expires the stop-loss', async () => {
  const acct = await rpc('command.trading_account.create', { tradingAccount: { venue: 'BINANCE', nickname: 'binance lists' } });
  const tradingAccountId = acct.data.tradingAccountId as string;
  await rpc('command.credential.create', { tradingAccountId, venue: 'BINANCE', credentialType: 'HMAC', apiKey: API_KEY, secretKey: SECRET });
  assert.equal((await rpc('command.trading_account.connect', { tradingAccount: { tradingAccountId } })).data.status, 'ACTIVE');
  const events = await accountEvents(tradingAccountId);

  const before = fake.requests.length;
  const tp = await rpc('command.trade_order.submit', {
    tradingAccountId,
    tradeOrder: { instrumentId: 'BINANCE:BTC/USDT', orderSide: 'SELL', quantity: '0.01', contingencyType: 'OCO', takeProfitPrice: '66000.00', stopLossPrice: '62000.00' },
  });
  assert.equal(tp.error, undefined, JSON.stringify(tp.error));
  assert.deepEqual([tp.data.orderListRole, tp.data.contingencyType, tp.data.emulated], ['TAKE_PROFIT', 'OCO', undefined]);
  const posts = fake.requests.slice(before).filter((r) => r.method === 'POST');
  assert.deepEqual(posts.map((r) => r.path), ['/api/v3/orderList/oco'], 'one list request, no single orders');
  assert.equal(posts[0]!.params.get('listClientOrderId'), tp.data.orderListId.replace(/-/g, ''));

  const leg = (role: string, status: string) => (e: any) => e.type === 'event.trade_order.updated' && e.data.orderListId === tp.data.orderListId && e.data.orderListRole === role && e.data.status === status;
  const legs = async () => Object.fromEntries((await rpc('query.trade_order.list', { tradingAccountId, orderListId: tp.data.orderListId })).data.map((o: any) => [o.orderListRole, o]));
  await eventually(() => events.some(leg('TAKE_PROFIT', 'ACCEPTED')) && events.some(leg('STOP_LOSS', 'ACCEPTED')), 'both legs ACCEPTED');
  const now = await legs();
  assert.deepEqual([now.TAKE_PROFIT.status, now.STOP_LOSS.status], ['ACCEPTED', 'ACCEPTED'], 'both legs work at Binance (nothing held by Cadenza)');
  assert.equal(now.STOP_LOSS.emulated, undefined);
  assert.ok(now.TAKE_PROFIT.externalOrderListId && now.TAKE_PROFIT.externalOrderListId === now.STOP_LOSS.externalOrderListId, 'Binance\'s list id on both legs');

  fake.fillResting(API_KEY, posts[0]!.params.get('aboveClientOrderId')!);
  await eventually(() => events.some(leg('STOP_LOSS', 'EXPIRED')) && events.some(leg('TAKE_PROFIT', 'FILLED')), 'take-profit FILLED, stop-loss EXPIRED');
  const done = await legs();
  assert.deepEqual([done.TAKE_PROFIT.status, done.TAKE_PROFIT.executedQuantity, done.STOP_LOSS.status, done.STOP_LOSS.executedQuantity], ['FILLED', '0.01', 'EXPIRED', '0']);
});
