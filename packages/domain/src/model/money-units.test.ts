import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Dec, dec, str } from './decimal.ts';
import { divUnits, divide, divideText, mulDivUnits, mulUnits, roundUnits, sameUnits, textOf, unitsOf, ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, type Rounding } from './money-units.ts';

/** Decimal with room for any exact product here, to tell when Dec rounded one. */
const Wide = Dec.clone({ precision: 100 });
const seed = Number(process.env.FC_SEED ?? 2020);
const runs = { seed, numRuns: 2_000 };

/** A signed decimal on the grid: up to 18 integer digits of mantissa at 0–20 places, kept below 10^18. */
const amount = fc
  .record({ digits: fc.bigInt({ min: 0n, max: 10n ** 18n - 1n }), places: fc.integer({ min: 0, max: 20 }), negative: fc.boolean() })
  .map(({ digits, places, negative }) => str(dec(`${negative ? '-' : ''}${digits}`).div(dec(10).pow(places))));
/** Amounts as fills carry them: a few digits at a few places (prices, lots, fees). */
const small = fc
  .record({ digits: fc.integer({ min: 0, max: 99_999_999 }), places: fc.integer({ min: 0, max: 10 }), negative: fc.boolean() })
  .map(({ digits, places, negative }) => str(dec(`${negative ? '-' : ''}${digits}`).div(dec(10).pow(places))));
const anyAmount = fc.oneof(amount, small);
const rounding = fc.constantFrom<Rounding>(ROUND_DOWN, ROUND_HALF_UP, ROUND_HALF_EVEN);
const places = fc.integer({ min: 0, max: 20 });

const u = (text: string): bigint => {
  const v = unitsOf(text);
  assert.notEqual(v, undefined, text);
  return v!;
};

describe('money units: the same answers as Dec', () => {
  test('text round trip: units read what str(dec()) writes and write it back', () => {
    fc.assert(fc.property(anyAmount, (t) => textOf(u(t)) === t), runs);
    assert.equal(textOf(u('-0')), '0');
    assert.equal(textOf(u('0012.3400')), '12.34');
  });

  test('off the grid: more than 20 places, 10^18 and above, and non-decimals read as undefined', () => {
    assert.equal(unitsOf('0.000000000000000000001'), undefined);
    assert.equal(unitsOf('1000000000000000000'), undefined);
    assert.equal(unitsOf('-1000000000000000000'), undefined);
    assert.equal(unitsOf('1e5'), undefined);
    assert.equal(unitsOf(''), undefined);
    assert.equal(unitsOf('-'), undefined);
    assert.equal(textOf(u('999999999999999999.99999999999999999999')), '999999999999999999.99999999999999999999');
  });

  test('the same amount is what Dec calls equal, whatever zeros pad either text; off the grid, undefined', () => {
    // The same values written other ways: zeros before and after, a fraction of zeros, "-0".
    const padded = fc
      .record({ t: anyAmount, lead: fc.integer({ min: 0, max: 3 }), trail: fc.integer({ min: 0, max: 3 }) })
      .map(({ t, lead, trail }) => {
        const negative = t.startsWith('-');
        const body = '0'.repeat(lead) + (negative ? t.slice(1) : t) + (trail > 0 ? (t.includes('.') ? '' : '.') + '0'.repeat(trail) : '');
        return negative ? `-${body}` : body;
      });
    const either = fc.oneof(anyAmount, padded);
    fc.assert(fc.property(either, either, (a, b) => sameUnits(a, b) === dec(a).eq(b)), runs);
    fc.assert(fc.property(anyAmount, (t) => sameUnits(t, `${t}${t.includes('.') ? '' : '.'}000`) === true), runs);
    assert.equal(sameUnits('-0', '0.00'), true);
    assert.equal(sameUnits('0.0002', '0.00020000000000000000001'), undefined);
    assert.equal(sameUnits('1000000000000000000', '1000000000000000000'), undefined);
    assert.equal(sameUnits('1e3', '1000'), undefined);
  });

  test('sums and differences on the grid are what Dec adds', () => {
    fc.assert(fc.property(anyAmount, anyAmount, anyAmount, (a, b, c) => textOf(u(a) + u(b) - u(c)) === str(dec(a).add(b).sub(c))), runs);
  });

  test('a product is what Dec multiplies when it is on the grid, and undefined only off it', () => {
    fc.assert(
      fc.property(anyAmount, anyAmount, (a, b) => {
        const exact = dec(a).mul(b);
        const p = mulUnits(u(a), u(b));
        if (p === undefined) return exact.decimalPlaces() > 20 || exact.abs().gte('1e18');
        return textOf(p) === str(exact);
      }),
      runs,
    );
  });

  test('rounding to places is Dec toDecimalPlaces, in every mode used', () => {
    fc.assert(fc.property(anyAmount, places, rounding, (a, p, rm) => textOf(roundUnits(u(a), p, rm)) === str(dec(a).toDecimalPlaces(p, rm))), runs);
  });

  test('a quotient is Dec div (40 significant digits, half up), as text and then rounded to places', () => {
    fc.assert(
      fc.property(anyAmount, anyAmount, places, rounding, (a, b, p, rm) => {
        if (dec(b).isZero()) return true;
        const q = dec(a).div(b);
        if (divideText(u(a), u(b)) !== str(q)) return false;
        const r = divUnits(u(a), u(b), p, rm);
        const want = q.toDecimalPlaces(p, rm);
        return r === undefined ? want.abs().gte('1e18') : textOf(r) === str(want);
      }),
      runs,
    );
  });

  test('a pro-rata share a × b ÷ c is Dec mul then div, the product kept whole however fine (up to 40 digits)', () => {
    fc.assert(
      fc.property(anyAmount, anyAmount, anyAmount, places, rounding, (a, b, c, p, rm) => {
        if (dec(c).isZero()) return true;
        const product = dec(a).mul(b);
        const want = product.div(c).toDecimalPlaces(p, rm);
        const r = mulDivUnits(u(a), u(b), u(c), p, rm);
        // Undefined only where Dec rounded the product (over 40 significant digits) or the share is off the grid.
        if (r === undefined) return new Wide(a).mul(b).precision() > 40 || want.abs().gte('1e18');
        return textOf(r) === str(want);
      }),
      runs,
    );
    // A cost already cut to 20 places, times a quantity: 24 places, off the grid, but whole in Dec and here.
    assert.equal(textOf(mulDivUnits(u('12.80012345678901234567'), u('0.0005'), u('0.0015'), 20, ROUND_HALF_EVEN)!), str(dec('12.80012345678901234567').mul('0.0005').div('0.0015').toDecimalPlaces(20, ROUND_HALF_EVEN)));
  });

  test('double rounding as Dec does it: a quotient just off a tie rounds to 40 digits first, then to places', () => {
    // x ÷ y lands a hair below or above …5 at the 21st place: Dec's first rounding (40 digits) can make it a tie.
    const near = fc.record({ whole: fc.bigInt({ min: 0n, max: 10n ** 12n }), y: fc.bigInt({ min: 1n, max: 10n ** 30n }), nudge: fc.bigInt({ min: -3n, max: 3n }), p: places, rm: rounding });
    fc.assert(
      fc.property(near, ({ whole, y, nudge, p, rm }) => {
        // a = (whole + 0.5 × 10^-p) × y + nudge, all in units
        const x = (whole * 10n ** 20n + 5n * 10n ** BigInt(19 - Math.min(p, 19))) * y / 10n ** 20n + nudge;
        const b = y;
        if (x === 0n) return true;
        const q = dec(textOf(x)).div(textOf(b));
        const r = divUnits(x, b, p, rm);
        const want = q.toDecimalPlaces(p, rm);
        return r === undefined ? want.abs().gte('1e18') : textOf(r) === str(want);
      }),
      runs,
    );
    // Quotients at, just under and just over a power of ten (where the leading digit's place is estimated in floating point).
    const power = fc.record({ y: fc.bigInt({ min: 1n, max: 10n ** 25n }), j: fc.integer({ min: -20, max: 15 }), nudge: fc.bigInt({ min: -2n, max: 2n }) });
    fc.assert(
      fc.property(power, ({ y, j, nudge }) => {
        const x = (j >= 0 ? y * 10n ** BigInt(j) : y / 10n ** BigInt(-j)) + nudge;
        if (x <= 0n) return true;
        return divideText(x, y) === str(dec(textOf(x)).div(textOf(y)));
      }),
      runs,
    );
    // Exact quotients (m ÷ 10^j, as a fill's price from its cost), at up to 40 digits and beyond: the same as Dec's.
    const exact = fc.record({ m: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), y: fc.bigInt({ min: 1n, max: 10n ** 12n }), j: fc.integer({ min: 0, max: 24 }), p: places, rm: rounding });
    fc.assert(
      fc.property(exact, ({ m, y, j, p, rm }) => {
        const x = m * y;
        const b = y * 10n ** BigInt(j);
        if (x === 0n || x >= 10n ** 38n || x <= -(10n ** 38n) || b >= 10n ** 38n) return true;
        const q = dec(textOf(x)).div(textOf(b));
        if (divideText(x, b) !== str(q)) return false;
        const r = divUnits(x, b, p, rm);
        const want = q.toDecimalPlaces(p, rm);
        return r === undefined ? want.abs().gte('1e18') : textOf(r) === str(want);
      }),
      runs,
    );
    // 1 ÷ 3 and 2 ÷ 3 at 40 digits.
    assert.equal(divideText(u('1'), u('3')), str(dec(1).div(3)));
    assert.equal(divideText(u('-2'), u('3')), str(dec(-2).div(3)));
    assert.deepEqual(divide(0n, 5n), { units: 0n, scale: 0 });
  });
});
