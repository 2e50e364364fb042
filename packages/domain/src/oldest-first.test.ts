import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OldestFirst } from './oldest-first.ts';

const quote = (quoteId: string, updatedAt = 0) => ({ quoteId, updatedAt });
const held = () => new OldestFirst<{ quoteId: string; updatedAt: number }>((q) => q.quoteId);

test('the oldest first; a record deleted, or held anew under its id, is skipped where it was', () => {
  const c = held();
  const [a, b, d] = [quote('a'), quote('b'), quote('d')];
  c.add(a);
  c.add(b);
  c.add(d);
  c.delete('a');
  assert.equal(c.oldest(), b);
  const b2 = quote('b', 1);
  c.add(b2);
  assert.equal(c.get('b'), b2);
  assert.equal(c.oldest(), d, 'b was held anew: it is the newest now');
  c.shift();
  assert.equal(c.oldest(), b2);
  c.shift();
  assert.equal(c.oldest(), undefined);
  assert.equal(c.size, 0);
  c.add(a);
  assert.deepEqual([c.oldest(), c.size], [a, 1], 'usable again once empty');
});

test('order and size hold across the queue being copied down, with records let go of in between', () => {
  const c = held();
  const n = 20_000;
  for (let i = 0; i < n; i++) c.add(quote(`q${i}`));
  for (let i = 0; i < n; i += 3) c.delete(`q${i}`);
  const seen: string[] = [];
  for (let i = n; i < n + 5_000; i++) {
    c.add(quote(`q${i}`));
    seen.push(c.oldest()!.quoteId);
    c.shift();
  }
  const kept = Array.from({ length: n + 5_000 }, (_, i) => `q${i}`).filter((_, i) => i >= n || i % 3 !== 0);
  assert.deepEqual(seen, kept.slice(0, 5_000));
  assert.equal(c.size, kept.length - 5_000);
  assert.deepEqual([...c.values()].map((q) => q.quoteId), kept.slice(5_000));
  assert.equal(c.oldest()!.quoteId, kept[5_000]);
});
