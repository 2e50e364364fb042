/**
 * A market stream emulated orders hold that the venue refuses to start (market-data/market-holds.ts): it is asked for
 * again after a capped exponential back-off, jittered to between half and all of each wait, for as long as it is held
 * and no longer; the outage is logged once at warn and its end once at info, and `failing()` counts the streams in one.
 * Time is node:test's fake `setTimeout`: nothing waits for real.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { ScriptedVenue } from '@cadenza/testkit';
import { FeedRegistry, MarketHolds, VenueRegistry, defaultConfig, type DomainContext } from '@cadenza/domain';

const BTC = 'BTC/USDT';
const settle = () => new Promise((r) => setImmediate(r));

function setup(t: TestContext, random: () => number) {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const venue = new ScriptedVenue();
  const logs: Array<{ level: 'info' | 'warn'; msg: string | undefined; kind?: string }> = [];
  const log = {
    info: (o: object, msg?: string) => void logs.push({ level: 'info', msg, kind: (o as { kind?: string }).kind! }),
    warn: (o: object, msg?: string) => void logs.push({ level: 'warn', msg, kind: (o as { kind?: string }).kind! }),
    error: () => undefined,
  };
  const config = { ...defaultConfig, marketHoldRetryMs: { min: 1_000, max: 8_000 } };
  const ctx = { venues: new VenueRegistry([venue]), log, config } as unknown as DomainContext;
  const feeds = new FeedRegistry(log);
  const holds = new MarketHolds(ctx, feeds, { random });
  const subscribes = () => venue.feedCalls.filter((c) => c.op === 'subscribe').map((c) => c.key.kind);
  const counts = () => [feeds.count('PAPER', { kind: 'trade', symbol: BTC }), feeds.count('PAPER', { kind: 'orderbook', symbol: BTC })];
  return { venue, logs, holds, subscribes, counts };
}

test('a refused hold is asked for again after 1, 2, 4 s… (capped), logged once per outage, counted while failing, and counts once when it runs', async (t) => {
  const { venue, logs, holds, subscribes, counts } = setup(t, () => 0.999_999);
  venue.refuseSubscribes = 6; // each stream refused three times
  holds.hold('order-1', 'PAPER', BTC);
  holds.hold('order-2', 'PAPER', BTC);
  await settle();
  assert.deepEqual(subscribes(), ['trade', 'orderbook'], 'one attempt per stream for both holders');
  assert.equal(holds.failing(), 2);
  assert.deepEqual(counts(), [0, 0]);

  t.mock.timers.tick(999);
  await settle();
  assert.equal(subscribes().length, 2, 'not before the first back-off');
  t.mock.timers.tick(1);
  await settle();
  assert.equal(subscribes().length, 4, 'the second attempt after 1 s');
  t.mock.timers.tick(1_999);
  await settle();
  assert.equal(subscribes().length, 4, 'the back-off doubled');
  t.mock.timers.tick(1);
  await settle();
  assert.equal(subscribes().length, 6, 'the third attempt after 2 more s');
  assert.equal(holds.failing(), 2, 'still failing');
  t.mock.timers.tick(4_000);
  await settle();
  assert.equal(subscribes().length, 8, 'the fourth after 4 more s, which the venue takes');
  assert.equal(holds.failing(), 0);
  assert.deepEqual(counts(), [1, 1], 'one count per stream for the instrument, whatever the number of holders');
  assert.deepEqual(logs.map((l) => `${l.level} ${l.kind}`), ['warn trade', 'warn orderbook', 'info trade', 'info orderbook'], 'a warning when the outage starts, a notice when it ends: not one per attempt');

  t.mock.timers.tick(60_000);
  await settle();
  assert.equal(subscribes().length, 8, 'nothing more once running');
  holds.letGo('order-1');
  holds.letGo('order-2');
  await settle();
  assert.deepEqual(counts(), [0, 0], 'let go with the last holder');
  assert.deepEqual(venue.feedCalls.filter((c) => c.op === 'unsubscribe').map((c) => c.key.kind), ['trade', 'orderbook']);
});

test('the back-off stops growing at its cap, and each wait is jittered to between half and all of it', async (t) => {
  const { venue, holds, subscribes } = setup(t, () => 0);
  venue.refuseSubscribes = Number.MAX_SAFE_INTEGER;
  holds.hold('order-1', 'PAPER', BTC);
  await settle();
  // random() = 0: each wait is half its back-off — 0.5, 1, 2, 4, then 4 s (half the 8 s cap) every time.
  for (const [wait, attempts] of [[500, 4], [1_000, 6], [2_000, 8], [4_000, 10], [4_000, 12], [4_000, 14]] as const) {
    t.mock.timers.tick(wait - 1);
    await settle();
    assert.equal(subscribes().length, attempts - 2, `not before ${wait} ms`);
    t.mock.timers.tick(1);
    await settle();
    assert.equal(subscribes().length, attempts, `after ${wait} ms`);
  }
  assert.equal(holds.failing(), 2);
  holds.letGo('order-1');
});

test('a hold let go during its outage is not asked for again, and one let go while its start is under way is released when it starts', async (t) => {
  const { venue, holds, subscribes, counts } = setup(t, () => 0.5);
  venue.refuseSubscribes = 2;
  holds.hold('order-1', 'PAPER', BTC);
  await settle();
  assert.equal(holds.failing(), 2);
  holds.letGo('order-1');
  assert.equal(holds.failing(), 0, 'nothing held, nothing failing');
  t.mock.timers.tick(60_000);
  await settle();
  assert.deepEqual(subscribes(), ['trade', 'orderbook'], 'no attempt after the let-go');
  assert.equal(venue.feedCalls.filter((c) => c.op === 'unsubscribe').length, 0, 'nothing to stop: nothing started');

  holds.hold('order-2', 'PAPER', BTC);
  holds.letGo('order-2'); // before the venue answered
  await settle();
  assert.deepEqual(counts(), [0, 0], 'started, then released at once');
  assert.deepEqual(venue.feedCalls.filter((c) => c.op === 'unsubscribe').map((c) => c.key.kind), ['trade', 'orderbook']);
});

test('stopping the domain ends the retries', async (t) => {
  const { venue, holds, subscribes } = setup(t, () => 0.5);
  venue.refuseSubscribes = Number.MAX_SAFE_INTEGER;
  holds.hold('order-1', 'PAPER', BTC);
  await settle();
  holds.stop();
  t.mock.timers.tick(60_000);
  await settle();
  assert.equal(subscribes().length, 2);
});
