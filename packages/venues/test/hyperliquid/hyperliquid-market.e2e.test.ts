/**
 * The Hyperliquid connector's market side against the fake Hyperliquid: the catalogue (perpetuals and spot, tick and
 * lot rules), `l2Book` snapshots published equal to the venue's book, a stale snapshot ignored, a dropped socket
 * (feed DOWN, book withheld, then UP with the next snapshot), trades and candles, a refused subscribe retried.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHyperliquidVenue } from '@cadenza/venues/hyperliquid';
import { startFakeHyperliquidServer } from '@cadenza/testkit/venue-fakes/hyperliquid';
import { bookKey, harness, isUncrossed } from '@cadenza/testkit/venue-fakes/shared';

const fake = await startFakeHyperliquidServer();
fake.setBook('BTC', { bids: [['64000', '1'], ['63990', '2']], asks: [['64010', '1'], ['64020', '2']] });
const h = harness((deps) => createHyperliquidVenue(deps, { venueId: 'HYPERLIQUID', restBaseUrl: fake.restBaseUrl, wsBaseUrl: fake.wsBaseUrl, reconnectDelayMs: { min: 20, max: 200 }, snapshotTimeoutMs: 100 }));
after(async () => {
  await h.venue.stop();
  await fake.close();
});
const truth = () => bookKey(fake.book('BTC').view(20));

test('catalogue: perpetuals by coin (USDC-settled, tick at the mark price) and spot pairs as BASE/QUOTE', async () => {
  const list = await h.venue.listInstruments();
  const btc = list.find((i) => i.symbol === 'BTC')!;
  assert.deepEqual([btc.instrumentId, btc.instrumentType, btc.externalSymbol, btc.contract?.settleAsset, btc.contract?.contractSize, btc.contract?.maxLeverage], ['HYPERLIQUID:BTC', 'PERPETUAL', 'BTC', 'USDC', '1', 40]);
  assert.deepEqual([btc.lotSize, btc.tickSize, btc.minNotional], ['0.00001', '1', '10'], '5 size decimals; 5 significant figures at 64,000 is a tick of 1');
  assert.equal(list.find((i) => i.symbol === 'ETH')!.tickSize, '0.1', '5 significant figures at 3,200');
  const purr = list.find((i) => i.symbol === 'PURR/USDC')!;
  assert.deepEqual([purr.instrumentType, purr.externalSymbol, purr.lotSize, purr.tickSize], [undefined, 'PURR/USDC', '1', '0.00001']);
});

test('books are the venue snapshots, never crossed; a stale snapshot is ignored', async () => {
  await h.venue.subscribeMarket({ kind: 'orderbook', symbol: 'BTC' });
  await h.until(() => h.rec.books.some((b) => bookKey(b) === truth()), 'the first snapshot');
  fake.pushBook('BTC', { bids: [['64005', '0.5']] });
  await h.until(() => bookKey(h.venue.getBook('BTC', 20)!) === truth(), 'the next snapshot');
  const before = bookKey(h.venue.getBook('BTC', 20)!);
  fake.queueStaleBook('BTC');
  fake.pushBook('BTC', { asks: [['64010', '3']] });
  await h.until(() => bookKey(h.venue.getBook('BTC', 20)!) === truth(), 'the snapshot after the stale one');
  assert.notEqual(before, truth());
  assert.equal(h.venue.feeds.staleSnapshots('BTC'), 1, 'the older snapshot was not applied');
  assert.ok(h.rec.books.every(isUncrossed));
});

test('a dropped socket withholds the book (feed DOWN) until the next snapshot (UP)', async () => {
  const downs = h.rec.feedStatus.length;
  fake.dropSockets();
  await h.until(() => h.rec.feedStatus.slice(downs).some((s) => s.status === 'DOWN'), 'the feed down');
  await h.until(() => h.rec.feedStatus.slice(downs).some((s) => s.status === 'UP'), 'the feed up again');
  fake.pushBook('BTC', { bids: [['64006', '1']] });
  await h.until(() => bookKey(h.venue.getBook('BTC', 20)!) === truth(), 'the book after the drop');
});

test('a book the stream does not send is fetched over REST (info l2Book), and the stream takes over', async () => {
  fake.setBook('ETH', { bids: [['3200', '5']], asks: [['3201', '4']] });
  fake.silenceBookStream('ETH');
  const calls = fake.calls.length;
  await h.venue.subscribeMarket({ kind: 'orderbook', symbol: 'ETH' });
  const eth = () => bookKey(fake.book('ETH').view(20));
  await h.until(() => h.venue.getBook('ETH', 20) && bookKey(h.venue.getBook('ETH', 20)!) === eth(), 'the fetched book');
  assert.ok(fake.calls.slice(calls).some((c) => c.path === '/info' && c.body.type === 'l2Book' && c.body.coin === 'ETH'));
  fake.silenceBookStream('ETH', false);
  fake.pushBook('ETH', { bids: [['3200.5', '1']] });
  await h.until(() => bookKey(h.venue.getBook('ETH', 20)!) === eth(), 'the streamed book');
});

test('trades and candles', async () => {
  await h.venue.subscribeMarket({ kind: 'trade', symbol: 'BTC' });
  await h.until(() => fake.subscriptions().includes('trades:BTC'), 'the trades subscription');
  fake.pushTrade('BTC', { px: '64010.0', sz: '0.25', side: 'B' });
  const t = await h.until(() => h.rec.trades.find((x) => x.symbol === 'BTC'), 'a trade');
  assert.deepEqual([t.price, t.quantity, t.side], ['64010', '0.25', 'BUY']);
  const minute = Math.floor(Date.now() / 60_000) * 60_000;
  fake.pushCandle('BTC', '1m', { t: minute - 60_000, o: '63990.0', h: '64020.0', l: '63980.0', c: '64000.0', v: '3.5' });
  fake.pushCandle('BTC', '1m', { t: minute, o: '64000.0', h: '64010.0', l: '63995.0', c: '64005.0', v: '1.0' });
  const bars = await h.venue.getKlines('BTC', '1m', 5);
  assert.deepEqual(bars.map((b) => [b.candle.open, b.candle.close, b.isClosed]), [['63990', '64000', true], ['64000', '64005', false]]);
  await assert.rejects(h.venue.getKlines('BTC', '7m', 5));
});

test('a subscribe Hyperliquid refuses (an error naming it) is reported DOWN and sent again with back-off until taken; then the channel works', async () => {
  const trade = { kind: 'trade' as const, symbol: 'BTC' };
  await h.venue.unsubscribeMarket(trade);
  await h.until(() => !fake.subscriptions().includes('trades:BTC'), 'the trades subscription gone');
  const refusedBefore = fake.refusedSubscribes;
  const warningsBefore = h.rec.warnings.length;
  const statusBefore = h.rec.feedStatus.length;
  fake.refuseSubscribes(2);
  await h.venue.subscribeMarket(trade);
  await h.until(() => fake.subscriptions().includes('trades:BTC'), 'the trades subscription after two refusals');
  assert.equal(fake.refusedSubscribes - refusedBefore, 2, 'both refused frames were sent again');
  const statuses = h.rec.feedStatus.slice(statusBefore);
  assert.match(statuses.find((s) => s.status === 'DOWN')?.reason ?? '', /subscription refused: Invalid subscription/);
  await h.until(() => h.rec.feedStatus.slice(statusBefore).at(-1)?.status === 'UP', 'UP once Hyperliquid took it');
  assert.equal(bookKey(h.venue.getBook('BTC', 20)!), truth(), 'the book, in sync, was never let go');
  const refusals = h.rec.warnings.slice(warningsBefore).filter((w) => /refused a channel/.test(w.msg ?? ''));
  assert.equal(refusals.length, 1, 'one warning for the outage, not one per refusal');
  fake.pushTrade('BTC', { px: '64020.0', sz: '0.5', side: 'A' });
  await h.until(() => h.rec.trades.find((t) => t.symbol === 'BTC' && t.price === '64020'), 'a trade on the channel');
});

test('a subscribe refused by an error that names none (the subscription cap) is the one left unanswered: DOWN, sent again with back-off, UP once there is room', async () => {
  const candle = { kind: 'kline' as const, symbol: 'BTC', interval: '5m' };
  const refusedBefore = fake.refusedSubscribes;
  const statusBefore = h.rec.feedStatus.length;
  const warningsBefore = h.rec.warnings.length;
  fake.subscriptionLimit = fake.subscriptions().length;
  await h.venue.subscribeMarket(candle);
  await h.until(() => fake.refusedSubscribes - refusedBefore >= 2, 'refused, and sent again after the back-off');
  assert.match(h.rec.feedStatus.slice(statusBefore).find((s) => s.status === 'DOWN')?.reason ?? '', /subscription refused: Cannot subscribe to more than \d+ channels/);
  assert.equal(h.rec.warnings.slice(warningsBefore).filter((w) => /without naming it/.test(w.msg ?? '')).length, 0, 'matched to its subscribe, not just logged');
  fake.subscriptionLimit = Number.POSITIVE_INFINITY;
  await h.until(() => fake.subscriptions().includes('candle:BTC:5m'), 'subscribed once there is room');
  await h.until(() => h.rec.feedStatus.slice(statusBefore).at(-1)?.status === 'UP', 'UP once Hyperliquid took it');
  assert.equal(bookKey(h.venue.getBook('BTC', 20)!), truth());
  await h.venue.unsubscribeMarket(candle);
});
