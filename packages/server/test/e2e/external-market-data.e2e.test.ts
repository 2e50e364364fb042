/**
 * An external feeder (an admin/service caller) pushes order books, tickers and klines for a MOCK instrument over
 * RPC; subscribers of the market channels get them like any venue's data, and the queries answer them. Malformed
 * pushes are refused whole; users may not push. Admin catalogue changes are announced on `market:instrument:*`
 * and `market:security:*`. A venue of CADENZA_EXTERNAL_VENUES carries only what its feeder pushes, for the
 * instruments an admin saved, and rejects orders.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from './rpc-harness.ts';

const h = await harness();
const feeder = await h.user('feeder', { admin: true });
const reader = await h.user('reader');
// A server that also runs IBKR as an externally fed venue (CADENZA_EXTERNAL_VENUES=IBKR).
const x = await harness({ externalVenues: ['IBKR'] });
const xFeeder = await x.user('ibkr-feeder', { admin: true });
const xReader = await x.user('ibkr-reader');

test('a pushed book, ticker and bars are published on the market channels and answered by the queries', async () => {
  const books = await reader.subscribe('market:orderbook:MOCK:BTC/USDT');
  const tickers = await reader.subscribe('market:ticker:MOCK:BTC/USDT');
  const bars = await reader.subscribe('market:kline:MOCK:BTC/USDT:1m');
  const now = Date.now();
  const book = { updateType: 'SNAPSHOT', venue: 'MOCK', symbol: 'BTC/USDT', orderBookType: 'L2', columns: ['price', 'quantity'], bids: [['61000.00', '0.5'], ['60999.00', '1.25']], asks: [['61001.00', '0.75']], timestamp: now };
  const saved = await feeder.ok('command.orderbook.save', { orderBooks: [book] });
  assert.deepEqual(saved[0].bids, book.bids);
  const pushed = await books.waitFor((p) => p.bids?.[0]?.[0] === '61000.00');
  assert.deepEqual(pushed.asks, [['61001.00', '0.75']]);
  assert.deepEqual((await reader.ok('query.orderbook.get', { instrumentId: 'MOCK:BTC/USDT', depth: 1 })).bids, [['61000.00', '0.5']]);

  await feeder.ok('command.ticker.save', { tickers: [{ venue: 'MOCK', symbol: 'BTC/USDT', lastPrice: '61000.50', timestamp: now }] });
  assert.equal((await tickers.waitFor((p) => p.lastPrice === '61000.50')).symbol, 'BTC/USDT');
  assert.equal((await reader.ok('query.ticker.list', { instrumentIds: ['MOCK:BTC/USDT'] }))[0].lastPrice, '61000.50');

  const minute = 60_000;
  const t0 = Math.floor(now / minute) * minute - 2 * minute;
  const candles = [[t0, '60000', '60500', '59900', '60400', '12.5'], [t0 + minute, '60400', '61000', '60300', '60900', '8'], [t0 + 2 * minute, '60900', '61100', '60800', '61000.5', null]];
  await feeder.ok('command.kline.save', { klines: [{ venue: 'MOCK', symbol: 'BTC/USDT', interval: '1m', candles, isClosed: false, timestamp: now }] });
  const last = await bars.waitFor((p) => p.candles?.[0]?.[0] === t0 + 2 * minute);
  assert.equal(last.isClosed, false);
  const series = (await reader.ok('query.kline.list', { instrumentIds: ['MOCK:BTC/USDT'], interval: '1m' }))[0];
  assert.deepEqual(series.candles, candles);
  // A later push of the same bar replaces it; history keeps its order.
  await feeder.ok('command.kline.save', { klines: [{ venue: 'MOCK', symbol: 'BTC/USDT', interval: '1m', candles: [[t0 + 2 * minute, '60900', '61200', '60800', '61150', '3']], isClosed: true, timestamp: now + 1 }] });
  const after = (await reader.ok('query.kline.list', { instrumentIds: ['MOCK:BTC/USDT'], interval: '1m' }))[0];
  assert.equal(after.candles.length, 3);
  assert.deepEqual(after.candles[2], [t0 + 2 * minute, '60900', '61200', '60800', '61150', '3']);
});

test('malformed pushes are refused whole; venues without an external feed and users are refused', async () => {
  const ok = { updateType: 'SNAPSHOT', venue: 'MOCK', symbol: 'ETH/USDT', orderBookType: 'L2', columns: ['price', 'quantity'], bids: [['3000', '1']], asks: [['3001', '1']], timestamp: 1 };
  const cases: Array<[unknown, RegExp]> = [
    [{ ...ok, bids: [['3000', '1'], ['3000.5', '1']] }, /orderBooks\[1\]\.bids\[1\] must be below/],
    [{ ...ok, asks: [['2999', '1']] }, /orderBooks\[1\] is crossed/],
    [{ ...ok, bids: [['1e3', '1']] }, /orderBooks\[1\]\.bids\[0\]\[0\] must be a positive decimal/],
    [{ ...ok, updateType: 'DIFF' }, /must be SNAPSHOT/],
    [{ ...ok, symbol: 'NOPE/USDT' }, /not found/],
  ];
  for (const [bad, message] of cases) {
    const r = await feeder.rpc('command.orderbook.save', { orderBooks: [ok, bad] });
    assert.match(r.error?.message ?? '', message);
  }
  assert.notEqual((await reader.ok('query.orderbook.get', { instrumentId: 'MOCK:ETH/USDT', depth: 1 })).bids[0][0], '3000', 'the good book of a refused push was not kept');
  const paper = await feeder.rpc('command.ticker.save', { tickers: [{ venue: 'PAPER', symbol: 'BTC/USDT', lastPrice: '1', timestamp: 1 }] });
  assert.equal(paper.error?.code, 19003);
  await assert.rejects(reader.rpc('command.ticker.save', { tickers: [] }), (e: { code: number }) => e.code === 103);
});

test('admin catalogue changes are announced on market:instrument:{VENUE} and market:security:{VENUE}', async () => {
  const instruments = await reader.subscribe('market:instrument:MOCK');
  const securities = await reader.subscribe('market:security:MOCK');
  await feeder.ok('command.instrument.disable', { instrumentId: 'MOCK:ETH/USDT' });
  const disabled = await instruments.waitFor((p) => p.type === 'event.instrument.updated' && p.data[0]?.status === 'DISABLED');
  assert.equal(disabled.data[0].instrumentId, 'MOCK:ETH/USDT');
  await feeder.ok('command.instrument.enable', { instrumentId: 'MOCK:ETH/USDT' });
  await instruments.waitFor((p) => p.data[0]?.instrumentId === 'MOCK:ETH/USDT' && p.data[0]?.status === 'ACTIVE');
  await feeder.ok('command.security.sync', { venue: 'MOCK' });
  const synced = await securities.waitFor((p) => p.type === 'event.security.updated');
  assert.ok(synced.data.some((s: { securityId: string }) => s.securityId === 'MOCK:BTC'));
});

test('an externally fed venue carries what its feeder pushes for the instruments an admin saved, and takes no order', async () => {
  assert.ok((await xReader.ok('query.venue.list', {})).includes('IBKR'));
  const AAPL = 'IBKR:AAPL/USD';
  assert.equal((await xReader.rpc('query.orderbook.get', { instrumentId: AAPL, depth: 5 })).error?.code, 15001, 'no instrument before an admin saves it');
  await xFeeder.ok('command.instrument.save', { instruments: [{ venue: 'IBKR', symbol: 'AAPL/USD', pipSize: '0.01', lotSize: '1', minQuantity: '1', maxQuantity: '100000', minNotional: '1', fee: '0' }] });
  assert.equal((await xReader.rpc('query.orderbook.get', { instrumentId: AAPL, depth: 5 })).error?.code, 15003, 'no book before the feeder pushes one');

  const tickers = await xReader.subscribe('market:ticker:IBKR:AAPL/USD');
  const now = Date.now();
  await xFeeder.ok('command.ticker.save', { tickers: [{ venue: 'IBKR', symbol: 'AAPL/USD', lastPrice: '231.45', bidPrice: '231.44', askPrice: '231.46', timestamp: now }] });
  assert.equal((await tickers.waitFor((p) => p.lastPrice === '231.45')).instrumentId, AAPL);
  await xFeeder.ok('command.orderbook.save', { orderBooks: [{ updateType: 'SNAPSHOT', venue: 'IBKR', symbol: 'AAPL/USD', orderBookType: 'L2', columns: ['price', 'quantity'], bids: [['231.44', '300']], asks: [['231.46', '200']], timestamp: now }] });
  assert.deepEqual((await xReader.ok('query.orderbook.get', { instrumentId: AAPL, depth: 5 })).asks, [['231.46', '200']]);
  const day = 86_400_000;
  const t0 = Math.floor(now / day) * day - day;
  const candles = [[t0, '229.10', '232.00', '228.80', '231.20', '51234567'], [t0 + day, '231.20', '231.90', '230.50', '231.45', null]];
  await xFeeder.ok('command.kline.save', { klines: [{ venue: 'IBKR', symbol: 'AAPL/USD', interval: '1d', candles, isClosed: false, timestamp: now }] });
  assert.deepEqual((await xReader.ok('query.kline.list', { instrumentIds: [AAPL], interval: '1d' }))[0].candles, candles);

  // Market data only: an order for it, funded, is rejected by the venue with the reason and locks nothing.
  const account = await xReader.ok('command.trading_account.create', { tradingAccount: { venue: 'IBKR', nickname: 'ibkr' } });
  await xFeeder.ok('command.portfolio.save', { portfolio: { tradingAccountId: account.tradingAccountId, balances: [{ securitySymbol: 'USD', free: '1000' }] } });
  const order = await xReader.ok('command.trade_order.submit', { tradingAccountId: account.tradingAccountId, tradeOrder: { instrumentId: AAPL, orderSide: 'BUY', orderType: 'LIMIT', timeInForce: 'GTC', quantity: '1', limitPrice: '230.00' } });
  assert.equal(order.status, 'REJECTED');
  assert.match(order.rejectReason ?? '', /orders cannot be placed/);
  const usd = (await xReader.ok('query.portfolio.list', { tradingAccountId: account.tradingAccountId }))[0].balances.find((b: { securitySymbol: string }) => b.securitySymbol === 'USD');
  assert.equal(usd.free, '1000');
});
