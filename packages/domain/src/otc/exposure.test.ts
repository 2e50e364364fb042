import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dec, str, type Dec } from '../model/decimal.ts';
import { plainFixed, toUnits } from '../model/fixed-decimal.ts';
import { PRICE_SCALE, VALUE_SCALE, exposureValue, exposureValueUnits } from './exposure.ts';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'];

/** A plain decimal with up to `whole` integer digits and `places` fraction digits, signed when asked. */
const decimalText = (whole: number, places: number, signed: boolean) =>
  fc
    .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** BigInt(whole + places) - 1n }))
    .map(([neg, u]) => `${signed && neg && u > 0n ? '-' : ''}${plainFixed(u, places)}`);

const signedUnits = (text: string): bigint => (text.startsWith('-') ? -toUnits(text.slice(1), 18)! : toUnits(text, 18)!);

/**
 * Exposures, a pair's best bid and ask (its price is their mid, as the dealer values it), or none, and a trade: sizes
 * where decimal.js (40 significant digits) computes exactly, so the two must agree to the last digit.
 */
const book = fc.record({
  exposures: fc.dictionary(fc.constantFrom(...SYMBOLS), decimalText(9, 8, true), { maxKeys: 3 }),
  tops: fc.dictionary(fc.constantFrom(...SYMBOLS), fc.tuple(decimalText(7, 10, false), decimalText(7, 10, false)), { maxKeys: 3 }),
  symbol: fc.constantFrom(...SYMBOLS),
  delta: decimalText(9, 8, true),
  price: decimalText(7, 10, false),
});

test('property: the risk value in integers is the decimal.js value, digit for digit, and so is every threshold decision', () => {
  fc.assert(
    fc.property(book, fc.bigInt({ min: -3n, max: 3n }), (b, nudge) => {
      const exposures = new Map<string, Dec>(Object.entries(b.exposures).map(([s, q]) => [s, dec(q)]));
      const held = new Map<string, string>(Object.entries(b.exposures));
      const decMid = (s: string) => {
        const t = b.tops[s];
        return t && dec(t[0]).add(t[1]).div(2);
      };
      const unitsMid = (s: string) => {
        const t = b.tops[s];
        return t && (toUnits(t[0], 18)! + toUnits(t[1], 18)!) * 5n;
      };
      const value = exposureValue(exposures, decMid, { symbol: b.symbol, delta: dec(b.delta), price: dec(b.price) });
      const units = exposureValueUnits(held, signedUnits, unitsMid, { symbol: b.symbol, delta: signedUnits(b.delta), price: toUnits(b.price, 18)! * 10n ** BigInt(PRICE_SCALE - 18) });
      assert.ok(units !== undefined);
      assert.equal(plainFixed(units, VALUE_SCALE), str(value));
      // A threshold at the value, and a few units of 10^-VALUE_SCALE either side of it.
      const threshold = units + nudge >= 0n ? units + nudge : 0n;
      assert.equal(units > threshold, value.gt(plainFixed(threshold, VALUE_SCALE)));
    }),
    { numRuns: 1_000 },
  );
});

test('a price or an exposure off the grid answers undefined (the caller values in decimal.js); a pair without a price counts nothing', () => {
  const change = { symbol: 'BTC/USDT', delta: -2n * 10n ** 18n, price: 100n * 10n ** 19n };
  assert.equal(exposureValueUnits(new Map([['BTC/USDT', 1n]]), (q: bigint) => q, () => null, change), undefined);
  assert.equal(exposureValueUnits(new Map([['ETH/USDT', 'x']]), () => null, () => undefined, change), undefined);
  // No mid for BTC/USDT: the trade's own price; ETH/USDT has no price at all and counts nothing.
  const v = exposureValueUnits(new Map([['ETH/USDT', 5n * 10n ** 18n]]), (q: bigint) => q, () => undefined, change);
  assert.equal(plainFixed(v!, VALUE_SCALE), '200');
});
