import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SnapshotFetch } from './snapshot-fetch.ts';

/** Resolves when `check` holds, re-checked on every turn of the event loop (no timers in the check). */
async function settle(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(check());
}

describe('SnapshotFetch', () => {
  test('one request at a time; failures back off exponentially until a snapshot arrives', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let calls = 0;
    let fail = 2;
    const got: number[] = [];
    const retries: number[] = [];
    const f = new SnapshotFetch<number>({
      load: async () => {
        calls++;
        if (fail-- > 0) throw new Error('down');
        return calls;
      },
      onSnapshot: (s) => got.push(s),
      onFailure: (_err, ms) => retries.push(ms),
      backoff: { min: 100, max: 1000 },
    });
    f.request();
    f.request();
    await settle(() => retries.length === 1);
    assert.equal(calls, 1, 'a second request while one is on its way is ignored');
    assert.deepEqual(retries, [200]);
    t.mock.timers.tick(200);
    await settle(() => retries.length === 2);
    assert.deepEqual(retries, [200, 400]);
    t.mock.timers.tick(400);
    await settle(() => got.length === 1);
    assert.deepEqual(got, [3]);
  });

  test('stop cancels a pending retry and drops an answer that arrives after it', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let release: (v: number) => void = () => undefined;
    const got: number[] = [];
    const f = new SnapshotFetch<number>({
      load: () => new Promise<number>((r) => (release = r)),
      onSnapshot: (s) => got.push(s),
      onFailure: () => undefined,
      backoff: { min: 100, max: 1000 },
    });
    f.request();
    f.stop();
    release(1);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(got, []);
    f.request(50);
    t.mock.timers.tick(100);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(got, [], 'nothing fetched once stopped');
  });
});
