import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FailureLimiter, TokenBucketLimiter } from './rate-limits.ts';

describe('TokenBucketLimiter', () => {
  test('allows the burst, refuses the next, refills at the rate, and keys are independent', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter({ burst: 3, perSecond: 0.5 }, () => now);
    assert.deepEqual([1, 2, 3, 4].map(() => limiter.take('a')), [true, true, true, false]);
    assert.equal(limiter.take('b'), true);
    now += 1000;
    assert.equal(limiter.take('a'), false, 'half a token after 1 s');
    now += 1000;
    assert.equal(limiter.take('a'), true, 'one token after 2 s');
    assert.equal(limiter.take('a'), false);
    now += 60_000;
    assert.deepEqual([1, 2, 3, 4].map(() => limiter.take('a')), [true, true, true, false], 'never more than the burst');
  });
});

describe('FailureLimiter', () => {
  test('blocks after the allowed attempts until the window ends; success clears the count', () => {
    let now = 0;
    const limiter = new FailureLimiter({ maxFailures: 2, windowSeconds: 60 }, () => now);
    assert.equal(limiter.begin('x'), true);
    assert.equal(limiter.begin('x'), true);
    assert.equal(limiter.begin('x'), false);
    assert.equal(limiter.begin('y'), true);
    now += 60_000;
    assert.equal(limiter.begin('x'), true);
    limiter.succeeded('x');
    assert.equal(limiter.begin('x'), true);
    assert.equal(limiter.begin('x'), true);
    assert.equal(limiter.begin('x'), false);
  });
});
