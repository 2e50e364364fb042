import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PendingAnswers } from './pending-answers.ts';

const CAP = 'Cannot subscribe to more than 1000 channels.';

describe('Hyperliquid PendingAnswers: which subscribe an error naming none refused', () => {
  test('a lone subscribe waiting is the one refused, at once', () => {
    const p = new PendingAnswers();
    p.sent('subscribe', 'trades:BTC');
    assert.deepEqual(p.unexplainedError(CAP), [{ channel: 'trades:BTC', reason: CAP }]);
    assert.equal(p.size, 0);
  });

  test('in a burst, the refused one is known when every other has been answered', () => {
    const p = new PendingAnswers();
    for (const c of ['trades:BTC', 'l2Book:BTC', 'candle:BTC:1m']) p.sent('subscribe', c);
    p.sent('unsubscribe', 'trades:ETH');
    assert.deepEqual(p.unexplainedError(CAP), [], 'four waiting: any of them');
    assert.deepEqual(p.answered('trades:BTC', 'subscribe'), []);
    assert.deepEqual(p.answered('trades:ETH', 'unsubscribe'), []);
    assert.deepEqual(p.answered('candle:BTC:1m'), [{ channel: 'l2Book:BTC', reason: CAP }]);
    assert.equal(p.size, 0, 'settled: nothing is waiting any more');
  });

  test('two errors naming none leave two refused; an unsubscribe left over is no refusal', () => {
    const p = new PendingAnswers();
    for (const c of ['a:1', 'b:1', 'c:1']) p.sent('subscribe', c);
    p.sent('unsubscribe', 'd:1');
    p.unexplainedError('Cannot send more than 2000 messages per minute.');
    p.unexplainedError('Cannot send more than 2000 messages per minute.');
    assert.deepEqual(p.answered('a:1'), []);
    assert.deepEqual(p.answered('b:1').map((r) => r.channel), ['c:1'], 'c and the unsubscribe of d were the ones answered by errors');
  });

  test('a channel asked twice before an answer waits twice; an error with nothing waiting refuses nothing, later', () => {
    const p = new PendingAnswers();
    assert.deepEqual(p.unexplainedError(CAP), []);
    p.sent('subscribe', 'trades:BTC');
    p.sent('subscribe', 'trades:BTC');
    assert.deepEqual(p.answered('trades:BTC'), [], 'the error before it was not an answer to it');
    assert.deepEqual(p.unexplainedError(CAP), [{ channel: 'trades:BTC', reason: CAP }]);
  });

  test('a reopened socket forgets what it waited for', () => {
    const p = new PendingAnswers();
    p.sent('subscribe', 'trades:BTC');
    p.sent('subscribe', 'l2Book:BTC');
    p.unexplainedError(CAP);
    p.reset();
    p.sent('subscribe', 'trades:BTC');
    assert.deepEqual(p.answered('trades:BTC'), []);
    assert.equal(p.size, 0);
  });
});
