/**
 * @module binance/decimal-text
 * Decimal strings as Binance sends them ("4.00000200", "0.0024"), compared and normalised without floats.
 * Prices and quantities become fixed-scale BigInts (18 places) for ordering; Binance uses at most 8.
 */

const PLAIN_DECIMAL = /^\d+(\.\d+)?$/;
const SCALE = 18;

/** True for an unsigned plain decimal string: digits, optional fraction, no sign or exponent. */
export function isUnsignedDecimal(s: string): boolean {
  return PLAIN_DECIMAL.test(s);
}

/** The value × 10^18 as a BigInt; throws on anything but an unsigned plain decimal with ≤ 18 places. */
export function toScaled(s: string): bigint {
  if (!PLAIN_DECIMAL.test(s)) throw new Error(`not an unsigned decimal: ${JSON.stringify(s)}`);
  const dot = s.indexOf('.');
  const whole = dot < 0 ? s : s.slice(0, dot);
  const frac = dot < 0 ? '' : s.slice(dot + 1);
  if (frac.length > SCALE) throw new Error(`too many decimal places: ${s}`);
  return BigInt(whole + frac.padEnd(SCALE, '0'));
}

/** Canonical form: no leading zeros in the integer part, no trailing fraction zeros ("4.00000200" → "4.000002"). */
export function normalizeDecimal(s: string): string {
  if (!PLAIN_DECIMAL.test(s)) throw new Error(`not an unsigned decimal: ${JSON.stringify(s)}`);
  const dot = s.indexOf('.');
  let whole = (dot < 0 ? s : s.slice(0, dot)).replace(/^0+(?=\d)/, '');
  let frac = dot < 0 ? '' : s.slice(dot + 1).replace(/0+$/, '');
  if (whole === '') whole = '0';
  return frac === '' ? whole : `${whole}.${frac}`;
}

/** True for "0", "0.00000000", …; throws on non-decimals. */
export function isZeroDecimal(s: string): boolean {
  return toScaled(s) === 0n;
}

/** Number of significant fraction digits of a step such as "0.00100000" (→ 3); "1.00000000" → 0. */
export function decimalPlaces(step: string): number {
  const n = normalizeDecimal(step);
  const dot = n.indexOf('.');
  return dot < 0 ? 0 : n.length - dot - 1;
}
