import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreditBuckets } from './credit-bucket.ts';
import { VenueError } from './venue-error.ts';

/** Pools on a fake clock whose sleeps advance the clock (no real waiting). */
function buckets(capacity: number, refillPerSecond: number) {
  let now = 1_000_000;
  const slept: number[] = [];
  const b = new CreditBuckets({
    venue: 'TEST',
    clock: { now: () => now },
    pools: { reads: { capacity, refillPerSecond } },
    sleep: async (ms) => {
      slept.push(ms);
      await new Promise((r) => setImmediate(r));
      now += ms;
    },
  });
  return { b, slept, advance: (ms: number) => (now += ms), now: () => now };
}

describe('CreditBuckets', () => {
  test('a full pool pays a burst at once; the next request waits for exactly the credits it lacks', async () => {
    const { b, slept } = buckets(50_000, 10_000);
    for (let i = 0; i < 100; i++) await b.acquire('reads|acct', 500, 5000);
    assert.deepEqual(slept, [], 'Deribit: 100 requests of 500 credits from a full pool of 50,000');
    await b.acquire('reads|acct', 500, 5000);
    assert.deepEqual(slept, [50], '500 credits at 10,000/s');
    assert.equal(b.stats().throttled, 1);
  });

  test('pools are per key; keys without a pool are never held', async () => {
    const { b, slept } = buckets(2, 1);
    await b.acquire('reads|a', 2, 0);
    await b.acquire('reads|b', 2, 0);
    await b.acquire('other', 1_000_000, 0);
    assert.deepEqual(slept, []);
    await assert.rejects(b.acquire('reads|a', 1, 500), (e: unknown) => e instanceof VenueError && e.kind === 'rate-limited');
    assert.equal(b.stats().refused, 1);
  });

  test('the pool refills with time, never above its capacity', () => {
    const { b, advance } = buckets(600, 10);
    b.charge('reads|x', 600);
    assert.equal(b.available('reads|x'), 0);
    advance(30_000);
    assert.equal(b.available('reads|x'), 300);
    advance(600_000);
    assert.equal(b.available('reads|x'), 600);
  });

  test('no rolling minute of a 600-credit pool refilled at 10/s holds more than 1200 of weight', async () => {
    const { b, now } = buckets(600, 10);
    const spent: Array<{ at: number; w: number }> = [];
    for (let i = 0; i < 400; i++) {
      const w = 1 + (i % 20);
      await b.acquire('reads|ip', w, 600_000);
      spent.push({ at: now(), w });
    }
    for (const s of spent) {
      const inWindow = spent.filter((x) => x.at >= s.at && x.at < s.at + 60_000).reduce((sum, x) => sum + x.w, 0);
      assert.ok(inWindow <= 1200, `${inWindow} in the minute from ${s.at}`);
    }
  });

  test('a back-off refuses orders at once, lets reads wait it out, and empties the pools', async () => {
    const { b, slept } = buckets(10, 10);
    b.backOff(2000);
    await assert.rejects(b.acquire('reads|a', 1, 5000, false), /rate limit/);
    await b.acquire('reads|a', 1, 5000, true);
    assert.ok(slept[0] === 2000, 'waited the back-off out');
    assert.deepEqual(b.stats(), { throttled: 1, rateLimited: 1, banned: 0, refused: 1 });
  });
});
