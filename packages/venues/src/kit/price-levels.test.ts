import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalBook } from './price-levels.ts';
import { decimalPlaces, normalizeDecimal, toScaled } from '@cadenza/domain';

describe('LocalBook', () => {
  test('keeps bids highest first and asks lowest first, by decimal value not text', () => {
    const b = new LocalBook();
    b.reset(
      [['9.5', '1'], ['10.25', '2'], ['100', '3'], ['10.3', '4']],
      [['101', '1'], ['100.5', '2'], ['1000', '3'], ['100.05', '4']],
    );
    assert.deepEqual(b.top('bid', 10).map((l) => l.price), ['100', '10.3', '10.25', '9.5']);
    assert.deepEqual(b.top('ask', 10).map((l) => l.price), ['100.05', '100.5', '101', '1000']);
  });

  test('quantities are absolute; zero removes; removing a missing level is harmless', () => {
    const b = new LocalBook();
    b.set('bid', '4.00000000', '431.00000000');
    b.set('bid', '4.0', '5');
    assert.deepEqual(b.top('bid', 5), [{ price: '4', quantity: '5' }]);
    b.set('bid', '4', '0.00000000');
    b.set('bid', '3.9', '0');
    assert.equal(b.size('bid'), 0);
  });

  test('top returns at most depth levels', () => {
    const b = new LocalBook();
    for (let i = 1; i <= 30; i++) b.set('ask', String(i), '1');
    assert.equal(b.top('ask', 20).length, 20);
    assert.equal(b.top('ask', 20)[0]!.price, '1');
    assert.equal(b.top('ask', 0).length, 0);
  });
});

describe('decimal text', () => {
  test('normalises and scales without floats', () => {
    assert.equal(normalizeDecimal('0004.00000200'), '4.000002');
    assert.equal(normalizeDecimal('0.00000000'), '0');
    assert.equal(toScaled('0.1') + toScaled('0.2'), toScaled('0.3'));
    assert.equal(decimalPlaces('0.00100000'), 3);
    assert.equal(decimalPlaces('1.00000000'), 0);
    assert.throws(() => toScaled('1e-7'));
    assert.throws(() => toScaled('-1'));
  });
});

describe('decimal text for venues that send JSON numbers', () => {
  test('JSON number lexemes become plain decimals digit for digit', async () => {
    const { plainFromJsonNumber, subtractDecimal, shiftDecimal, truncateDecimal } = await import('@cadenza/domain');
    assert.equal(plainFromJsonNumber('1e-8'), '0.00000001');
    assert.equal(plainFromJsonNumber('-1.5E-7'), '-0.00000015');
    assert.equal(plainFromJsonNumber('64000'), '64000');
    assert.equal(plainFromJsonNumber('1.25e3'), '1250');
    assert.equal(plainFromJsonNumber('-0'), '0');
    assert.throws(() => plainFromJsonNumber('0x10'));
    assert.equal(subtractDecimal('1.5', '0.25'), '1.25');
    assert.equal(subtractDecimal('0.1', '0.3'), '-0.2');
    assert.equal(shiftDecimal('0.0123', 2), '1.23');
    assert.equal(shiftDecimal('-0.001', 2), '-0.1');
    assert.equal(truncateDecimal('-1.239', 2), '-1.23');
    assert.equal(truncateDecimal('-0.001', 2), '0.00');
  });
});
