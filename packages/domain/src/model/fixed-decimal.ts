/**
 * @module model/fixed-decimal
 * Exact decimal text without floats: a decimal string as a BigInt of units at a scale (`units / 10^scale`), and the
 * text operations venues need on wire numbers (normalise, compare, subtract, shift, truncate). The matching
 * engines and every connector use these; domain money arithmetic uses `Dec` (model/decimal.ts). Both read the
 * same grammar: a plain decimal is digits with an optional fraction, no exponent, no "+", no bare dot.
 */

/** A non-negative decimal: `units / 10^scale`. */
export interface Fixed {
  units: bigint;
  scale: number;
}

const UNSIGNED = /^(\d+)(?:\.(\d+))?$/;
/** Fixed-scale form of `toScaled`: 18 places hold every venue's precision (the ones we speak use at most 10). */
const SCALED_PLACES = 18;

/** True for an unsigned plain decimal string: digits, optional fraction, no sign or exponent. */
export function isUnsignedDecimal(s: string): boolean {
  return typeof s === 'string' && UNSIGNED.test(s);
}

/** Parses an unsigned plain decimal ("12", "0.0100"); undefined for anything else (signs, exponents, blanks, > 64 chars). */
export function parseFixed(text: string): Fixed | undefined {
  // Read by hand, not by UNSIGNED: every price and quantity on the order path passes here, several times an order.
  if (typeof text !== 'string' || text.length === 0 || text.length > 64) return undefined;
  const n = text.length;
  let dot = -1;
  // The digits' value as a number, exact while there are at most 15 of them (below 2^53): BigInt of a number costs
  // a tenth of BigInt of a string.
  let value = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      if (dot !== -1 || i === 0 || i === n - 1) return undefined;
      dot = i;
    } else if (c < 48 || c > 57) return undefined;
    else value = value * 10 + (c - 48);
  }
  const exact = (dot === -1 ? n : n - 1) <= 15;
  if (dot === -1) return { units: exact ? BigInt(value) : BigInt(text), scale: 0 };
  let end = n;
  while (end > dot + 1 && text.charCodeAt(end - 1) === 48 /* 0 */) end--;
  const scale = end - dot - 1;
  if (exact) return { units: BigInt(end === n ? value : value / 10 ** (n - end)), scale };
  return { units: BigInt(scale === 0 ? text.slice(0, dot) : text.slice(0, dot) + text.slice(dot + 1, end)), scale };
}

const POW10: bigint[] = [];
for (let i = 0, p = 1n; i <= 40; i++, p *= 10n) POW10.push(p);
/** `10^n` as a BigInt. */
export function pow10(n: number): bigint {
  return POW10[n] ?? 10n ** BigInt(n);
}

/** Re-expresses `value` at `scale`; undefined when that would drop non-zero digits. */
export function rescaleExact(value: Fixed, scale: number): bigint | undefined {
  if (scale >= value.scale) return value.units * pow10(scale - value.scale);
  const div = pow10(value.scale - scale);
  return value.units % div === 0n ? value.units / div : undefined;
}

/** Re-expresses `value` at `scale`, truncating extra digits (toward zero). */
export function rescaleDown(value: Fixed, scale: number): bigint {
  if (scale >= value.scale) return value.units * pow10(scale - value.scale);
  return value.units / pow10(value.scale - scale);
}

/** `text` in units of 10^-scale; undefined when it is not an unsigned plain decimal or is finer than `scale`. */
export function toUnits(text: string, scale: number): bigint | undefined {
  const f = parseFixed(text);
  return f === undefined ? undefined : rescaleExact(f, scale);
}

/** -1, 0 or 1 as a is below, equal to or above b. */
export function compareFixed(a: Fixed, b: Fixed): -1 | 0 | 1 {
  const scale = Math.max(a.scale, b.scale);
  const x = rescaleDown(a, scale);
  const y = rescaleDown(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `units / 10^scale` with exactly `scale` fraction digits, e.g. (123n, 2) → "1.23"; negative values keep their sign. */
export function formatFixed(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString();
  if (scale === 0) return negative ? `-${digits}` : digits;
  const padded = digits.padStart(scale + 1, '0');
  const text = `${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`;
  return negative ? `-${text}` : text;
}

/**
 * `units / 10^scale` in canonical form — `normalizeDecimal(formatFixed(units, scale))`, what `str(dec(…))` writes —
 * without the regular expressions: the OTC desk formats every price it quotes with it. Negative values keep their
 * sign; zero is "0".
 */
export function plainFixed(units: bigint, scale: number): string {
  if (units === 0n) return '0';
  const negative = units < 0n;
  return canonicalText((negative ? -units : units).toString(), scale, negative);
}

/** The digits of a non-zero `units` at `scale`, trailing fraction zeros dropped, as a plain decimal. */
function canonicalText(digits: string, scale: number, negative: boolean): string {
  let places = scale;
  let end = digits.length;
  while (places > 0 && digits.charCodeAt(end - 1) === 48 /* 0 */) {
    end--;
    places--;
  }
  let text = end < digits.length ? digits.slice(0, end) : digits;
  if (places > 0) {
    const padded = text.padStart(places + 1, '0');
    text = `${padded.slice(0, padded.length - places)}.${padded.slice(padded.length - places)}`;
  }
  return negative ? `-${text}` : text;
}

/** Number of fraction digits a decimal needs once trailing zeros are dropped ("0.00100000" → 3, "1.0" → 0). Throws on non-decimals. */
export function decimalPlaces(text: string): number {
  const f = parseFixed(text);
  if (!f) throw new Error(`not an unsigned decimal: ${JSON.stringify(text)}`);
  return f.scale;
}

/** The value × 10^18 as a BigInt, for ordering price levels; throws on anything but an unsigned plain decimal with ≤ 18 places. */
export function toScaled(s: string): bigint {
  const f = parseFixed(s);
  if (!f) throw new Error(`not an unsigned decimal: ${JSON.stringify(s)}`);
  const units = rescaleExact(f, SCALED_PLACES);
  if (units === undefined) throw new Error(`too many decimal places: ${s}`);
  return units;
}

/** Canonical form: no leading zeros in the integer part, no trailing fraction zeros ("4.00000200" → "4.000002"). */
export function normalizeDecimal(s: string): string {
  const m = typeof s === 'string' ? UNSIGNED.exec(s) : null;
  if (!m) throw new Error(`not an unsigned decimal: ${JSON.stringify(s)}`);
  const whole = m[1]!.replace(/^0+(?=\d)/, '');
  const frac = (m[2] ?? '').replace(/0+$/, '');
  return frac === '' ? whole : `${whole}.${frac}`;
}

/** True for "0", "0.00000000", …; throws on non-decimals. */
export function isZeroDecimal(s: string): boolean {
  return toScaled(s) === 0n;
}

/** The absolute value of a signed plain decimal ("-0.5" → "0.5"). */
export function absDecimal(s: string): string {
  return s.startsWith('-') ? s.slice(1) : s;
}

/** True when a signed plain decimal is below zero ("-0" is not). */
export function isNegativeDecimal(s: string): boolean {
  return s.startsWith('-') && !isZeroDecimal(s.slice(1));
}

/** The negation of a signed plain decimal ("0.5" → "-0.5", "-0.5" → "0.5"; "0" stays "0"). */
export function negateDecimal(s: string): string {
  if (s.startsWith('-')) return s.slice(1);
  return isZeroDecimal(s) ? s : `-${s}`;
}

/** a − b for unsigned plain decimals, exactly (the result may be negative: "-0.5"). */
export function subtractDecimal(a: string, b: string): string {
  const d = toScaled(a) - toScaled(b);
  const neg = d < 0n;
  const text = normalizeDecimal(formatFixed(neg ? -d : d, SCALED_PLACES));
  return neg && text !== '0' ? `-${text}` : text;
}

/** Digits an `addDecimal` result may have and still be what `Dec` (40 significant digits) would answer, unrounded. */
const EXACT_SUM_DIGITS = 38;

/**
 * a + b for signed plain decimals ("-0.5"), exactly, in the form `str(dec(a).add(b))` gives (no trailing fraction
 * zeros, "0" for zero) without decimal.js: balances' totals are summed for every push. Undefined for anything else,
 * or for a sum longer than `Dec` holds unrounded: the caller then asks `Dec`.
 */
export function addDecimal(a: string, b: string): string | undefined {
  const negA = a.charCodeAt(0) === 45; /* - */
  const negB = b.charCodeAt(0) === 45;
  const x = parseFixed(negA ? a.slice(1) : a);
  const y = parseFixed(negB ? b.slice(1) : b);
  if (x === undefined || y === undefined) return undefined;
  const scale = x.scale > y.scale ? x.scale : y.scale;
  const xs = x.units * pow10(scale - x.scale);
  const ys = y.units * pow10(scale - y.scale);
  const sum = (negA ? -xs : xs) + (negB ? -ys : ys);
  if (sum === 0n) return '0';
  const neg = sum < 0n;
  const digits = (neg ? -sum : sum).toString();
  if (digits.length > EXACT_SUM_DIGITS) return undefined;
  return canonicalText(digits, scale, neg);
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
