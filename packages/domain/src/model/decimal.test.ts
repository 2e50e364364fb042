import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { DEC_DIGITS, fitsDec } from './decimal.ts';

describe('fitsDec', () => {
  test('property: a plain decimal fits exactly when it has at most 40 significant digits, as decimal.js counts them', () => {
    const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`));
    const text = fc
      .record({ negative: fc.boolean(), int: digits(1, 50), frac: fc.option(digits(1, 50), { nil: undefined }) })
      .map(({ negative, int, frac }) => `${negative ? '-' : ''}${int}${frac === undefined ? '' : `.${frac}`}`);
    // decimal.js's constructor keeps every digit given; sd() counts them without leading or trailing zeros.
    fc.assert(fc.property(text, (t) => fitsDec(t) === new Decimal(t).sd() <= DEC_DIGITS), { seed: 4040, numRuns: 5_000 });
  });

  test('edges', () => {
    assert.equal(fitsDec('0'), true);
    assert.equal(fitsDec('-0.000'), true);
    assert.equal(fitsDec(`1${'0'.repeat(60)}`), true, 'trailing zeros of an integer are not significant');
    assert.equal(fitsDec(`0.${'0'.repeat(60)}1`), true);
    assert.equal(fitsDec(`5${'0'.repeat(38)}1`), true, '40 digits');
    assert.equal(fitsDec(`5${'0'.repeat(39)}1`), false, '41 digits');
    assert.equal(fitsDec(`50000.${'0'.repeat(40)}1`), false);
  });
});
