/**
 * Exact arithmetic on the contract's decimal strings for what the console computes itself: cumulative depth,
 * notional, rounding to an instrument's tick and lot. BigInt units at a scale, never floats — a price typed into
 * the ticket is sent exactly as shown. (Comparison, spread and mid come from @cadenza/client.)
 */

const DECIMAL = /^-?\d+(\.\d+)?$/;

interface Scaled {
  units: bigint;
  scale: number;
}

/** Parses `"12.50"`; undefined for anything that is not a plain decimal (exponents, blanks, `"1."`). */
function scaled(s: string): Scaled | undefined {
  const t = s.trim();
  if (!DECIMAL.test(t)) return undefined;
  const negative = t.startsWith('-');
  const [int = '0', frac = ''] = (negative ? t.slice(1) : t).split('.');
  const units = BigInt(int + frac);
  return { units: negative ? -units : units, scale: frac.length };
}

function rescale(x: Scaled, scale: number): bigint {
  return x.units * 10n ** BigInt(scale - x.scale);
}

function toText(units: bigint, scale: number): string {
  const negative = units < 0n;
  let digits = (negative ? -units : units).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

export function isDecimal(s: string): boolean {
  return scaled(s) !== undefined;
}

/** Digits after the point that matter in a step: `"0.010"` → 2, `"1"` → 0. */
export function decimalsOf(step: string | undefined): number {
  if (!step || !step.includes('.')) return 0;
  return step.split('.')[1]!.replace(/0+$/, '').length;
}

/** a + b, exactly. */
export function addDecimal(a: string, b: string): string {
  const x = scaled(a)!;
  const y = scaled(b)!;
  const scale = Math.max(x.scale, y.scale);
  return toText(rescale(x, scale) + rescale(y, scale), scale);
}

/** a × b, exactly. */
export function multiplyDecimal(a: string, b: string): string {
  const x = scaled(a)!;
  const y = scaled(b)!;
  return toText(x.units * y.units, x.scale + y.scale);
}

/** -1, 0, 1; undefined when either side is not a decimal. */
export function compare(a: string, b: string): number | undefined {
  const x = scaled(a);
  const y = scaled(b);
  if (!x || !y) return undefined;
  const scale = Math.max(x.scale, y.scale);
  const [p, q] = [rescale(x, scale), rescale(y, scale)];
  return p < q ? -1 : p > q ? 1 : 0;
}

/**
 * `value` on a multiple of `step`: `down` (toward zero, for quantities: never more than asked) or `nearest`
 * (half up, for prices). Written with the step's decimals. Undefined when either is not a positive decimal.
 */
export function roundToStep(value: string, step: string, mode: 'down' | 'nearest'): string | undefined {
  const v = scaled(value);
  const s = scaled(step);
  if (!v || !s || s.units <= 0n) return undefined;
  const scale = Math.max(v.scale, s.scale);
  const [units, stepUnits] = [rescale(v, scale), rescale(s, scale)];
  let n = units / stepUnits;
  if (mode === 'nearest' && (units % stepUnits) * 2n >= stepUnits) n += 1n;
  const out = toText(n * stepUnits, scale);
  return fixed(out, decimalsOf(step));
}

/** The decimal written with exactly `decimals` digits after the point (truncating extra digits). */
export function fixed(value: string, decimals: number): string {
  const v = scaled(value);
  if (!v) return value;
  const units = decimals >= v.scale ? v.units * 10n ** BigInt(decimals - v.scale) : v.units / 10n ** BigInt(v.scale - decimals);
  return toText(units, decimals);
}

/** Thousands separators for display (`64123.5` → `64,123.5`); the digits are untouched. */
export function grouped(value: string): string {
  const [int, frac] = value.split('.');
  const g = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? g : `${g}.${frac}`;
}

/** A ratio for drawing only (depth bars): never used for an amount. */
export function ratio(part: string, whole: string): number {
  const w = Number(whole);
  return w > 0 ? Math.min(1, Number(part) / w) : 0;
}
