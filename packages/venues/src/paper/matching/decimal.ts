/**
 * @module paper/matching/decimal
 * Exact fixed-point decimals for the paper venue's edges: a non-negative decimal string is held as a BigInt of units
 * at a given scale (number of fraction digits). Parsing never goes through a JS float, so "0.1" is exactly 1 unit at
 * scale 1. Used to turn wire strings into integer ticks/lots and back, and for fee and notional arithmetic.
 */

/** A non-negative decimal: `units / 10^scale`. */
export interface Fixed {
  units: bigint;
  scale: number;
}

const PLAIN_DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** Parses a plain non-negative decimal string ("12", "0.0100"); undefined for anything else (signs, exponents, blanks). */
export function parseFixed(text: string): Fixed | undefined {
  if (typeof text !== 'string' || text.length > 64) return undefined;
  const m = PLAIN_DECIMAL.exec(text);
  if (!m) return undefined;
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  return { units: BigInt((m[1] ?? '0') + fraction), scale: fraction.length };
}

/** `10^n` as a BigInt, cached for the small exponents used here. */
const POW10: bigint[] = [];
for (let i = 0, p = 1n; i <= 40; i++, p *= 10n) POW10.push(p);
export function pow10(n: number): bigint {
  return POW10[n] ?? 10n ** BigInt(n);
}

/** Re-expresses `value` at `scale`; undefined when that would drop non-zero digits. */
export function rescaleExact(value: Fixed, scale: number): bigint | undefined {
  if (scale >= value.scale) return value.units * pow10(scale - value.scale);
  const div = pow10(value.scale - scale);
  return value.units % div === 0n ? value.units / div : undefined;
}

/** Re-expresses `value` at `scale`, truncating extra digits (rounds toward zero). */
export function rescaleDown(value: Fixed, scale: number): bigint {
  if (scale >= value.scale) return value.units * pow10(scale - value.scale);
  return value.units / pow10(value.scale - scale);
}

/** Formats `units / 10^scale` with exactly `scale` fraction digits, e.g. (123n, 2) → "1.23"; negative values keep their sign. */
export function formatFixed(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString();
  if (scale === 0) return negative ? `-${digits}` : digits;
  const padded = digits.padStart(scale + 1, '0');
  const text = `${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`;
  return negative ? `-${text}` : text;
}

/** Number of fraction digits a decimal string needs once trailing zeros are dropped ("0.0100" → 2). */
export function decimalPlaces(text: string): number {
  const f = parseFixed(text);
  if (!f) throw new Error(`not a plain decimal: ${text}`);
  return f.scale;
}
