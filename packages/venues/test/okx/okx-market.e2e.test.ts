/**
 * OKX market data against the local fake OKX: catalogue, books kept by the seqId chain from a REST snapshot (with
 * buffering, gaps, duplicates, stale snapshots, checksums, dropped sockets), trades, tickers, candles, feeds stopped
 * when unused. Every book the connector publishes must be a state the fake's book was really in, and never crossed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createOkxVenue, type OkxVenue } from '@cadenza/venues/okx';
import { startFakeOkxServer, type FakeOkxServer } from '@cadenza/testkit/venue-fakes/okx';
import { bookKey, harness, isUncrossed, type Harness } from '@cadenza/testkit/venue-fakes/shared';

let fake: FakeOkxServer;
let h: Harness<OkxVenue>;
const BOOK = { instrumentId: 'OKX:BTC/USDT', venue: 'OKX', symbol: 'BTC/USDT' };
const key = { kind: 'orderbook' as const, symbol: 'BTC/USDT' };

before(async () => {
  fake = await startFakeOkxServer({ instruments: [{ instId: 'BTC-USDT', base: 'BTC', quote: 'USDT', tickSz: '0.1', lotSz: '0.00000001', minSz: '0.00001' }, { instId: 'ETH-USDT', base: 'ETH', quote: 'USDT', tickSz: '0.01', lotSz: '0.000001', minSz: '0.001', state: 'suspend' }] });
  fake.setBook('BTC-USDT', { bids: [['64000.0', '1.5'], ['63999.5', '2']], asks: [['64000.5', '0.7'], ['64001.0', '3']] });
  h = harness((deps) => createOkxVenue(deps, { venueId: 'OKX', restBaseUrl: fake.restBaseUrl, wsBaseUrl: fake.wsBaseUrl, reconnectDelayMs: { min: 20, max: 200 }, snapshotRetryDelayMs: 20 }));
  await h.venue.start();
});

after(async () => {
  await h.venue.stop();
  await fake.close();
});

/** The connector's book equals the fake's current truth (top 20). */
function matchesTruth(): boolean {
  const b = h.venue.getBook('BTC/USDT', 20);
  return b !== undefined && bookKey(b) === bookKey(fake.book('BTC-USDT').view(20));
}

/** Every published book was a real state of the fake's book, and none was crossed. */
function assertPublishedTruthful(): void {
  const truths = fake.truths.get('BTC-USDT')!;
  for (const b of h.rec.books) {
    assert.ok(isUncrossed(b), `crossed book published: ${bookKey(b)}`);
    assert.ok(truths.has(bookKey(b)), `published a book OKX never had: ${bookKey(b)}`);
  }
}

describe('OKX market data', () => {
  test('the catalogue maps tick, lot and minimum size; suspended pairs are DISABLED', async () => {
    assert.equal(fake.socketCount(), 0, 'nothing connects at start');
    const list = await h.venue.listInstruments();
    const btc = list.find((i) => i.symbol === 'BTC/USDT')!;
    assert.deepEqual(
      { id: btc.instrumentId, ext: btc.externalSymbol, tick: btc.tickSize, lot: btc.lotSize, min: btc.minQuantity, status: btc.status, base: btc.basePrecision },
      { id: 'OKX:BTC/USDT', ext: 'BTC-USDT', tick: '0.1', lot: '0.00000001', min: '0.00001', status: 'ACTIVE', base: 8 },
    );
    assert.equal(list.find((i) => i.symbol === 'ETH/USDT')!.status, 'DISABLED');
  });

  test('book: updates pushed while the REST snapshot is awaited are buffered and applied in chain', async () => {
    fake.snapshotDelayMs = 150;
    await h.venue.subscribeMarket(key);
    await h.until(() => fake.subscribedChannels().includes('books:BTC-USDT'), 'books subscribed');
    fake.pushBook('BTC-USDT', { bids: [['64000.0', '1.25']] });
    fake.pushBook('BTC-USDT', { asks: [['64000.3', '0.4']] });
    await h.until(matchesTruth, 'the book synced with the buffered updates applied');
    fake.snapshotDelayMs = 0;
    assert.deepEqual(h.venue.getBook('BTC/USDT', 1), { ...BOOK, bids: [{ price: '64000', quantity: '1.25' }], asks: [{ price: '64000.3', quantity: '0.4' }], timestamp: h.venue.getBook('BTC/USDT', 1)!.timestamp });
    assert.ok(fake.requests.some((r) => r.path === '/api/v5/market/books' && r.query.get('sz') === '400'));
    assertPublishedTruthful();
  });

  test('book: a lost update breaks the seqId chain; the connector resnapshots and says DOWN then UP', async () => {
    const downs = h.rec.feedStatus.filter((s) => s.status === 'DOWN').length;
    const snapshots = fake.requests.filter((r) => r.path === '/api/v5/market/books').length;
    fake.queueBookFaults('drop');
    fake.pushBook('BTC-USDT', { bids: [['63999.9', '0.5']] });
    fake.pushBook('BTC-USDT', { asks: [['64000.2', '0.1']] });
    await h.until(matchesTruth, 'the book recovered after the gap');
    assert.ok(fake.requests.filter((r) => r.path === '/api/v5/market/books').length > snapshots, 'a new snapshot was fetched');
    assert.ok(h.rec.feedStatus.filter((s) => s.status === 'DOWN').length > downs, 'DOWN reported');
    assert.equal(h.rec.feedStatus.at(-1)!.status, 'UP');
    assertPublishedTruthful();
  });

  test('book: duplicated updates are ignored; a snapshot older than the buffer is fetched again', async () => {
    const snapshots = fake.requests.filter((r) => r.path === '/api/v5/market/books').length;
    fake.queueBookFaults('duplicate');
    fake.pushBook('BTC-USDT', { bids: [['63999.8', '0.3']] });
    fake.pushBook('BTC-USDT', { bids: [['63999.8', '0']] });
    await h.until(matchesTruth, 'the book after a duplicate');
    assert.equal(fake.requests.filter((r) => r.path === '/api/v5/market/books').length, snapshots, 'a duplicate is not a gap');
    fake.staleSnapshots = 1;
    fake.snapshotDelayMs = 60;
    fake.queueBookFaults('drop');
    fake.pushBook('BTC-USDT', { asks: [['64000.1', '0.2']] });
    fake.pushBook('BTC-USDT', { asks: [['64000.1', '0.25']] });
    fake.pushBook('BTC-USDT', { bids: [['63999.7', '0.9']] });
    await h.until(() => fake.requests.filter((r) => r.path === '/api/v5/market/books').length >= snapshots + 2 && matchesTruth(), 'a fresh snapshot after a stale one');
    fake.snapshotDelayMs = 0;
    assertPublishedTruthful();
  });

  test('book: where OKX sends checksums they are verified; a mismatch resnapshots', async () => {
    fake.sendChecksums = true;
    fake.pushBook('BTC-USDT', { bids: [['63999.6', '1']] });
    await h.until(matchesTruth, 'checksummed update applied');
    const snapshots = fake.requests.filter((r) => r.path === '/api/v5/market/books').length;
    fake.queueBookFaults('corrupt-checksum');
    fake.pushBook('BTC-USDT', { asks: [['64000.4', '2']] });
    await h.until(() => fake.requests.filter((r) => r.path === '/api/v5/market/books').length > snapshots && matchesTruth(), 'a resnapshot after the checksum mismatch');
    assert.ok(h.rec.warnings.some((w) => w.msg === 'OKX book checksum mismatch; resnapshotting'));
    fake.sendChecksums = false;
    assertPublishedTruthful();
  });

  test('book: a dropped socket reconnects, resubscribes and resynchronises', async () => {
    fake.disconnectPublic();
    await h.until(() => h.rec.feedStatus.at(-1)?.status === 'DOWN', 'DOWN after the drop');
    await h.until(() => fake.subscribedChannels().includes('books:BTC-USDT'), 'resubscribed');
    fake.pushBook('BTC-USDT', { bids: [['63999.5', '2.5']] });
    await h.until(() => matchesTruth() && h.rec.feedStatus.at(-1)?.status === 'UP', 'the book back after the reconnect');
    assertPublishedTruthful();
  });

  test('book: 300 pushes with random drops, duplicates and bad checksums (work-counted) only ever publish true, uncrossed books', async () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    fake.sendChecksums = true;
    for (let i = 0; i < 300; i++) {
      const r = rnd();
      if (r < 0.04) fake.queueBookFaults('drop');
      else if (r < 0.07) fake.queueBookFaults('duplicate');
      else if (r < 0.09) fake.queueBookFaults('corrupt-checksum');
      const bidTick = 639_900 + Math.floor(rnd() * 90);
      const askTick = 640_001 + Math.floor(rnd() * 90);
      const qty = rnd() < 0.3 ? '0' : (1 + Math.floor(rnd() * 50)).toString();
      fake.pushBook('BTC-USDT', rnd() < 0.5 ? { bids: [[(bidTick / 10).toFixed(1), qty]] } : { asks: [[(askTick / 10).toFixed(1), qty]] });
      if (i % 25 === 0) await new Promise((r) => setImmediate(r));
    }
    fake.pushBook('BTC-USDT', { bids: [['63990.0', '7']] });
    await h.until(matchesTruth, 'the final truth', 15_000);
    fake.sendChecksums = false;
    assertPublishedTruthful();
  });

  test('trades, tickers and candles reach the sink; klines come oldest first; feeds stop when unused', async () => {
    await h.venue.subscribeMarket({ kind: 'trade', symbol: 'BTC/USDT' });
    await h.venue.subscribeMarket({ kind: 'ticker', symbol: 'BTC/USDT' });
    await h.venue.subscribeMarket({ kind: 'kline', symbol: 'BTC/USDT', interval: '1m' });
    await h.until(() => ['trades:BTC-USDT', 'tickers:BTC-USDT', 'candle1m:BTC-USDT'].every((c) => fake.subscribedChannels().includes(c)), 'all channels');
    fake.pushTrade('BTC-USDT', { px: '64000.5', sz: '0.003', side: 'sell', tradeId: '987' });
    fake.pushTicker('BTC-USDT', { last: '64000.5', open24h: '64640.5' });
    const open = Math.floor(Date.now() / 60_000) * 60_000;
    fake.pushCandle('BTC-USDT', '1m', [String(open), '64000', '64010', '63990', '64005', '12.5', '0']);
    const trade = await h.until(() => h.rec.trades.find((t) => t.tradeId === '987'), 'the trade');
    assert.deepEqual({ p: trade.price, q: trade.quantity, s: trade.side }, { p: '64000.5', q: '0.003', s: 'SELL' });
    const ticker = await h.until(() => h.rec.tickers.at(-1), 'the ticker');
    assert.equal(ticker.priceChangePercent, '-0.99');
    const kline = await h.until(() => h.rec.klines.at(-1), 'the candle');
    assert.deepEqual({ o: kline.candle.open, c: kline.candle.close, closed: kline.isClosed, i: kline.interval }, { o: '64000', c: '64005', closed: false, i: '1m' });
    const bars = await h.venue.getKlines('BTC/USDT', '1m', 5);
    assert.equal(bars.length, 5);
    for (let i = 1; i < bars.length; i++) assert.ok(bars[i]!.candle.openTime > bars[i - 1]!.candle.openTime);
    assert.equal(bars.at(-1)!.candle.close, '64005', 'the live candle replaces the REST one');
    await assert.rejects(h.venue.getKlines('BTC/USDT', '7m', 5));

    await h.venue.unsubscribeMarket(key);
    await h.venue.unsubscribeMarket({ kind: 'trade', symbol: 'BTC/USDT' });
    await h.venue.unsubscribeMarket({ kind: 'ticker', symbol: 'BTC/USDT' });
    await h.until(() => fake.socketCount('/ws/v5/public') === 0, 'the public socket closed with its last channel');
    assert.equal(h.venue.getBook('BTC/USDT', 5), undefined);
    await h.venue.unsubscribeMarket({ kind: 'kline', symbol: 'BTC/USDT', interval: '1m' });
    await h.until(() => fake.socketCount() === 0, 'no socket left');
  });
  test('a subscribe OKX refuses (60014, too many requests) is reported DOWN and sent again with back-off until OKX takes it; then the symbol, its book in sync, is UP and the channel works', async () => {
    await h.venue.subscribeMarket(key);
    await h.until(() => matchesTruth(), 'the book in sync');
    const refusedBefore = fake.refusedSubscribes;
    const warningsBefore = h.rec.warnings.length;
    const statusBefore = h.rec.feedStatus.length;
    fake.refuseSubscribes(2);
    const trade = { kind: 'trade' as const, symbol: 'BTC/USDT' };
    await h.venue.subscribeMarket(trade);
    await h.until(() => fake.subscribedChannels().includes('trades:BTC-USDT'), 'the trade channel subscribed after two refusals');
    assert.equal(fake.refusedSubscribes - refusedBefore, 2, 'both refused frames were sent again');
    const statuses = h.rec.feedStatus.slice(statusBefore);
    assert.match(statuses.find((s) => s.status === 'DOWN')?.reason ?? '', /subscription refused: 60014 Requests too frequent/);
    await h.until(() => h.rec.feedStatus.slice(statusBefore).at(-1)?.status === 'UP', 'UP once OKX took it');
    assert.ok(matchesTruth(), 'the book was never let go');
    const refusals = h.rec.warnings.slice(warningsBefore).filter((w) => /refused a channel/.test(w.msg ?? ''));
    assert.equal(refusals.length, 1, 'one warning for the outage, not one per refusal');
    fake.pushTrade('BTC-USDT', { px: '64000.5', sz: '0.004', side: 'buy', tradeId: '990' });
    await h.until(() => h.rec.trades.find((t) => t.tradeId === '990'), 'a trade on the channel');
    await h.venue.unsubscribeMarket(trade);
    await h.venue.unsubscribeMarket(key);
    await h.until(() => fake.socketCount() === 0, 'no socket left');
  });
});
