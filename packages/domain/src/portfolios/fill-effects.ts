/**
 * @module portfolios/fill-effects
 * Pure portfolio math: what a spot fill, a lock or a release does to balances (positions: positions/position-math.ts).
 *
 * Invariants (tested by property): for every asset, free + locked changes by exactly the traded amount minus the
 * fees in that asset; a fill first consumes the order's lock, then free balance; releasing returns what is left
 * of the lock to free. Nothing here rounds: amounts are exact decimals.
 */
import { Dec, ZERO, min, type Dec as D } from '../model/decimal.ts';

/** A change to one asset's balance. */
export interface BalanceDelta {
  asset: string;
  free: D;
  locked: D;
}

export interface FillInput {
  side: 'BUY' | 'SELL';
  baseAsset: string;
  quoteAsset: string;
  price: D;
  quantity: D;
  fee: D;
  feeAsset: string;
  /** The asset and amount the order still holds locked. */
  lockAsset: string;
  lockedRemaining: D;
}

export interface FillEffects {
  deltas: BalanceDelta[];
  /** How much of the order's lock the fill consumed. */
  lockConsumed: D;
}

function add(map: Map<string, BalanceDelta>, asset: string, free: D, locked: D): void {
  const d = map.get(asset) ?? { asset, free: ZERO, locked: ZERO };
  map.set(asset, { asset, free: d.free.add(free), locked: d.locked.add(locked) });
}

/**
 * A BUY pays `price × quantity` quote and receives `quantity` base; a SELL the reverse. The fee is taken from
 * `feeAsset` (whatever the venue charged). What the order pays comes out of its lock first (when the lock is in
 * the paid asset), the rest from free.
 */
export function fillEffects(f: FillInput): FillEffects {
  const deltas = new Map<string, BalanceDelta>();
  const cost = f.price.mul(f.quantity);
  const paidAsset = f.side === 'BUY' ? f.quoteAsset : f.baseAsset;
  const receivedAsset = f.side === 'BUY' ? f.baseAsset : f.quoteAsset;
  let paid = f.side === 'BUY' ? cost : f.quantity;
  const received = f.side === 'BUY' ? f.quantity : cost;
  let feeElsewhere = true;
  if (!f.fee.isZero() && f.feeAsset === paidAsset) {
    paid = paid.add(f.fee);
    feeElsewhere = false;
  }
  let lockConsumed = ZERO;
  if (f.lockAsset === paidAsset) {
    lockConsumed = min(paid, Dec.max(f.lockedRemaining, ZERO));
  }
  add(deltas, paidAsset, paid.sub(lockConsumed).neg(), lockConsumed.neg());
  add(deltas, receivedAsset, received, ZERO);
  if (!f.fee.isZero() && feeElsewhere) {
    if (f.feeAsset === receivedAsset || f.feeAsset !== paidAsset) add(deltas, f.feeAsset, f.fee.neg(), ZERO);
  }
  return { deltas: [...deltas.values()], lockConsumed };
}

/** Moving `amount` of `asset` from free to locked (positive) or back (negative). */
export function lockDelta(asset: string, amount: D): BalanceDelta {
  return { asset, free: amount.neg(), locked: amount };
}
