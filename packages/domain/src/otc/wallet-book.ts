/**
 * @module otc/wallet-book
 * Every ledger wallet and its balances, held in memory from start, and the one way money moves: `move`, which plans
 * the legs with the ledger's rules (ledger-core.ts), appends the immutable entries and mirrors them into the
 * portfolio of the FERMATA trading account that owns each wallet — all inside the caller's unit of work.
 *
 * Promises:
 * - A wallet's balance of an asset is the sum of its entries (the store keeps each entry's running balance).
 * - The owning account's portfolio balance of an asset equals the wallet's (free = balance, nothing locked), so
 *   `query.portfolio.get` and `event.portfolio.updated` show wallet balances. The entries are the only truth in the
 *   store: the portfolio mirrors them in memory (`PortfolioBook.mirror`; a balance row is written once, when the
 *   asset first appears) and is put back from them at start (`restorePortfolios`).
 */
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { boundedText } from '../bounded-text.ts';
import type { Balance } from '../model/balance.ts';
import type { Position } from '../model/position.ts';
import { ZERO, dec, type Dec } from '../model/decimal.ts';
import type { LedgerEntry, Wallet } from '../model/fermata.ts';
import type { WalletBalance } from '../ports/otc-store.ts';
import type { PortfolioBook } from '../portfolios/portfolio-book.ts';
import { LaterPortfolio } from '../portfolios/rpc-portfolio.ts';
import { amountOf, decOf, isZeroAmount, planLegs, type Amount, type Leg, type LedgerState, type TextLeg, type WalletView } from './ledger-core.ts';

/** What one movement changed in each owning account's portfolio. */
export type PortfolioChanges = Map<string, Balance[]>;

export class WalletBook {
  private readonly wallets = new Map<string, Wallet>();
  private readonly byAccount = new Map<string, string>();
  /** Units of 10^-20 on the grid, Dec off it (ledger-core.ts). */
  private readonly balances = new Map<string, Map<string, Amount>>();

  constructor(
    private readonly ctx: DomainContext,
    private readonly book: PortfolioBook,
  ) {}

  /** What the ledger's plan reads: the wallets, and their balances as held. */
  private readonly state: LedgerState = { wallet: (walletId) => this.wallets.get(walletId), balance: (walletId, asset) => this.held(walletId, asset) };

  async load(): Promise<void> {
    const [wallets, balances] = await Promise.all([this.ctx.store.otc.loadWallets(), this.ctx.store.otc.loadWalletBalances()]);
    for (const w of wallets) {
      this.wallets.set(w.walletId, w);
      this.byAccount.set(w.tradingAccountId, w.walletId);
    }
    for (const b of balances) this.assets(b.walletId).set(b.asset, amountOf(b.balance));
    this.loaded = balances;
  }

  /** Puts every wallet's balances back into its account's portfolio (after both books loaded: OtcService.start). */
  restorePortfolios(): void {
    for (const b of this.loaded) {
      const w = this.wallets.get(b.walletId);
      if (w) this.book.restoreMirror(w.tradingAccountId, b.asset, dec(b.balance), b.updatedAt);
    }
    this.loaded = [];
  }

  private loaded: WalletBalance[] = [];

  wallet(walletId: string): Wallet | undefined {
    return this.wallets.get(walletId);
  }

  /** The wallet the FERMATA trading account owns. */
  ofAccount(tradingAccountId: string): Wallet | undefined {
    const id = this.byAccount.get(tradingAccountId);
    return id === undefined ? undefined : this.wallets.get(id);
  }

  /** The caller's wallet (any, for admins), or WALLET_NOT_FOUND — another user's wallet is not found either. */
  requireOwned(caller: { userId: string; isAdmin: boolean }, walletId: string | undefined): Wallet {
    const w = walletId === undefined ? undefined : this.wallets.get(walletId);
    if (!w || (!caller.isAdmin && w.userId !== caller.userId)) throw new DomainError('WALLET_NOT_FOUND', `wallet ${walletId === undefined ? '(none)' : boundedText(walletId)} not found`);
    return w;
  }

  all(): Wallet[] {
    return [...this.wallets.values()];
  }

  balance(walletId: string, asset: string): Dec {
    const a = this.balances.get(walletId)?.get(asset);
    return a === undefined ? ZERO : decOf(a);
  }

  /** The balance as held, for the ledger's plan. */
  held(walletId: string, asset: string): Amount {
    return this.balances.get(walletId)?.get(asset) ?? 0n;
  }

  balancesOf(walletId: string): Map<string, Dec> {
    const out = new Map<string, Dec>();
    for (const [asset, a] of this.balances.get(walletId) ?? []) out.set(asset, decOf(a));
    return out;
  }

  /** Writes a new wallet or its new state, and holds it (undone with the enclosing unit). */
  put(wallet: Wallet, isNew: boolean): void {
    if (isNew) this.ctx.store.otc.insertWallet(wallet);
    else this.ctx.store.otc.updateWallet(wallet);
    const before = this.wallets.get(wallet.walletId);
    this.wallets.set(wallet.walletId, wallet);
    this.byAccount.set(wallet.tradingAccountId, wallet.walletId);
    this.ctx.unit.onUndo(() => {
      if (before) this.wallets.set(wallet.walletId, before);
      else {
        this.wallets.delete(wallet.walletId);
        this.byAccount.delete(wallet.tradingAccountId);
      }
    });
  }

  /**
   * Moves the legs as one, or throws the refusal (nothing moved). Call inside a unit of work: entries, balances and
   * the portfolio mirror commit with whatever else the unit writes. Returns the entries and the portfolio changes,
   * which the caller publishes (`publish`) with whatever else it shows. `at`: the time of the movement when the caller
   * has read it (an accept's entries are made at its order's time).
   */
  move(legs: readonly (Leg | TextLeg)[], kind: LedgerEntry['kind'], referenceId: string, options: { closingWithdrawal?: boolean; at?: number } = {}): { entries: LedgerEntry[]; changes: PortfolioChanges } {
    const plan = planLegs(this.state, legs, options);
    if (!plan.ok) throw new DomainError(plan.refusal, plan.message);
    const now = options.at ?? this.ctx.clock.now();
    const entries = plan.entries.map<LedgerEntry>((e) => ({
      entryId: this.ctx.ids.uuid(),
      walletId: e.walletId,
      asset: e.asset,
      amount: e.amount,
      balanceAfter: e.balanceAfter,
      kind,
      referenceId,
      counterpartyWalletId: e.counterpartyWalletId,
      createdAt: now,
    }));
    this.ctx.store.otc.appendLedgerEntries(entries);
    const changes: PortfolioChanges = new Map();
    // What each entry replaced, put back (last first) if the unit fails: one undo for the movement, not one an entry.
    const maps: Array<Map<string, Amount>> = [];
    const before: Array<Amount | undefined> = [];
    for (const e of plan.entries) {
      const m = this.assets(e.walletId);
      maps.push(m);
      before.push(m.get(e.asset));
      m.set(e.asset, e.after);
      const accountId = this.wallets.get(e.walletId)!.tradingAccountId;
      const changed = this.book.mirror(accountId, e.asset, e.balanceAfter, typeof e.after === 'bigint' ? undefined : e.after, now);
      // The account's latest balance of each asset it moved.
      const list = changes.get(accountId);
      if (!list) changes.set(accountId, [changed]);
      else replaceAsset(list, changed);
    }
    const planned = plan.entries;
    this.ctx.unit.onUndo(() => {
      for (let i = planned.length - 1; i >= 0; i--) {
        const b = before[i];
        if (b === undefined) maps[i]!.delete(planned[i]!.asset);
        else maps[i]!.set(planned[i]!.asset, b);
      }
    });
    return { entries, changes };
  }

  /**
   * Pushes each changed portfolio as `event.portfolio.updated` (a DELTA), with the account's new position if any
   * (`positions`: the movement's new positions, a few at most; undefined where an account's trade changed none). The
   * event's RPC shape is built when it is serialised (`LaterPortfolio`): most go to channels no one reads. `at`: the
   * pushes' time when the caller has read it (one time for all of them).
   */
  publish(changes: PortfolioChanges, positions: readonly (Position | undefined)[] = [], at?: number): void {
    const updatedAt = at ?? this.ctx.clock.now();
    for (const [tradingAccountId, balances] of changes) {
      const position = positionOf(positions, tradingAccountId);
      this.ctx.publish.toAccount(
        tradingAccountId,
        'event.portfolio.updated',
        new LaterPortfolio({ tradingAccountId, balances, positions: position ? [position] : [], updateMode: 'DELTA', updatedAt }),
      );
    }
  }

  /** Whether every balance of the wallet is zero. */
  isEmpty(walletId: string): boolean {
    for (const v of this.balances.get(walletId)?.values() ?? []) if (!isZeroAmount(v)) return false;
    return true;
  }

  view(walletId: string): WalletView | undefined {
    return this.wallets.get(walletId);
  }

  private assets(walletId: string): Map<string, Amount> {
    let m = this.balances.get(walletId);
    if (!m) this.balances.set(walletId, (m = new Map()));
    return m;
  }
}

/** The account's position among a movement's few. */
function positionOf(positions: readonly (Position | undefined)[], tradingAccountId: string): Position | undefined {
  for (const p of positions) if (p !== undefined && p.tradingAccountId === tradingAccountId) return p;
  return undefined;
}

/** Puts `changed` in the list in place of the balance of its asset, or adds it. */
function replaceAsset(list: Balance[], changed: Balance): void {
  for (let i = 0; i < list.length; i++) {
    if (list[i]!.asset === changed.asset) {
      list[i] = changed;
      return;
    }
  }
  list.push(changed);
}
