/**
 * @module positions/derivative-fill
 * Pure: what one fill of a derivative order, or one funding settlement, does to the account's positions and to its
 * balance in the settle asset.
 *
 * A derivative trade exchanges no assets. What moves is margin and money:
 * - the part that increases a position needs initial margin value ÷ leverage: taken from the order's reservation
 *   (its lock); for an ISOLATED position it stays locked as the position's collateral, for a CROSS one it goes back to
 *   free (cross margin is a requirement on the wallet, not a reservation — margin/margin-math.ts);
 * - the part that reduces a position realises its trading PnL into free, and an ISOLATED position's collateral is
 *   released pro rata (all of it when the position closes);
 * - the fee is paid from the order's lock first, then from free.
 * So the settle asset's total moves by exactly realised PnL − fee (property-tested with position-math).
 *
 * Every fill is booked in full: a reduce-only fill larger than what is left of its position (another order reduced
 * it meanwhile) reduces it to zero, and the rest increases the fill's own side, as the venue's trade did.
 */
import { Dec, ZERO, type Dec as D } from '../model/decimal.ts';
import type { MarginModeValue, PositionModeValue } from '../model/position.ts';
import type { BalanceDelta } from '../portfolios/fill-effects.ts';
import { applyFunding, contractValue, quotient, settleQuotient, fundingPayment, increasingTrade, netTrade, reducingTrade, type ContractMath, type PositionCore, type PositionStep, type Trade } from './position-math.ts';

/** An open derivative position with its margin terms. */
export interface HeldPosition {
  core: PositionCore;
  marginMode: MarginModeValue;
  leverage: number;
  isolatedMargin: D;
}

export interface DerivativeFillInput {
  math: ContractMath;
  settleAsset: string;
  mode: PositionModeValue;
  /** The order's leverage and margin mode (a position opened by this fill takes them; an increased one, the leverage). */
  leverage: number;
  marginMode: MarginModeValue;
  /**
   * HEDGE only: the opposite-side position the order reduces (it named it by positionId); undefined: the order
   * increases its own side. NETTING orders need no target: a trade against the net position reduces it.
   */
  reduces?: HeldPosition;
  /** NETTING: the instrument's open position; HEDGE: the open position on the fill's own side. */
  open?: HeldPosition;
  trade: Trade & { feeAsset: string };
  lockAsset: string;
  lockedRemaining: D;
}

/** One position the fill changed: the math step and the position's margin after it. */
export interface HeldStep {
  step: PositionStep;
  after: HeldPosition;
  /** Collateral posted to an ISOLATED position by the increase. */
  posted: D;
  /** Collateral an ISOLATED position released by the reduction. */
  released: D;
}

export interface DerivativeFill {
  steps: HeldStep[];
  deltas: BalanceDelta[];
  lockConsumed: D;
}

function steps(input: DerivativeFillInput, fee: D): PositionStep[] {
  const t: Trade = { ...input.trade, fee };
  const target = input.reduces?.core;
  if (target) {
    if (t.quantity.lte(target.quantity)) return [reducingTrade(input.math, target, t)];
    // The overflow beyond the position increases the fill's own side; the fee splits as the quantity does.
    const firstFee = quotient(fee.mul(target.quantity), t.quantity);
    return [
      reducingTrade(input.math, target, { ...t, quantity: target.quantity, fee: firstFee }),
      increasingTrade(input.math, input.open?.core, { ...t, quantity: t.quantity.sub(target.quantity), fee: fee.sub(firstFee) }),
    ];
  }
  return input.mode === 'HEDGE' ? [increasingTrade(input.math, input.open?.core, t)] : netTrade(input.math, input.open?.core, t);
}

export function derivativeFill(input: DerivativeFillInput): DerivativeFill {
  const { math, trade } = input;
  const feeInSettle = trade.feeAsset === input.settleAsset ? trade.fee : ZERO;
  let initial = ZERO;
  let posted = ZERO;
  let released = ZERO;
  let realized = ZERO;
  const held: HeldStep[] = [];
  for (const step of steps(input, feeInSettle)) {
    const prior = step.before === undefined ? undefined : step.before === input.reduces?.core ? input.reduces : input.open;
    const marginMode = prior?.marginMode ?? input.marginMode;
    const priorMargin = prior?.isolatedMargin ?? ZERO;
    const im = step.increased.gt(0) ? settleQuotient(math, contractValue(math, step.increased, trade.price), input.leverage) : ZERO;
    const post = marginMode === 'ISOLATED' ? im : ZERO;
    let release = ZERO;
    if (marginMode === 'ISOLATED' && step.reduced.gt(0) && step.before) {
      release = step.after.quantity.isZero() ? priorMargin : settleQuotient(math, priorMargin.mul(step.reduced), step.before.quantity);
    }
    initial = initial.add(im);
    posted = posted.add(post);
    released = released.add(release);
    realized = realized.add(step.realized);
    held.push({
      step,
      after: { core: step.after, marginMode, leverage: step.increased.gt(0) ? input.leverage : (prior?.leverage ?? input.leverage), isolatedMargin: priorMargin.add(post).sub(release) },
      posted: post,
      released: release,
    });
  }
  const lockConsumed = input.lockAsset === input.settleAsset ? Dec.min(Dec.max(input.lockedRemaining, ZERO), initial.add(feeInSettle)) : ZERO;
  const deltas: BalanceDelta[] = [
    {
      asset: input.settleAsset,
      free: lockConsumed.sub(feeInSettle).sub(posted).add(released).add(realized),
      locked: lockConsumed.neg().add(posted).sub(released),
    },
  ];
  if (!trade.fee.isZero() && trade.feeAsset !== input.settleAsset) deltas.push({ asset: trade.feeAsset, free: trade.fee.neg(), locked: ZERO });
  return { steps: held, deltas, lockConsumed };
}

/** A funding settlement on one position: the payment (rounded to the settle asset's `decimals`) and where it goes. */
export function fundingSettlement(math: ContractMath, held: HeldPosition, settleAsset: string, rate: D, mark: D, decimals: number): { payment: D; after: HeldPosition; delta: BalanceDelta } {
  const payment = fundingPayment(math, held.core, rate, mark).toDecimalPlaces(decimals);
  const isolated = held.marginMode === 'ISOLATED';
  return {
    payment,
    after: { ...held, core: applyFunding(held.core, payment), isolatedMargin: isolated ? held.isolatedMargin.add(payment) : held.isolatedMargin },
    delta: { asset: settleAsset, free: isolated ? ZERO : payment, locked: isolated ? payment : ZERO },
  };
}
