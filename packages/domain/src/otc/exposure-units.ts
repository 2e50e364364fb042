/**
 * @module otc/exposure-units
 * A dealer's exposure in a pair (a `Dec`, otc/hedger.ts) in units of 10^-18, for the risk check in integers
 * (otc/exposure.ts): read once per value — exposures are replaced, never changed — and known from the start for a
 * value the hedger made from units (an accept's quantity added in integers), so neither side writes the text of a
 * decimal.js value (~1.3 µs each).
 */
import { dec, str, type Dec } from '../model/decimal.ts';
import { plainFixed } from '../model/fixed-decimal.ts';
import { units } from './pricing-units.ts';

const known = new WeakMap<Dec, bigint | null>();

/** A signed exposure in units of 10^-18, or null off that grid. */
export function exposureUnitsOf(d: Dec): bigint | null {
  let u = known.get(d);
  if (u === undefined) {
    const text = str(d);
    const abs = units(text.charCodeAt(0) === 45 /* - */ ? text.slice(1) : text);
    known.set(d, (u = abs === undefined ? null : text.charCodeAt(0) === 45 ? -abs : abs));
  }
  return u;
}

/** The exposure of `u` units: its `Dec` (whose units are then known) and its text, as `str` writes it. */
export function exposureOfUnits(u: bigint): { value: Dec; text: string } {
  const text = plainFixed(u, 18);
  const value = dec(text);
  known.set(value, u);
  return { value, text };
}
