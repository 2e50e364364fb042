import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addDecimal, formatFixed, normalizeDecimal, parseFixed, plainFixed } from './fixed-decimal.ts';
import { dec, str } from './decimal.ts';

/** The grammar parseFixed reads by hand, as a regular expression: the reference it must agree with. */
function reference(text: string): { units: bigint; scale: number } | undefined {
  if (text.length > 64) return undefined;
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return undefined;
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  return { units: BigInt(m[1]! + fraction), scale: fraction.length };
}

test('parseFixed reads unsigned plain decimals exactly and refuses everything else', () => {
  assert.deepEqual(parseFixed('0.0100'), { units: 1n, scale: 2 });
  assert.deepEqual(parseFixed('12'), { units: 12n, scale: 0 });
  assert.deepEqual(parseFixed('12.000'), { units: 12n, scale: 0 });
  assert.deepEqual(parseFixed('007.50'), { units: 75n, scale: 1 });
  for (const bad of ['', '.5', '5.', '-1', '+1', '1e5', '1.2.3', ' 1', '1 ', '٣', '1'.repeat(65)]) assert.equal(parseFixed(bad), undefined, JSON.stringify(bad));
});

test('parseFixed agrees with the grammar on strings built from its alphabet (work-counted)', () => {
  const alphabet = ['0', '0', '1', '5', '9', '.', '-', 'e', ' '];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; i < 20_000; i++) {
    let s = '';
    const len = next() % 12;
    for (let j = 0; j < len; j++) s += alphabet[next() % alphabet.length];
    assert.deepEqual(parseFixed(s), reference(s), JSON.stringify(s));
  }
});

test('parseFixed agrees with the grammar on long numbers, either side of 15 digits (work-counted)', () => {
  let seed = 13;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; i < 20_000; i++) {
    let s = '';
    const len = 10 + (next() % 14);
    const dot = next() % 3 === 0 ? -1 : 1 + (next() % (len - 2));
    for (let j = 0; j < len; j++) s += j === dot ? '.' : String(next() % 4 === 0 ? 0 : next() % 10);
    if (next() % 2 === 0 && dot !== -1) s += '0'.repeat(next() % 6);
    assert.deepEqual(parseFixed(s), reference(s), JSON.stringify(s));
  }
  assert.deepEqual(parseFixed('999999999999999'), { units: 999999999999999n, scale: 0 });
  assert.deepEqual(parseFixed('9999999999999999'), { units: 9999999999999999n, scale: 0 });
  assert.deepEqual(parseFixed('99999999999999.9000'), { units: 999999999999999n, scale: 1 });
  assert.deepEqual(parseFixed('9007199254740.993'), { units: 9007199254740993n, scale: 3 });
});

test('addDecimal answers what Dec answers, for signed decimals of every shape (work-counted)', () => {
  assert.equal(addDecimal('1.50', '-0.5'), '1');
  assert.equal(addDecimal('0.0002', '0.00000001'), '0.00020001');
  assert.equal(addDecimal('-0.3', '0.1'), '-0.2');
  assert.equal(addDecimal('-0', '0.000'), '0');
  assert.equal(addDecimal('1e5', '1'), undefined);
  assert.equal(addDecimal('1', ''), undefined);
  assert.equal(addDecimal('9'.repeat(39), '1'), undefined, 'longer than Dec holds unrounded: the caller asks Dec');
  let seed = 11;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const number = () => {
    const whole = String(next() % 4 === 0 ? 0 : next() % 10 ** (next() % 9));
    const places = next() % 12;
    let fraction = '';
    for (let j = 0; j < places; j++) fraction += String(next() % 10);
    return `${next() % 3 === 0 ? '-' : ''}${whole}${places ? `.${fraction}` : ''}`;
  };
  for (let i = 0; i < 20_000; i++) {
    const a = number();
    const b = i % 5 === 0 ? a.replace(/^-?/, (m) => (m ? '' : '-')) : number();
    assert.equal(addDecimal(a, b), str(dec(a).add(b)), `${a} + ${b}`);
  }
});

test('plainFixed writes what normalizeDecimal(formatFixed(…)) writes, signs and zeros included (work-counted)', () => {
  assert.equal(plainFixed(0n, 18), '0');
  assert.equal(plainFixed(-5n, 1), '-0.5');
  assert.equal(plainFixed(1200n, 2), '12');
  assert.equal(plainFixed(1n, 36), `0.${'0'.repeat(35)}1`);
  let seed = 11;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; i < 20_000; i++) {
    let digits = '';
    const len = 1 + (next() % 45);
    for (let j = 0; j < len; j++) digits += next() % 3 === 0 ? '0' : String(next() % 10);
    const units = BigInt(digits);
    const scale = next() % 40;
    const expected = normalizeDecimal(formatFixed(units, scale));
    assert.equal(plainFixed(units, scale), expected, `${units} at ${scale}`);
    if (units > 0n) assert.equal(plainFixed(-units, scale), `-${expected}`, `-${units} at ${scale}`);
  }
});
