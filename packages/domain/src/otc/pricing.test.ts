import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dec, str } from '../model/decimal.ts';
import type { GridBook } from '../model/market-data.ts';
import { priceRequest, priceRequestDec, roundToTick, walkForBase, walkForQuote } from './pricing.ts';
import { GridLevels, markupOf, priceInUnits, textLevels, units } from './pricing-units.ts';

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

/** A random book on a grid: `levels` levels each side, prices around 100 on the tick, quantities in lots. */
const gridBook = fc
  .record({
    tickPlaces: fc.integer({ min: 0, max: 4 }),
    lotPlaces: fc.integer({ min: 0, max: 6 }),
    asks: fc.array(fc.record({ gap: fc.integer({ min: 1, max: 500 }), lots: fc.integer({ min: 1, max: 5_000 }) }), { minLength: 1, maxLength: 12 }),
    bids: fc.array(fc.record({ gap: fc.integer({ min: 1, max: 500 }), lots: fc.integer({ min: 1, max: 5_000 }) }), { minLength: 1, maxLength: 12 }),
    spreadBps: fc.oneof(fc.integer({ min: 0, max: 500 }).map(String), fc.integer({ min: 0, max: 999 }).map((n) => `${n}.5`)),
  })
  .map((g) => {
    const tick = dec(1).div(dec(10).pow(g.tickPlaces));
    const lot = dec(1).div(dec(10).pow(g.lotPlaces));
    const mid = dec(100).div(tick).floor();
    let ask = mid;
    let bid = mid;
    const asks = g.asks.map((l) => ({ price: str((ask = ask.add(l.gap)).mul(tick)), quantity: str(lot.mul(l.lots)) }));
    const bids = g.bids.map((l) => ({ price: str((bid = bid.sub(l.gap)).gt(0) ? bid.mul(tick) : tick), quantity: str(lot.mul(l.lots)) }));
    return { tick, lot, asks, bids, spread: dec(g.spreadBps).div(10_000) };
  });

test('property: the integer price is exact — the tick rounding of the walk average plus spread — and agrees with the decimal.js reference', () => {
  fc.assert(
    fc.property(gridBook, fc.constantFrom('BUY' as const, 'SELL' as const), fc.integer({ min: 1, max: 200_000 }), fc.integer({ min: 0, max: 3 }), (book, side, n, extraPlaces) => {
      // Any size, on the lot or finer.
      const quantity = book.lot.mul(n).div(dec(10).pow(extraPlaces));
      const p = priceRequest({ ...book, side, quantity });
      const ref = priceRequestDec({ ...book, side, quantity });
      assert.equal(p.ok, ref.ok);
      if (!p.ok || !ref.ok) return assert.deepEqual(p, ref);
      assert.equal(str(p.hedgeCost), str(ref.hedgeCost));
      assert.equal(str(p.quantity), str(quantity));
      assert.ok(p.price.sub(ref.price).abs().lte(book.tick), `${str(p.price)} vs ${str(ref.price)}`);
      assert.ok(p.price.mod(book.tick).isZero());
      // price × quantity against hedgeCost × markup, without dividing: the smallest tick at or above it (BUY), the
      // largest at or below it (SELL).
      const markup = side === 'BUY' ? dec(1).add(book.spread) : dec(1).sub(book.spread);
      const target = p.hedgeCost.mul(markup);
      if (side === 'BUY') assert.ok(p.price.mul(quantity).gte(target) && p.price.sub(book.tick).mul(quantity).lt(target));
      else assert.ok(p.price.mul(quantity).lte(target) && p.price.add(book.tick).mul(quantity).gt(target));
      assert.equal(str(p.quoteQuantity), str(p.price.mul(quantity)));
    }),
    { numRuns: 400 },
  );
});

test('property: by quote amount, the integer path answers what the decimal.js reference answers', () => {
  fc.assert(
    fc.property(gridBook, fc.constantFrom('BUY' as const, 'SELL' as const), fc.integer({ min: 1, max: 50_000_000 }), (book, side, cents) => {
      const quoteQuantity = dec(cents).div(100);
      const p = priceRequest({ ...book, side, quoteQuantity });
      const ref = priceRequestDec({ ...book, side, quoteQuantity });
      if (!p.ok || !ref.ok) return assert.deepEqual(p, ref);
      assert.deepEqual([str(p.price), str(p.quantity), str(p.quoteQuantity)], [str(ref.price), str(ref.quantity), str(ref.quoteQuantity)]);
      assert.ok(p.quoteQuantity.lte(quoteQuantity));
    }),
    { numRuns: 400 },
  );
});

test('property: a book read on its grid (tick and lot counts) prices exactly as the same book read from its texts', () => {
  fc.assert(
    fc.property(gridBook, fc.constantFrom('BUY' as const, 'SELL' as const), fc.boolean(), fc.integer({ min: 1, max: 50_000_000 }), (book, side, byQuote, n) => {
      const tick = units(str(book.tick))!;
      const lot = units(str(book.lot))!;
      const markup = markupOf(side, str(book.spread))!;
      const taken = side === 'BUY' ? book.asks : book.bids;
      const grid: GridBook = {
        tickSize: str(book.tick),
        lotSize: str(book.lot),
        count: taken.length,
        ticks: taken.map((l) => dec(l.price).div(book.tick).toNumber()),
        lots: taken.map((l) => dec(l.quantity).div(book.lot).toNumber()),
        bestBid: undefined,
        bestAsk: undefined,
      };
      const size = byQuote ? { quoteQuantity: units(str(dec(n).div(100)))! } : { quantity: units(str(book.lot.mul(n % 200_000)))! };
      const r = { side, markup, tick, lot, ...size };
      const fromGrid = priceInUnits({ ...r, levels: new GridLevels().of(grid, tick, lot) });
      assert.ok(fromGrid !== undefined, 'a grid read is always on the 10^-18 grid');
      assert.deepEqual(fromGrid, priceInUnits({ ...r, levels: textLevels(taken) }));
    }),
    { numRuns: 400 },
  );
});
