/**
 * Deribit market data against the local fake Deribit: the catalogue (perpetuals, futures, options, inverse and
 * linear), books kept by the change_id / prev_change_id chain (snapshots, lost and repeated changes, dropped sockets),
 * trades, tickers with mark prices and greeks, chart bars, heartbeats, and credit limits. Every book the connector
 * publishes must be a state the fake's book was really in (in contracts), and never crossed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDeribitVenue, type DeribitVenue } from '@cadenza/venues/deribit';
import { VenueError } from '@cadenza/venues/kit';
import { startFakeDeribitServer, type FakeDeribitServer } from '@cadenza/testkit/venue-fakes/deribit';
import { bookKey, harness, isUncrossed, type Harness } from '@cadenza/testkit/venue-fakes/shared';

let fake: FakeDeribitServer;
let h: Harness<DeribitVenue>;
const PERP = 'BTC-PERPETUAL';
const key = { kind: 'orderbook' as const, symbol: PERP };
const EXPIRY = Date.UTC(2027, 5, 25, 8);

before(async () => {
  fake = await startFakeDeribitServer({
    instruments: [
      { name: PERP },
      { name: 'BTC-25JUN27', expiry: EXPIRY },
      { name: 'BTC-25JUN27-60000-C', expiry: EXPIRY, strike: '60000', optionType: 'call' },
      { name: 'ETH_USDC-PERPETUAL', contractSize: '0.001', tickSize: '0.05', minTradeAmount: '0.001' },
      { name: 'BTC-26JUN26', expiry: Date.UTC(2026, 5, 26, 8), state: 'settled' },
    ],
  });
  fake.setBook(PERP, { bids: [['64000', '5000'], ['63999.5', '20000']], asks: [['64000.5', '700'], ['64001', '30000']] });
  h = harness((deps) => createDeribitVenue(deps, { venueId: 'DERIBIT', url: fake.restBaseUrl, reconnectDelayMs: { min: 20, max: 200 } }));
  await h.venue.start();
});

after(async () => {
  await h.venue.stop();
  await fake.close();
});

/** The connector's book equals the fake's current truth (top 20, in contracts). */
function matchesTruth(): boolean {
  const b = h.venue.getBook(PERP, 20);
  if (!b) return false;
  const truth = fake.book(PERP).view(20);
  const contracts = (l: { price: string; quantity: string }) => ({ price: l.price, quantity: String(Number(l.quantity) / 10) });
  return bookKey(b) === bookKey({ bids: truth.bids.map(contracts), asks: truth.asks.map(contracts) });
}

function assertPublishedTruthful(): void {
  const truths = fake.truths.get(PERP)!;
  for (const b of h.rec.books) {
    assert.ok(isUncrossed(b), `crossed book published: ${bookKey(b)}`);
    assert.ok(truths.has(bookKey(b)), `published a book Deribit never had: ${bookKey(b)}`);
  }
}

const bookSubscribes = () => fake.calls.filter((c) => c.method === 'public/subscribe' && JSON.stringify(c.params.channels).includes(`book.${PERP}.`)).length;

describe('Deribit market data', () => {
  test('the catalogue: perpetuals, futures and options by Deribit name, quantities in contracts, settled ones delisted', async () => {
    assert.equal(fake.socketCount(), 0, 'nothing connects at start');
    const list = await h.venue.listInstruments();
    const perp = list.find((i) => i.symbol === PERP)!;
    assert.deepEqual(
      { id: perp.instrumentId, ext: perp.externalSymbol, base: perp.baseAsset, quote: perp.quoteAsset, tick: perp.tickSize, lot: perp.lotSize, min: perp.minQuantity, status: perp.status, taker: perp.takerFee },
      { id: 'DERIBIT:BTC-PERPETUAL', ext: PERP, base: 'BTC', quote: 'USD', tick: '0.5', lot: '1', min: '1', status: 'ACTIVE', taker: '0.0005' },
    );
    assert.match(perp.description ?? '', /perpetual, inverse, 10 USD per contract/);
    assert.equal(perp.instrumentType, 'PERPETUAL');
    assert.deepEqual(perp.contract, { contractSize: '10', settleAsset: 'BTC', underlying: 'btc_usd', inverse: true, maxLeverage: 50, fundingIntervalMs: 28_800_000 });
    const future = list.find((i) => i.symbol === 'BTC-25JUN27')!;
    assert.deepEqual([future.instrumentType, future.contract?.expiry, future.contract?.inverse], ['FUTURES', EXPIRY, true]);
    const option = list.find((i) => i.symbol === 'BTC-25JUN27-60000-C')!;
    assert.equal(option.lotSize, '0.1', 'options trade in coins: 0.1 BTC minimum, 1 BTC per contract');
    assert.match(option.description ?? '', /option, linear/);
    assert.equal(option.instrumentType, 'OPTION');
    assert.deepEqual({ ...option.contract }, { contractSize: '1', settleAsset: 'BTC', underlying: 'btc_usd', expiry: EXPIRY, strike: '60000', optionType: 'CALL' });
    const linear = list.find((i) => i.symbol === 'ETH_USDC-PERPETUAL')!;
    assert.deepEqual([linear.baseAsset, linear.quoteAsset, linear.lotSize, linear.tickSize], ['ETH', 'USDC', '1', '0.05']);
    assert.equal(list.find((i) => i.symbol === 'BTC-26JUN26')!.status, 'DELISTED');
    assert.ok(list.find((i) => i.symbol === 'BTC-25JUN27'));
    const asked = fake.calls.filter((c) => c.method === 'public/get_instruments').map((c) => c.params.currency);
    assert.deepEqual(asked, ['BTC', 'ETH', 'USDC']);
  });

  test('symbols are Deribit names; other shapes and unlisted names are refused before anything connects', async () => {
    await assert.rejects(h.venue.subscribeMarket({ kind: 'orderbook', symbol: 'BTC/USD' }), /not a DERIBIT symbol/);
    await assert.rejects(h.venue.subscribeMarket({ kind: 'orderbook', symbol: 'BTC-NOPE' }), /not a listed/);
    await assert.rejects(h.venue.subscribeMarket({ kind: 'kline', symbol: PERP, interval: '7m' }), /kline interval/);
    assert.equal(fake.socketCount(), 0);
  });

  test('book: the subscription snapshot, then changes chained by prev_change_id', async () => {
    await h.venue.subscribeMarket(key);
    await h.until(matchesTruth, 'the snapshot');
    assert.deepEqual(h.venue.getBook(PERP, 1)!.bids, [{ price: '64000', quantity: '500' }], '5000 USD = 500 contracts of 10 USD');
    fake.pushBook(PERP, { bids: [['64000', '2500']] });
    fake.pushBook(PERP, { asks: [['64000.5', '0'], ['64000.2', '40']] });
    await h.until(matchesTruth, 'the changes applied');
    assert.deepEqual(h.venue.getBook(PERP, 1)!.asks, [{ price: '64000.2', quantity: '4' }]);
    assert.deepEqual(h.rec.feedStatus, [], 'never DOWN');
    assertPublishedTruthful();
  });

  test('book: a lost change breaks the chain; the connector subscribes again, says DOWN, and is UP on the new snapshot', async () => {
    const downs = h.rec.feedStatus.filter((s) => s.status === 'DOWN').length;
    const subscribes = bookSubscribes();
    fake.queueBookFaults('drop');
    fake.pushBook(PERP, { bids: [['63999', '100']] });
    fake.pushBook(PERP, { asks: [['64002', '100']] });
    await h.until(() => bookSubscribes() > subscribes && matchesTruth(), 'resubscribed and resynchronised');
    assert.ok(h.rec.feedStatus.filter((s) => s.status === 'DOWN').length > downs, 'DOWN reported');
    assert.match(JSON.stringify(h.rec.feedStatus.filter((s) => s.status === 'DOWN').at(-1)), /prev_change_id/);
    assert.ok(fake.calls.some((c) => c.method === 'public/unsubscribe' && JSON.stringify(c.params.channels).includes(`book.${PERP}.`)), 'unsubscribed first');
    assert.equal(h.rec.feedStatus.at(-1)!.status, 'UP');
    assertPublishedTruthful();
  });

  test('book: a repeated change is ignored (no resubscription)', async () => {
    const subscribes = bookSubscribes();
    fake.queueBookFaults('duplicate');
    fake.pushBook(PERP, { bids: [['63998', '300']] });
    fake.pushBook(PERP, { bids: [['63997', '200']] });
    await h.until(matchesTruth, 'applied once');
    assert.equal(bookSubscribes(), subscribes);
    assertPublishedTruthful();
  });

  test('book: a dropped socket reconnects, asks for heartbeats again, resubscribes and resynchronises', async () => {
    const heartbeats = fake.calls.filter((c) => c.method === 'public/set_heartbeat').length;
    fake.disconnectPublic();
    await h.until(() => fake.calls.filter((c) => c.method === 'public/set_heartbeat').length > heartbeats && fake.subscribedChannels().includes(`book.${PERP}.100ms`), 'reconnected');
    fake.pushBook(PERP, { asks: [['64003', '50']] });
    await h.until(matchesTruth, 'resynchronised');
    assert.equal(h.rec.feedStatus.at(-1)!.status, 'UP');
    const tests = fake.testCalls;
    fake.sendTestRequests();
    await h.until(() => fake.testCalls > tests, 'the test_request answered with public/test');
    assertPublishedTruthful();
  });

  test('book: a venue restart — sockets cut and refused for a while, the book changed meanwhile — ends with the book as it is now', async () => {
    const refused = fake.refusedWhileDown;
    fake.goDown();
    await h.until(() => h.rec.feedStatus.at(-1)?.status === 'DOWN', 'DOWN while the venue is away');
    fake.pushBook(PERP, { bids: [['63999', '0'], ['63996', '900']], asks: [['64002', '0']] });
    await h.until(() => fake.refusedWhileDown > refused, 'a reconnection refused');
    assert.equal(h.venue.getBook(PERP, 5), undefined, 'no book is shown while it cannot be kept');
    fake.comeBack();
    await h.until(matchesTruth, 'the book as it is after the restart');
    assert.equal(h.rec.feedStatus.at(-1)!.status, 'UP');
    assertPublishedTruthful();
  });

  test('book: 300 changes with random losses and repeats (work-counted) only ever publish true, uncrossed books', async () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
    for (let i = 0; i < 300; i++) {
      const r = rand();
      if (r < 0.05) fake.queueBookFaults('drop');
      else if (r < 0.1) fake.queueBookFaults('duplicate');
      const bid = String(63_990 + Math.floor(rand() * 10));
      const ask = String(64_004 + Math.floor(rand() * 10));
      fake.pushBook(PERP, { bids: [[bid, rand() < 0.2 ? '0' : String(10 * (1 + Math.floor(rand() * 50)))]], asks: [[ask, rand() < 0.2 ? '0' : String(10 * (1 + Math.floor(rand() * 50)))]] });
      if (i % 25 === 0) await new Promise((r) => setImmediate(r));
    }
    fake.pushBook(PERP, { bids: [['63000', '10']] });
    await h.until(matchesTruth, 'the final state', 15_000);
    assertPublishedTruthful();
  });

  test('trades, tickers with mark price, funding, IV and greeks, and chart bars reach the sink', async () => {
    await h.venue.subscribeMarket({ kind: 'trade', symbol: PERP });
    await h.venue.subscribeMarket({ kind: 'ticker', symbol: PERP });
    await h.venue.subscribeMarket({ kind: 'ticker', symbol: 'BTC-25JUN27-60000-C' });
    await h.venue.subscribeMarket({ kind: 'kline', symbol: PERP, interval: '1m' });
    await h.until(() => ['trades', 'ticker', 'chart'].every((p) => fake.subscribedChannels().some((c) => c.startsWith(`${p}.`))) && fake.subscribedChannels().includes('ticker.BTC-25JUN27-60000-C.100ms'), 'subscribed');
    fake.pushTrade(PERP, { price: '64000.5', amount: '1230', direction: 'sell' });
    const trade = await h.until(() => h.rec.trades.at(-1), 'a trade');
    assert.deepEqual({ price: trade.price, quantity: trade.quantity, side: trade.side, id: trade.instrumentId }, { price: '64000.5', quantity: '123', side: 'SELL', id: 'DERIBIT:BTC-PERPETUAL' });
    fake.pushTicker(PERP, { last: '64000.5', mark: '64001.25', index: '63998.1', funding: '0.00012' });
    const ticker = await h.until(() => h.rec.tickers.find((t) => t.symbol === PERP), 'a ticker');
    assert.equal(ticker.lastPrice, '64000.5');
    assert.equal(ticker.priceChangePercent, '0.72', 'stats.price_change of the documented example');
    const mark = await h.until(() => h.rec.marks.find((m) => m.symbol === PERP), 'a mark price on the sink');
    assert.deepEqual({ id: mark.instrumentId, mark: mark.markPrice, index: mark.indexPrice, funding: mark.fundingRate, oi: mark.openInterest }, { id: 'DERIBIT:BTC-PERPETUAL', mark: '64001.25', index: '63998.1', funding: '0.00012', oi: '502097590' });
    assert.deepEqual(h.venue.getMarkPrice(PERP), mark);
    fake.pushTicker('BTC-25JUN27-60000-C', { last: '0.0425', mark: '0.0431', index: '63998.1', markIv: '55.2', greeks: { delta: 0.31, gamma: 0.00002, vega: 80.5, theta: -25.1, rho: 10.2 } });
    const optionMark = await h.until(() => h.rec.marks.find((m) => m.symbol === 'BTC-25JUN27-60000-C'), 'an option mark');
    assert.deepEqual({ iv: optionMark.markIv, delta: optionMark.greeks?.delta, theta: optionMark.greeks?.theta }, { iv: '0.552', delta: '0.31', theta: '-25.1' });
    const open = Math.floor(Date.now() / 60_000) * 60_000;
    fake.pushChartBar(PERP, '1', { tick: open, open: '64000', high: '64010', low: '63990', close: '64005', volume: '1.25' });
    const bar = await h.until(() => h.rec.klines.at(-1), 'a bar');
    assert.deepEqual({ open: bar.candle.open, close: bar.candle.close, closed: bar.isClosed, t: bar.candle.openTime }, { open: '64000', close: '64005', closed: false, t: open });
    const bars = await h.venue.getKlines(PERP, '1m', 5);
    assert.equal(bars.length, 5);
    for (let i = 1; i < bars.length; i++) assert.ok(bars[i]!.candle.openTime > bars[i - 1]!.candle.openTime);
    assert.deepEqual(bars.at(-1)!.candle, bar.candle, 'the forming bar is the live one');
    assert.ok(bars.slice(0, -1).every((b) => b.isClosed));
  });

  test('feeds stop when unused: every channel unsubscribed, the socket closed', async () => {
    for (const k of [{ kind: 'trade' as const, symbol: PERP }, { kind: 'ticker' as const, symbol: PERP }, { kind: 'ticker' as const, symbol: 'BTC-25JUN27-60000-C' }, { kind: 'kline' as const, symbol: PERP, interval: '1m' }, key]) await h.venue.unsubscribeMarket(k);
    assert.equal(h.venue.getBook(PERP, 5), undefined);
    await h.until(() => fake.socketCount() === 0, 'the socket closed');
  });

  test('a subscribe Deribit refuses (10028 too_many_requests) is reported DOWN and sent again with back-off until taken; then the symbol, its book in sync, is UP', async () => {
    await h.venue.subscribeMarket(key);
    await h.until(() => matchesTruth(), 'the book in sync');
    const refusedBefore = fake.refusedSubscribes;
    const warningsBefore = h.rec.warnings.length;
    const statusBefore = h.rec.feedStatus.length;
    fake.refuseSubscribes(2);
    const trade = { kind: 'trade' as const, symbol: PERP };
    await h.venue.subscribeMarket(trade);
    await h.until(() => fake.subscribedChannels().some((c) => c.startsWith(`trades.${PERP}.`)), 'the trade channel after two refusals');
    assert.equal(fake.refusedSubscribes - refusedBefore, 2);
    assert.match(h.rec.feedStatus.slice(statusBefore).find((st) => st.status === 'DOWN')?.reason ?? '', /subscription refused: 10028 too_many_requests/);
    await h.until(() => h.rec.feedStatus.slice(statusBefore).at(-1)?.status === 'UP', 'UP once Deribit took it');
    assert.ok(matchesTruth(), 'the book was never let go');
    assert.equal(h.rec.warnings.slice(warningsBefore).filter((w) => /refused a channel/.test(w.msg ?? '')).length, 1, 'one warning for the outage');
    fake.pushTrade(PERP, { price: '64123.5', amount: '20', direction: 'buy' });
    await h.until(() => h.rec.trades.some((t) => t.price === '64123.5' && t.symbol === PERP), 'a trade on the channel');
    await h.venue.unsubscribeMarket(trade);
    await h.venue.unsubscribeMarket(key);
    await h.until(() => fake.socketCount() === 0, 'the socket closed');
  });

  test('rate limits: a too_many_requests answer is counted, reads wait out the back-off, and nothing is sent meanwhile', async () => {
    fake.limitNext(1);
    const before = h.venue.rateLimitStats();
    await assert.rejects(h.venue.getKlines(PERP, '1m', 3), (e: unknown) => e instanceof VenueError && e.kind === 'rate-limited');
    const sentAt = fake.calls.length;
    const bars = await h.venue.getKlines(PERP, '1m', 3);
    assert.equal(bars.length, 3);
    assert.equal(fake.calls.length, sentAt + 1, 'one request after the back-off, none during it');
    const after = h.venue.rateLimitStats();
    assert.equal(after.rateLimited, before.rateLimited + 1);
    assert.equal(after.throttled, before.throttled + 1, 'the read waited for the back-off');
    assert.equal(fake.rateLimitAnswers, 1);
  });
});
