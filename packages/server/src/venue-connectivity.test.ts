import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MarketDataSink, Venue } from '@cadenza/domain';
import { VenueError } from '@cadenza/venues/kit';
import { isUnanswered, VenueConnectivity } from './venue-connectivity.ts';

/** A live venue whose next answer the test decides. */
function liveVenue(id: string) {
  let next: () => Promise<unknown> = async () => [];
  const venue = {
    id,
    capabilities: { ledger: 'venue', requiresCredential: true, marketData: true, trading: true },
    extra: 'kept',
    start: async () => undefined,
    stop: async () => undefined,
    listInstruments: () => next(),
    getKlines: () => next(),
    subscribeMarket: async () => undefined,
    unsubscribeMarket: async () => undefined,
    getBook: () => undefined,
    getTicker: () => undefined,
    submitOrder: () => next(),
    cancelOrder: () => next(),
  };
  return { venue: venue as unknown as Venue, answer: (f: () => Promise<unknown>) => (next = f) };
}

const noSink: MarketDataSink = { onBookChanged() {}, onTrade() {}, onTicker() {}, onKline() {} };

test('a live venue is idle until used, down while calls get no answer or a feed is down, up once it answers again', async () => {
  let now = 1_000;
  const c = new VenueConnectivity(() => now);
  const { venue, answer } = liveVenue('OKX');
  const watched = c.watch(venue);
  const sink = c.sink(noSink);
  assert.equal(c.reach('OKX').reach, 'idle');
  assert.equal(watched.id, 'OKX');
  assert.equal((watched as unknown as { extra: string }).extra, 'kept', 'everything else passes through');

  answer(async () => {
    throw new VenueError('OKX', 'network', 'fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
  });
  await assert.rejects(watched.listInstruments());
  assert.deepEqual(c.reach('OKX'), { reach: 'down', since: 1_000 });
  now = 2_000;
  await assert.rejects(watched.getKlines('BTC/USDT', '1m', 10));
  assert.deepEqual(c.reach('OKX'), { reach: 'down', since: 1_000 }, 'the outage started with the first unanswered call');

  answer(async () => {
    throw new VenueError('OKX', 'rejected', 'Instrument ID does not exist', { code: '51001' });
  });
  await assert.rejects(watched.getKlines('NOPE/USDT', '1m', 10));
  assert.equal(c.reach('OKX').reach, 'up', 'a refusal is an answer');

  answer(async () => {
    throw new VenueError('OKX', 'rate-limited', 'not sent: backing off');
  });
  await assert.rejects(watched.getKlines('BTC/USDT', '1m', 10));
  assert.equal(c.reach('OKX').reach, 'up', 'a request our own budget held back says nothing about the venue');

  await watched.subscribeMarket({ kind: 'book', symbol: 'BTC/USDT' } as never);
  await watched.subscribeMarket({ kind: 'trades', symbol: 'BTC/USDT' } as never);
  now = 3_000;
  sink.onFeedStatus!('OKX', 'BTC/USDT', 'DOWN', 'socket closed');
  assert.deepEqual(c.reach('OKX'), { reach: 'down', since: 3_000 });
  sink.onFeedStatus!('OKX', 'BTC/USDT', 'UP');
  assert.equal(c.reach('OKX').reach, 'up');
  sink.onFeedStatus!('OKX', 'BTC/USDT', 'DOWN', 'socket closed');
  await watched.unsubscribeMarket({ kind: 'book', symbol: 'BTC/USDT' } as never);
  assert.equal(c.reach('OKX').reach, 'down', 'another stream of the symbol is still down');
  await watched.unsubscribeMarket({ kind: 'trades', symbol: 'BTC/USDT' } as never);
  assert.equal(c.reach('OKX').reach, 'up', 'a feed no one uses any more is forgotten (the venue reports no UP for it)');

  answer(async () => {
    throw Object.assign(new Error('boom'), { name: 'TimeoutError' });
  });
  await assert.rejects(watched.submitOrder({} as never, {} as never));
  assert.equal(c.reach('OKX').reach, 'down');
  answer(async () => undefined);
  await watched.cancelOrder({} as never, {} as never);
  assert.equal(c.reach('OKX').reach, 'up');
});

test('in-process venues are always reachable and not wrapped', () => {
  const c = new VenueConnectivity();
  const paper = { id: 'PAPER', capabilities: { ledger: 'domain' } } as unknown as Venue;
  assert.equal(c.watch(paper), paper);
  assert.deepEqual(c.reach('PAPER'), { reach: 'in-process' });
});

test('what counts as no answer', () => {
  assert.ok(isUnanswered(new TypeError('fetch failed')));
  assert.ok(isUnanswered(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'ENOTFOUND' }) })));
  assert.ok(isUnanswered(new VenueError('BINANCE', 'unknown-outcome', '503')));
  assert.ok(!isUnanswered(new VenueError('BINANCE', 'rejected', 'Invalid API-key')));
  assert.ok(!isUnanswered(new Error('anything else')));
});
