import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DepthSync, type DepthDiff, type DepthSnapshotData } from './depth-sync.ts';
import { parseDepthDiff } from './parse.ts';
import { parseDepthSnapshot } from '../http/parse.ts';
import { fixtureObject } from '@cadenza/testkit/venue-fakes/binance';

function ev(U: number, u: number, bids: Array<[string, string]> = [], asks: Array<[string, string]> = []): DepthDiff {
  return { firstUpdateId: U, finalUpdateId: u, eventTime: 1_000 + u, bids, asks };
}

function snap(lastUpdateId: number, bids: Array<[string, string]> = [['100', '1']], asks: Array<[string, string]> = [['101', '1']]): DepthSnapshotData {
  return { lastUpdateId, bids, asks };
}

describe('DepthSync (documented diff-depth procedure)', () => {
  test('the first event asks for a snapshot and later ones are buffered', () => {
    const s = new DepthSync();
    assert.deepEqual(s.handleEvent(ev(10, 12)), { type: 'request-snapshot', reason: 'first-event' });
    assert.deepEqual(s.handleEvent(ev(13, 14)), { type: 'buffered' });
    assert.equal(s.state, 'buffering');
    assert.equal(s.isSynced, false);
  });

  test('a snapshot older than the first buffered event is refused and another is needed', () => {
    const s = new DepthSync();
    s.handleEvent(ev(10, 12));
    assert.deepEqual(s.handleSnapshot(snap(9)), { type: 'snapshot-too-old', lastUpdateId: 9, firstBufferedId: 10 });
    assert.equal(s.state, 'buffering');
    const r = s.handleSnapshot(snap(11));
    assert.equal(r.type, 'synced');
  });

  test('buffered events at or below lastUpdateId are dropped, the straddling one and later ones applied', () => {
    const s = new DepthSync();
    s.handleEvent(ev(10, 12, [['100', '5']]));
    s.handleEvent(ev(13, 15, [['99', '2']]));
    s.handleEvent(ev(16, 18, [], [['101', '0'], ['102', '3']]));
    const r = s.handleSnapshot(snap(14, [['100', '1']], [['101', '1']]));
    assert.deepEqual(r, { type: 'synced', appliedEvents: 2 });
    assert.equal(s.lastUpdateId, 18);
    assert.deepEqual(s.book.top('bid', 10), [{ price: '100', quantity: '1' }, { price: '99', quantity: '2' }]);
    assert.deepEqual(s.book.top('ask', 10), [{ price: '102', quantity: '3' }]);
  });

  test('live events continue the book; stale and duplicate events are ignored', () => {
    const s = new DepthSync();
    s.handleEvent(ev(10, 12));
    s.handleSnapshot(snap(12));
    assert.deepEqual(s.handleEvent(ev(13, 13, [['100', '7']])), { type: 'applied' });
    assert.deepEqual(s.handleEvent(ev(13, 13, [['100', '9']])), { type: 'ignored', reason: 'stale-event' });
    assert.deepEqual(s.handleEvent(ev(5, 11)), { type: 'ignored', reason: 'stale-event' });
    assert.deepEqual(s.book.top('bid', 1), [{ price: '100', quantity: '7' }]);
  });

  test('a missing event is a gap: the book is discarded and the gap event starts a new buffer', () => {
    const s = new DepthSync();
    s.handleEvent(ev(10, 12));
    s.handleSnapshot(snap(12));
    s.handleEvent(ev(13, 14));
    assert.deepEqual(s.handleEvent(ev(17, 18)), { type: 'gap', expectedFirstId: 15, receivedFirstId: 17 });
    assert.equal(s.isSynced, false);
    assert.equal(s.book.size('bid'), 0);
    assert.equal(s.handleSnapshot(snap(16)).type, 'snapshot-too-old');
    assert.deepEqual(s.handleSnapshot(snap(17)), { type: 'synced', appliedEvents: 1 });
    assert.equal(s.lastUpdateId, 18);
  });

  test('out-of-order delivery is detected as a gap, then resynchronises', () => {
    const s = new DepthSync();
    s.handleEvent(ev(1, 2));
    s.handleSnapshot(snap(2));
    assert.equal(s.handleEvent(ev(5, 6)).type, 'gap');
    assert.deepEqual(s.handleEvent(ev(3, 4)), { type: 'buffered' });
    // snapshot at 6 covers both; the late event (u=4) is dropped as already reflected
    assert.deepEqual(s.handleSnapshot(snap(6)), { type: 'synced', appliedEvents: 0 });
    assert.equal(s.handleEvent(ev(7, 7)).type, 'applied');
  });

  test('a gap inside the buffered events after the snapshot restarts from that event', () => {
    const s = new DepthSync();
    s.handleEvent(ev(10, 12));
    s.handleEvent(ev(13, 14));
    s.handleEvent(ev(20, 21));
    s.handleEvent(ev(22, 23));
    assert.deepEqual(s.handleSnapshot(snap(12)), { type: 'gap', expectedFirstId: 15, receivedFirstId: 20 });
    assert.equal(s.state, 'buffering');
    assert.deepEqual(s.handleSnapshot(snap(21)), { type: 'synced', appliedEvents: 1 });
    assert.equal(s.lastUpdateId, 23);
  });

  test('a snapshot while synced or idle is ignored', () => {
    const s = new DepthSync();
    assert.deepEqual(s.handleSnapshot(snap(1)), { type: 'ignored', reason: 'unexpected-snapshot' });
    s.handleEvent(ev(1, 1));
    s.handleSnapshot(snap(1));
    assert.deepEqual(s.handleSnapshot(snap(5)), { type: 'ignored', reason: 'unexpected-snapshot' });
  });

  test('a quiet book: once the stream runs the snapshot is wanted at once and is the book; the first event must continue it', () => {
    const s = new DepthSync();
    assert.deepEqual(s.streamLive(5_000), { type: 'request-snapshot', reason: 'stream-live' });
    assert.deepEqual(s.streamLive(5_001), { type: 'ignored', reason: 'already-started' }, 'asked once');
    assert.deepEqual(s.handleSnapshot(snap(40)), { type: 'synced', appliedEvents: 0 });
    assert.deepEqual([s.isSynced, s.lastUpdateId, s.updatedTime, s.book.top('bid', 1)], [true, 40, 5_000, [{ price: '100', quantity: '1' }]], 'the snapshot is the book, timed when the stream ran');
    assert.deepEqual(s.handleEvent(ev(35, 40)), { type: 'ignored', reason: 'stale-event' });
    assert.deepEqual(s.handleEvent(ev(38, 42, [['100', '2']])), { type: 'applied' }, 'straddles the snapshot: continues it');
    assert.deepEqual(s.handleEvent(ev(50, 51)), { type: 'gap', expectedFirstId: 43, receivedFirstId: 50 });

    const late = new DepthSync();
    late.streamLive(5_000);
    assert.deepEqual(late.handleEvent(ev(45, 46)), { type: 'buffered' }, 'an event before the snapshot is buffered');
    assert.deepEqual(late.handleSnapshot(snap(40)), { type: 'snapshot-too-old', lastUpdateId: 40, firstBufferedId: 45 }, 'and judges the snapshot as in step 2');

    const moving = new DepthSync();
    moving.handleEvent(ev(10, 12));
    assert.deepEqual(moving.streamLive(5_000), { type: 'ignored', reason: 'already-started' }, 'a book already under way is left to the events');
  });

  test('buffer overflow restarts buffering from the newest event', () => {
    const s = new DepthSync({ maxBufferedEvents: 2 });
    s.handleEvent(ev(1, 1));
    s.handleEvent(ev(2, 2));
    assert.deepEqual(s.handleEvent(ev(3, 3)), { type: 'request-snapshot', reason: 'buffer-overflow' });
    assert.equal(s.handleSnapshot(snap(2)).type, 'snapshot-too-old');
  });

  test('reset forgets the book and waits for a first event again', () => {
    const s = new DepthSync();
    s.handleEvent(ev(1, 1));
    s.handleSnapshot(snap(1));
    s.reset();
    assert.equal(s.state, 'idle');
    assert.equal(s.book.size('ask'), 0);
  });

  test("the docs' example payloads drive the machine", () => {
    const s = new DepthSync();
    const diff = parseDepthDiff(fixtureObject('depth-update'));
    const snapshot = parseDepthSnapshot(fixtureObject('depth-snapshot'));
    assert.equal(s.handleEvent(diff).type, 'request-snapshot');
    // The docs' snapshot (1027024) is far past the diff (157..160): the diff is dropped.
    assert.deepEqual(s.handleSnapshot(snapshot), { type: 'synced', appliedEvents: 0 });
    assert.deepEqual(s.book.top('bid', 5), [{ price: '4', quantity: '431' }]);
    assert.deepEqual(s.book.top('ask', 5), [{ price: '4.000002', quantity: '12' }]);
  });
});

/** Reference model: the true book after applying every update id up to `id`. */
function truth(updates: Array<{ id: number; side: 'bid' | 'ask'; price: string; qty: string }>, upTo: number): Map<string, string> {
  const m = new Map<string, string>();
  for (const u of updates) {
    if (u.id > upTo) break;
    const key = `${u.side}:${u.price}`;
    if (u.qty === '0') m.delete(key);
    else m.set(key, u.qty);
  }
  return m;
}

describe('DepthSync property: whenever it says synced, the book is the true book at its update id', () => {
  test('with duplicated, dropped and reordered delivery', () => {
    const update = fc.record({
      side: fc.constantFrom<'bid' | 'ask'>('bid', 'ask'),
      price: fc.integer({ min: 1, max: 12 }).map((n) => (n <= 6 ? String(90 + n) : String(100 + n))),
      qty: fc.constantFrom('0', '1', '2.5', '3'),
    });
    fc.assert(
      fc.property(
        fc.array(update, { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 60, maxLength: 60 }),
        fc.array(fc.constantFrom('deliver', 'deliver', 'deliver', 'drop', 'dup', 'swap'), { minLength: 60, maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 20, maxLength: 20 }),
        (raw, sizes, faults, snapshotLags) => {
          const updates = raw.map((u, i) => ({ ...u, id: i + 1 }));
          // group consecutive update ids into events of 1–4 ids, like 100 ms batches
          const events: DepthDiff[] = [];
          let i = 0;
          let k = 0;
          while (i < updates.length) {
            const n = sizes[k++ % sizes.length]!;
            const batch = updates.slice(i, i + n);
            events.push({
              firstUpdateId: batch[0]!.id,
              finalUpdateId: batch[batch.length - 1]!.id,
              eventTime: batch[0]!.id,
              bids: batch.filter((b) => b.side === 'bid').map((b) => [b.price, b.qty] as [string, string]),
              asks: batch.filter((b) => b.side === 'ask').map((b) => [b.price, b.qty] as [string, string]),
            });
            i += n;
          }
          // faulty delivery
          const delivered: DepthDiff[] = [];
          for (let j = 0; j < events.length; j++) {
            const f = faults[j % faults.length];
            if (f === 'drop') continue;
            if (f === 'dup') delivered.push(events[j]!, events[j]!);
            else if (f === 'swap' && j + 1 < events.length) {
              delivered.push(events[j + 1]!, events[j]!);
              j++;
            } else delivered.push(events[j]!);
          }
          const s = new DepthSync();
          let seenMax = 0;
          let lagIdx = 0;
          const check = () => {
            if (!s.isSynced) return;
            const want = truth(updates, s.lastUpdateId);
            const got = new Map<string, string>();
            for (const l of s.book.top('bid', 100)) got.set(`bid:${l.price}`, l.quantity);
            for (const l of s.book.top('ask', 100)) got.set(`ask:${l.price}`, l.quantity);
            assert.deepEqual(got, want);
          };
          for (const e of delivered) {
            seenMax = Math.max(seenMax, e.finalUpdateId);
            const r = s.handleEvent(e);
            check();
            if (r.type === 'request-snapshot' || r.type === 'gap') {
              // the venue answers with a snapshot taken a little later than what has been seen so far
              const at = Math.min(updates.length, seenMax + snapshotLags[lagIdx++ % snapshotLags.length]!);
              const book = truth(updates, at);
              const bids: Array<[string, string]> = [];
              const asks: Array<[string, string]> = [];
              for (const [key, q] of book) (key.startsWith('bid:') ? bids : asks).push([key.slice(4), q]);
              const rs = s.handleSnapshot({ lastUpdateId: at, bids, asks });
              assert.notEqual(rs.type, 'ignored');
              check();
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
