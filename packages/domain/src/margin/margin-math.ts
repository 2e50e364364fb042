/**
 * @module margin/margin-math
 * Pure margin arithmetic over the derivative positions of one account in one settle asset: initial and maintenance
 * margin, equity, what a new order may still use, and which positions must be liquidated.
 *
 * The account's wallet in the settle asset is its balance total (free + locked): deposits, realised PnL, fees and
 * funding. `locked` holds what open orders reserved and the collateral posted to ISOLATED positions. Then:
 * - a CROSS position needs initial margin value(mark) ÷ leverage, drawn on the wallet rather than locked, and every
 *   CROSS position shares one margin balance: crossEquity = wallet − isolated collateral + Σ CROSS unrealised PnL;
 * - an ISOLATED position stands on its own collateral: equity = isolatedMargin + its unrealised PnL;
 * - maintenance margin is value(mark) × the instrument's maintenance rate;
 * - what new orders may use: available = free − Σ CROSS initial margin + Σ CROSS unrealised losses (a profit not
 *   yet realised funds no new order: what an order reserves must be in the wallet);
 * - CROSS positions are liquidated (all of them) once crossEquity ≤ Σ CROSS maintenance margin; an ISOLATED one once
 *   its equity ≤ its maintenance margin. A margin below zero is always a breach, so it never goes unanswered.
 */
import { Dec, ZERO, type Dec as D } from '../model/decimal.ts';
import type { MarginModeValue } from '../model/position.ts';
import { contractValue, quotient, unrealizedPnl, type ContractMath, type PositionCore } from '../positions/position-math.ts';

/** One open derivative position with what margin needs to know of it. */
export interface MarginedPosition {
  positionId: string;
  math: ContractMath;
  core: PositionCore;
  mark: D;
  leverage: number;
  marginMode: MarginModeValue;
  /** ISOLATED: posted collateral. */
  isolatedMargin: D;
  maintenanceRate: D;
}

/** The account's wallet in one settle asset and its positions settled in it. */
export interface MarginAccount {
  free: D;
  locked: D;
  positions: MarginedPosition[];
}

export interface PositionMargin {
  positionId: string;
  marginMode: MarginModeValue;
  value: D;
  unrealized: D;
  /** CROSS: value ÷ leverage; ISOLATED: the posted collateral. */
  initial: D;
  maintenance: D;
  /** ISOLATED: collateral + unrealised PnL. */
  equity?: D;
}

export interface MarginState {
  wallet: D;
  /** wallet + Σ unrealised PnL. */
  equity: D;
  unrealized: D;
  /** Σ CROSS initial margin + Σ ISOLATED collateral. */
  initial: D;
  maintenance: D;
  /** Σ position values at mark. */
  exposure: D;
  crossEquity: D;
  crossInitial: D;
  crossMaintenance: D;
  isolatedCollateral: D;
  /** What a new order may use. */
  available: D;
  positions: PositionMargin[];
}

export function initialMargin(m: ContractMath, quantity: D, price: D, leverage: number): D {
  return quotient(contractValue(m, quantity, price), leverage);
}

export function marginState(a: MarginAccount): MarginState {
  const wallet = a.free.add(a.locked);
  let unrealized = ZERO;
  let crossUnrealized = ZERO;
  let crossInitial = ZERO;
  let crossMaintenance = ZERO;
  let isolatedCollateral = ZERO;
  let exposure = ZERO;
  let maintenance = ZERO;
  const positions: PositionMargin[] = [];
  for (const p of a.positions) {
    const value = contractValue(p.math, p.core.quantity, p.mark);
    const upnl = unrealizedPnl(p.math, p.core, p.mark);
    const mm = value.mul(p.maintenanceRate);
    unrealized = unrealized.add(upnl);
    exposure = exposure.add(value);
    maintenance = maintenance.add(mm);
    if (p.marginMode === 'ISOLATED') {
      isolatedCollateral = isolatedCollateral.add(p.isolatedMargin);
      positions.push({ positionId: p.positionId, marginMode: 'ISOLATED', value, unrealized: upnl, initial: p.isolatedMargin, maintenance: mm, equity: p.isolatedMargin.add(upnl) });
    } else {
      const im = quotient(value, p.leverage);
      crossUnrealized = crossUnrealized.add(upnl);
      crossInitial = crossInitial.add(im);
      crossMaintenance = crossMaintenance.add(mm);
      positions.push({ positionId: p.positionId, marginMode: 'CROSS', value, unrealized: upnl, initial: im, maintenance: mm });
    }
  }
  return {
    wallet,
    equity: wallet.add(unrealized),
    unrealized,
    initial: crossInitial.add(isolatedCollateral),
    maintenance,
    exposure,
    crossEquity: wallet.sub(isolatedCollateral).add(crossUnrealized),
    crossInitial,
    crossMaintenance,
    isolatedCollateral,
    available: a.free.sub(crossInitial).add(Dec.min(crossUnrealized, ZERO)),
    positions,
  };
}

/** A position to liquidate, and why (in words for the order's cancel reason and the log). */
export interface LiquidationDecision {
  positionId: string;
  reason: string;
}

/**
 * The positions maintenance margin no longer covers: every CROSS position when the shared margin balance is at or
 * below their maintenance margin (or below zero), each ISOLATED one whose own equity is.
 */
export function liquidations(s: MarginState): LiquidationDecision[] {
  const out: LiquidationDecision[] = [];
  const cross = s.positions.filter((p) => p.marginMode === 'CROSS');
  if (cross.length && (s.crossEquity.lte(s.crossMaintenance) || s.crossEquity.isNeg())) {
    const reason = `cross margin balance ${s.crossEquity.toFixed()} at or below maintenance margin ${s.crossMaintenance.toFixed()}`;
    for (const p of cross) out.push({ positionId: p.positionId, reason });
  }
  for (const p of s.positions) {
    if (p.marginMode !== 'ISOLATED' || p.equity === undefined) continue;
    if (p.equity.lte(p.maintenance) || p.equity.isNeg()) {
      out.push({ positionId: p.positionId, reason: `isolated margin ${p.equity.toFixed()} at or below maintenance margin ${p.maintenance.toFixed()}` });
    }
  }
  return out;
}
