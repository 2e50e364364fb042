/**
 * Bitfinex through the whole stack, as the seed's quick start does it for Binance: the real server with BITFINEX
 * pointed at the local fake Bitfinex, supabase-js login, the official centrifuge client on
 * `market:orderbook:BITFINEX:BTC/USD`, a Bitfinex trading account with an HMAC key, orders, a restart with fills that
 * happened while Cadenza was down, and the rate-limit counters on /metrics.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeBitfinexServer } from '@cadenza/testkit/venue-fakes/bitfinex';
import { cidFor } from '@cadenza/venues/bitfinex';
import { connectedAccount, liveVenueStack, eventually, publishedBookKey } from './live-venue-stack.ts';

const KEY = 'bfx-stack-key';
const SECRET = 'bfx-stack-secret';

const { fake, stack } = await liveVenueStack(
  'bitfinex',
  async () => {
    const fake = await startFakeBitfinexServer({ keys: { [KEY]: { secret: SECRET, balances: { USD: '10000', BTC: '0.5' } } } });
    fake.pushBook('tBTCUSD', { bids: [['64000', '1.5'], ['63999', '2']], asks: [['64001', '0.7'], ['64002', '3']] });
    return fake;
  },
  (fake) => ({ venues: ['PAPER', 'BITFINEX'], endpoints: { BITFINEX: { restBaseUrl: fake.restBaseUrl, wsBaseUrl: fake.wsBaseUrl } } }),
);
let tradingAccountId = '';

const truth = () => {
  const v = fake.book('tBTCUSD').view(20);
  return publishedBookKey({ bids: v.bids.map((l) => [l.price, l.quantity]), asks: v.asks.map((l) => [l.price, l.quantity]) });
};

test('quick start on Bitfinex: instruments, an order-book subscription whose publications are Bitfinex\'s book', async () => {
  assert.equal(fake.socketCount(), 0, 'nothing connects before a subscription needs it');
  const instruments = await stack.rpc('query.instrument.list', { venue: 'BITFINEX', limit: 50 });
  assert.equal(instruments.find((i: { symbol: string }) => i.symbol === 'BTC/USD').instrumentId, 'BITFINEX:BTC/USD');

  await stack.rpc('command.subscription.create', { venue: 'BITFINEX', instruments: ['BITFINEX:BTC/USD'], subscriptionType: 'MARKET.SUBSCRIPTION.ORDERBOOK' });
  await eventually(() => fake.subscribedChannels().includes('book:tBTCUSD'), 'the book channel on the fake');
  const books = await stack.subscribe('market:orderbook:BITFINEX:BTC/USD');
  fake.pushBook('tBTCUSD', { bids: [['64000', '1.25']] });
  await eventually(() => books.some((b) => publishedBookKey(b) === truth()), 'a publication equal to Bitfinex\'s book');
  fake.queueBookFaults('lose');
  fake.pushBook('tBTCUSD', { asks: [['64000.5', '0.2']] });
  fake.pushBook('tBTCUSD', { bids: [['63999.5', '0.4']] });
  await eventually(() => publishedBookKey(books.at(-1)) === truth(), 'the book healed by resubscribing after a checksum mismatch');
  const truths = fake.truths.get('tBTCUSD')!;
  for (const b of books) assert.ok(truths.has(JSON.stringify([b.bids.slice(0, 20), b.asks.slice(0, 20)])), 'every publication was Bitfinex\'s book at some moment');
});

test('a Bitfinex account trades through Cadenza; a fill arrives on the authenticated channel', async () => {
  ({ tradingAccountId } = await connectedAccount(stack, 'BITFINEX', 'bitfinex stack', { credentialType: 'HMAC', apiKey: KEY, secretKey: SECRET }));
  const portfolio = await stack.rpc('query.portfolio.get', { tradingAccountId });
  assert.equal(Number(portfolio.balances.find((b: { securitySymbol: string }) => b.securitySymbol === 'USD').total), 10000);

  const placed = await stack.rpc('command.trade_order.submit', {
    tradingAccountId,
    tradeOrder: { instrumentId: 'BITFINEX:BTC/USD', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '60000', timeInForce: 'GTC', clientOrderId: 'bfx-stack-1' },
  });
  await stack.orderIn(tradingAccountId, placed.tradeOrderId, 'ACCEPTED');
  fake.fillResting(KEY, cidFor('bfx-stack-1'));
  const filled = await stack.orderIn(tradingAccountId, placed.tradeOrderId, 'FILLED');
  assert.equal(Number(filled.executedQuantity), 0.01);
});

test('fills and cancels made while Cadenza was stopped are reconciled at restart, each fill booked once', async () => {
  const a = await stack.rpc('command.trade_order.submit', { tradingAccountId, tradeOrder: { instrumentId: 'BITFINEX:BTC/USD', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '59000', timeInForce: 'GTC', clientOrderId: 'bfx-recon-a' } });
  const b = await stack.rpc('command.trade_order.submit', { tradingAccountId, tradeOrder: { instrumentId: 'BITFINEX:BTC/USD', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '58000', timeInForce: 'GTC', clientOrderId: 'bfx-recon-b' } });
  await stack.orderIn(tradingAccountId, a.tradeOrderId, 'ACCEPTED');
  await stack.orderIn(tradingAccountId, b.tradeOrderId, 'ACCEPTED');
  await stack.stop();

  fake.fillResting(KEY, cidFor('bfx-recon-a'), '0.004');
  fake.cancelResting(KEY, cidFor('bfx-recon-a'));
  await stack.start();
  const cancelled = await stack.orderIn(tradingAccountId, a.tradeOrderId, 'CANCELLED');
  assert.equal(Number(cancelled.executedQuantity), 0.004, 'the missed fill, once');
  assert.ok(fake.requests.some((r) => /^auth\/r\/order\/tBTCUSD:\d+\/trades$/.test(r.path)), 'the order\'s trades were asked for');
  assert.equal((await stack.rpc('query.trade_order.get', { tradeOrderId: b.tradeOrderId, tradingAccountId })).status, 'ACCEPTED');
  await eventually(() => fake.authenticated(KEY) >= 1, 'the account stream after the restart');
  fake.fillResting(KEY, cidFor('bfx-recon-b'));
  await stack.orderIn(tradingAccountId, b.tradeOrderId, 'FILLED');
  assert.equal(Number((await stack.rpc('query.trade_order.get', { tradeOrderId: a.tradeOrderId, tradingAccountId })).executedQuantity), 0.004, 'still once');
});

test('a 429 from Bitfinex rejects the order and shows on /metrics', async () => {
  fake.failNext(429, 'auth/w/order/submit');
  const refused = await stack.rpc('command.trade_order.submit', {
    tradingAccountId,
    tradeOrder: { instrumentId: 'BITFINEX:BTC/USD', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '50000', timeInForce: 'GTC' },
    awaitClosed: true,
  });
  assert.equal(refused.status, 'REJECTED');
  assert.match(refused.rejectReason, /11010/);
  const metrics = await (await fetch(`${stack.server!.url}/metrics`)).text();
  assert.match(metrics, /cadenza_venue_rate_limit_events_total\{venue="BITFINEX",kind="rate_limited"\} 1/);
});
