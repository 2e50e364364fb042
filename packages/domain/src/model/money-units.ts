/**
 * @module model/money-units
 * Money in exact integers, for the fill path: a signed amount as a BigInt of units of 10^-20 (the 20 places positions
 * cut their quotients to, positions/position-math.ts), with the few operations holdings, balances and the RPC models
 * need. Each answers exactly what the `Dec` expression it names answers (property-tested against decimal.js), and
 * costs a fraction of it: no digit arrays, no parse of the operands' text on every step.
 *
 * The grid: at most 20 fraction digits, and below 10^18 in size (under 38 digits of units). On it a sum or difference
 * of a few amounts stays within Dec's 40 significant digits, so Dec computes it exactly and plain BigInt `+`/`-` is
 * the same. A product is on the grid only when it is exact at 20 places; a quotient is rounded the way Dec rounds it:
 * to 40 significant digits (half up), then to the places asked. Off the grid a function answers undefined and its
 * caller computes with Dec (model/decimal.ts), which stays the reference.
 */
import { parseFixed, plainFixed, pow10 } from './fixed-decimal.ts';

/** Fraction digits of a unit. */
export const UNIT_PLACES = 20;
const ONE = pow10(UNIT_PLACES);
/** Amounts on the grid are below this many units (10^18). */
const LIMIT = pow10(38);

/** decimal.js rounding modes used here (same numbers as `Dec.ROUND_*`). */
export const ROUND_DOWN = 1;
export const ROUND_HALF_UP = 4;
export const ROUND_HALF_EVEN = 6;
export type Rounding = typeof ROUND_DOWN | typeof ROUND_HALF_UP | typeof ROUND_HALF_EVEN;

/** True when `u` is on the grid (below 10^18 in size). */
export function onGrid(u: bigint): boolean {
  return u < LIMIT && u > -LIMIT;
}

/** A signed plain decimal ("-0.5") in units; undefined for anything else, more than 20 places, or 10^18 and above. */
export function unitsOf(text: string): bigint | undefined {
  const negative = text.charCodeAt(0) === 45; /* - */
  const f = parseFixed(negative ? text.slice(1) : text);
  if (f === undefined || f.scale > UNIT_PLACES) return undefined;
  const u = f.units * pow10(UNIT_PLACES - f.scale);
  if (u >= LIMIT) return undefined;
  return negative ? -u : u;
}

/**
 * Whether two plain decimals ("-0.50", "0.5") are the same amount — Dec `dec(a).eq(b)` — for texts both on the grid;
 * undefined when either is not (the caller asks Dec).
 */
export function sameUnits(a: string, b: string): boolean | undefined {
  const x = unitsOf(a);
  const y = x === undefined ? undefined : unitsOf(b);
  return y === undefined ? undefined : x === y;
}

/** Units as canonical text: what `str()` writes for the same amount ("1.5", "-0.25", "0"). */
export function textOf(u: bigint): string {
  return plainFixed(u, UNIT_PLACES);
}

/** `a × b` (Dec `a.mul(b)`) when exact at 20 places and on the grid, else undefined. */
export function mulUnits(a: bigint, b: bigint): bigint | undefined {
  const p = a * b;
  const u = p / ONE; // one division (BigInt division is the slow part), checked by a multiplication
  return u * ONE === p && onGrid(u) ? u : undefined;
}

/** `n ÷ d` of non-negative `n` and positive `d`, rounded to an integer by `rm` (on the magnitude, as decimal.js does). */
function roundedQuotient(n: bigint, d: bigint, rm: Rounding): bigint {
  const q = n / d;
  const r = n - q * d;
  if (r === 0n || rm === ROUND_DOWN) return q;
  const twice = r * 2n;
  if (twice > d) return q + 1n;
  if (twice < d) return q;
  return rm === ROUND_HALF_UP || (q & 1n) === 1n ? q + 1n : q;
}

/** `u` to `places` fraction digits (Dec `toDecimalPlaces(places, rm)`), still in units. */
export function roundUnits(u: bigint, places: number, rm: Rounding): bigint {
  if (places >= UNIT_PLACES) return u;
  const step = pow10(UNIT_PLACES - places);
  const m = roundedQuotient(u < 0n ? -u : u, step, rm) * step;
  return u < 0n ? -m : m;
}

/** Significant digits kept by `Dec` (model/decimal.ts). */
const PRECISION = 40;
/** Quotients with fewer digits than Dec keeps are exact in Dec. */
const EXACT_QUOTIENT = pow10(PRECISION);

/**
 * `a ÷ b` exactly as Dec divides (`a.div(b)`: correctly rounded to 40 significant digits, half up) as
 * `units / 10^scale`; the scale may exceed 20 (e.g. 1/3). `b` must not be zero.
 */
export function divide(a: bigint, b: bigint): { units: bigint; scale: number } {
  if (a === 0n) return { units: 0n, scale: 0 };
  // A quotient exact at 20 places with at most 40 digits (a fill's price from its cost, a holding's entry price): Dec's
  // rounding keeps it, so it is answered as it is — one division instead of the 40-digit one below (~0.5 µs).
  const n = a * ONE;
  const exact = n / b;
  if (exact * b === n && exact < EXACT_QUOTIENT && exact > -EXACT_QUOTIENT) return { units: exact, scale: UNIT_PLACES };
  const negative = a < 0n !== b < 0n;
  const x = a < 0n ? -a : a;
  const y = b < 0n ? -b : b;
  // The quotient's leading digit is at 10^k; 40 significant digits reach down to 10^(k − 39). Estimated in floating
  // point (cheap), which can be one off next to a power of ten: settled exactly.
  let k = Math.floor(Math.log10(Number(x) / Number(y)));
  if (below(x, y, k)) k--;
  else if (!below(x, y, k + 1)) k++;
  const scale = PRECISION - 1 - k;
  const q = scale >= 0 ? roundedQuotient(x * pow10(scale), y, ROUND_HALF_UP) : roundedQuotient(x, y * pow10(-scale), ROUND_HALF_UP) * pow10(-scale);
  return { units: negative ? -q : q, scale: scale >= 0 ? scale : 0 };
}

/** x < y × 10^k, exactly. */
function below(x: bigint, y: bigint, k: number): boolean {
  return k >= 0 ? x < y * pow10(k) : x * pow10(-k) < y;
}

/**
 * `a ÷ b` to `places` (≤ 20) fraction digits — Dec `a.div(b).toDecimalPlaces(places, rm)`, with its two roundings —
 * in units; undefined when the result is off the grid. `b` must not be zero.
 */
export function divUnits(a: bigint, b: bigint, places: number, rm: Rounding): bigint | undefined {
  const q = divide(a, b);
  let u: bigint;
  if (q.scale <= places) u = q.units * pow10(UNIT_PLACES - q.scale);
  else {
    const m = roundedQuotient(q.units < 0n ? -q.units : q.units, pow10(q.scale - places), rm) * pow10(UNIT_PLACES - places);
    u = q.units < 0n ? -m : m;
  }
  return onGrid(u) ? u : undefined;
}

/** Largest product Dec holds unrounded whatever its digits: 40 digits. */
const EXACT_PRODUCT = pow10(PRECISION);

/**
 * `a × b ÷ c` to `places` (≤ 20) fraction digits — Dec `a.mul(b).div(c).toDecimalPlaces(places, rm)`, a pro-rata
 * share — in units. The product is kept whole (it may be finer than the grid), as Dec keeps it while it has at most
 * 40 significant digits; beyond that, or for a result off the grid, undefined. `c` must not be zero.
 */
export function mulDivUnits(a: bigint, b: bigint, c: bigint, places: number, rm: Rounding): bigint | undefined {
  const p = a * b;
  if ((p >= EXACT_PRODUCT || p <= -EXACT_PRODUCT) && significantDigits(p) > PRECISION) return undefined;
  return divUnits(p, c * ONE, places, rm);
}

/** Digits of `n` once trailing zeros are dropped. */
function significantDigits(n: bigint): number {
  const text = (n < 0n ? -n : n).toString();
  let end = text.length;
  while (end > 1 && text.charCodeAt(end - 1) === 48 /* 0 */) end--;
  return end;
}

/** `a ÷ b` as Dec's canonical text (`str(a.div(b))`). `b` must not be zero. */
export function divideText(a: bigint, b: bigint): string {
  const q = divide(a, b);
  return plainFixed(q.units, q.scale);
}
