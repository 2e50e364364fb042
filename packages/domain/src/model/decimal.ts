/**
 * @module model/decimal
 * Money arithmetic. Every price, quantity, fee and balance inside the domain is a `Dec` (decimal.js with
 * 40 significant digits, no floats); at the edges it is a plain decimal string without exponent.
 */
import { Decimal } from 'decimal.js';

/** A decimal.js clone configured for money: never switches to exponent notation in `toFixed()`. */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -40, toExpPos: 40 });
export type Dec = Decimal;

const DECIMAL_RE = /^-?\d+(\.\d+)?$/;

/** True for a plain decimal string ("12", "-0.5"); no exponent, sign "+", or bare dots. */
export function isDecimalString(s: unknown): s is string {
  return typeof s === 'string' && DECIMAL_RE.test(s);
}

/** Parses a plain decimal string; throws on anything else (callers validate input first). */
export function dec(s: string | number | Dec): Dec {
  if (typeof s === 'string' && !DECIMAL_RE.test(s)) throw new Error(`not a decimal string: ${JSON.stringify(s)}`);
  return new Dec(s);
}

/** Plain string form: no exponent, no trailing zeros, "-0" normalised to "0". */
export function str(d: Dec): string {
  if (d.isZero()) return '0';
  return d.toFixed();
}

export const ZERO = new Dec(0);

/** Significant digits `Dec` arithmetic keeps. */
export const DEC_DIGITS = 40;

/** decimal.js wide enough for the exact sum of any two amounts a request can carry (decimal.js's most digits). */
const Exact = Decimal.clone({ precision: 1e9, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -9e15, toExpPos: 9e15 });

/**
 * Whether a plain decimal text (`isDecimalString`) has at most DEC_DIGITS significant digits, so `Dec` holds it as
 * written: a longer one would be rounded — a client's price or quantity silently changed.
 */
export function fitsDec(text: string): boolean {
  let first = -1;
  let last = -1;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) continue;
    if (c !== 0x30) {
      if (first < 0) first = digits;
      last = digits;
    }
    digits++;
  }
  return first < 0 || last - first + 1 <= DEC_DIGITS;
}

/** Whether `a + b` fits in DEC_DIGITS significant digits, so `a.add(b)` is exact (nothing rounded away). */
export function sumIsExact(a: Dec, b: Dec): boolean {
  return new Exact(a).add(new Exact(b)).sd() <= DEC_DIGITS;
}

/** True when `value` is an integer multiple of `step` (a zero step accepts everything). */
export function isMultipleOf(value: Dec, step: Dec): boolean {
  if (step.isZero()) return true;
  return value.mod(step).isZero();
}

/** Rounds `value` down to a multiple of `step`. */
export function floorTo(value: Dec, step: Dec): Dec {
  if (step.isZero()) return value;
  return value.div(step).floor().mul(step);
}

export function min(a: Dec, b: Dec): Dec {
  return a.lessThan(b) ? a : b;
}
