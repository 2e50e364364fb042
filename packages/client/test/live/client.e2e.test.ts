/**
 * The SDK against the real Cadenza server (startServer, PAPER and MOCK venues) over real sockets:
 * login, typed RPCs in every area (with runtime validation of every result against the contract), the order
 * book kept in sync through a forced gap, reconnect with token refresh, account events and typed errors.
 */
import { test, describe, before, after, mock } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '@cadenza/server';
import { AuthError, CadenzaClient, CadenzaRpcError, ProtocolError, refreshSession, signUp, type RpcTradeOrder } from '../../src/index.ts';
import { createValidator } from '../../src/validation.ts';

let server: RunningServer;
let dataDir: string;
const clients: CadenzaClient[] = [];

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cadenza-sdk-live-'));
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir, log: false, venues: ['PAPER', 'MOCK'] });
});

after(async () => {
  for (const c of clients) c.disconnect();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function login(opts: { url?: string; email?: string; password?: string } = {}): Promise<CadenzaClient> {
  const client = await CadenzaClient.login({
    url: opts.url ?? server.url,
    email: opts.email ?? server.demoUser!.email,
    password: opts.password ?? server.demoUser!.password,
    websocket: WebSocket,
    validator: createValidator(),
    centrifuge: { minReconnectDelay: 50, maxReconnectDelay: 500 },
  });
  clients.push(client);
  await client.connect();
  return client;
}

function until<T>(register: (resolve: (v: T) => void) => void, timeoutMs = 8000, what = 'event'): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
    register((v) => {
      clearTimeout(t);
      resolve(v);
    });
  });
}

describe('typed RPCs against the real server (every result validated against the contract)', () => {
  test('system, venues, instruments, order book, tickers', async () => {
    const client = await login();
    const info = await client.rpc('query.system.info');
    assert.equal(typeof info?.name, 'string');
    const health = await client.rpc('query.system.check');
    assert.ok(health && ['healthy', 'degraded', 'unhealthy'].includes(health.status));
    const venues = await client.rpc('query.venue.list');
    assert.ok(venues?.includes('PAPER') && venues.includes('MOCK'));
    const instruments = (await client.rpc('query.instrument.list', { venue: 'PAPER' }));
    const btc = instruments.find((i) => i.instrumentId === 'PAPER:BTC/USDT');
    assert.ok(btc, 'PAPER lists BTC/USDT');
    assert.equal(btc.venue, 'PAPER');
    const book = await client.rpc('query.orderbook.get', { instrumentId: 'PAPER:BTC/USDT', depth: 5 });
    assert.equal(book?.updateType, 'SNAPSHOT');
    assert.ok(book.bids.length > 0 && book.bids.length <= 5);
    const tickers = await client.rpc('query.ticker.list', { venue: 'PAPER' });
    assert.ok(Array.isArray(tickers));
  });

  test('accounts, portfolio, orders and subscriptions (a whole paper-trading round)', async () => {
    const client = await login();
    const account = await client.rpc('command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'sdk live' } });
    const accountId = account.tradingAccountId;
    assert.equal(account?.status, 'ACTIVE');
    const listed = await client.rpcResult('query.trading_account.list', {});
    assert.ok(listed.data?.some((a) => a.tradingAccountId === accountId));

    const events: RpcTradeOrder[] = [];
    const stream = client.account(accountId);
    stream.onOrderUpdate((o) => events.push(o));
    const portfolioPushed = until<unknown>((done) => stream.onPortfolio(done), 8000, 'a portfolio event');
    await stream.ready;

    const market = await client.submitOrder(accountId, { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'MARKET', quantity: '0.01' }, { awaitClosed: true });
    assert.equal(market.status, 'FILLED');
    assert.equal(market.executedQuantity, '0.01');

    const limit = await client.submitOrder(accountId, { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '1000', timeInForce: 'GTC' });
    assert.ok(limit.status === 'SUBMITTED' || limit.status === 'ACCEPTED', `open limit order, got ${limit.status}`);
    const closed = client.awaitClosed(accountId, limit.tradeOrderId, { timeoutMs: 8000 });
    const cancelled = await client.cancelOrder(accountId, limit.tradeOrderId);
    assert.ok(cancelled.status === 'CANCELLED' || cancelled.status === 'PENDING_CANCEL');
    assert.equal((await closed).status, 'CANCELLED');
    assert.equal((await client.orders.get(accountId, limit.tradeOrderId)).status, 'CANCELLED');

    const orders = await client.rpcResult('query.trade_order.list', { tradingAccountId: accountId });
    assert.equal(orders.data?.length, 2);
    const portfolio = await client.rpc('query.portfolio.get', { tradingAccountId: accountId });
    const btcBalance = portfolio?.balances?.find((b) => b.securitySymbol === 'BTC');
    assert.ok(btcBalance && Number(btcBalance.total) > 1, 'bought BTC on top of the initial balance');
    await portfolioPushed;
    assert.ok(events.some((o) => o.tradeOrderId === market.tradeOrderId && o.status === 'FILLED'), 'the fill arrived as event.trade_order.updated');

    const subs = await client.rpc('command.subscription.create', { venue: 'PAPER', instruments: ['PAPER:ETH/USDT'], subscriptionType: 'MARKET.SUBSCRIPTION.ORDERBOOK' });
    assert.equal(subs?.[0]?.status, 'ACTIVE');
    const mine = await client.rpc('query.subscription.list', {});
    assert.ok(mine?.some((s) => s.instrumentId === 'PAPER:ETH/USDT'));
    stream.close();
  });
  test('the remaining areas: credentials, securities, klines, books, account operations and stream subscriptions', async () => {
    const client = await login();
    const id = (await client.rpc('command.trading_account.create', { tradingAccount: { venue: 'PAPER' } })).tradingAccountId;
    assert.ok(Array.isArray(await client.rpc('query.credential.list', {})));
    assert.ok((await client.rpc('query.security.list', { venue: 'PAPER' })).some((s) => s.securityId === 'PAPER:BTC'));
    const klines = await client.rpc('query.kline.list', { instrumentIds: ['PAPER:BTC/USDT'], interval: '1m' });
    assert.equal(klines[0]?.interval, '1m');
    const books = await client.rpc('query.orderbook.list', { instrumentIds: ['PAPER:BTC/USDT', 'PAPER:ETH/USDT'], depth: 3 });
    assert.deepEqual(books.map((b) => b.instrumentId).sort(), ['PAPER:BTC/USDT', 'PAPER:ETH/USDT']);
    assert.ok((await client.rpcResult('query.portfolio.list', {})).data?.some((p) => p.tradingAccountId === id));
    const renamed = await client.rpc('command.trading_account.update', { tradingAccount: { tradingAccountId: id, nickname: 'renamed' } });
    assert.equal(renamed.nickname, 'renamed');
    assert.equal((await client.rpc('command.trading_account.disable', { tradingAccountId: id })).status, 'INACTIVE');
    assert.equal((await client.rpc('command.trading_account.enable', { tradingAccountId: id })).status, 'ACTIVE');
    assert.ok((await client.rpc('query.trading_account.operation.list', { tradingAccountId: id })).length >= 2);
    const stream = await client.rpc('command.trading_account.subscribe', { tradingAccount: { tradingAccountId: id }, subscriptionType: 'TRADING_ACCOUNT.SUBSCRIPTION.USER_DATA' });
    assert.ok((await client.rpc('query.trading_account.subscription.list', { tradingAccountId: id })).some((s) => s.subscriptionId === stream.subscriptionId));
    const [bookSub] = await client.rpc('command.market.subscription.orderbook.subscribe', { instrumentIds: ['PAPER:SOL/USDT'] });
    assert.ok((await client.rpc('query.market.subscription.orderbook.list', {})).some((s) => s.subscriptionId === bookSub?.subscriptionId));
    assert.equal((await client.rpc('command.market.subscription.orderbook.unsubscribe', { instrumentId: 'PAPER:SOL/USDT' })).subscriptionId, bookSub?.subscriptionId);
  });
});

describe('typed errors', () => {
  test('refusals are CadenzaRpcError with AABBB codes; protocol failures are ProtocolError', async () => {
    const client = await login();
    const account = await client.rpc('command.trading_account.create', { tradingAccount: { venue: 'PAPER' } });
    await assert.rejects(
      client.submitOrder(account.tradingAccountId, { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '1000000', limitPrice: '50000' }),
      (e: unknown) => e instanceof CadenzaRpcError && e.code >= 10000 && e.code <= 99999 && e.method === 'command.trade_order.submit',
    );
    await assert.rejects(client.rpcUntyped('query.nope.list', {}), (e: unknown) => e instanceof ProtocolError && e.code === 104);
    await assert.rejects(client.rpc('command.instrument.sync', { venue: 'PAPER' }), (e: unknown) => e instanceof ProtocolError && e.code === 103, 'admin-only methods');
    await assert.rejects(client.rpc('query.trade_order.get_by_id', { tradeOrderId: '00000000-0000-4000-8000-000000000000' }), (e: unknown) => e instanceof CadenzaRpcError && e.errorName === 'ORDER_NOT_FOUND');

    const other = `intruder-${Date.now()}@example.com`;
    await signUp({ url: server.url, email: other, password: 'intruder-password' });
    const intruder = await login({ email: other, password: 'intruder-password' });
    await assert.rejects(intruder.rpc('query.portfolio.get', { tradingAccountId: account.tradingAccountId }), CadenzaRpcError);
    const spy = intruder.account(account.tradingAccountId);
    await assert.rejects(spy.ready, (e: unknown) => e instanceof ProtocolError && e.code === 103);
    spy.close();
    // A channel of an instrument that does not exist is unknown (102), not forbidden.
    const nowhere = intruder.orderBook('PAPER', 'NOPE/USDT');
    await assert.rejects(nowhere.ready, (e: unknown) => e instanceof ProtocolError && e.code === 102);
    nowhere.close();
  });
});

describe('order book', () => {
  test('keeps a live book from snapshots and repairs a forced gap through query.orderbook.get', async () => {
    const client = await login();
    const view = client.orderBook('PAPER', 'BTC/USDT');
    await view.ready;
    assert.equal(view.synced, true);
    assert.ok(view.best.bid && view.best.ask, 'both sides present');
    assert.ok(Number(view.spread) > 0, 'best bid below best ask');
    const before = view.timestamp;
    await until<void>((done) => view.onUpdate(() => view.timestamp > before && done()), 5000, 'a newer book');

    // Force a gap: a publication whose offset skips ahead, as if several were lost on the way.
    const position = view.stream.subscription as unknown as { emit(e: string, ctx: unknown): void };
    const pos = view.streamPosition;
    assert.ok(pos, 'the market channel is positioned (offsets on publications)');
    const resynced = until<void>((done) => view.on('resync', () => done()), 5000, 'the resync');
    position.emit('publication', { channel: view.stream.channel, offset: pos.offset + 5, data: { updateType: 'SNAPSHOT', venue: 'PAPER', symbol: 'BTC/USDT', orderBookType: 'L2', columns: ['price', 'quantity'], bids: [['1', '1']], asks: [['999999', '1']], timestamp: view.timestamp } });
    assert.equal(view.gaps, 1);
    assert.equal(view.synced, false);
    await resynced;
    assert.equal(view.synced, true);
    assert.equal(view.resyncs, 1);
    // Later real publications carry offsets below the forced one and are ignored until the stream passes it;
    // the book shown is the server's (resync or newer), never the forged one.
    assert.notEqual(view.best.bid?.price, '1');
    view.close();
  });
  test('a reconnect after the server lost the missed publications (history overflow) counts a gap and repairs the book', async () => {
    const email = `book-${Date.now()}@example.com`;
    const signedUp = await signUp({ url: server.url, email, password: 'book-password' });
    const client = await CadenzaClient.login({ url: server.url, email, password: 'book-password', websocket: WebSocket, centrifuge: { minReconnectDelay: 300, maxReconnectDelay: 600 } });
    clients.push(client);
    await client.connect();
    const view = client.orderBook('PAPER', 'BTC/USDT');
    await view.ready;
    const resubscribed = until<{ recovered: boolean; snapshot: boolean }>(
      (done) => view.stream.subscription.once('subscribed', (ctx) => done({ recovered: ctx.wasRecovering && ctx.recovered, snapshot: ctx.data !== undefined })),
      8000,
      'the resubscribe',
    );
    // Cut the connection (a reconnect code), then publish more than the channel's history keeps (100).
    assert.equal(server.gateway.disconnectUser(signedUp!.user.id, { code: 3001, reason: 'shutdown', reconnect: true }), 1);
    const junk = { updateType: 'SNAPSHOT', venue: 'PAPER', symbol: 'BTC/USDT', orderBookType: 'L2', columns: ['price', 'quantity'], bids: [['1', '1']], asks: [['2', '1']], timestamp: 1 };
    await Promise.all(Array.from({ length: 120 }, () => server.gateway.publish(view.stream.channel, junk)));
    const outcome = await resubscribed;
    assert.equal(outcome.recovered, false, 'the server could not recover the missed publications');
    // The subscribe reply carries a fresh snapshot (DESIGN decision 2), so the book is whole again without an RPC
    // (without one the view resyncs through query.orderbook.get: client-behaviour.test.ts covers that path).
    assert.equal(outcome.snapshot, true, 'the resubscribe reply carries the current snapshot');
    assert.equal(view.resyncs, 0);
    assert.equal(view.gaps, 1, 'the unrecovered reconnect counts as a gap');
    assert.equal(view.synced, true);
    assert.notEqual(view.best.bid?.price, '1', 'none of the lost publications leaked into the book');
    assert.ok(view.best.bid && view.best.ask);
    view.close();
  });
});

describe('reconnect with token refresh', () => {
  test('a refresh rotates the refresh token and reports the new session for persistence', async () => {
    const client = await login();
    const session = client.session!;
    const old = session.session;
    const reported = until<string>((done) => session.onSession((s) => done(s.refresh_token)), 5000, 'onSession');
    await session.refresh();
    assert.notEqual(session.session.refresh_token, old.refresh_token);
    assert.notEqual(session.session.access_token, old.access_token);
    assert.equal(await reported, session.session.refresh_token);
    const next = await refreshSession({ url: server.url, refreshToken: session.session.refresh_token });
    assert.equal(next.user.id, session.user.id, 'the new refresh token works');
    await assert.rejects(refreshSession({ url: server.url, refreshToken: 'not-a-refresh-token' }), (e: unknown) => e instanceof AuthError && e.status === 400 && !e.temporary);
    assert.ok((await client.rpc('query.venue.list')).includes('PAPER'), 'the connection is unaffected');
  });
  test('a reconnect after the access token expired refreshes it over /auth/v1 and carries on', async () => {
    // Last in the file: the server's clocks (rate limiters, sessions) see this jump too.
    const client = await login();
    const states: string[] = [];
    client.centrifuge.on('state', (ctx) => states.push(ctx.newState));
    client.centrifuge.on('error', (ctx) => states.push(`error ${ctx.error.code}`));
    const session = client.session!;
    const firstToken = session.session.access_token;
    client.disconnect();
    // Two hours later (Date only; timers run normally): the server now refuses the old token as expired.
    mock.timers.enable({ apis: ['Date'], now: Date.now() + 2 * 3600_000 });
    try {
      assert.ok(session.secondsLeft() < 0, 'the stored token has expired');
      await client.connect();
      assert.deepEqual(states, ['disconnected', 'connecting', 'error 109', 'connected'], 'the server said 109 token expired, then took the refreshed token');
      assert.equal(session.refreshes, 1, 'one refresh through grant_type=refresh_token');
      assert.notEqual(session.session.access_token, firstToken);
      assert.ok((await client.rpc('query.venue.list')).includes('PAPER'));
    } finally {
      mock.timers.reset();
    }
  });

});
