/**
 * @module derivatives/liquidator
 * Carries out the liquidations margin decides (margin/margin-math.ts) on venues whose positions the domain keeps
 * (PAPER): each position is closed by a reduce-only MARKET order on the venue's own book, placed and booked like any
 * order (its clientOrderId starts `liquidation-`), so its fills, fee and realised loss reach the account the usual way.
 *
 * Promises:
 * - One liquidation order per position at a time: while one is open, further decisions for its position wait.
 *   What an IOC liquidation leaves unfilled (a thin book) is tried again at the next mark price that still breaches.
 * - A loss beyond what the account holds is not left as a debt: when the liquidation leaves the settle asset's total
 *   below zero, it is brought back to zero (an exchange's insurance fund), logged with the amount.
 * - Venues that keep their own ledger liquidate themselves and report it (a `positions` snapshot); nothing here runs
 *   for them.
 */
import type { DomainContext } from '../context.ts';
import type { AccountRegistry } from '../accounts/account-registry.ts';
import type { CredentialVault } from '../credentials/credential-vault.ts';
import type { InstrumentCatalog } from '../instruments/instrument-catalog.ts';
import { ZERO, str } from '../model/decimal.ts';
import type { Order } from '../model/order.ts';
import type { Position } from '../model/position.ts';
import type { LiquidationDecision } from '../margin/margin-math.ts';
import type { OpenOrders } from '../orders/open-orders.ts';
import type { OrderLedger } from '../orders/order-ledger.ts';
import { recordThenCall } from '../orders/record-then-call.ts';
import { transition } from '../orders/status-machine.ts';
import { reasonOf, toVenueOrder } from '../orders/venue-order.ts';
import type { PortfolioBook } from '../portfolios/portfolio-book.ts';
import type { PositionBook } from '../positions/position-book.ts';

export interface LiquidatorDeps {
  accounts: AccountRegistry;
  instruments: InstrumentCatalog;
  positions: PositionBook;
  book: PortfolioBook;
  ledger: OrderLedger;
  live: OpenOrders;
  vault: CredentialVault;
  /** Publishes the account's changed balances (the deficit cover). */
  publishBalances(tradingAccountId: string, balances: ReturnType<PortfolioBook['apply']>): void;
}

export class Liquidator {
  /** positionId → the liquidation order working on it. */
  private readonly working = new Map<string, string>();

  constructor(
    private readonly ctx: DomainContext,
    private readonly deps: LiquidatorDeps,
  ) {}

  /** Liquidates the positions decided on, unless an order of theirs is still working. */
  liquidate(tradingAccountId: string, decisions: LiquidationDecision[]): void {
    for (const d of decisions) {
      const pending = this.working.get(d.positionId);
      if (pending !== undefined && this.deps.live.openOrder(pending)) continue;
      this.working.delete(d.positionId);
      const p = this.deps.positions.get(d.positionId);
      if (!p || p.status !== 'OPEN' || p.tradingAccountId !== tradingAccountId) continue;
      this.close(p, d.reason);
    }
  }

  private close(p: Position, reason: string): void {
    const account = this.deps.accounts.find(p.tradingAccountId);
    const venue = account && this.ctx.venues.get(account.venue);
    if (!account || !venue || venue.capabilities.ledger !== 'domain') return;
    const spec = this.deps.instruments.get(p.instrumentId)?.spec;
    const now = this.ctx.clock.now();
    const tradeOrderId = this.ctx.ids.uuid();
    const submitted = transition('CREATED', 'SUBMIT');
    if (!submitted.ok) throw new Error('status machine refuses CREATED → SUBMIT');
    const order: Order = {
      tradeOrderId,
      tradingAccountId: p.tradingAccountId,
      userId: account.userId,
      venue: account.venue,
      instrumentId: p.instrumentId,
      symbol: spec?.symbol ?? p.instrumentId.slice(p.instrumentId.indexOf(':') + 1),
      baseAsset: p.securitySymbol,
      quoteAsset: spec?.quoteAsset ?? p.terms.settleAsset,
      // The id's last 24 hex digits: its random part (the leading ones repeat across ids from a sequence), 36 characters in all.
      clientOrderId: `liquidation-${tradeOrderId.replace(/-/g, '').slice(-24)}`,
      orderType: 'MARKET',
      side: p.side === 'LONG' ? 'SELL' : 'BUY',
      quantityType: 'BASE',
      quantity: p.quantity,
      timeInForce: 'IOC',
      status: submitted.status,
      executedQuantity: '0',
      executedCost: '0',
      fees: {},
      lockAsset: p.terms.settleAsset,
      lockedAmount: '0',
      positionId: p.positionId,
      derivative: {
        instrumentType: spec?.instrumentType === 'FUTURES' || spec?.instrumentType === 'OPTION' ? spec.instrumentType : 'PERPETUAL',
        contractSize: p.terms.contractSize,
        settleAsset: p.terms.settleAsset,
        maintenanceMarginRate: p.terms.maintenanceMarginRate ?? '0',
        priceDecimals: p.terms.priceDecimals,
        amountDecimals: p.terms.amountDecimals,
        leverage: p.leverage ?? 1,
        marginMode: p.marginMode ?? 'CROSS',
        positionMode: p.mode,
        reduceOnly: true,
        liquidation: true,
        ...(p.terms.inverse ? { inverse: true } : {}),
      },
      createdAt: now,
      updatedAt: now,
    };
    if (spec?.externalSymbol) order.externalSymbol = spec.externalSymbol;
    this.working.set(p.positionId, tradeOrderId);
    this.ctx.log.warn({ tradingAccountId: p.tradingAccountId, positionId: p.positionId, instrumentId: p.instrumentId, quantity: p.quantity, reason }, 'liquidating a position: maintenance margin breached');
    const venueAccount = this.deps.vault.venueAccount(account, venue.capabilities.requiresCredential);
    recordThenCall(this.ctx, venue, () => this.deps.ledger.open(order, order.lockAsset, ZERO), () => venue.submitOrder(toVenueOrder(order, order.quantity), venueAccount)).catch((err: unknown) => {
      const cur = this.deps.live.openOrder(tradeOrderId);
      if (cur) this.deps.ledger.close(cur, 'REJECT', this.ctx.clock.now(), { rejectReason: reasonOf(err, 'venue refused the liquidation') });
      this.ctx.log.error({ err, positionId: p.positionId }, 'liquidation order refused by the venue');
    });
    this.coverDeficit(p.tradingAccountId, p.terms.settleAsset);
  }

  /** Brings a settle asset left below zero by a liquidation back to zero (see the module notes). */
  private coverDeficit(tradingAccountId: string, asset: string): void {
    const { free, locked } = this.deps.book.balance(tradingAccountId, asset);
    const total = free.add(locked);
    if (!total.isNeg()) return;
    this.ctx.log.warn({ tradingAccountId, asset, deficit: str(total.neg()) }, 'a liquidation lost more than the account held; the deficit is covered (insurance fund)');
    this.ctx.unit.run(() => this.deps.publishBalances(tradingAccountId, this.deps.book.apply(tradingAccountId, [{ asset, free: total.neg(), locked: ZERO }])));
  }
}

