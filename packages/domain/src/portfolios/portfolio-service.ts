/**
 * @module portfolios/portfolio-service
 * Portfolio reads (a SNAPSHOT with balances, positions marked to their mark or last prices, and a summary with the
 * account's margin, valued in the configured currency) and the admin balance adjustment `command.portfolio.save`.
 */
import type { RpcPortfolio, RpcPortfolioSummary } from '@cadenza/contract';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { CallerContext } from '../model/caller.ts';
import { ZERO, dec, isDecimalString, type Dec } from '../model/decimal.ts';
import type { AccountRegistry } from '../accounts/account-registry.ts';
import type { TradingAccount } from '../model/trading-account.ts';
import type { Position } from '../model/position.ts';
import type { MarkBook } from '../derivatives/mark-book.ts';
import type { AccountMargin } from '../margin/account-margin.ts';
import type { PositionBook } from '../positions/position-book.ts';
import { FERMATA } from '../model/fermata.ts';
import type { PortfolioBook } from './portfolio-book.ts';
import { portfolioSummary } from './portfolio-summary.ts';
import { toRpcPortfolio } from './rpc-portfolio.ts';

export interface PortfolioServiceDeps {
  accounts: AccountRegistry;
  book: PortfolioBook;
  positions: PositionBook;
  marks: MarkBook;
  margin: AccountMargin;
}

export class PortfolioService {
  private readonly accounts: AccountRegistry;
  private readonly book: PortfolioBook;
  private readonly positions: PositionBook;
  private readonly marks: MarkBook;
  private readonly margin: AccountMargin;

  constructor(
    private readonly ctx: DomainContext,
    deps: PortfolioServiceDeps,
  ) {
    ({ accounts: this.accounts, book: this.book, positions: this.positions, marks: this.marks, margin: this.margin } = deps);
  }

  get(caller: CallerContext, tradingAccountId: string): RpcPortfolio {
    return this.snapshot(this.accounts.requireOwned(caller, tradingAccountId));
  }

  async list(caller: CallerContext, f: { tradingAccountId?: string; venue?: string; currency?: string }, page: { offset: number; limit: number }): Promise<{ items: RpcPortfolio[]; total: number }> {
    const accounts = f.tradingAccountId
      ? { items: [this.accounts.requireOwned(caller, f.tradingAccountId)], total: 1 }
      : await this.ctx.store.listTradingAccounts({ ...(caller.isAdmin ? {} : { userId: caller.userId }), ...(f.venue ? { venue: f.venue } : {}) }, page);
    let items = accounts.items.map((a) => this.snapshot(a));
    if (f.currency) items = items.map((p) => ({ ...p, balances: (p.balances ?? []).filter((b) => b.securitySymbol === f.currency) }));
    return { items, total: accounts.total };
  }

  /** Sets the given balances (free/locked) of the account; other assets are unchanged. Admin only. */
  save(caller: CallerContext, input: RpcPortfolio): RpcPortfolio {
    const account = this.accounts.requireOwned(caller, input.tradingAccountId);
    if (account.venue === FERMATA) throw new DomainError('VENUE_CAPABILITY_MISSING', `${FERMATA} balances are ledger wallets: they move only by wallet transfers and trades`);
    const current = new Map(this.book.listBalances(account.tradingAccountId).map((b) => [b.asset, b]));
    const deltas = (input.balances ?? []).map((b) => {
      if (!b.securitySymbol) throw new DomainError('VALIDATION_FAILED', 'portfolio.balances[].securitySymbol is required');
      const free = b.free ?? b.total;
      for (const [k, v] of [['free', free], ['locked', b.locked]] as const) {
        if (v !== undefined && (!isDecimalString(v) || dec(v).isNeg())) throw new DomainError('VALIDATION_FAILED', `portfolio.balances[].${k} must be a non-negative decimal string`);
      }
      const cur = current.get(b.securitySymbol);
      const targetFree = free !== undefined ? dec(free) : cur ? dec(cur.free) : ZERO;
      const targetLocked = b.locked !== undefined ? dec(b.locked) : cur ? dec(cur.locked) : ZERO;
      return { asset: b.securitySymbol, free: targetFree.sub(cur?.free ?? '0'), locked: targetLocked.sub(cur?.locked ?? '0') };
    });
    this.ctx.unit.run(() => {
      const changed = this.book.apply(account.tradingAccountId, deltas);
      this.ctx.publish.toAccount(
        account.tradingAccountId,
        'event.portfolio.updated',
        toRpcPortfolio({ tradingAccountId: account.tradingAccountId, balances: changed, positions: [], updateMode: 'DELTA', updatedAt: this.ctx.clock.now() }),
      );
    });
    return this.snapshot(account);
  }

  private snapshot(a: TradingAccount): RpcPortfolio {
    const balances = this.book.listBalances(a.tradingAccountId);
    const positions = this.positions.list(a.tradingAccountId);
    const margin = this.margin.states(a.tradingAccountId);
    const updatedAt = Math.max(a.updatedAt, ...balances.map((b) => b.updatedAt), ...positions.map((p) => p.updatedAt));
    return toRpcPortfolio({
      tradingAccountId: a.tradingAccountId,
      account: this.accounts.toRpc(a),
      balances,
      positions,
      summary: this.summary(a, balances, margin),
      updateMode: 'SNAPSHOT',
      updatedAt,
      prices: this.prices(positions),
      margin,
    });
  }

  /** The summary of an account now (also pushed with mark-price updates, derivatives/derivatives-service.ts). */
  summaryOf(a: TradingAccount): RpcPortfolioSummary {
    return this.summary(a, this.book.listBalances(a.tradingAccountId), this.margin.states(a.tradingAccountId));
  }

  /** The prices open positions are valued at, by instrument. */
  prices(positions: Position[]): Map<string, Dec> {
    const out = new Map<string, Dec>();
    for (const p of positions) {
      if (p.status !== 'OPEN' || out.has(p.instrumentId)) continue;
      const px = this.marks.price(p.instrumentId);
      if (px) out.set(p.instrumentId, px);
    }
    return out;
  }

  private summary(a: TradingAccount, balances: ReturnType<PortfolioBook['listBalances']>, margin: ReturnType<AccountMargin['states']>): RpcPortfolioSummary {
    const ccy = this.ctx.config.valuationCurrency;
    return portfolioSummary({
      tradingAccountId: a.tradingAccountId,
      currency: ccy,
      leverage: a.leverage ?? 1,
      balances,
      margin,
      priceOf: (asset) => (asset === ccy ? dec(1) : this.marks.lastPrice(a.venue, `${asset}/${ccy}`)),
    });
  }
}
