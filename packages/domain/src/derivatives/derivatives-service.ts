/**
 * @module derivatives/derivatives-service
 * What happens to derivative positions between trades: mark prices move them, funding settles on them, margin may
 * run out, and venues that keep their own positions report them. The venues' market sinks reach it through
 * `Cadenza.derivatives` (the composition root forwards `onMarkPrice` / `onFunding`); account reports through the
 * execution sink.
 *
 * Promises:
 * - A mark price is remembered (positions and summaries value at it) and pushed to every account holding a position
 *   in the instrument as `event.portfolio.updated` (DELTA: the positions with their `currentPrice` and `unrealizedPnl`,
 *   and the summary) — at most once per `markPushIntervalMs` of the venue's time per account and instrument.
 * - On venues whose positions the domain keeps (ledger 'domain', PAPER) every mark price and funding settlement is
 *   followed by a margin check, and breaches are liquidated (derivatives/liquidator.ts) at once — never throttled.
 * - A funding settlement is booked once per position and funding time (`fundedUntil`): the payment into realised PnL
 *   and the settle asset's balance (an ISOLATED position's collateral), in one unit of work, then pushed.
 * - Venues that keep the ledger: a `positions` snapshot replaces the account's positions on that venue (what it no
 *   longer lists is CLOSED); a `funding` payment is booked once per `fundingId` (remembered for the process's life).
 * - Nothing here throws into a venue: a failure is logged and the report dropped.
 */
import type { DomainContext } from '../context.ts';
import type { AccountRegistry } from '../accounts/account-registry.ts';
import type { InstrumentCatalog } from '../instruments/instrument-catalog.ts';
import { dec, str } from '../model/decimal.ts';
import type { Balance } from '../model/balance.ts';
import type { FundingSettlement, MarkPriceUpdate } from '../model/market-data.ts';
import type { Position, PositionSideValue } from '../model/position.ts';
import { positionSlot } from '../model/position.ts';
import type { TradingAccount } from '../model/trading-account.ts';
import type { ExecutionEvent, VenuePosition } from '../model/venue-order.ts';
import type { AccountMargin } from '../margin/account-margin.ts';
import { liquidations } from '../margin/margin-math.ts';
import type { PortfolioBook } from '../portfolios/portfolio-book.ts';
import type { PortfolioService } from '../portfolios/portfolio-service.ts';
import { toRpcPortfolio } from '../portfolios/rpc-portfolio.ts';
import { fundingSettlement } from '../positions/derivative-fill.ts';
import type { PositionBook } from '../positions/position-book.ts';
import { applyFunding, contractValue } from '../positions/position-math.ts';
import { coreOf, derivativeTerms, heldOf, mathOf, openingPosition, withCore, withHeld } from '../positions/position-records.ts';
import type { Liquidator } from './liquidator.ts';
import type { MarkBook } from './mark-book.ts';

/** Where venues' derivative market data enters the domain. */
export interface DerivativesSink {
  onMarkPrice(mark: MarkPriceUpdate): void;
  onFunding(funding: FundingSettlement): void;
}

export interface DerivativesServiceDeps {
  accounts: AccountRegistry;
  instruments: InstrumentCatalog;
  positions: PositionBook;
  book: PortfolioBook;
  marks: MarkBook;
  margin: AccountMargin;
  liquidator: Liquidator;
  portfolios: PortfolioService;
}

type AccountReport = Extract<ExecutionEvent, { type: 'positions' | 'funding' }>;

export class DerivativesService implements DerivativesSink {
  /** `${account}\u0001${instrument}` → venue time of the last mark push. */
  private readonly pushedAt = new Map<string, number>();
  private readonly fundingIds = new Set<string>();

  constructor(
    private readonly ctx: DomainContext,
    private readonly deps: DerivativesServiceDeps,
  ) {}

  onMarkPrice(mark: MarkPriceUpdate): void {
    try {
      if (!this.deps.marks.set(mark)) return;
      for (const accountId of this.deps.positions.holdersOf(mark.instrumentId)) {
        const account = this.deps.accounts.find(accountId);
        if (!account) continue;
        if (this.keepsPositions(account)) this.checkMargin(accountId);
        const key = `${accountId}\u0001${mark.instrumentId}`;
        const last = this.pushedAt.get(key);
        if (last !== undefined && mark.timestamp - last < this.ctx.config.markPushIntervalMs && mark.timestamp >= last) continue;
        this.pushedAt.set(key, mark.timestamp);
        this.push(account, this.deps.positions.list(accountId).filter((p) => p.instrumentId === mark.instrumentId && p.status === 'OPEN'), []);
      }
    } catch (err) {
      this.ctx.log.error({ err, instrumentId: mark.instrumentId }, 'could not apply a mark price');
    }
  }

  onFunding(f: FundingSettlement): void {
    try {
      const rate = dec(f.rate);
      const markPrice = dec(f.markPrice);
      for (const accountId of this.deps.positions.holdersOf(f.instrumentId)) {
        const account = this.deps.accounts.find(accountId);
        if (!account || !this.keepsPositions(account)) continue;
        const due = this.deps.positions.openDerivatives(accountId).filter((p) => p.instrumentId === f.instrumentId && (p.fundedUntil ?? -Infinity) < f.fundingTime);
        if (!due.length) continue;
        this.ctx.unit.run(() => {
          const now = this.ctx.clock.now();
          const balances: Balance[] = [];
          const changed = due.map((p) => {
            const s = fundingSettlement(mathOf(p.terms), heldOf(p), p.terms.settleAsset, rate, markPrice, p.terms.amountDecimals);
            balances.push(...this.deps.book.apply(accountId, [s.delta]));
            return this.deps.positions.write({ ...withHeld(p, s.after, now), fundedUntil: f.fundingTime });
          });
          this.push(account, changed, balances);
        });
        this.checkMargin(accountId);
      }
    } catch (err) {
      this.ctx.log.error({ err, instrumentId: f.instrumentId }, 'could not book a funding settlement');
    }
  }

  /** `positions` and `funding` reports of venues that keep the ledger (through the execution sink). */
  onAccountReport(e: AccountReport): void {
    const account = this.deps.accounts.find(e.tradingAccountId);
    if (!account) return;
    if (e.type === 'positions') this.replace(account, e.positions);
    else this.bookFunding(account, e);
  }

  /** Liquidates what the account's margin no longer carries (venues whose positions the domain keeps). */
  checkMargin(tradingAccountId: string): void {
    for (const state of this.deps.margin.states(tradingAccountId).values()) {
      const decided = liquidations(state);
      if (decided.length) this.deps.liquidator.liquidate(tradingAccountId, decided);
    }
  }

  private keepsPositions(account: TradingAccount): boolean {
    return this.ctx.venues.get(account.venue)?.capabilities.ledger === 'domain';
  }

  /** A DELTA with the changed positions (marked), balances and the account's summary. */
  private push(account: TradingAccount, positions: Position[], balances: Balance[]): void {
    if (!positions.length && !balances.length) return;
    const portfolios = this.deps.portfolios;
    this.ctx.publish.toAccount(
      account.tradingAccountId,
      'event.portfolio.updated',
      toRpcPortfolio({
        tradingAccountId: account.tradingAccountId,
        balances,
        positions,
        summary: portfolios.summaryOf(account),
        updateMode: 'DELTA',
        updatedAt: this.ctx.clock.now(),
        prices: portfolios.prices(positions),
        margin: this.deps.margin.states(account.tradingAccountId),
      }),
    );
  }

  private replace(account: TradingAccount, reported: VenuePosition[]): void {
    const mode = account.positionMode === 'HEDGE' ? 'HEDGE' : 'NETTING';
    const now = this.ctx.clock.now();
    this.ctx.unit.run(() => {
      const seen = new Set<string>();
      const changed: Position[] = [];
      for (const v of reported) {
        const instrument = this.deps.instruments.resolve(v.symbol, account.venue);
        if (!instrument?.spec.contract) {
          this.ctx.log.warn({ venue: account.venue, symbol: v.symbol }, 'venue reported a position in an instrument it does not list as a derivative; ignored');
          continue;
        }
        const spec = instrument.spec;
        const contract = spec.contract!;
        const slot = mode === 'HEDGE' ? v.side : 'NET';
        const cur = this.deps.positions.open(account.tradingAccountId, spec.instrumentId, slot);
        const math = mathOf(contract);
        const quantity = dec(v.quantity);
        const core = {
          ...(cur && cur.side === v.side ? coreOf(cur) : { realizedPnl: dec(0), fees: dec(0), funding: dec(0) }),
          side: v.side,
          quantity,
          cost: contractValue(math, quantity, dec(v.entryPrice)),
        };
        if (v.realizedPnl !== undefined) core.realizedPnl = dec(v.realizedPnl);
        if (cur && cur.side !== v.side) changed.push(this.deps.positions.write(withCore(cur, { ...coreOf(cur), quantity: dec(0), cost: dec(0) }, now)));
        const base = cur && cur.side === v.side ? cur : openingPosition(
          { positionId: this.ctx.ids.uuid(), tradingAccountId: account.tradingAccountId, instrumentId: spec.instrumentId, securitySymbol: spec.baseAsset, kind: 'DERIVATIVE', mode, side: v.side, terms: derivativeTerms(spec) },
          now,
        );
        const next = withCore(base, core, now);
        if (v.leverage !== undefined) next.leverage = v.leverage;
        if (v.marginMode !== undefined) next.marginMode = v.marginMode;
        if (v.isolatedMargin !== undefined) next.isolatedMargin = v.isolatedMargin;
        if (v.externalPositionId !== undefined) next.externalPositionId = v.externalPositionId;
        seen.add(`${spec.instrumentId}\u0001${positionSlot(next)}`);
        changed.push(this.deps.positions.write(next));
      }
      for (const p of this.deps.positions.openDerivatives(account.tradingAccountId)) {
        if (seen.has(`${p.instrumentId}\u0001${positionSlot(p)}`)) continue;
        changed.push(this.deps.positions.write(withCore(p, { ...coreOf(p), quantity: dec(0), cost: dec(0) }, now)));
      }
      this.push(account, changed, []);
    });
  }

  private bookFunding(account: TradingAccount, e: Extract<AccountReport, { type: 'funding' }>): void {
    const key = `${account.tradingAccountId}\u0001${e.fundingId}`;
    if (this.fundingIds.has(key)) return;
    const instrument = this.deps.instruments.resolve(e.symbol, account.venue);
    const sides: PositionSideValue[] = e.side ? [e.side] : ['LONG', 'SHORT'];
    const p = instrument && (this.deps.positions.open(account.tradingAccountId, instrument.spec.instrumentId, 'NET') ?? sides.map((s) => this.deps.positions.open(account.tradingAccountId, instrument.spec.instrumentId, s)).find((x) => x));
    const amount = dec(e.amount);
    this.ctx.unit.run(() => {
      const balances = this.deps.book.apply(account.tradingAccountId, [{ asset: e.asset, free: amount, locked: dec(0) }]);
      const positions = p ? [this.deps.positions.write({ ...withCore(p, applyFunding(coreOf(p), amount), this.ctx.clock.now()), fundedUntil: e.timestamp })] : [];
      this.fundingIds.add(key);
      this.ctx.unit.onUndo(() => this.fundingIds.delete(key));
      this.push(account, positions, balances);
    });
    this.ctx.log.debug?.({ tradingAccountId: account.tradingAccountId, symbol: e.symbol, amount: str(amount), asset: e.asset }, 'funding booked');
  }
}
