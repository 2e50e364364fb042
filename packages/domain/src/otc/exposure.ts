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

/**
 * The order that takes a pair's `net` (exposure plus hedges still in flight) back towards zero: whole lots of the
 * hedge instrument, at least its minimum quantity; undefined when less than that is open (flat within one lot).
 */
export function hedgeFor(net: Dec, lot: Dec, minQuantity: Dec): { side: OrderSideValue; quantity: Dec } | undefined {
  const quantity = lot.gt(0) ? floorTo(net.abs(), lot) : net.abs();
  if (!quantity.gt(0) || quantity.lt(minQuantity)) return undefined;
  return { side: net.isNeg() ? 'BUY' : 'SELL', quantity };
}
