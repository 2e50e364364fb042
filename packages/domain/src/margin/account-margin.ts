/**
 * @module margin/account-margin
 * An account's margin now: its open derivative positions at their mark prices and its wallet in each settle asset,
 * through the pure margin math (margin-math.ts). A position whose instrument has no price yet is valued at its entry.
 */
import { dec, type Dec } from '../model/decimal.ts';
import type { Position } from '../model/position.ts';
import type { MarkBook } from '../derivatives/mark-book.ts';
import type { PortfolioBook } from '../portfolios/portfolio-book.ts';
import type { PositionBook } from '../positions/position-book.ts';
import { entryPrice } from '../positions/position-math.ts';
import { coreOf, heldOf, mathOf } from '../positions/position-records.ts';
import { marginState, type MarginedPosition, type MarginState } from './margin-math.ts';

export class AccountMargin {
  constructor(
    private readonly positions: PositionBook,
    private readonly balances: PortfolioBook,
    private readonly marks: MarkBook,
  ) {}

  /** The margin state of each settle asset the account holds open derivative positions in. */
  states(tradingAccountId: string): Map<string, MarginState> {
    const bySettle = new Map<string, Position[]>();
    for (const p of this.positions.openDerivatives(tradingAccountId)) {
      const list = bySettle.get(p.terms.settleAsset) ?? [];
      list.push(p);
      bySettle.set(p.terms.settleAsset, list);
    }
    const out = new Map<string, MarginState>();
    for (const [asset, list] of bySettle) out.set(asset, this.compute(tradingAccountId, asset, list));
    return out;
  }

  /** The margin state of one settle asset (what an order margined in it may use). */
  state(tradingAccountId: string, settleAsset: string): MarginState {
    return this.compute(tradingAccountId, settleAsset, this.positions.openDerivatives(tradingAccountId).filter((p) => p.terms.settleAsset === settleAsset));
  }

  /** The price a position is valued at: its instrument's mark (or last price), else its own entry price. */
  markOf(p: Position): Dec | undefined {
    return this.marks.price(p.instrumentId) ?? entryPrice(mathOf(p.terms), coreOf(p));
  }

  private compute(tradingAccountId: string, settleAsset: string, list: Position[]): MarginState {
    const { free, locked } = this.balances.balance(tradingAccountId, settleAsset);
    const positions: MarginedPosition[] = [];
    for (const p of list) {
      const mark = this.markOf(p);
      if (!mark) continue;
      const held = heldOf(p);
      positions.push({
        positionId: p.positionId,
        math: mathOf(p.terms),
        core: held.core,
        mark,
        leverage: held.leverage,
        marginMode: held.marginMode,
        isolatedMargin: held.isolatedMargin,
        maintenanceRate: dec(p.terms.maintenanceMarginRate ?? '0'),
      });
    }
    return marginState({ free, locked, positions });
  }
}
