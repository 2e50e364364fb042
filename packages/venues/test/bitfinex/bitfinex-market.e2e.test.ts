/**
 * Bitfinex market data against the local fake Bitfinex: catalogue (sizes, tick from the five-significant-digit rule,
 * TEST pairs only on BITFINEX_UAT), P0 books verified by CRC-32 checksums (conf 131072) and sequence numbers (65536) —
 * a lost message is caught by the sequence (reconnect) or, when silent, by the checksum (resubscribe) — dropped
 * sockets, info 20051, trades, tickers, candles, feeds stopped when unused. Every published book must be a state the
 * fake's book was really in, and never crossed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createBitfinexVenue, type BitfinexVenue } from '@cadenza/venues/bitfinex';
import { startFakeBitfinexServer, type FakeBitfinexServer } from '@cadenza/testkit/venue-fakes/bitfinex';
import { bookKey, harness, isUncrossed, type Harness } from '@cadenza/testkit/venue-fakes/shared';

let fake: FakeBitfinexServer;
let h: Harness<BitfinexVenue>;
const key = { kind: 'orderbook' as const, symbol: 'BTC/USD' };

before(async () => {
  fake = await startFakeBitfinexServer({
    pairs: [
      { pair: 'BTCUSD', base: 'BTC', quote: 'USD', minSize: '0.00004', maxSize: '2000', last: '64000' },
      { pair: 'ETHUST', base: 'ETH', quote: 'UST', minSize: '0.001', maxSize: '5000', last: '3150.5' },
      { pair: 'TESTBTC:TESTUSD', base: 'TESTBTC', quote: 'TESTUSD', minSize: '0.00006', maxSize: '100', last: '64000' },
    ],
  });
  fake.pushBook('tBTCUSD', { bids: [['64000', '1.5'], ['63999', '2']], asks: [['64001', '0.7'], ['64002', '3']] });
  h = harness((deps) => createBitfinexVenue(deps, { venueId: 'BITFINEX', restBaseUrl: fake.restBaseUrl, wsBaseUrl: fake.wsBaseUrl, reconnectDelayMs: { min: 20, max: 200 } }));
  await h.venue.start();
});

after(async () => {
  await h.venue.stop();
  await fake.close();
});

const matchesTruth = () => {
  const b = h.venue.getBook('BTC/USD', 20);
  return b !== undefined && bookKey(b) === bookKey(fake.book('tBTCUSD').view(20));
};

function assertPublishedTruthful(): void {
  const truths = fake.truths.get('tBTCUSD')!;
  for (const b of h.rec.books) {
    assert.ok(isUncrossed(b), `crossed book published: ${bookKey(b)}`);
    assert.ok(truths.has(bookKey(b)), `published a book Bitfinex never had: ${bookKey(b)}`);
  }
}

describe('Bitfinex market data', () => {
  test('the catalogue: sizes, a tick size from the last price, UST named USDT; TEST pairs belong to BITFINEX_UAT', async () => {
    assert.equal(fake.socketCount(), 0, 'nothing connects at start');
    const list = await h.venue.listInstruments();
    assert.deepEqual(list.map((i) => i.symbol).sort(), ['BTC/USD', 'ETH/USDT']);
    const btc = list.find((i) => i.symbol === 'BTC/USD')!;
    assert.deepEqual({ id: btc.instrumentId, ext: btc.externalSymbol, tick: btc.tickSize, lot: btc.lotSize, min: btc.minQuantity, max: btc.maxQuantity }, { id: 'BITFINEX:BTC/USD', ext: 'tBTCUSD', tick: '1', lot: '0.00000001', min: '0.00004', max: '2000' });
    assert.equal(list.find((i) => i.symbol === 'ETH/USDT')!.tickSize, '0.1');
    const uat = harness((deps) => createBitfinexVenue(deps, { venueId: 'BITFINEX_UAT', restBaseUrl: fake.restBaseUrl, wsBaseUrl: fake.wsBaseUrl }));
    assert.deepEqual((await uat.venue.listInstruments()).map((i) => i.instrumentId), ['BITFINEX_UAT:TESTBTC/TESTUSD']);
    await uat.venue.stop();
  });

  test('book: the snapshot and every update, checked by checksum, equal Bitfinex\'s book', async () => {
    await h.venue.subscribeMarket(key);
    await h.until(matchesTruth, 'the snapshot');
    fake.pushBook('tBTCUSD', { bids: [['64000', '1.25']] });
    fake.pushBook('tBTCUSD', { asks: [['64000.5', '0.4']] });
    await h.until(matchesTruth, 'updates applied');
    assert.deepEqual(h.venue.getBook('BTC/USD', 1)!.asks, [{ price: '64000.5', quantity: '0.4' }]);
    assert.equal(h.rec.warnings.filter((w) => String(w.msg).includes('checksum')).length, 0, 'every checksum matched');
    assertPublishedTruthful();
  });

  test('book: a message lost silently is caught by the next checksum; the book is resubscribed', async () => {
    const subs = fake.requests.length;
    fake.queueBookFaults('lose');
    fake.pushBook('tBTCUSD', { bids: [['63998', '0.5']] });
    fake.pushBook('tBTCUSD', { asks: [['64004', '0.5']] });
    await h.until(() => h.rec.warnings.some((w) => w.msg === 'Bitfinex book checksum mismatch; resubscribing'), 'the mismatch');
    await h.until(() => matchesTruth() && h.rec.feedStatus.at(-1)?.status === 'UP', 'a fresh snapshot after resubscribing');
    assert.equal(fake.requests.length, subs, 'no REST involved');
    fake.queueBookFaults('corrupt-checksum');
    fake.pushBook('tBTCUSD', { asks: [['64003', '1']] });
    await h.until(() => h.rec.warnings.filter((w) => w.msg === 'Bitfinex book checksum mismatch; resubscribing').length === 2 && matchesTruth(), 'recovery from a corrupted checksum');
    assertPublishedTruthful();
  });

  test('book: a sequence gap reconnects the socket and resynchronises everything on it', async () => {
    const sockets = h.rec.warnings.filter((w) => w.msg === 'Bitfinex sequence gap; reconnecting to resubscribe').length;
    fake.queueBookFaults('gap');
    fake.pushBook('tBTCUSD', { bids: [['63997', '0.8']] });
    fake.pushBook('tBTCUSD', { bids: [['63996', '0.9']] });
    await h.until(() => h.rec.warnings.filter((w) => w.msg === 'Bitfinex sequence gap; reconnecting to resubscribe').length > sockets, 'the gap');
    await h.until(() => matchesTruth() && h.rec.feedStatus.at(-1)?.status === 'UP', 'the book back');
    assertPublishedTruthful();
  });

  test('book: a dropped socket and an info 20051 both reconnect and resubscribe', async () => {
    fake.disconnectPublic();
    await h.until(() => h.rec.feedStatus.at(-1)?.status === 'DOWN', 'DOWN');
    await h.until(() => matchesTruth() && h.rec.feedStatus.at(-1)?.status === 'UP', 'back after the drop');
    const downs = h.rec.feedStatus.filter((s) => s.status === 'DOWN').length;
    fake.askToReconnect();
    await h.until(() => h.rec.feedStatus.filter((s) => s.status === 'DOWN').length > downs && h.rec.feedStatus.at(-1)?.status === 'UP' && matchesTruth(), 'back after 20051');
    assertPublishedTruthful();
  });

  test('book: 300 updates with random gaps, silent losses and bad checksums (work-counted) only ever publish true, uncrossed books', async () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 300; i++) {
      const r = rnd();
      if (r < 0.03) fake.queueBookFaults('gap');
      else if (r < 0.06) fake.queueBookFaults('lose');
      else if (r < 0.08) fake.queueBookFaults('corrupt-checksum');
      const qty = rnd() < 0.3 ? '0' : String(1 + Math.floor(rnd() * 50));
      if (rnd() < 0.5) fake.pushBook('tBTCUSD', { bids: [[String(63_900 + Math.floor(rnd() * 100)), qty]] });
      else fake.pushBook('tBTCUSD', { asks: [[String(64_001 + Math.floor(rnd() * 100)), qty]] });
      if (i % 25 === 0) await new Promise((r) => setImmediate(r));
    }
    fake.pushBook('tBTCUSD', { bids: [['63950', '7']] });
    await h.until(() => matchesTruth() && h.rec.feedStatus.at(-1)?.status === 'UP', 'the final truth', 15_000);
    assertPublishedTruthful();
  });

  test('trades, tickers and candles reach the sink; klines come oldest first; feeds stop when unused', async () => {
    await h.venue.subscribeMarket({ kind: 'trade', symbol: 'BTC/USD' });
    await h.venue.subscribeMarket({ kind: 'ticker', symbol: 'BTC/USD' });
    await h.venue.subscribeMarket({ kind: 'kline', symbol: 'BTC/USD', interval: '1m' });
    await h.until(() => ['trades:tBTCUSD', 'ticker:tBTCUSD', 'candles:trade:1m:tBTCUSD'].every((c) => fake.subscribedChannels().includes(c)), 'all channels');
    fake.pushTrade('tBTCUSD', { price: '64000.5', amount: '-0.003', id: 4321 });
    fake.pushTicker('tBTCUSD', { last: '64000.5', changeRelative: '-0.0099' });
    const trade = await h.until(() => h.rec.trades.find((t) => t.tradeId === '4321'), 'the trade');
    assert.deepEqual({ p: trade.price, q: trade.quantity, s: trade.side }, { p: '64000.5', q: '0.003', s: 'SELL' });
    const ticker = await h.until(() => h.rec.tickers.at(-1), 'the ticker');
    assert.deepEqual({ last: ticker.lastPrice, change: ticker.priceChangePercent }, { last: '64000.5', change: '-0.99' });
    const forming = await h.until(() => h.rec.klines.at(-1), 'the candle snapshot');
    fake.pushCandle('trade:1m:tBTCUSD', [forming.candle.openTime + 60_000, '64000', '64005', '64010', '63990', '2.5']);
    await h.until(() => h.rec.klines.some((k) => k.isClosed && k.candle.openTime === forming.candle.openTime), 'the previous bar closed when a new one began');
    const bars = await h.venue.getKlines('BTC/USD', '1m', 5);
    assert.equal(bars.length, 5);
    for (let i = 1; i < bars.length; i++) assert.ok(bars[i]!.candle.openTime > bars[i - 1]!.candle.openTime);
    assert.equal(bars.at(-1)!.isClosed, false);
    await assert.rejects(h.venue.getKlines('BTC/USD', '7m', 5));

    for (const k of [key, { kind: 'trade' as const, symbol: 'BTC/USD' }, { kind: 'ticker' as const, symbol: 'BTC/USD' }, { kind: 'kline' as const, symbol: 'BTC/USD', interval: '1m' }]) await h.venue.unsubscribeMarket(k);
    await h.until(() => fake.socketCount() === 0, 'the socket closed with its last channel');
    assert.equal(h.venue.getBook('BTC/USD', 5), undefined);
  });
  test('a subscribe Bitfinex refuses (10300, the request echoed) is reported DOWN and sent again with back-off until taken; then the symbol, its book verified, is UP', async () => {
    await h.venue.subscribeMarket(key);
    await h.until(() => matchesTruth(), 'the book verified');
    const refusedBefore = fake.refusedSubscribes;
    const warningsBefore = h.rec.warnings.length;
    const statusBefore = h.rec.feedStatus.length;
    fake.refuseSubscribes(2);
    const trade = { kind: 'trade' as const, symbol: 'BTC/USD' };
    await h.venue.subscribeMarket(trade);
    await h.until(() => fake.subscribedChannels().includes('trades:tBTCUSD'), 'the trade channel after two refusals');
    assert.equal(fake.refusedSubscribes - refusedBefore, 2);
    assert.match(h.rec.feedStatus.slice(statusBefore).find((st) => st.status === 'DOWN')?.reason ?? '', /subscription refused: 10300 subscribe: failed/);
    await h.until(() => h.rec.feedStatus.slice(statusBefore).at(-1)?.status === 'UP', 'UP once Bitfinex took it');
    assert.ok(matchesTruth(), 'the book was never let go');
    assert.equal(h.rec.warnings.slice(warningsBefore).filter((w) => /refused a channel/.test(w.msg ?? '')).length, 1, 'one warning for the outage');
    fake.pushTrade('tBTCUSD', { price: '64123.5', amount: '0.002', id: 98765 });
    await h.until(() => h.rec.trades.some((t) => t.tradeId === '98765'), 'a trade on the channel');
    await h.venue.unsubscribeMarket(trade);
    await h.venue.unsubscribeMarket(key);
    await h.until(() => fake.socketCount() === 0, 'the socket closed');
  });
});
