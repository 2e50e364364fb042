/**
 * @module portfolios/portfolio-book
 * Balances and positions of every trading account, held in memory (loaded per account on first use) and written
 * through to the store. Callers run the writes inside their own transaction; when that transaction fails they
 * call `evict(accountId)` so memory reloads from what was committed.
 */
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { Balance, Position } from './balance.ts';
import { ZERO, dec, str, type Dec as D } from '../values/decimal.ts';
import { applyTrade, type BalanceDelta } from './fill-effects.ts';

interface BalanceState {
  balanceId: string;
  free: D;
  locked: D;
  createdAt: number;
  updatedAt: number;
}

export class PortfolioBook {
  private readonly balances = new Map<string, Map<string, BalanceState>>();
  private readonly positions = new Map<string, Map<string, Position>>();

  constructor(private readonly ctx: DomainContext) {}

  private account(tradingAccountId: string): Map<string, BalanceState> {
    let m = this.balances.get(tradingAccountId);
    if (!m) {
      m = new Map();
      for (const b of this.ctx.store.listBalances(tradingAccountId)) {
        m.set(b.asset, { balanceId: b.balanceId, free: dec(b.free), locked: dec(b.locked), createdAt: b.createdAt, updatedAt: b.updatedAt });
      }
      this.balances.set(tradingAccountId, m);
    }
    return m;
  }

  private positionsOf(tradingAccountId: string): Map<string, Position> {
    let m = this.positions.get(tradingAccountId);
    if (!m) {
      m = new Map(this.ctx.store.listPositions(tradingAccountId).map((p) => [p.instrumentId, p]));
      this.positions.set(tradingAccountId, m);
    }
    return m;
  }

  /** Forgets the in-memory state of an account (after a failed transaction). */
  evict(tradingAccountId: string): void {
    this.balances.delete(tradingAccountId);
    this.positions.delete(tradingAccountId);
  }

  free(tradingAccountId: string, asset: string): D {
    return this.account(tradingAccountId).get(asset)?.free ?? ZERO;
  }

  /** Applies balance changes and writes them; returns the changed balances. */
  apply(tradingAccountId: string, deltas: BalanceDelta[]): Balance[] {
    const m = this.account(tradingAccountId);
    const now = this.ctx.clock.now();
    const out: Balance[] = [];
    for (const d of deltas) {
      if (d.free.isZero() && d.locked.isZero()) continue;
      const cur = m.get(d.asset) ?? { balanceId: this.ctx.ids.uuid(), free: ZERO, locked: ZERO, createdAt: now, updatedAt: now };
      const next: BalanceState = { ...cur, free: cur.free.add(d.free), locked: cur.locked.add(d.locked), updatedAt: now };
      if (next.locked.isNeg()) {
        this.ctx.log.warn({ tradingAccountId, asset: d.asset, locked: str(next.locked) }, 'locked balance went negative (a venue snapshot moved it); clamping to zero');
        next.free = next.free.add(next.locked);
        next.locked = ZERO;
      }
      m.set(d.asset, next);
      const rec = this.record(tradingAccountId, d.asset, next);
      this.ctx.store.upsertBalance(rec);
      out.push(rec);
    }
    return out;
  }

  /** Moves `amount` of `asset` from free to locked, or refuses with INSUFFICIENT_BALANCE. */
  lock(tradingAccountId: string, asset: string, amount: D): Balance[] {
    const free = this.free(tradingAccountId, asset);
    if (free.lessThan(amount)) {
      throw new DomainError('INSUFFICIENT_BALANCE', `insufficient ${asset}: needs ${str(amount)}, free ${str(free)}`);
    }
    return this.apply(tradingAccountId, [{ asset, free: amount.neg(), locked: amount }]);
  }

  /** Returns `amount` of `asset` from locked to free. */
  release(tradingAccountId: string, asset: string, amount: D): Balance[] {
    if (amount.lte(0)) return [];
    return this.apply(tradingAccountId, [{ asset, free: amount, locked: amount.neg() }]);
  }

  /** Replaces every balance with a venue's snapshot (real venues own their ledger). */
  replace(tradingAccountId: string, snapshot: Array<{ asset: string; free: string; locked: string }>): Balance[] {
    const old = this.account(tradingAccountId);
    const now = this.ctx.clock.now();
    const m = new Map<string, BalanceState>();
    for (const b of snapshot) {
      const prev = old.get(b.asset);
      m.set(b.asset, { balanceId: prev?.balanceId ?? this.ctx.ids.uuid(), free: dec(b.free), locked: dec(b.locked), createdAt: prev?.createdAt ?? now, updatedAt: now });
    }
    const records = [...m.entries()].map(([asset, s]) => this.record(tradingAccountId, asset, s));
    this.ctx.store.replaceBalances(tradingAccountId, records);
    this.balances.set(tradingAccountId, m);
    return records;
  }

  /** Books a trade on the instrument's net position; returns the updated position. */
  trade(tradingAccountId: string, instrumentId: string, baseAsset: string, side: 'BUY' | 'SELL', quantity: D, price: D): Position {
    const m = this.positionsOf(tradingAccountId);
    const now = this.ctx.clock.now();
    const cur = m.get(instrumentId);
    const state = applyTrade(
      cur ? { quantity: dec(cur.quantity), entryPrice: dec(cur.entryPrice), realizedPnl: dec(cur.realizedPnl) } : { quantity: ZERO, entryPrice: ZERO, realizedPnl: ZERO },
      side,
      quantity,
      price,
    );
    const next: Position = {
      positionId: cur?.positionId ?? this.ctx.ids.uuid(),
      tradingAccountId,
      instrumentId,
      securitySymbol: baseAsset,
      quantity: str(state.quantity),
      entryPrice: str(state.entryPrice),
      realizedPnl: str(state.realizedPnl),
      createdAt: cur?.createdAt ?? now,
      updatedAt: now,
    };
    const exit = state.exitPrice ?? (cur?.exitPrice !== undefined ? dec(cur.exitPrice) : undefined);
    if (exit !== undefined) next.exitPrice = str(exit);
    m.set(instrumentId, next);
    this.ctx.store.upsertPosition(next);
    return next;
  }

  listBalances(tradingAccountId: string): Balance[] {
    return [...this.account(tradingAccountId).entries()]
      .map(([asset, s]) => this.record(tradingAccountId, asset, s))
      .sort((a, b) => a.asset.localeCompare(b.asset));
  }

  listPositions(tradingAccountId: string): Position[] {
    return [...this.positionsOf(tradingAccountId).values()].sort((a, b) => a.instrumentId.localeCompare(b.instrumentId));
  }

  private record(tradingAccountId: string, asset: string, s: BalanceState): Balance {
    return { balanceId: s.balanceId, tradingAccountId, asset, free: str(s.free), locked: str(s.locked), createdAt: s.createdAt, updatedAt: s.updatedAt };
  }
}

