import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RawJson } from '@cadenza/protocol';
import type { BrokerPublication } from './broker/broker.ts';
import { mergeBuffered, recoverStream } from './recovery.ts';

const pub = (offset: number): BrokerPublication => ({ data: RawJson.of(offset), offset });
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => pub(from + i));

test('recovers when history holds every publication after the client offset, keeping the client offset', () => {
  const o = recoverStream({ requested: { offset: 3, epoch: 'E' }, publications: range(4, 6), top: { offset: 6, epoch: 'E' }, maxPublications: 10 });
  assert.equal(o.recovered, true);
  assert.deepEqual(o.publications.map((p) => p.offset), [4, 5, 6]);
  assert.equal(o.offset, 3);
  assert.equal(o.upTo, 6);
});

test('a client already at the top is recovered with nothing to deliver', () => {
  const o = recoverStream({ requested: { offset: 6, epoch: 'E' }, publications: [], top: { offset: 6, epoch: 'E' }, maxPublications: 10 });
  assert.deepEqual([o.recovered, o.publications.length, o.offset], [true, 0, 6]);
});

test('a different epoch is not recovered and gets the current top', () => {
  const o = recoverStream({ requested: { offset: 3, epoch: 'OLD' }, publications: range(4, 6), top: { offset: 6, epoch: 'E' }, maxPublications: 10 });
  assert.deepEqual([o.recovered, o.publications.length, o.offset, o.epoch], [false, 0, 6, 'E']);
});

test('a hole (history trimmed past the client offset) or too many publications is not recovered', () => {
  const trimmed = recoverStream({ requested: { offset: 1, epoch: 'E' }, publications: range(4, 6), top: { offset: 6, epoch: 'E' }, maxPublications: 10 });
  assert.equal(trimmed.recovered, false);
  const tooMany = recoverStream({ requested: { offset: 0, epoch: 'E' }, publications: range(1, 11), top: { offset: 11, epoch: 'E' }, maxPublications: 10 });
  assert.equal(tooMany.recovered, false);
  const gone = recoverStream({ requested: { offset: 2, epoch: 'E' }, publications: [], top: { offset: 6, epoch: 'E' }, maxPublications: 10 });
  assert.equal(gone.recovered, false);
});

test('buffered live publications are merged after the reply: no loss, no repeat', () => {
  assert.deepEqual(mergeBuffered(6, range(5, 9)).deliver.map((p) => p.offset), [7, 8, 9]);
  assert.deepEqual(mergeBuffered(6, range(8, 9)), { deliver: [], gap: true });
  const noHistory = [pub(0), pub(0)];
  assert.equal(mergeBuffered(6, noHistory).deliver.length, 2);
});

test('property: recovered publications plus merged live ones are exactly offsets client+1..newest, in order', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }), (client, ahead, overlap, live) => {
      const top = client + ahead;
      const history = range(client + 1, top);
      const o = recoverStream({ requested: { offset: client, epoch: 'E' }, publications: history, top: { offset: top, epoch: 'E' }, maxPublications: 100 });
      assert.equal(o.recovered, true);
      // Live publications buffered during the subscribe may repeat the tail of what history returned.
      const buffered = range(Math.max(1, top - overlap + 1), top + live);
      const merged = mergeBuffered(o.upTo, buffered);
      assert.equal(merged.gap, false);
      const seen = [...o.publications, ...merged.deliver].map((p) => p.offset);
      assert.deepEqual(seen, Array.from({ length: ahead + live }, (_, i) => client + 1 + i));
    }),
  );
});
