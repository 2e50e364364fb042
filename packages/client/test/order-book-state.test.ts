import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { OrderBook } from '@cadenza/contract';
import { OrderBookState } from '../src/order-book-state.ts';

function book(timestamp: number, bids: Array<[string, string]>, asks: Array<[string, string]>, updateType: OrderBook['updateType'] = 'SNAPSHOT'): OrderBook {
  return { updateType, venue: 'PAPER', symbol: 'BTC/USDT', instrumentId: 'PAPER:BTC/USDT', orderBookType: 'L2', columns: ['price', 'quantity'], bids, asks, timestamp };
}

describe('OrderBookState', () => {
  test('takes the snapshot of the subscribe reply and keeps bids highest-first, asks lowest-first', () => {
    const s = new OrderBookState();
    const action = s.onSubscribed({ streamPosition: { offset: 7, epoch: 'e1' }, data: book(1, [['99.5', '1'], ['100', '2']], [['101', '1'], ['100.5', '3']]) });
    assert.equal(action, 'applied');
    assert.equal(s.synced, true);
    assert.deepEqual(s.bids.map((l) => l.price), ['100', '99.5']);
    assert.deepEqual(s.asks.map((l) => l.price), ['100.5', '101']);
    assert.deepEqual(s.position, { offset: 7, epoch: 'e1' });
  });

  test('asks for a resync when the subscribe reply carries no snapshot', () => {
    const s = new OrderBookState();
    assert.equal(s.onSubscribed({ streamPosition: { offset: 0, epoch: 'e' } }), 'resync');
    assert.equal(s.synced, false);
    assert.equal(s.onResync(book(5, [['1', '1']], [['2', '1']])), 'applied');
    assert.equal(s.synced, true);
  });

  test('replaces the book on consecutive snapshot publications', () => {
    const s = new OrderBookState();
    s.onSubscribed({ streamPosition: { offset: 1, epoch: 'e' }, data: book(1, [['10', '1']], [['11', '1']]) });
    assert.equal(s.onPublication(book(2, [['10.5', '2']], [['11.5', '2']]), 2), 'applied');
    assert.deepEqual(s.bids, [{ price: '10.5', quantity: '2' }]);
    assert.equal(s.gaps, 0);
    assert.equal(s.synced, true);
  });

  test('an offset jump is a gap: the book shows the snapshot but is out of sync until the resync lands', () => {
    const s = new OrderBookState();
    s.onSubscribed({ streamPosition: { offset: 1, epoch: 'e' }, data: book(1, [['10', '1']], [['11', '1']]) });
    assert.equal(s.onPublication(book(3, [['9', '1']], [['12', '1']]), 4), 'resync');
    assert.equal(s.gaps, 1);
    assert.equal(s.synced, false);
    assert.equal(s.bids[0]?.price, '9');
    // A consecutive publication while the resync is in flight does not mark the book synced.
    assert.equal(s.onPublication(book(4, [['9.5', '1']], [['12', '1']]), 5), 'applied');
    assert.equal(s.synced, false);
    // The resync snapshot is older than what we show: kept out, but the book is in sync again.
    assert.equal(s.onResync(book(2, [['1', '1']], [['2', '1']])), 'ignored');
    assert.equal(s.synced, true);
    assert.equal(s.bids[0]?.price, '9.5');
  });

  test('ignores duplicate and old offsets', () => {
    const s = new OrderBookState();
    s.onSubscribed({ streamPosition: { offset: 5, epoch: 'e' }, data: book(5, [['10', '1']], [['11', '1']]) });
    assert.equal(s.onPublication(book(6, [['1', '1']], [['2', '1']]), 5), 'ignored');
    assert.equal(s.onPublication(book(6, [['1', '1']], [['2', '1']]), 3), 'ignored');
    assert.equal(s.bids[0]?.price, '10');
  });

  test('a reconnect that could not recover counts as a gap and resyncs', () => {
    const s = new OrderBookState();
    s.onSubscribed({ streamPosition: { offset: 5, epoch: 'e' }, data: book(5, [['10', '1']], [['11', '1']]) });
    assert.equal(s.onSubscribed({ wasRecovering: true, recovered: false, streamPosition: { offset: 90, epoch: 'e' } }), 'resync');
    assert.equal(s.gaps, 1);
    assert.equal(s.synced, false);
    // Live publications continue from the new top without another gap.
    assert.equal(s.onPublication(book(9, [['10', '1']], [['11', '1']]), 91), 'applied');
    assert.equal(s.gaps, 1);
  });

  test('a recovered reconnect needs no resync and replays the missed offsets', () => {
    const s = new OrderBookState();
    s.onSubscribed({ streamPosition: { offset: 5, epoch: 'e' }, data: book(5, [['10', '1']], [['11', '1']]) });
    s.onPublication(book(6, [['10', '1']], [['11', '1']]), 6);
    assert.equal(s.onSubscribed({ wasRecovering: true, recovered: true, streamPosition: { offset: 6, epoch: 'e' } }), 'ignored');
    assert.equal(s.onPublication(book(7, [['10', '2']], [['11', '1']]), 7), 'applied');
    assert.equal(s.gaps, 0);
    assert.equal(s.synced, true);
  });

  test('a new epoch restarts the offsets without reporting a gap', () => {
    const s = new OrderBookState();
    s.onSubscribed({ streamPosition: { offset: 50, epoch: 'old' }, data: book(5, [['10', '1']], [['11', '1']]) });
    s.onSubscribed({ streamPosition: { offset: 2, epoch: 'new' }, data: book(6, [['10', '1']], [['11', '1']]) });
    assert.equal(s.onPublication(book(7, [['10', '3']], [['11', '1']]), 3), 'applied');
    assert.equal(s.gaps, 0);
  });

  test('DELTA rows upsert levels by price and a zero quantity removes one', () => {
    const s = new OrderBookState();
    s.onSubscribed({ data: book(1, [['10', '1'], ['9', '1']], [['11', '1']]) });
    assert.equal(s.onPublication(book(2, [['10.0', '0'], ['9.5', '4']], [['11', '2'], ['12', '1']], 'DELTA')), 'applied');
    assert.deepEqual(s.bids, [{ price: '9.5', quantity: '4' }, { price: '9', quantity: '1' }]);
    assert.deepEqual(s.asks, [{ price: '11', quantity: '2' }, { price: '12', quantity: '1' }]);
  });

  test('a DELTA across a gap is not applied', () => {
    const s = new OrderBookState();
    s.onSubscribed({ streamPosition: { offset: 1, epoch: 'e' }, data: book(1, [['10', '1']], [['11', '1']]) });
    assert.equal(s.onPublication(book(2, [['10', '0']], [], 'DELTA'), 3), 'resync');
    assert.deepEqual(s.bids, [{ price: '10', quantity: '1' }]);
  });

  test('keeps the extra tuple columns (order counts)', () => {
    const s = new OrderBookState();
    s.onSubscribed({ data: { ...book(1, [], []), orderBookType: 'L2_COUNTED', bids: [['10', '1', '3']], asks: [] } });
    assert.deepEqual(s.bids[0], { price: '10', quantity: '1', extra: ['3'] });
  });

  test('ignores payloads that are not order books', () => {
    const s = new OrderBookState();
    assert.equal(s.onPublication({ hello: 1 }, 1), 'ignored');
    assert.equal(s.onPublication(null), 'ignored');
  });
});
