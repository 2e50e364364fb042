import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { QuoteExpiry } from './quote-expiry.ts';

// The expiry's timer is unref'd (it never holds a process open); this keeps the test's event loop alive meanwhile.
const alive = setInterval(() => undefined, 60_000);
after(() => clearInterval(alive));

/** A clock the test moves; the expiry's one timer is real, so each step awaits what the timer does. */
function world() {
  let read: (() => void) | undefined;
  const clock = {
    t: 1_000_000,
    now() {
      read?.();
      return this.t;
    },
  };
  const reports: string[][] = [];
  let wake: (() => void) | undefined;
  const expiry = new QuoteExpiry(clock, (ids) => {
    reports.push([...ids].sort());
    wake?.();
  }, 20);
  const report = () => new Promise<void>((resolve) => (wake = resolve));
  /** Resolves at the clock's next reading (the timer firing reads it first). */
  const reading = () => new Promise<void>((resolve) => (read = () => ((read = undefined), resolve())));
  return { clock, reports, expiry, report, reading };
}

test('reports a quote only once the clock has passed its expireAt, with its bucket, and never a removed one', async () => {
  const { clock, reports, expiry, report } = world();
  expiry.add('a', clock.t + 5);
  expiry.add('b', clock.t + 15);
  expiry.add('gone', clock.t + 10);
  expiry.add('later', clock.t + 500);
  expiry.remove('gone', clock.t + 10);
  clock.t += 20;
  await report();
  assert.deepEqual(reports, [['a', 'b']]);
  // An earlier quote added while the timer waits for a later bucket re-arms it.
  expiry.add('soon', clock.t + 1);
  clock.t += 20;
  await report();
  assert.deepEqual(reports.at(-1), ['soon']);
  clock.t += 480;
  await report();
  assert.deepEqual(reports.at(-1), ['later']);
  assert.equal(reports.length, 3);
  expiry.stop();
});

test('a timer that fires before the clock reaches the bucket reports nothing and waits; after stop nothing is armed', async () => {
  const { clock, reports, expiry, report, reading } = world();
  expiry.add('x', clock.t + 1);
  await reading(); // the timer fired; the clock stood still
  assert.equal(reports.length, 0);
  const reported = report();
  clock.t += 40;
  await reported;
  assert.deepEqual(reports, [['x']]);
  expiry.add('y', clock.t + 1);
  expiry.stop();
  expiry.add('z', clock.t + 1);
  assert.equal((expiry as unknown as { timer?: unknown }).timer, undefined);
});

test('the newest bucket, emptied, is kept for the next quote, and leaves when its time passes, reporting nothing', async () => {
  const { clock, reports, expiry, report, reading } = world();
  const held = () => (expiry as unknown as { order: number[] }).order.length;
  expiry.add('a', clock.t + 10);
  expiry.remove('a', clock.t + 10);
  assert.equal(held(), 1);
  expiry.add('b', clock.t + 10);
  expiry.add('later', clock.t + 30);
  expiry.remove('b', clock.t + 10);
  assert.equal(held(), 1, 'an emptied bucket other than the newest leaves at once');
  expiry.remove('later', clock.t + 30);
  expiry.add('c', clock.t + 30);
  clock.t += 40;
  await report();
  assert.deepEqual(reports, [['c']]);
  expiry.add('d', clock.t + 10);
  expiry.remove('d', clock.t + 10);
  const fired = reading();
  clock.t += 20;
  await fired;
  assert.equal(reports.length, 1);
  assert.equal(held(), 0);
  expiry.stop();
});
