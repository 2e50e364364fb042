import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ZERO, dec, str, type Dec } from '../model/decimal.ts';
import { plainFixed } from '../model/fixed-decimal.ts';
import { exposureOfUnits, exposureUnitsOf } from './exposure-units.ts';
import { units } from './pricing-units.ts';

const seed = Number(process.env.FC_SEED ?? 1313);

/** A canonical decimal with up to `whole` integer digits and `places` fraction digits. */
const decimalText = (whole: number, places: number) => fc.bigInt({ min: 0n, max: 10n ** BigInt(whole + places) - 1n }).map((u) => plainFixed(u, places));

test('property: an exposure moved by quoted trades in units is the Dec sum, value and text, trade after trade', () => {
  const trades = fc.array(fc.tuple(fc.constantFrom('BUY' as const, 'SELL' as const), decimalText(12, 18)), { minLength: 1, maxLength: 12 });
  fc.assert(
    fc.property(trades, (list) => {
      let byDec: Dec = ZERO;
      let byUnits: Dec = ZERO;
      for (const [side, quantity] of list) {
        byDec = byDec.add(side === 'BUY' ? dec(quantity) : dec(quantity).neg());
        const before = exposureUnitsOf(byUnits);
        if (before === null) return false;
        const after = exposureOfUnits(side === 'BUY' ? before + units(quantity)! : before - units(quantity)!);
        if (after.text !== str(byDec) || !after.value.eq(byDec) || str(after.value) !== after.text) return false;
        byUnits = after.value;
        // What the next risk check reads: the units, known without the text.
        if (exposureUnitsOf(byUnits) !== (side === 'BUY' ? before + units(quantity)! : before - units(quantity)!)) return false;
      }
      return true;
    }),
    { seed, numRuns: 1_000 },
  );
});

test('an exposure off the 10^-18 grid reads as null (the risk check then values it with Dec)', () => {
  assert.equal(exposureUnitsOf(dec('0.0000000000000000001')), null);
  assert.equal(exposureUnitsOf(dec('-1.5')), -1_500_000_000_000_000_000n);
  assert.equal(exposureUnitsOf(ZERO), 0n);
  assert.deepEqual(exposureOfUnits(0n).text, '0');
});
