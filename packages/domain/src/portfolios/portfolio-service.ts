/**
 * @module portfolios/portfolio-service
 * Portfolio reads (a SNAPSHOT with balances, positions marked to the venue's prices, and a summary valued in
 * the configured currency) and the admin balance adjustment `command.portfolio.save`.
 */
import type { RpcPortfolio, RpcPortfolioSummary } from '@cadenza/contract';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { CallerContext } from '../model/caller.ts';
import { ZERO, dec, isDecimalString, str, type Dec } from '../model/decimal.ts';
import type { AccountRegistry } from '../accounts/account-registry.ts';
import type { TradingAccount } from '../model/trading-account.ts';
import type { PortfolioBook } from './portfolio-book.ts';
import { toRpcPortfolio } from './rpc-portfolio.ts';

export class PortfolioService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly accounts: AccountRegistry,
    private readonly book: PortfolioBook,
  ) {}

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
    const positions = this.book.listPositions(a.tradingAccountId);
    const prices = new Map<string, Dec>();
    for (const p of positions) {
      const px = this.price(a.venue, p.instrumentId.slice(p.instrumentId.indexOf(':') + 1));
      if (px) prices.set(p.instrumentId, px);
    }
    const ccy = this.ctx.config.valuationCurrency;
    let equity = ZERO;
    for (const b of balances) {
      const total = dec(b.free).add(b.locked);
      if (total.isZero()) continue;
      const px = b.asset === ccy ? dec(1) : this.price(a.venue, `${b.asset}/${ccy}`);
      if (px) equity = equity.add(total.mul(px));
    }
    const updatedAt = Math.max(a.updatedAt, ...balances.map((b) => b.updatedAt), ...positions.map((p) => p.updatedAt));
    const summary: RpcPortfolioSummary = {
      portfolioSummaryId: a.tradingAccountId,
      tradingAccountId: a.tradingAccountId,
      currency: ccy,
      leverage: a.leverage ?? 1,
      equity: str(equity.toDecimalPlaces(8)),
    };
    return toRpcPortfolio({ tradingAccountId: a.tradingAccountId, account: this.accounts.toRpc(a), balances, positions, summary, updateMode: 'SNAPSHOT', updatedAt, prices });
  }

  /** Last trade price, else the mid of the best bid and ask; undefined when the venue has neither. */
  private price(venue: string, symbol: string): Dec | undefined {
    const v = this.ctx.venues.get(venue);
    const t = v?.getTicker(symbol);
    if (t?.lastPrice) return dec(t.lastPrice);
    if (t?.bidPrice && t.askPrice) return dec(t.bidPrice).add(t.askPrice).div(2);
    const b = v?.getBook(symbol, 1);
    if (b?.bids[0] && b.asks[0]) return dec(b.bids[0].price).add(b.asks[0].price).div(2);
    return undefined;
  }
}
