import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dec, str } from '../model/decimal.ts';
import { priceRequest, roundToTick, walkForBase, walkForQuote } from './pricing.ts';

const asks = [
  { price: '100', quantity: '1' },
  { price: '101', quantity: '2' },
  { price: '105', quantity: '1' },
];
const bids = [
  { price: '99', quantity: '1' },
  { price: '98', quantity: '3' },
];
const base = { spread: dec('0.01'), tick: dec('0.1'), lot: dec('0.01'), bids, asks };

test('walking the book: level by level, best first; short books say so', () => {
  assert.deepEqual([str(walkForBase(asks, dec('2')).cost), walkForBase(asks, dec('2')).complete], ['201', true]);
  assert.deepEqual([str(walkForBase(asks, dec('5')).quantity), walkForBase(asks, dec('5')).complete], ['4', false]);
  const w = walkForQuote(asks, dec('150.5'));
  assert.deepEqual([str(w.quantity), str(w.cost), w.complete], ['1.5', '150.5', true]);
  assert.equal(walkForQuote(bids, dec('1000')).complete, false);
});

test('price: the walk average plus the spread, rounded to the tick in the dealer’s favour', () => {
  const buy = priceRequest({ ...base, side: 'BUY', quantity: dec('2') });
  assert.ok(buy.ok);
  assert.equal(str(buy.price), '101.6'); // 100.5 × 1.01 = 101.505 → up to 101.6
  assert.equal(str(buy.quoteQuantity), '203.2');
  assert.equal(str(buy.hedgeCost), '201');
  const sell = priceRequest({ ...base, side: 'SELL', quantity: dec('2') });
  assert.ok(sell.ok);
  assert.equal(str(sell.price), '97.5'); // 98.5 × 0.99 = 97.515 → down to 97.5
  assert.deepEqual(priceRequest({ ...base, side: 'SELL', quantity: dec('5') }), { ok: false, reason: 'NO_DEPTH' });
  assert.equal(str(roundToTick(dec('1.2345'), dec('0'), 'up')), '1.2345');
});

test('property: by quote amount, whole lots never costing more than the amount; bigger clips never cheaper', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 40_000 }), fc.integer({ min: 1, max: 30_000 }), (cents, more) => {
      const amount = dec(cents).div(100);
      const p = priceRequest({ ...base, side: 'BUY', quoteQuantity: amount });
      if (!p.ok) return;
      assert.ok(p.quoteQuantity.lte(amount), `${p.quoteQuantity} > ${amount}`);
      assert.ok(p.quantity.mod('0.01').isZero());
      assert.equal(str(p.quoteQuantity), str(p.price.mul(p.quantity)));
      const bigger = priceRequest({ ...base, side: 'BUY', quantity: p.quantity.add(dec(more).div(10_000)) });
      if (bigger.ok) assert.ok(bigger.price.gte(p.price));
    }),
    { numRuns: 500 },
  );
});
