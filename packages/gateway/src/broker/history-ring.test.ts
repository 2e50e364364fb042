import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawJson } from '@cadenza/protocol';
import type { BrokerPublication } from './broker.ts';
import { HistoryRing } from './history-ring.ts';

/** A deterministic pseudo-random sequence (xorshift32), so a failure replays. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

test('the ring keeps what an array pushed at the end and cut at the front keeps: the newest within the limit, expired ones dropped from the front, oldest first', () => {
  const data = new RawJson('null');
  for (const seed of [1, 7, 42, 1234]) {
    const next = random(seed);
    const ring = new HistoryRing();
    let model: Array<{ pub: BrokerPublication; expires: number }> = [];
    let now = 0;
    let offset = 0;
    let limit = 5;
    for (let step = 0; step < 3000; step++) {
      const r = next();
      if (r < 0.02) limit = 1 + Math.floor(next() * 8);
      else if (r < 0.12) {
        now += Math.floor(next() * 20);
        ring.trim(now);
        while (model.length > 0 && model[0]!.expires <= now) model.shift();
      } else if (r < 0.13) {
        ring.clear();
        model = [];
      } else {
        const pub = { data, offset: ++offset };
        const expires = now + 1 + Math.floor(next() * 30);
        ring.push(pub, expires, limit);
        model.push({ pub, expires });
        if (model.length > limit) model = model.slice(model.length - limit);
      }
      assert.deepEqual(ring.entries().map((p) => p.offset), model.map((e) => e.pub.offset), `seed ${seed}, step ${step}`);
      assert.equal(ring.size, model.length);
    }
  }
});
