/**
 * @module decimal-string
 * Exact arithmetic on the contract's decimal strings (`^-?\d+(\.\d+)?$`), without floats: enough for the
 * order book's ordering, spread and mid price. Results are plain decimal strings with no exponent.
 */

interface Scaled {
  units: bigint;
  scale: number;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** True for plain decimal strings: optional minus, digits, optional fraction; no exponent. */
export function isDecimalString(s: string): boolean {
  return DECIMAL.test(s);
}

function parse(s: string): Scaled {
  if (!DECIMAL.test(s)) throw new TypeError(`not a decimal string: ${JSON.stringify(s)}`);
  const negative = s.startsWith('-');
  const body = negative ? s.slice(1) : s;
  const [int = '0', frac = ''] = body.split('.');
  const units = BigInt(int + frac);
  return { units: negative ? -units : units, scale: frac.length };
}

function align(a: Scaled, b: Scaled): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * 10n ** BigInt(scale - a.scale), b.units * 10n ** BigInt(scale - b.scale), scale];
}

function format(units: bigint, scale: number): string {
  const negative = units < 0n;
  let digits = (negative ? -units : units).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

/** -1, 0 or 1 as a < b, a = b, a > b. */
export function compareDecimal(a: string, b: string): number {
  const [x, y] = align(parse(a), parse(b));
  return x < y ? -1 : x > y ? 1 : 0;
}

/** a - b, exactly, at the larger of the two scales. */
export function subtractDecimal(a: string, b: string): string {
  const [x, y, scale] = align(parse(a), parse(b));
  return format(x - y, scale);
}

/** (a + b) / 2, exactly (one more decimal place when needed). */
export function midDecimal(a: string, b: string): string {
  const [x, y, scale] = align(parse(a), parse(b));
  const sum = x + y;
  return sum % 2n === 0n ? format(sum / 2n, scale) : format((sum * 10n) / 2n, scale + 1);
}

/** True when the string is a decimal equal to zero ("0", "0.000"). */
export function isZeroDecimal(s: string): boolean {
  return parse(s).units === 0n;
}

/** a + b, exactly, at the larger of the two scales. */
export function addDecimal(a: string, b: string): string {
  const [x, y, scale] = align(parse(a), parse(b));
  return format(x + y, scale);
}

/** a × b, exactly (the scales add up). */
export function multiplyDecimal(a: string, b: string): string {
  const x = parse(a);
  const y = parse(b);
  return format(x.units * y.units, x.scale + y.scale);
}

/**
 * `value` on a multiple of `step` (> 0): `down` toward zero (a quantity never grows past what was asked) or
 * `nearest` with halves away from zero (a price to the closest tick). Written with the step's scale.
 */
export function roundDecimalToStep(value: string, step: string, mode: 'down' | 'nearest'): string {
  const [v, s, scale] = align(parse(value), parse(step));
  if (s <= 0n) throw new RangeError(`step must be positive, got ${step}`);
  const abs = v < 0n ? -v : v;
  let n = abs / s;
  if (mode === 'nearest' && (abs % s) * 2n >= s) n += 1n;
  const stepScale = parse(step).scale;
  return format(((v < 0n ? -n : n) * s) / 10n ** BigInt(scale - stepScale), stepScale);
}

/** The decimal with exactly `decimals` fraction digits: extra digits cut (toward zero), missing ones padded. */
export function truncateDecimal(value: string, decimals: number): string {
  const v = parse(value);
  const units = decimals >= v.scale ? v.units * 10n ** BigInt(decimals - v.scale) : v.units / 10n ** BigInt(v.scale - decimals);
  return format(units, decimals);
}
