/**
 * @module portfolios/portfolio-book
 * Balances of every trading account, held in memory from start and written through to the store (positions:
 * positions/position-book.ts). Callers run the writes inside their own unit of work, which undoes the memory changes
 * when it fails.
 */
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { Balance } from '../model/balance.ts';
import { ZERO, dec, str, type Dec as D } from '../model/decimal.ts';
import type { BalanceDelta } from './fill-effects.ts';

/** Built field by field wherever it is made (no spreads): one shape, and the fill path makes several per trade. */
interface BalanceState {
  balanceId: string;
  /** Undefined until read when `freeText` holds it (a mirrored balance: `freeOf`). */
  free: D | undefined;
  /** `free` as canonical text, when it came as text (a mirrored balance); else undefined. */
  freeText: string | undefined;
  locked: D;
  createdAt: number;
  updatedAt: number;
}

export class PortfolioBook {
  private readonly balances = new Map<string, Map<string, BalanceState>>();

  constructor(private readonly ctx: DomainContext) {}

  async load(): Promise<void> {
    for (const b of await this.ctx.store.loadBalances()) {
      this.account(b.tradingAccountId).set(b.asset, { balanceId: b.balanceId, free: dec(b.free), freeText: undefined, locked: dec(b.locked), createdAt: b.createdAt, updatedAt: b.updatedAt });
    }
  }

  private account(tradingAccountId: string): Map<string, BalanceState> {
    let m = this.balances.get(tradingAccountId);
    if (!m) this.balances.set(tradingAccountId, (m = new Map()));
    return m;
  }

  /** Sets `key` in `m`, undoing it with the enclosing unit of work. One look-up: no value here is undefined. */
  private set<K, V extends object>(m: Map<K, V>, key: K, value: V): void {
    const before = m.get(key);
    m.set(key, value);
    this.ctx.unit.onUndo(() => (before === undefined ? m.delete(key) : m.set(key, before)));
  }

  free(tradingAccountId: string, asset: string): D {
    const b = this.account(tradingAccountId).get(asset);
    return b === undefined ? ZERO : freeOf(b);
  }

  /** Free and locked of one asset (zero when the account has none). */
  balance(tradingAccountId: string, asset: string): { free: D; locked: D } {
    const b = this.account(tradingAccountId).get(asset);
    return { free: b === undefined ? ZERO : freeOf(b), locked: b?.locked ?? ZERO };
  }

  /** Applies balance changes and writes them; returns the changed balances. */
  apply(tradingAccountId: string, deltas: BalanceDelta[]): Balance[] {
    const m = this.account(tradingAccountId);
    const now = this.ctx.clock.now();
    const out: Balance[] = [];
    for (const d of deltas) {
      if (d.free.isZero() && d.locked.isZero()) continue;
      const cur = m.get(d.asset);
      const next: BalanceState = { balanceId: cur ? cur.balanceId : this.ctx.ids.uuid(), free: (cur ? freeOf(cur) : ZERO).add(d.free), freeText: undefined, locked: (cur ? cur.locked : ZERO).add(d.locked), createdAt: cur ? cur.createdAt : now, updatedAt: now };
      if (next.locked.isNeg()) {
        this.ctx.log.warn({ tradingAccountId, asset: d.asset, locked: str(next.locked) }, 'locked balance went negative (a venue snapshot moved it); clamping to zero');
        next.free = next.free!.add(next.locked);
        next.locked = ZERO;
      }
      const rec = this.record(tradingAccountId, d.asset, next);
      this.ctx.store.upsertBalance(rec);
      this.set(m, d.asset, next);
      out.push(rec);
    }
    return out;
  }

  /**
   * Sets a balance whose truth is kept elsewhere — a ledger wallet's entries (otc/wallet-book.ts) — to `freeText`
   * (canonical text; `free`, its Dec, if the owner has one), nothing locked, and returns it. Its row is written only
   * when the asset is new to the account (so its id and creation time last); after that the amount lives in memory
   * only, and the owner puts it back at start (`restoreMirror`): one truth in the store, not two. The text is kept as
   * given and read as a Dec only if something asks for the Dec: the ledger moves in exact units, and what shows a
   * mirrored balance (its record, its push) wants the text. `now`: the owner's time of the change, if it read it.
   */
  mirror(tradingAccountId: string, asset: string, freeText: string, free?: D, now = this.ctx.clock.now()): Balance {
    const m = this.account(tradingAccountId);
    const cur = m.get(asset);
    const next: BalanceState = { balanceId: cur ? cur.balanceId : this.ctx.ids.uuid(), free, freeText, locked: ZERO, createdAt: cur ? cur.createdAt : now, updatedAt: now };
    const rec = this.record(tradingAccountId, asset, next);
    if (!cur) this.ctx.store.upsertBalance(rec);
    this.set(m, asset, next);
    return rec;
  }

  /** At start: a mirrored balance back from its truth (its row keeps the id; a missing row is written once). */
  restoreMirror(tradingAccountId: string, asset: string, free: D, updatedAt: number): void {
    const m = this.account(tradingAccountId);
    const cur = m.get(asset);
    if (cur) {
      m.set(asset, { balanceId: cur.balanceId, free, freeText: undefined, locked: ZERO, createdAt: cur.createdAt, updatedAt });
      return;
    }
    const next: BalanceState = { balanceId: this.ctx.ids.uuid(), free, freeText: undefined, locked: ZERO, createdAt: updatedAt, updatedAt };
    this.ctx.unit.run(() => this.ctx.store.upsertBalance(this.record(tradingAccountId, asset, next)));
    m.set(asset, next);
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
      m.set(b.asset, { balanceId: prev?.balanceId ?? this.ctx.ids.uuid(), free: dec(b.free), freeText: undefined, locked: dec(b.locked), createdAt: prev?.createdAt ?? now, updatedAt: now });
    }
    const records = [...m.entries()].map(([asset, s]) => this.record(tradingAccountId, asset, s));
    this.ctx.store.replaceBalances(tradingAccountId, records);
    this.set(this.balances, tradingAccountId, m);
    return records;
  }

  listBalances(tradingAccountId: string): Balance[] {
    return [...this.account(tradingAccountId).entries()]
      .map(([asset, s]) => this.record(tradingAccountId, asset, s))
      .sort((a, b) => a.asset.localeCompare(b.asset));
  }

  private record(tradingAccountId: string, asset: string, s: BalanceState): Balance {
    return { balanceId: s.balanceId, tradingAccountId, asset, free: s.freeText ?? str(s.free!), locked: str(s.locked), createdAt: s.createdAt, updatedAt: s.updatedAt };
  }
}

/** The state's free amount as Dec, read from its text the first time it is asked for (then kept). */
function freeOf(s: BalanceState): D {
  return s.free ?? (s.free = dec(s.freeText!));
}
