/**
 * OKX through the whole stack, as the seed's quick start does it for Binance: the real server with OKX pointed at
 * the local fake OKX (OKX_REST_URL / OKX_WS_URL equivalents), supabase-js login, the official centrifuge client on
 * `market:orderbook:OKX:BTC/USDT`, an OKX trading account with an HMAC key and passphrase, orders, a restart with
 * fills that happened while Cadenza was down, and the rate-limit counters on /metrics.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectedAccount, startOkxStack, eventually, publishedBookKey } from './live-venue-stack.ts';

const KEY = 'okx-stack-key';
const CREDENTIAL = { credentialType: 'HMAC', apiKey: KEY, secretKey: 'okx-stack-secret', secretPassphrase: 'Stack-pass1' } as const;

const { fake, stack } = await startOkxStack('okx', CREDENTIAL);
let tradingAccountId = '';

const truth = () => {
  const v = fake.book('BTC-USDT').view(20);
  return publishedBookKey({ bids: v.bids.map((l) => [l.price, l.quantity]), asks: v.asks.map((l) => [l.price, l.quantity]) });
};

test('quick start on OKX: instruments, an order-book subscription whose publications are OKX\'s book, gaps healed', async () => {
  assert.equal(fake.socketCount(), 0, 'nothing connects before a subscription needs it');
  const instruments = await stack.rpc('query.instrument.list', { venue: 'OKX', limit: 50 });
  const btc = instruments.find((i: { symbol: string }) => i.symbol === 'BTC/USDT');
  assert.equal(btc.instrumentId, 'OKX:BTC/USDT');

  await stack.rpc('command.subscription.create', { venue: 'OKX', instruments: ['OKX:BTC/USDT'], subscriptionType: 'MARKET.SUBSCRIPTION.ORDERBOOK' });
  await eventually(() => fake.subscribedChannels().includes('books:BTC-USDT'), 'the books channel on the fake');
  const books = await stack.subscribe('market:orderbook:OKX:BTC/USDT');
  fake.pushBook('BTC-USDT', { bids: [['64000.0', '1.25']] });
  await eventually(() => books.some((b) => publishedBookKey(b) === truth()), 'a publication equal to OKX\'s book');
  assert.equal(books.at(-1).venue, 'OKX');

  fake.queueBookFaults('drop');
  fake.pushBook('BTC-USDT', { asks: [['64000.3', '0.2']] });
  fake.pushBook('BTC-USDT', { bids: [['64000.1', '0.4']] });
  await eventually(() => publishedBookKey(books.at(-1)) === truth(), 'the healed book after a lost update');
  for (const b of books) assert.ok(b.bids.length === 0 || b.asks.length === 0 || Number(b.bids[0][0]) < Number(b.asks[0][0]), 'never crossed');
});

test('an OKX account with key, secret and passphrase trades through Cadenza; a fill arrives on the private stream', async () => {
  const account = await connectedAccount(stack, 'OKX', 'okx stack', CREDENTIAL);
  tradingAccountId = account.tradingAccountId;
  assert.notEqual(account.credential.apiKey, KEY, 'the key comes back masked');
  const portfolio = await stack.rpc('query.portfolio.get', { tradingAccountId });
  assert.equal(Number(portfolio.balances.find((b: { securitySymbol: string }) => b.securitySymbol === 'USDT').total), 10000);

  const placed = await stack.rpc('command.trade_order.submit', {
    tradingAccountId,
    tradeOrder: { instrumentId: 'OKX:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '60000.0', timeInForce: 'GTC' },
  });
  await stack.orderIn(tradingAccountId, placed.tradeOrderId, 'ACCEPTED');
  const sent = fake.requests.find((r) => r.method === 'POST' && r.path === '/api/v5/trade/order')!;
  assert.equal(sent.apiKey, KEY, 'the fake verified the signature of this request');
  fake.fillResting(KEY, String(sent.body!.clOrdId));
  const filled = await stack.orderIn(tradingAccountId, placed.tradeOrderId, 'FILLED');
  assert.equal(Number(filled.executedQuantity), 0.01);
});

test('fills and cancels made while Cadenza was stopped are reconciled at restart, each fill booked once', async () => {
  const a = await stack.rpc('command.trade_order.submit', { tradingAccountId, tradeOrder: { instrumentId: 'OKX:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '59000.0', timeInForce: 'GTC', clientOrderId: 'okxrecona' } });
  const b = await stack.rpc('command.trade_order.submit', { tradingAccountId, tradeOrder: { instrumentId: 'OKX:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '58000.0', timeInForce: 'GTC', clientOrderId: 'okxreconb' } });
  await stack.orderIn(tradingAccountId, a.tradeOrderId, 'ACCEPTED');
  await stack.orderIn(tradingAccountId, b.tradeOrderId, 'ACCEPTED');
  await stack.stop();

  fake.fillResting(KEY, 'okxrecona', '0.004');
  fake.cancelResting(KEY, 'okxrecona');
  await stack.start();
  const cancelled = await stack.orderIn(tradingAccountId, a.tradeOrderId, 'CANCELLED');
  assert.equal(Number(cancelled.executedQuantity), 0.004, 'the missed fill, once');
  assert.ok(fake.requests.some((r) => r.path === '/api/v5/trade/fills' && r.query.get('ordId') !== null), 'fills were asked for');
  assert.equal((await stack.rpc('query.trade_order.get', { tradeOrderId: b.tradeOrderId, tradingAccountId })).status, 'ACCEPTED');
  await eventually(() => fake.loggedIn(KEY) >= 1, 'the private stream after the restart');
  fake.fillResting(KEY, 'okxreconb');
  await stack.orderIn(tradingAccountId, b.tradeOrderId, 'FILLED');
  assert.equal(Number((await stack.rpc('query.trade_order.get', { tradeOrderId: a.tradeOrderId, tradingAccountId })).executedQuantity), 0.004, 'still once');
});

test('a 429 from OKX rejects the order with OKX\'s code and shows on /metrics', async () => {
  fake.failNext({ status: 429, code: '50011', retryAfterSeconds: 1 }, '/api/v5/trade/order');
  const refused = await stack.rpc('command.trade_order.submit', {
    tradingAccountId,
    tradeOrder: { instrumentId: 'OKX:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '50000.0', timeInForce: 'GTC' },
    awaitClosed: true,
  });
  assert.equal(refused.status, 'REJECTED');
  assert.match(refused.rejectReason, /50011/);
  const metrics = await (await fetch(`${stack.server!.url}/metrics`)).text();
  assert.match(metrics, /cadenza_venue_rate_limit_events_total\{venue="OKX",kind="rate_limited"\} 1/);
});
