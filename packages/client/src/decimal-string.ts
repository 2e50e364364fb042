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
