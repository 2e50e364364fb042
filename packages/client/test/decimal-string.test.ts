import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareDecimal, subtractDecimal, midDecimal, isZeroDecimal, isDecimalString, addDecimal, multiplyDecimal, roundDecimalToStep, truncateDecimal } from '../src/decimal-string.ts';

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

test('addition and multiplication are exact (property)', () => {
  fc.assert(
    fc.property(dec, dec, (a, b) => {
      const scale = Math.max(a.scale, b.scale);
      const read = (s: string, sc: number) => {
        const [i = '0', f = ''] = s.replace('-', '').split('.');
        assert.equal(f.length, sc);
        return BigInt(i + f) * (s.startsWith('-') ? -1n : 1n);
      };
      assert.equal(read(addDecimal(a.text, b.text), scale), at(a, scale) + at(b, scale));
      assert.equal(read(multiplyDecimal(a.text, b.text), a.scale + b.scale), a.units * b.units);
    }),
  );
});

test('rounding to a tick or lot, and truncating to a number of decimals', () => {
  assert.equal(roundDecimalToStep('0.123456', '0.00001', 'down'), '0.12345');
  assert.equal(roundDecimalToStep('64251.935', '0.01', 'nearest'), '64251.94');
  assert.equal(roundDecimalToStep('64251.934', '0.01', 'nearest'), '64251.93');
  assert.equal(roundDecimalToStep('-1.005', '0.01', 'nearest'), '-1.01');
  assert.equal(roundDecimalToStep('-1.009', '0.01', 'down'), '-1.00');
  assert.equal(roundDecimalToStep('7', '5', 'down'), '5');
  assert.equal(roundDecimalToStep('12.5', '0.5', 'nearest'), '12.5');
  assert.equal(roundDecimalToStep('0.000001', '0.00001', 'down'), '0.00000');
  assert.throws(() => roundDecimalToStep('1', '0', 'down'), /step must be positive/);
  assert.equal(truncateDecimal('1.5', 3), '1.500');
  assert.equal(truncateDecimal('1.23456', 2), '1.23');
  assert.equal(truncateDecimal('-1.239', 2), '-1.23');
  assert.equal(truncateDecimal('42', 0), '42');
});
