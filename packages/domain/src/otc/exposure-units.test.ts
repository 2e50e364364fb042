import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ZERO, dec, str, type Dec } from '../model/decimal.ts';
import { plainFixed } from '../model/fixed-decimal.ts';
import { HeldExposure, NO_EXPOSURE } from './exposure-units.ts';
import { units } from './pricing-units.ts';

const seed = Number(process.env.FC_SEED ?? 1313);

/** A canonical decimal with up to `whole` integer digits and `places` fraction digits. */
const decimalText = (whole: number, places: number) => fc.bigInt({ min: 0n, max: 10n ** BigInt(whole + places) - 1n }).map((u) => plainFixed(u, places));

test('property: an exposure moved by quoted trades in units is the Dec sum, value and text, trade after trade', () => {
  const trades = fc.array(fc.tuple(fc.constantFrom('BUY' as const, 'SELL' as const), decimalText(12, 18)), { minLength: 1, maxLength: 12 });
  fc.assert(
    fc.property(trades, (list) => {
      let byDec: Dec = ZERO;
      let byUnits = NO_EXPOSURE;
      for (const [side, quantity] of list) {
        byDec = byDec.add(side === 'BUY' ? dec(quantity) : dec(quantity).neg());
        const before = byUnits.inUnits;
        if (before === null) return false;
        const after = HeldExposure.ofUnits(side === 'BUY' ? before + units(quantity)! : before - units(quantity)!);
        // What the next risk check reads: the units, known without the text.
        if (after.inUnits !== (side === 'BUY' ? before + units(quantity)! : before - units(quantity)!)) return false;
        if (after.text !== str(byDec) || !after.value.eq(byDec) || str(after.value) !== after.text) return false;
        // Read back from its Dec (a hedge's fill, or a loaded row), the same units.
        if (HeldExposure.ofDec(after.value).inUnits !== after.inUnits) return false;
        byUnits = after;
      }
      return true;
    }),
    { seed, numRuns: 1_000 },
  );
});

test('an exposure off the 10^-18 grid reads as null (the risk check then values it with Dec)', () => {
  assert.equal(HeldExposure.ofDec(dec('0.0000000000000000001')).inUnits, null);
  assert.equal(HeldExposure.ofDec(dec('-1.5')).inUnits, -1_500_000_000_000_000_000n);
  assert.equal(HeldExposure.ofDec(ZERO).inUnits, 0n);
  assert.equal(NO_EXPOSURE.text, '0');
  assert.ok(NO_EXPOSURE.value.isZero());
});
