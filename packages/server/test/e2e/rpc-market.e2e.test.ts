/**
 * Instruments, securities, venues, market-data queries and subscriptions through the real server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, type Harness } from './rpc-harness.ts';

const h: Harness = await harness();
const u = await h.user('quant');
const other = await h.user('other');

test('venues, instruments (filters, paging) and securities', async () => {
  assert.deepEqual(await u.ok('query.venue.list'), ['PAPER', 'MOCK']);
  const all = await u.ok('query.instrument.list', { venue: 'PAPER', limit: 1000 });
  assert.ok(all.length >= 2);
  const page = await u.ok('query.instrument.list', { venue: 'PAPER', limit: 1, offset: 1 });
  assert.deepEqual(page.map((i: any) => i.instrumentId), [all[1].instrumentId]);
  const btc = await u.ok('query.instrument.list', { venue: 'PAPER', symbols: ['BTC/USDT'] });
  assert.deepEqual(btc.map((i: any) => i.instrumentId), ['PAPER:BTC/USDT']);
  assert.ok(btc[0].pipSize && btc[0].lotSize && btc[0].minNotional && btc[0].orderTypes.includes('LIMIT'));
  const secs = await u.ok('query.security.list', { venue: 'PAPER', securities: ['BTC', 'USDT'] });
  assert.deepEqual(secs.map((s: any) => s.securityId).sort(), ['PAPER:BTC', 'PAPER:USDT']);
});

test('order book, tickers and klines in the unified models', async () => {
  const book = await u.ok('query.orderbook.get', { instrumentId: 'PAPER:BTC/USDT', depth: 3 });
  assert.equal(book.updateType, 'SNAPSHOT');
  assert.equal(book.orderBookType, 'L2');
  assert.deepEqual(book.columns, ['price', 'quantity']);
  assert.ok(book.bids.length <= 3 && book.asks.length <= 3 && book.bids.length > 0);
  assert.ok(Number(book.bids[0][0]) < Number(book.asks[0][0]));
  assert.equal(typeof book.timestamp, 'number');
  const books = await u.ok('query.orderbook.list', { instrumentIds: ['PAPER:BTC/USDT', 'MOCK:BTC/USDT'] });
  assert.deepEqual(books.map((b: any) => b.venue).sort(), ['MOCK', 'PAPER']);
  const tickers = await u.ok('query.ticker.list', { venue: 'PAPER', symbols: ['BTC/USDT'] });
  assert.equal(tickers[0].instrumentId, 'PAPER:BTC/USDT');
  const klines = await u.ok('query.kline.list', { instrumentIds: ['PAPER:BTC/USDT'], interval: '1m' });
  assert.equal(klines[0].interval, '1m');
  assert.ok(klines[0].candles.length > 0);
  assert.equal(klines[0].candles[0].length, 6);
  const unknown = await u.rpc('query.orderbook.get', { instrumentId: 'PAPER:NOPE/USDT' });
  assert.equal(unknown.error?.code, 15001);
});

test('subscriptions: create is idempotent, lists are per user, order-book subscribe/unsubscribe, pushes on user:{id}', async () => {
  const created = await u.ok('command.subscription.create', { venue: 'PAPER', instruments: ['PAPER:BTC/USDT', 'PAPER:ETH/USDT'], subscriptionType: 'MARKET.SUBSCRIPTION.KLINE', interval: '1m' });
  assert.equal(created.length, 2);
  assert.ok(created.every((s: any) => s.status === 'ACTIVE' && s.subscriptionType === 'MARKET.SUBSCRIPTION.KLINE'));
  const again = await u.ok('command.subscription.create', { venue: 'PAPER', instruments: ['PAPER:BTC/USDT'], subscriptionType: 'MARKET.SUBSCRIPTION.KLINE', interval: '1m' });
  assert.equal(again[0].subscriptionId, created[0].subscriptionId);
  const noInterval = await u.rpc('command.subscription.create', { venue: 'PAPER', instruments: ['PAPER:BTC/USDT'], subscriptionType: 'MARKET.SUBSCRIPTION.KLINE' });
  assert.equal(noInterval.error?.code, 16002);

  const ob = await u.ok('command.market.subscription.orderbook.subscribe', { venue: 'PAPER', symbols: ['BTC/USDT'] });
  assert.equal(ob[0].instrumentId, 'PAPER:BTC/USDT');
  assert.equal((await u.ok('query.market.subscription.orderbook.list', { venue: 'PAPER' })).length, 1);
  assert.equal((await u.ok('query.subscription.list', { venue: 'PAPER' })).length, 3);
  assert.deepEqual(await other.ok('query.subscription.list', {}), []);
  const ended = await u.ok('command.market.subscription.orderbook.unsubscribe', { instrumentId: 'PAPER:BTC/USDT' });
  assert.equal(ended.status, 'TERMINATED');
  assert.equal((await u.ok('query.market.subscription.orderbook.list', {})).length, 0);
  const missing = await u.rpc('command.market.subscription.orderbook.unsubscribe', { subscriptionId: ob[0].subscriptionId });
  assert.equal(missing.error?.code, 16001);
  const pushed = await u.waitForServerPublication((p) => p.data.type === 'event.subscription.updated' && p.data.data[0].status === 'TERMINATED');
  assert.equal(pushed.channel, `user:${u.userId}`, 'subscription events go to the user channel (server-side subscription)');
  assert.ok(!other.serverPublications.some((p) => p.data.type === 'event.subscription.updated'), 'and only to that user');
});

test('trading-account stream subscriptions', async () => {
  const id = (await u.ok('command.trading_account.create', { tradingAccount: { venue: 'MOCK' } })).tradingAccountId;
  const s = await u.ok('command.trading_account.subscribe', { tradingAccount: { tradingAccountId: id }, subscriptionType: 'TRADING_ACCOUNT.SUBSCRIPTION.USER_DATA' });
  assert.equal(s.status, 'ACTIVE');
  assert.equal((await u.ok('query.trading_account.subscription.list', { tradingAccountId: id })).length, 1);
  assert.equal((await u.ok('command.trading_account.unsubscribe', { tradingAccountId: id, subscriptionId: s.subscriptionId })).status, 'TERMINATED');
  assert.deepEqual(await u.ok('query.trading_account.subscription.list', { tradingAccountId: id }), []);
  const wrong = await u.rpc('command.trading_account.subscribe', { tradingAccount: { tradingAccountId: id }, subscriptionType: 'MARKET.SUBSCRIPTION.TICKER' });
  assert.equal(wrong.error?.code, 16002);
});

test('system info and health', async () => {
  assert.equal((await u.ok('query.system.info')).name, 'Cadenza');
  const check = await u.ok('query.system.check');
  assert.equal(check.status, 'healthy');
  assert.match(check.timestamp, /Z$/);
  // The OTC desk serves RFQs now (docs/otc.md): one without its parameters is refused as invalid, not unsupported.
  const rfq = await u.rpc('command.quote.rfq', {});
  assert.equal(rfq.error?.code, 10001);
});

test('instruments answer the TRAILING_STOP Cadenza emulates (RPC, REST, events); saved as answered, a trailing stop on them is still emulated', async () => {
  const [mock] = await u.ok('query.instrument.list', { venue: 'MOCK', symbols: ['BTC/USDT'] });
  assert.ok(mock.orderTypes.includes('TRAILING_STOP') && mock.orderTypes.includes('MARKET'), mock.orderTypes.join(','));
  const rest = await fetch(`${h.server.url}/api/v3/market/instrument/list?venue=MOCK&symbols=BTC/USDT`, { headers: { authorization: `Bearer ${u.accessToken}` } });
  const [restMock] = ((await rest.json()) as { data: Array<{ instrumentId: string; orderTypes: string[] }> }).data.filter((i) => i.instrumentId === 'MOCK:BTC/USDT');
  assert.deepEqual(restMock!.orderTypes, mock.orderTypes, 'REST answers the same list');

  const admin = await h.user('catalogue-admin', { admin: true });
  const catalogue = await u.subscribe('market:instrument:MOCK');
  const [saved] = await admin.ok('command.instrument.save', { instruments: [mock] });
  assert.deepEqual(saved.orderTypes, mock.orderTypes, 'answered as before the save');
  const event = await catalogue.waitFor((e) => e.type === 'event.instrument.updated' && e.data.some((i: any) => i.instrumentId === 'MOCK:BTC/USDT'));
  assert.deepEqual(event.data.find((i: any) => i.instrumentId === 'MOCK:BTC/USDT').orderTypes, mock.orderTypes);

  const id = (await u.ok('command.trading_account.create', { tradingAccount: { venue: 'MOCK' } })).tradingAccountId;
  const stop = await u.ok('command.trade_order.submit', {
    tradingAccountId: id,
    tradeOrder: { instrumentId: 'MOCK:BTC/USDT', orderSide: 'SELL', orderType: 'TRAILING_STOP', quantity: '0.01', trailingOffset: '1.5' },
  });
  assert.deepEqual([stop.status, stop.emulated], ['ACCEPTED', true], 'Cadenza still holds it: the save did not make it native');
});
