/**
 * @module kit/decimal-text
 * Decimal strings as venues send them ("4.00000200", "0.0024", Bitfinex's JSON number lexemes such as "1e-8"),
 * compared and normalised without floats. Prices and quantities become fixed-scale BigInts (18 places) for
 * ordering; the venues we speak use at most 8 to 10.
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

/**
 * A JSON number lexeme as written on the wire ("-0.5", "64000", "1.5e-7") → a plain signed decimal string
 * ("-0.5", "64000", "0.00000015"), digit for digit. Throws on anything that is not a JSON number.
 */
export function plainFromJsonNumber(lexeme: string): string {
  const m = /^(-?\d+(?:\.\d+)?)(?:[eE]([+-]?\d+))?$/.exec(lexeme);
  if (!m) throw new Error(`not a JSON number: ${JSON.stringify(lexeme)}`);
  const exp = m[2] === undefined ? 0 : Number(m[2]);
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > 40) throw new Error(`exponent out of range: ${lexeme}`);
  return shiftDecimal(m[1]!, exp);
}

/** The absolute value of a signed plain decimal ("-0.5" → "0.5"). */
export function absDecimal(s: string): string {
  return s.startsWith('-') ? s.slice(1) : s;
}

/** True when a signed plain decimal is below zero ("-0" is not). */
export function isNegativeDecimal(s: string): boolean {
  return s.startsWith('-') && !isZeroDecimal(s.slice(1));
}

/** The negation of an unsigned plain decimal ("0.5" → "-0.5"; "0" stays "0"). */
export function negateDecimal(s: string): string {
  if (s.startsWith('-')) return s.slice(1);
  return isZeroDecimal(s) ? s : `-${s}`;
}

/** a − b for unsigned plain decimals, exactly (the result may be negative: "-0.5"). */
export function subtractDecimal(a: string, b: string): string {
  const d = toScaled(a) - toScaled(b);
  const neg = d < 0n;
  const digits = (neg ? -d : d).toString().padStart(SCALE + 1, '0');
  const text = normalizeDecimal(`${digits.slice(0, -SCALE)}.${digits.slice(-SCALE)}`);
  return neg && text !== '0' ? `-${text}` : text;
}

/** A signed plain decimal × 10^shift, exactly ("0.0123", 2 → "1.23"); used for relative changes → percent. */
export function shiftDecimal(s: string, shift: number): string {
  const neg = s.startsWith('-');
  const [w, f = ''] = (neg ? s.slice(1) : s).split('.');
  const digits = w! + f;
  let point = w!.length + shift;
  let padded = digits;
  if (point <= 0) {
    padded = '0'.repeat(1 - point) + digits;
    point = 1;
  } else if (point > digits.length) padded = digits.padEnd(point, '0');
  const text = normalizeDecimal(`${padded.slice(0, point)}${point < padded.length ? `.${padded.slice(point)}` : ''}`);
  return neg && text !== '0' ? `-${text}` : text;
}

/** Cuts a signed plain decimal to `places` fraction digits, toward zero ("-1.239", 2 → "-1.23"). */
export function truncateDecimal(s: string, places: number): string {
  const neg = s.startsWith('-');
  const [w, f = ''] = (neg ? s.slice(1) : s).split('.');
  const cut = f.slice(0, places).padEnd(places, '0');
  const text = places > 0 ? `${w}.${cut}` : w!;
  return neg && !isZeroDecimal(text) ? `-${text}` : text;
}
