import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RateBudgets } from './rate-budget.ts';
import { VenueError } from './venue-error.ts';

/** A budget on a fake clock whose sleeps advance the clock (no real waiting). */
function budgets(limit: number, windowMs: number) {
  let now = 1_000_000;
  const slept: number[] = [];
  const b = new RateBudgets({
    venue: 'TEST',
    clock: { now: () => now },
    budgets: { 'GET /x': { limit, windowMs } },
    marginMs: 0,
    sleep: async (ms) => {
      slept.push(ms);
      await new Promise((r) => setImmediate(r));
      now += ms;
    },
  });
  return { b, slept, advance: (ms: number) => (now += ms), now: () => now };
}

describe('RateBudgets', () => {
  test('keeps at most `limit` requests in any rolling window; the next one waits for the oldest to leave', async () => {
    const { b, slept, now } = budgets(3, 2000);
    const start = now();
    for (let i = 0; i < 3; i++) (await b.acquire(['GET /x|k'], 5000))();
    assert.deepEqual(slept, []);
    await b.acquire(['GET /x|k'], 5000);
    assert.deepEqual(slept, [2000]);
    assert.equal(now() - start, 2000);
    assert.equal(b.stats().throttled, 1);
    await b.acquire(['GET /other'], 0);
    assert.equal(slept.length, 1, 'keys without a budget never wait');
  });

  test('scopes are separate budgets of the same family', async () => {
    const { b, slept } = budgets(1, 1000);
    await b.acquireNow(['GET /x|alice'], 0);
    await b.acquireNow(['GET /x|bob'], 0);
    assert.deepEqual(slept, []);
    await assert.rejects(b.acquire(['GET /x|alice'], 500), (e: unknown) => e instanceof VenueError && e.kind === 'rate-limited');
    assert.equal(b.stats().refused, 1);
  });

  test('a back-off holds reads, refuses writes at once, and a ban refuses everything', async () => {
    const { b, slept, advance } = budgets(100, 1000);
    b.backOff('rate-limited', 1500);
    await assert.rejects(b.acquire(['GET /x|k'], 5000, false), /rate limit/);
    await b.acquire(['GET /x|k'], 5000, true);
    assert.deepEqual(slept, [1500]);
    b.backOff('banned', 60_000);
    await assert.rejects(b.acquire(['GET /x|k'], 120_000), (e: unknown) => e instanceof VenueError && e.kind === 'banned');
    advance(60_000);
    await b.acquire(['GET /x|k'], 0);
    assert.deepEqual(b.stats(), { throttled: 1, rateLimited: 1, banned: 1, refused: 2 });
  });

  test('a request in flight never leaves the window: the next one waits for its answer, then for the window', async () => {
    const { b, slept, now } = budgets(1, 1000);
    const settle = await b.acquire(['GET /x|k'], 5000);
    const next = b.acquire(['GET /x|k'], 5000);
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    assert.ok(slept.length > 0 && slept.every((ms) => ms === 50), 'polling while the first is unanswered');
    settle();
    const answeredAt = now();
    await next;
    assert.equal(now() - answeredAt, 1000, 'then a whole window from the answer');
  });

  test('settling restamps a booking at answer time, so a slow answer keeps its slot longer', async () => {
    const { b, slept, advance } = budgets(1, 1000);
    const settle = await b.acquire(['GET /x|k'], 5000);
    advance(800);
    settle();
    advance(500);
    await b.acquire(['GET /x|k'], 5000);
    assert.deepEqual(slept, [500], 'counted from the answer (t=800), not the send (t=0)');
  });
});
