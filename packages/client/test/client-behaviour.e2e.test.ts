/**
 * SDK behaviour over real sockets against FakeCadenzaServer, for what the real server cannot be made to do on
 * demand: tokens expiring within a second, lost publications, lost history, dropped connections.
 * (live/client.e2e.test.ts runs the same SDK against the real server.)
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import type { OrderBook, RpcTradeOrder } from '@cadenza/contract';
import { CadenzaClient } from '../src/cadenza-client.ts';
import { CadenzaRpcError, ProtocolError, ValidationError } from '../src/errors.ts';
import { createValidator } from '../src/validation.ts';
import { FakeCadenzaServer } from './fake-cadenza-server.ts';

const ACCOUNT = '2b0d4b7e-8a55-4b0b-9f6f-5a3d1c9e7a01';
const CHANNEL = 'market:orderbook:PAPER:BTC/USDT';

function book(timestamp: number, bid: string, ask: string): OrderBook {
  return { updateType: 'SNAPSHOT', instrumentId: 'PAPER:BTC/USDT', venue: 'PAPER', symbol: 'BTC/USDT', orderBookType: 'L2', columns: ['price', 'quantity'], bids: [[bid, '1.5']], asks: [[ask, '2']], timestamp };
}

function next<T>(register: (resolve: (v: T) => void) => void, timeoutMs = 5000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timed out waiting for an event')), timeoutMs);
    register((v) => {
      clearTimeout(t);
      resolve(v);
    });
  });
}

let server: FakeCadenzaServer;
const clients: CadenzaClient[] = [];
let current: OrderBook = book(1000, '100', '101');

before(async () => {
  server = await FakeCadenzaServer.start({ historySize: 3 });
  server.rpc.set('query.venue.list', () => ({ data: ['PAPER', 'MOCK'] }));
  server.rpc.set('query.orderbook.get', () => ({ data: current }));
  server.rpc.set('query.portfolio.get', (p) => (p.tradingAccountId === ACCOUNT ? { data: { tradingAccountId: ACCOUNT, balances: [] } } : { error: { code: 12001, message: 'trading account not found' } }));
  server.rpc.set('query.system.info', () => ({ protocolError: { code: 111, message: 'too many requests' } }));
  server.setSnapshot(CHANNEL, () => current);
});

after(async () => {
  for (const c of clients) c.disconnect();
  await server.close();
});

async function login(opts: { validate?: boolean } = {}): Promise<CadenzaClient> {
  const client = await CadenzaClient.login({
    url: server.url,
    email: server.email,
    password: server.password,
    websocket: WebSocket,
    centrifuge: { minReconnectDelay: 20, maxReconnectDelay: 100 },
    ...(opts.validate ? { validator: createValidator() } : {}),
  });
  clients.push(client);
  await client.connect();
  return client;
}

describe('connection and RPC', () => {
  test('logs in, connects and returns typed RPC data', async () => {
    const client = await login();
    assert.equal(client.userId, server.userId);
    assert.deepEqual(await client.rpc('query.venue.list'), ['PAPER', 'MOCK']);
  });

  test('maps an RPC error result to CadenzaRpcError and a Centrifugo error to ProtocolError', async () => {
    const client = await login();
    await assert.rejects(client.rpc('query.portfolio.get', { tradingAccountId: '00000000-0000-4000-8000-000000000000' }), (e: unknown) => {
      assert.ok(e instanceof CadenzaRpcError);
      assert.equal(e.code, 12001);
      assert.equal(e.errorName, 'TRADING_ACCOUNT_NOT_FOUND');
      return true;
    });
    await assert.rejects(client.rpcUntyped('query.nope.list', {}), (e: unknown) => e instanceof ProtocolError && e.code === 104 && e.target === 'query.nope.list');
    await assert.rejects(client.rpc('query.system.info'), (e: unknown) => e instanceof ProtocolError && e.code === 111 && e.temporary);
  });

  test('with a validator, bad params fail locally and never reach the server', async () => {
    const client = await login({ validate: true });
    const before = server.calls.length;
    await assert.rejects(client.rpc('query.portfolio.get', { tradingAccountId: 'nope' }), ValidationError);
    assert.equal(server.calls.length, before);
  });

  test('connect({ retry: false }) fails at once when nothing listens', async () => {
    const client = new CadenzaClient({ url: 'http://127.0.0.1:9', token: 'x', websocket: WebSocket });
    clients.push(client);
    // A client that retried would never settle: the test's timeout is the guard, not a measure of speed.
    await assert.rejects(client.connect({ retry: false }), (e: unknown) => e instanceof ProtocolError && e.temporary && /cannot reach ws:\/\/127\.0\.0\.1:9\/connection\/websocket/.test(e.message));
    assert.equal(client.centrifuge.state, 'disconnected', 'no reconnect loop left behind');
  });

  test('a refused token ends in a rejected connect() with the server code, not a reconnect loop', async () => {
    const client = new CadenzaClient({ url: server.url, token: 'forged', websocket: WebSocket, centrifuge: { minReconnectDelay: 20 } });
    clients.push(client);
    await assert.rejects(client.connect(), (e: unknown) => e instanceof ProtocolError && e.code === 3500);
    assert.equal(client.centrifuge.state, 'disconnected');
  });
});

describe('token refresh', () => {
  test('refreshes the token before it expires and keeps the connection', async () => {
    server.tokenTtlSeconds = 1;
    try {
      const client = await login();
      const refreshesBefore = server.stats.tokenRefreshCommands;
      await next<void>((done) => {
        const t = setInterval(() => {
          if (server.stats.tokenRefreshCommands > refreshesBefore) {
            clearInterval(t);
            done();
          }
        }, 20);
      });
      assert.ok(client.session!.refreshes >= 1, 'the SDK refreshed the session over /auth/v1/token');
      assert.equal(client.centrifuge.state, 'connected');
      assert.deepEqual(await client.rpc('query.venue.list'), ['PAPER', 'MOCK']);
    } finally {
      server.tokenTtlSeconds = 3600;
    }
  });

  test('after a drop with an expired token it refreshes (109) and reconnects by itself', async () => {
    const client = await login();
    const refreshes = client.session!.refreshes;
    server.expireTokens();
    const reconnected = next<void>((done) => client.centrifuge.once('connected', () => done()));
    server.dropConnections();
    await reconnected;
    assert.ok(server.stats.expiredConnects >= 1, 'the server refused the stale token with 109');
    assert.equal(client.session!.refreshes, refreshes + 1);
    assert.deepEqual(await client.rpc('query.venue.list'), ['PAPER', 'MOCK']);
  });
});

describe('order book', () => {
  test('starts from the subscribe snapshot and follows snapshot publications', async () => {
    const client = await login();
    current = book(2000, '100', '101');
    const view = client.orderBook('PAPER', 'BTC/USDT');
    await view.ready;
    assert.equal(view.best.bid?.price, '100');
    assert.equal(view.spread, '1');
    assert.equal(view.synced, true);
    const updated = next<void>((done) => view.onUpdate(() => done()));
    current = book(2100, '100.5', '101');
    server.publish(CHANNEL, current);
    await updated;
    assert.equal(view.best.bid?.price, '100.5');
    assert.equal(view.spread, '0.5');
    assert.equal(view.mid, '100.75');
    view.close();
  });

  test('a lost publication is detected by its offset and repaired through query.orderbook.get', async () => {
    const client = await login();
    const view = client.orderBook('PAPER', 'BTC/USDT');
    await view.ready;
    const resynced = next<void>((done) => view.on('resync', () => done()));
    const gaps = next<void>((done) => view.on('gap', () => done()));
    const rpcCalls = server.calls.filter((c) => c.method === 'query.orderbook.get').length;
    current = book(3000, '99', '100');
    const offset = server.publish(CHANNEL, book(2900, '98', '100'), { lose: 2 });
    await gaps;
    assert.equal(view.streamPosition?.offset, offset);
    assert.equal(view.synced, false, 'out of sync until the resync lands');
    await resynced;
    assert.equal(view.gaps, 1);
    assert.equal(view.resyncs, 1);
    assert.equal(view.synced, true);
    assert.equal(view.best.bid?.price, '99', 'the resync snapshot (newer) replaced the gapped one');
    assert.equal(server.calls.filter((c) => c.method === 'query.orderbook.get').length, rpcCalls + 1);
    assert.deepEqual(server.calls.at(-1)?.params, { instrumentId: 'PAPER:BTC/USDT', depth: 20 });
    view.close();
  });

  test('after a reconnect whose history was lost, the book resyncs; with history intact it recovers', async () => {
    server.setSnapshot(CHANNEL, () => undefined); // make the subscribe reply carry no snapshot, like a resubscribe
    try {
      const client = await login();
      const view = client.orderBook('PAPER', 'BTC/USDT');
      await view.ready;
      // Drop and publish more than the history keeps (3) while the client is away.
      let resubscribed = next<void>((done) => view.stream.subscription.once('subscribed', () => done()));
      server.dropConnections();
      for (let i = 0; i < 5; i++) server.publish(CHANNEL, book(4000 + i, '97', '98'));
      current = book(5000, '96', '98');
      const resynced = next<void>((done) => view.on('resync', () => done()));
      await resubscribed;
      await resynced;
      assert.equal(view.gaps, 1);
      assert.equal(view.best.bid?.price, '96');
      // Now a short drop: the missed publication is recovered from history, no resync.
      const resyncs = view.resyncs;
      resubscribed = next<void>((done) => view.stream.subscription.once('subscribed', (ctx) => (assert.equal(ctx.recovered, true), done())));
      const recovered = next<void>((done) => view.onUpdate(() => view.best.bid?.price === '95' && done()));
      server.dropConnections();
      server.publish(CHANNEL, book(6000, '95', '98'));
      await resubscribed;
      await recovered;
      assert.equal(view.resyncs, resyncs);
      assert.equal(view.gaps, 1);
      view.close();
    } finally {
      server.setSnapshot(CHANNEL, () => current);
    }
  });
});

describe('account events and order helpers', () => {
  test('onOrderUpdate/onPortfolio get typed account events; awaitClosed resolves on the terminal update', async () => {
    const client = await login();
    const open: RpcTradeOrder = { tradeOrderId: '7d7f7b0e-0f7c-4e43-9a4a-1c2b3d4e5f60', tradingAccountId: ACCOUNT, status: 'ACCEPTED', instrumentId: 'PAPER:BTC/USDT' };
    server.rpc.set('query.trade_order.get', () => ({ data: open }));
    const account = client.account(ACCOUNT);
    const orders: RpcTradeOrder[] = [];
    account.onOrderUpdate((o) => orders.push(o));
    const portfolio = next<unknown>((done) => account.onPortfolio(done));
    await account.ready;
    const closed = client.awaitClosed(ACCOUNT, open.tradeOrderId!, { timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 50)); // let awaitClosed read the current (open) state first
    const channel = `tradingAccount:${ACCOUNT}`;
    server.publish(channel, { type: 'event.trade_order.updated', data: { ...open, status: 'PARTIALLY_FILLED' }, timestamp: 1 });
    server.publish(channel, { type: 'event.portfolio.updated', data: { tradingAccountId: ACCOUNT, balances: [] }, timestamp: 2 });
    server.publish(channel, { type: 'event.trade_order.updated', data: { ...open, status: 'FILLED', executedQuantity: '0.01' }, timestamp: 3 });
    const final = await closed;
    assert.equal(final.status, 'FILLED');
    assert.deepEqual(await portfolio, { tradingAccountId: ACCOUNT, balances: [] });
    assert.deepEqual(orders.map((o) => o.status), ['PARTIALLY_FILLED', 'FILLED']);
    account.close();
  });

  test('submitOrder sends an idempotency key by default', async () => {
    const client = await login();
    server.rpc.set('command.trade_order.submit', (p) => ({ data: { ...p.tradeOrder, tradeOrderId: '7d7f7b0e-0f7c-4e43-9a4a-1c2b3d4e5f61', status: 'SUBMITTED' } }));
    const order = await client.submitOrder(ACCOUNT, { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'MARKET', quantity: '0.01' });
    assert.equal(order.status, 'SUBMITTED');
    const sent = server.calls.at(-1)!.params as { idempotencyKey?: string };
    assert.match(sent.idempotencyKey ?? '', /^[0-9a-f-]{36}$/);
  });

  test('a refused account channel rejects ready with ProtocolError 103', async () => {
    const client = await login();
    const stream = client.account('forbidden-1');
    await assert.rejects(stream.ready, (e: unknown) => e instanceof ProtocolError && e.code === 103);
    stream.close();
  });

  test('user events from the server-side user channel reach onUserEvent', async () => {
    const client = await login();
    const got = next<{ type: string }>((done) => client.onUserEvent((e) => done(e)));
    server.publishToUser({ type: 'event.subscription.updated', data: [], timestamp: 1 });
    assert.equal((await got).type, 'event.subscription.updated');
  });

  test('streams on one channel share a subscription that ends with the last one', async () => {
    const client = await login();
    const a = client.trades('PAPER', 'ETH/USDT');
    const b = client.trades('PAPER', 'ETH/USDT');
    await Promise.all([a.ready, b.ready]);
    assert.equal(a.subscription, b.subscription);
    const trade = { instrumentId: 'PAPER:ETH/USDT', venue: 'PAPER', symbol: 'ETH/USDT', tradeId: 't1', price: '3000', quantity: '1', side: 'BUY', timestamp: 1 };
    const both = Promise.all([next((d) => a.on(d)), next((d) => b.on(d))]);
    server.publish('market:trade:PAPER:ETH/USDT', trade);
    assert.deepEqual(await both, [trade, trade]);
    a.close();
    assert.equal(client.centrifuge.getSubscription('market:trade:PAPER:ETH/USDT'), b.subscription);
    b.close();
    assert.equal(client.centrifuge.getSubscription('market:trade:PAPER:ETH/USDT'), null);
  });
});
