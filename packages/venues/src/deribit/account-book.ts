/**
 * @module deribit/account-book
 * What Deribit says each account holds, kept between its reports so each report to the domain is whole: balances
 * per currency (`private/get_account_summaries`, then `user.portfolio` pushing one currency at a time) and open
 * positions per instrument (`private/get_positions` read at connect, then `user.changes` pushing only the changed
 * ones). Deribit keeps the ledger; the domain receives `balances` and `positions` snapshots.
 */
import type { ExecutionSink } from '@cadenza/domain';
import { applyPositionChanges, parsePosition, parseSummary, type DeribitPosition } from './parse-account.ts';
import type { DeribitInstrument } from './parse.ts';

type Balance = { asset: string; free: string; locked: string };

export class DeribitAccountBook {
  /** The open positions per account and symbol, as last reported. */
  private readonly positions = new Map<string, Map<string, DeribitPosition>>();
  /** The last balance of each currency per account. */
  private readonly balances = new Map<string, Map<string, Balance>>();

  constructor(
    private readonly execution: ExecutionSink,
    private readonly clock: { now(): number },
    private readonly instrument: (name: string) => DeribitInstrument | undefined,
  ) {}

  /** The account's balances as `get_account_summaries` answered (no report: the caller returns them). */
  setBalances(tradingAccountId: string, list: Balance[]): void {
    this.balances.set(tradingAccountId, new Map(list.map((b) => [b.asset, b])));
  }

  /** A `user.portfolio` notification: one currency changed; the account's balances are reported. */
  onPortfolio(tradingAccountId: string, data: unknown): void {
    const b = parseSummary(data);
    const all = this.balances.get(tradingAccountId) ?? new Map<string, Balance>();
    all.set(b.asset, b);
    this.balances.set(tradingAccountId, all);
    this.execution.onExecution({ type: 'balances', tradingAccountId, balances: [...all.values()], timestamp: this.clock.now() });
  }

  /** The account's positions as `get_positions` answered (the whole list: what it lacks is closed). */
  setPositions(tradingAccountId: string, rows: readonly unknown[]): DeribitPosition[] {
    const list = rows.flatMap((r) => parsePosition(r, this.instrument) ?? []);
    this.positions.set(tradingAccountId, new Map(list.map((p) => [p.symbol, p])));
    return list;
  }

  /**
   * The positions a `user.changes` notification changed. Until the snapshot read at connect has come they are not
   * kept: that snapshot will include them.
   */
  onPositionChanges(tradingAccountId: string, changed: readonly unknown[]): void {
    const held = this.positions.get(tradingAccountId);
    if (changed.length === 0 || !held) return;
    applyPositionChanges(held, changed, this.instrument);
    this.reportPositions(tradingAccountId);
  }

  /** Reports the account's whole position list (a `positions` snapshot). */
  reportPositions(tradingAccountId: string): void {
    const held = this.positions.get(tradingAccountId);
    if (held) this.execution.onExecution({ type: 'positions', tradingAccountId, positions: [...held.values()], timestamp: this.clock.now() });
  }
}
