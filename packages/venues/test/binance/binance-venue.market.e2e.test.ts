import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeBinanceServer, type FakeBinanceServer } from '@cadenza/testkit/venue-fakes/binance';
import { connectVenue, type Harness } from './venue-harness.ts';

const BOOK = { bids: [['64000.00', '1.5'], ['63999.50', '2']] as Array<[string, string]>, asks: [['64000.50', '0.7'], ['64001.00', '3']] as Array<[string, string]> };
const key = { kind: 'orderbook' as const, symbol: 'BTC/USDT' };

function sameBook(h: Harness, fake: FakeBinanceServer, want: { bids: Array<[string, string]>; asks: Array<[string, string]> }) {
  const b = h.venue.getBook('BTC/USDT', 20);
  if (!b) return false;
  const norm = (levels: Array<[string, string]>) => levels.map(([p, q]) => ({ price: String(Number(p)), quantity: String(Number(q)) }));
  const got = (levels: Array<{ price: string; quantity: string }>) => levels.map((l) => ({ price: l.price, quantity: l.quantity }));
  void fake;
  try {
    assert.deepEqual(got(b.bids), norm(want.bids));
    assert.deepEqual(got(b.asks), norm(want.asks));
    return true;
  } catch {
    return false;
  }
}

describe('BinanceVenue market data against the fake Binance', () => {
  let fake: FakeBinanceServer;
  before(async () => {
    fake = await startFakeBinanceServer({ pingIntervalMs: 50 });
  });
  after(async () => {
    await fake.close();
  });

  test('nothing connects at start; the order book syncs from snapshot + diffs on demand', async () => {
    fake.setBook('BTCUSDT', BOOK);
    const h = connectVenue(fake);
    await h.venue.start();
    assert.equal(fake.streamConnectionCount(), 0);
    assert.equal(h.venue.getBook('BTC/USDT', 10), undefined);
    await h.venue.subscribeMarket(key);
    await h.until(() => fake.streamConnectionCount() === 1 && fake.subscribedStreams().includes('btcusdt@depth@100ms'), 'depth subscription');
    fake.pushDepth('BTCUSDT', { bids: [['64000.00', '1.25']] });
    await h.until(() => sameBook(h, fake, { bids: [['64000.00', '1.25'], ['63999.50', '2']], asks: BOOK.asks }), 'synced book');
    const snap = h.venue.getBook('BTC/USDT', 1)!;
    assert.equal(snap.instrumentId, 'BINANCE:BTC/USDT');
    assert.equal(snap.bids.length, 1);
    assert.ok(fake.requests.some((r) => r.path === '/api/v3/depth' && r.params.get('limit') === '5000'));
    fake.pushDepth('BTCUSDT', { asks: [['64000.50', '0'], ['64000.25', '0.1']] });
    await h.until(() => sameBook(h, fake, { bids: [['64000.00', '1.25'], ['63999.50', '2']], asks: [['64000.25', '0.1'], ['64001.00', '3']] }), 'diff applied');
    await h.until(() => fake.pongsReceived() > 0, 'pong to the server ping');
    await h.venue.unsubscribeMarket(key);
    await h.until(() => fake.streamConnectionCount() === 0, 'socket closed when nothing is subscribed');
    assert.equal(h.venue.getBook('BTC/USDT', 10), undefined);
    await h.venue.stop();
    await h.until(() => fake.streamConnectionCount() === 0, 'closed');
  });

  test('a dropped depth event is a gap: the book goes DOWN, resyncs from a new snapshot, comes back UP', async () => {
    fake.setBook('BTCUSDT', BOOK);
    const h = connectVenue(fake);
    await h.venue.subscribeMarket(key);
    await h.until(() => fake.streamConnectionCount() === 1 && fake.subscribedStreams().includes('btcusdt@depth@100ms'), 'subscription');
    fake.pushDepth('BTCUSDT', { bids: [['63999.00', '1']] });
    await h.until(() => h.venue.getBook('BTC/USDT', 20)?.bids.length === 3, 'initial sync');
    const snapshotsBefore = fake.requests.filter((r) => r.path === '/api/v3/depth').length;
    fake.queueDepthFaults('drop');
    fake.pushDepth('BTCUSDT', { bids: [['63998.00', '4']] }); // lost
    fake.pushDepth('BTCUSDT', { asks: [['64002.00', '5']] }); // reveals the gap
    await h.until(() => h.rec.feedStatus.some((s) => s.status === 'DOWN' && /gap/.test(s.reason ?? '')), 'DOWN on gap');
    fake.pushDepth('BTCUSDT', { asks: [['64003.00', '6']] });
    await h.until(
      () =>
        sameBook(h, fake, {
          bids: [['64000.00', '1.5'], ['63999.50', '2'], ['63999.00', '1'], ['63998.00', '4']],
          asks: [['64000.50', '0.7'], ['64001.00', '3'], ['64002.00', '5'], ['64003.00', '6']],
        }),
      'book recovered including the lost update',
    );
    assert.ok(fake.requests.filter((r) => r.path === '/api/v3/depth').length > snapshotsBefore);
    assert.equal(h.rec.feedStatus.at(-1)?.status, 'UP');
    await h.venue.stop();
    await h.until(() => fake.streamConnectionCount() === 0, 'closed');
  });

  test('duplicated and reordered depth events never corrupt the book', async () => {
    fake.setBook('BTCUSDT', BOOK);
    const h = connectVenue(fake);
    await h.venue.subscribeMarket(key);
    await h.until(() => fake.streamConnectionCount() === 1 && fake.subscribedStreams().includes('btcusdt@depth@100ms'), 'subscription');
    fake.pushDepth('BTCUSDT', {});
    await h.until(() => h.venue.getBook('BTC/USDT', 20) !== undefined, 'initial sync');
    fake.queueDepthFaults('duplicate', 'hold');
    fake.pushDepth('BTCUSDT', { bids: [['64000.00', '9']] }); // sent twice
    fake.pushDepth('BTCUSDT', { bids: [['64000.00', '8']] }); // held …
    fake.pushDepth('BTCUSDT', { bids: [['64000.00', '7']] }); // … and sent after this one
    fake.pushDepth('BTCUSDT', { asks: [['64001.00', '2']] });
    await h.until(() => sameBook(h, fake, { bids: [['64000.00', '7'], ['63999.50', '2']], asks: [['64000.50', '0.7'], ['64001.00', '2']] }), 'consistent book');
    await h.venue.stop();
    await h.until(() => fake.streamConnectionCount() === 0, 'closed');
  });

  test('a dropped socket reconnects with its streams and resyncs; live SUBSCRIBE adds streams on the same socket', async () => {
    fake.setBook('BTCUSDT', BOOK);
    const h = connectVenue(fake);
    await h.venue.subscribeMarket(key);
    await h.until(() => fake.streamConnectionCount() === 1 && fake.subscribedStreams().includes('btcusdt@depth@100ms'), 'subscription');
    await h.venue.subscribeMarket({ kind: 'trade', symbol: 'BTC/USDT' });
    await h.venue.subscribeMarket({ kind: 'ticker', symbol: 'BTC/USDT' });
    await h.venue.subscribeMarket({ kind: 'kline', symbol: 'BTC/USDT', interval: '1m' });
    await h.until(() => fake.subscribedStreams().length === 4, 'all four streams');
    assert.equal(fake.streamConnectionCount(), 1);
    fake.pushTrade('BTCUSDT', { price: '64000.10', qty: '0.01000000', buyerMaker: false, id: 42 });
    fake.pushTicker('BTCUSDT', { c: '64000.10000000', P: '-1.25' });
    fake.pushKline('BTCUSDT', '1m', { o: '63990.00', c: '64000.10', h: '64010.00', l: '63980.00', v: '12.5', x: true });
    await h.until(() => h.rec.trades.length > 0 && h.rec.tickers.length > 0 && h.rec.klines.length > 0, 'trade, ticker and kline');
    assert.deepEqual(
      { side: h.rec.trades[0]!.side, price: h.rec.trades[0]!.price, quantity: h.rec.trades[0]!.quantity, tradeId: h.rec.trades[0]!.tradeId },
      { side: 'BUY', price: '64000.1', quantity: '0.01', tradeId: '42' },
    );
    assert.equal(h.venue.getTicker('BTC/USDT')?.priceChangePercent, '-1.25');
    assert.equal(h.rec.klines[0]!.isClosed, true);

    fake.pushDepth('BTCUSDT', {});
    await h.until(() => h.venue.getBook('BTC/USDT', 5) !== undefined, 'sync');
    fake.disconnectStreams();
    await h.until(() => h.rec.feedStatus.some((s) => s.status === 'DOWN'), 'DOWN after disconnect');
    assert.equal(h.venue.getBook('BTC/USDT', 5), undefined);
    await h.until(() => fake.streamConnectionCount() === 1 && fake.subscribedStreams().length === 4, 'reconnected with all streams');
    fake.pushDepth('BTCUSDT', { bids: [['63990.00', '1']] });
    await h.until(() => h.venue.getBook('BTC/USDT', 5)?.bids.some((l) => l.price === '63990'), 'resynced after reconnect');
    await h.venue.unsubscribeMarket({ kind: 'trade', symbol: 'BTC/USDT' });
    await h.until(() => !fake.subscribedStreams().includes('btcusdt@trade'), 'live UNSUBSCRIBE');
    await h.venue.stop();
    await h.until(() => fake.streamConnectionCount() === 0, 'closed on stop');
  });

  test('the connection is replaced before its age limit without a DOWN', async () => {
    fake.setBook('BTCUSDT', BOOK);
    const h = connectVenue(fake, { maxConnectionAgeMs: 300 });
    await h.venue.subscribeMarket(key);
    await h.until(() => fake.streamConnectionCount() === 1 && fake.subscribedStreams().includes('btcusdt@depth@100ms'), 'subscription');
    fake.pushDepth('BTCUSDT', {});
    await h.until(() => h.venue.getBook('BTC/USDT', 5) !== undefined, 'sync');
    const depthRequests = () => fake.requests.filter((r) => r.path === '/api/v3/depth').length;
    const before = depthRequests();
    const opened = fake.streamConnectionsOpened;
    await h.until(() => fake.streamConnectionsOpened >= opened + 2 && fake.streamConnectionCount() === 1, 'two rotations');
    fake.pushDepth('BTCUSDT', { bids: [['63000.00', '1']] });
    await h.until(() => h.venue.getBook('BTC/USDT', 5)?.bids.some((l) => l.price === '63000'), 'book continues on the new socket');
    assert.equal(fake.streamConnectionCount(), 1);
    assert.deepEqual(h.rec.feedStatus.filter((s) => s.status === 'DOWN'), []);
    assert.equal(depthRequests(), before, 'no resync needed when nothing was missed');
    await h.venue.stop();
    await h.until(() => fake.streamConnectionCount() === 0, 'closed');
  });

  test('a snapshot behind the buffered events is fetched again (REST lagging the stream)', async () => {
    fake.setBook('BTCUSDT', BOOK);
    const h = connectVenue(fake);
    await h.venue.subscribeMarket(key);
    await h.until(() => fake.streamConnectionCount() === 1 && fake.subscribedStreams().includes('btcusdt@depth@100ms'), 'subscription');
    await h.until(() => sameBook(h, fake, BOOK), 'in sync from the snapshot taken when the stream ran');
    const before = fake.requests.filter((r) => r.path === '/api/v3/depth').length;
    fake.staleSnapshots = 2;
    fake.queueDepthFaults('drop'); // a gap: the book resynchronises from a snapshot, which lags twice
    fake.pushDepth('BTCUSDT', { bids: [['63500.00', '1']] });
    fake.pushDepth('BTCUSDT', { bids: [['63000.00', '1']] });
    await h.until(() => h.venue.getBook('BTC/USDT', 5)?.bids.some((l) => l.price === '63000'), 'synced on the third snapshot');
    assert.equal(fake.requests.filter((r) => r.path === '/api/v3/depth').length - before, 3);
    await h.venue.stop();
    await h.until(() => fake.streamConnectionCount() === 0, 'closed');
  });

  test('serverShutdown moves the streams to a new socket without a DOWN', async () => {
    fake.setBook('BTCUSDT', BOOK);
    const h = connectVenue(fake);
    await h.venue.subscribeMarket({ kind: 'trade', symbol: 'BTC/USDT' });
    await h.until(() => fake.streamConnectionCount() === 1 && fake.subscribedStreams().includes('btcusdt@trade'), 'subscription');
    const opened = fake.streamConnectionsOpened;
    fake.announceShutdown();
    await h.until(() => fake.streamConnectionsOpened === opened + 1 && fake.streamConnectionCount() === 1, 'moved to a new socket');
    fake.pushTrade('BTCUSDT', { price: '1.00', qty: '1.00', buyerMaker: false });
    await h.until(() => h.rec.trades.length === 1, 'trades on the new socket');
    assert.deepEqual(h.rec.feedStatus, []);
    await h.venue.stop();
    await h.until(() => fake.streamConnectionCount() === 0, 'closed');
  });

  test('many subscriptions in a burst stay under 5 control messages per second on one socket', async () => {
    const h = connectVenue(fake);
    await h.venue.subscribeMarket({ kind: 'trade', symbol: 'BTC/USDT' });
    await h.until(() => fake.streamConnectionCount() === 1, 'connected');
    const intervals = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d'];
    for (const interval of intervals) await h.venue.subscribeMarket({ kind: 'kline', symbol: 'BTC/USDT', interval });
    await h.venue.subscribeMarket({ kind: 'ticker', symbol: 'BTC/USDT' });
    await h.venue.unsubscribeMarket({ kind: 'kline', symbol: 'BTC/USDT', interval: '1d' });
    await h.until(() => fake.subscribedStreams().length === 1 + intervals.length - 1 + 1, 'all streams subscribed');
    assert.equal(fake.streamConnectionCount(), 1);
    assert.deepEqual(h.rec.feedStatus, []);
    await h.venue.stop();
    await h.until(() => fake.streamConnectionCount() === 0, 'closed');
  });

  test('streams beyond the per-socket limit go to further sockets; each socket reconnects with its own streams', async () => {
    const h = connectVenue(fake, { maxStreamsPerConnection: 3 });
    const intervals = ['1m', '3m', '5m', '15m', '30m', '1h', '2h'];
    for (const interval of intervals) await h.venue.subscribeMarket({ kind: 'kline', symbol: 'BTC/USDT', interval });
    await h.until(() => fake.streamConnectionCount() === 3 && fake.subscribedStreams().length === 7, 'three sockets for seven streams');
    assert.equal(h.venue.marketFeeds.socketCount, 3);
    for (const interval of ['1m', '3m', '5m']) await h.venue.unsubscribeMarket({ kind: 'kline', symbol: 'BTC/USDT', interval });
    await h.until(() => fake.streamConnectionCount() === 2, 'the emptied socket closed');
    fake.disconnectStreams();
    await h.until(() => fake.streamConnectionCount() === 2 && fake.subscribedStreams().length === 4, 'both sockets back with their streams');
    await h.venue.stop();
    await h.until(() => fake.streamConnectionCount() === 0, 'closed');
  });

  test('a quiet book (no depth event at all) is there once its stream runs; a SUBSCRIBE Binance refuses is sent again with back-off until taken', async () => {
    fake.setBook('BTCUSDT', BOOK);
    const h = connectVenue(fake);
    await h.venue.subscribeMarket({ kind: 'trade', symbol: 'BTC/USDT' });
    await h.until(() => fake.subscribedStreams().includes('btcusdt@trade'), 'the trade stream, named in the socket URL');
    const refusedBefore = fake.refusedSubscribes;
    fake.refuseSubscribes(2);
    await h.venue.subscribeMarket(key);
    await h.until(() => fake.subscribedStreams().includes('btcusdt@depth@100ms'), 'the depth stream, after two refused SUBSCRIBEs');
    assert.equal(fake.refusedSubscribes - refusedBefore, 2);
    assert.match(h.rec.feedStatus.find((s) => s.status === 'DOWN')?.reason ?? '', /subscription refused: 2 Invalid request/);
    assert.equal(h.rec.warnings.filter((w) => /refused a channel/.test(w.msg ?? '')).length, 1, 'one warning for the outage');
    await h.until(() => sameBook(h, fake, BOOK), 'the book from its snapshot, with no depth event sent');
    assert.equal(h.rec.feedStatus.at(-1)?.status, 'UP');
    fake.pushDepth('BTCUSDT', { bids: [['64000.00', '1.1']] });
    await h.until(() => sameBook(h, fake, { bids: [['64000.00', '1.1'], ['63999.50', '2']], asks: BOOK.asks }), 'the first event continues the snapshot');

    // A stream refused beside a book in sync: the symbol is DOWN while it is refused, UP once Binance takes it.
    const statusBefore = h.rec.feedStatus.length;
    fake.refuseSubscribes(1);
    await h.venue.subscribeMarket({ kind: 'ticker', symbol: 'BTC/USDT' });
    await h.until(() => fake.subscribedStreams().includes('btcusdt@ticker'), 'the ticker stream, after a refused SUBSCRIBE');
    assert.match(h.rec.feedStatus.slice(statusBefore).find((s) => s.status === 'DOWN')?.reason ?? '', /subscription refused/);
    await h.until(() => h.rec.feedStatus.slice(statusBefore).at(-1)?.status === 'UP', 'UP once Binance took it');
    assert.ok(sameBook(h, fake, { bids: [['64000.00', '1.1'], ['63999.50', '2']], asks: BOOK.asks }), 'the book was never let go');
    await h.venue.stop();
    await h.until(() => fake.streamConnectionCount() === 0, 'closed');
  });

  test('exchangeInfo instruments and REST klines', async () => {
    const h = connectVenue(fake);
    const instruments = await h.venue.listInstruments();
    const btc = instruments.find((i) => i.instrumentId === 'BINANCE:BTC/USDT')!;
    assert.equal(btc.tickSize, '0.01');
    assert.equal(btc.lotSize, '0.00001');
    assert.equal(btc.minNotional, '5');
    const klines = await h.venue.getKlines('BTC/USDT', '1m', 3);
    assert.equal(klines.length, 3);
    assert.ok(klines[0]!.candle.openTime < klines[1]!.candle.openTime);
    await assert.rejects(h.venue.subscribeMarket({ kind: 'kline', symbol: 'BTC/USDT', interval: '7m' }), /interval/);
    const sandbox = connectVenue(fake, { venueId: 'BINANCE_SANDBOX' });
    assert.equal(sandbox.venue.id, 'BINANCE_SANDBOX');
    assert.ok((await sandbox.venue.listInstruments()).some((i) => i.instrumentId === 'BINANCE_SANDBOX:BTC/USDT' && i.venue === 'BINANCE_SANDBOX'));
    await sandbox.venue.stop();
    await assert.rejects(h.venue.subscribeMarket({ kind: 'trade', symbol: 'btc-usdt' }), /BASE\/QUOTE/);
    await h.venue.stop();
    await h.until(() => fake.streamConnectionCount() === 0, 'closed');
  });

  test('429 on the snapshot backs off for Retry-After and still syncs; usage headers are tracked', async () => {
    fake.setBook('BTCUSDT', BOOK);
    const h = connectVenue(fake);
    fake.failNext({ status: 429, retryAfterSeconds: 0 }, '/api/v3/depth');
    await h.venue.subscribeMarket(key);
    await h.until(() => fake.streamConnectionCount() === 1 && fake.subscribedStreams().includes('btcusdt@depth@100ms'), 'subscription');
    fake.pushDepth('BTCUSDT', {});
    await h.until(() => h.venue.getBook('BTC/USDT', 5) !== undefined, 'synced after the 429');
    assert.ok((h.venue.rest.usage()['used-weight-1m'] ?? 0) > 0);
    assert.ok(h.rec.warnings.some((w) => /rate limit/.test(w.msg ?? '')));
    await h.venue.stop();
    await h.until(() => fake.streamConnectionCount() === 0, 'closed');
  });
});

describe('BinanceVenue market socket liveness', () => {
  test('a socket that goes silent (no data, no ping) is replaced and the feed recovers', async () => {
    const quiet = await startFakeBinanceServer({ pingIntervalMs: 60_000 });
    try {
      quiet.setBook('BTCUSDT', BOOK);
      const h = connectVenue(quiet, { idleTimeoutMs: 150 });
      await h.venue.subscribeMarket({ kind: 'trade', symbol: 'BTC/USDT' });
      await h.until(() => quiet.streamConnectionCount() === 1, 'connected');
      await h.until(() => h.rec.feedStatus.some((s) => s.status === 'DOWN'), 'DOWN after silence', 2000);
      await h.until(() => quiet.streamConnectionsOpened >= 2 && quiet.streamConnectionCount() === 1, 'a new socket');
      await h.until(() => h.rec.feedStatus.findIndex((s) => s.status === 'UP') > h.rec.feedStatus.findIndex((s) => s.status === 'DOWN'), 'UP again');
      // the new socket is silent too and will be cycled again, so keep trading until one gets through
      await h.until(() => {
        quiet.pushTrade('BTCUSDT', { price: '1.00', qty: '1.00', buyerMaker: true });
        return h.rec.trades.length > 0;
      }, 'trades flow on the new socket');
      await h.venue.stop();
    } finally {
      await quiet.close();
    }
  });
});
