/**
 * @module otc/exposure
 * A dealer's risk, computed without touching anything: its open exposure per pair (base units, signed: long > 0),
 * valued in the settlement currency, and the hedge order that brings a pair back to flat.
 */
import { ZERO, floorTo, type Dec } from '../model/decimal.ts';
import type { OrderSideValue } from '../model/primitives.ts';

/**
 * Σ |exposure| × price over the pairs, after adding `change` (a trade the dealer is about to make). A pair without a
 * price counts at `fallbackPrice` when it is the changed pair, else not at all (it has no market to value it).
 */
export function exposureValue(exposures: ReadonlyMap<string, Dec>, priceOf: (symbol: string) => Dec | undefined, change?: { symbol: string; delta: Dec; price: Dec }): Dec {
  const symbols = new Set(exposures.keys());
  if (change) symbols.add(change.symbol);
  let total = ZERO;
  for (const s of symbols) {
    let q = exposures.get(s) ?? ZERO;
    if (change?.symbol === s) q = q.add(change.delta);
    if (q.isZero()) continue;
    const px = priceOf(s) ?? (change?.symbol === s ? change.price : undefined);
    if (px) total = total.add(q.abs().mul(px));
  }
  return total;
}

/** Scales of `exposureValueUnits`: prices in units of 10^-19 (a mid of two prices on the 10^-18 grid is exact there). */
export const PRICE_SCALE = 19;
/** Quantities in units of 10^-18. */
export const QUANTITY_SCALE = 18;
/** Values (quantity × price) in units of 10^-37. */
export const VALUE_SCALE = PRICE_SCALE + QUANTITY_SCALE;

/**
 * `exposureValue` in exact integers (the RFQ's risk check), in units of 10^-VALUE_SCALE. `unitsOf` reads an exposure
 * in units of 10^-QUANTITY_SCALE (null off that grid); `priceOf` answers a pair's
 * price in units of 10^-PRICE_SCALE, undefined when it has none, or null when its price is off that grid: then the
 * whole answer is undefined and the caller values in decimal.js. Where decimal.js rounds (beyond 40 significant
 * digits) this stays exact.
 */
export function exposureValueUnits<Q>(
  exposures: ReadonlyMap<string, Q>,
  unitsOf: (quantity: Q) => bigint | null,
  priceOf: (symbol: string) => bigint | undefined | null,
  change: { symbol: string; delta: bigint; price: bigint },
): bigint | undefined {
  let total = 0n;
  let changed = false;
  for (const [s, held] of exposures) {
    let q = unitsOf(held);
    if (q === null) return undefined;
    if (s === change.symbol) {
      q += change.delta;
      changed = true;
    }
    const v = valueOf(s, q, priceOf, change);
    if (v === undefined) return undefined;
    total += v;
  }
  if (!changed) {
    const v = valueOf(change.symbol, change.delta, priceOf, change);
    if (v === undefined) return undefined;
    total += v;
  }
  return total;
}

/** |q| × the pair's price (0 without one), in units of 10^-VALUE_SCALE; undefined off the grid. */
function valueOf(s: string, q: bigint, priceOf: (symbol: string) => bigint | undefined | null, change: { symbol: string; price: bigint }): bigint | undefined {
  if (q === 0n) return 0n;
  let px = priceOf(s);
  if (px === null) return undefined;
  if (px === undefined && s === change.symbol) px = change.price;
  if (px === undefined) return 0n;
  return (q < 0n ? -q : q) * px;
}

/**
 * The order that takes a pair's `net` (exposure plus hedges still in flight) back towards zero: whole lots of the
 * hedge instrument, at least its minimum quantity; undefined when less than that is open (flat within one lot).
 */
export function hedgeFor(net: Dec, lot: Dec, minQuantity: Dec): { side: OrderSideValue; quantity: Dec } | undefined {
  const quantity = lot.gt(0) ? floorTo(net.abs(), lot) : net.abs();
  if (!quantity.gt(0) || quantity.lt(minQuantity)) return undefined;
  return { side: net.isNeg() ? 'BUY' : 'SELL', quantity };
}
