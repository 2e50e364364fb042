import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareDecimal, subtractDecimal, midDecimal, isZeroDecimal, isDecimalString } from '../src/decimal-string.ts';

const dec = fc.tuple(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.integer({ min: 0, max: 8 })).map(([units, scale]) => {
  const neg = units < 0n;
  let s = (neg ? -units : units).toString();
  if (scale > 0) {
    s = s.padStart(scale + 1, '0');
    s = `${s.slice(0, -scale)}.${s.slice(-scale)}`;
  }
  return { text: neg ? `-${s}` : s, units, scale };
});

const at = (d: { units: bigint; scale: number }, scale: number) => d.units * 10n ** BigInt(scale - d.scale);

test('subtraction and comparison are exact (property)', () => {
  fc.assert(
    fc.property(dec, dec, (a, b) => {
      const scale = Math.max(a.scale, b.scale);
      const diff = at(a, scale) - at(b, scale);
      const got = subtractDecimal(a.text, b.text);
      assert.ok(isDecimalString(got));
      const [i = '0', f = ''] = got.replace('-', '').split('.');
      assert.equal(BigInt(i + f.padEnd(scale, '0')) * (got.startsWith('-') ? -1n : 1n), diff);
      assert.equal(compareDecimal(a.text, b.text), diff < 0n ? -1 : diff > 0n ? 1 : 0);
    }),
  );
});

test('mid price and zero checks', () => {
  assert.equal(midDecimal('100', '101'), '100.5');
  assert.equal(midDecimal('100.10', '100.20'), '100.15');
  assert.equal(subtractDecimal('100.5', '99.75'), '0.75');
  assert.ok(isZeroDecimal('0.000'));
  assert.ok(!isZeroDecimal('0.001'));
  assert.throws(() => compareDecimal('1e5', '1'), /not a decimal string/);
});
