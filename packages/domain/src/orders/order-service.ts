/**
 * @module orders/order-service
 * The orders part of the domain, put together: the desk takes orders (order-desk.ts), the ledger books what venues
 * report (order-ledger.ts, on the pure applyFill), recovery puts open orders back after a restart and reconciles
 * venue-held ones (order-recovery.ts), the queries read them (order-queries.ts). They share the memory of open and
 * recently closed orders (open-orders.ts).
 */
import type { DomainContext } from '../context.ts';
import type { AccountRegistry } from '../accounts/account-registry.ts';
import type { CredentialVault } from '../credentials/credential-vault.ts';
import type { InstrumentCatalog } from '../instruments/instrument-catalog.ts';
import type { ExecutionSink } from '../ports/venue.ts';
import type { Page, Paged } from '../ports/store.ts';
import type { CallerContext } from '../model/caller.ts';
import type { Order } from '../model/order.ts';
import type { RpcTradeOrder } from '@cadenza/contract';
import type { PortfolioBook } from '../portfolios/portfolio-book.ts';
import type { OrderDerivatives } from './order-desk.ts';
import type { PositionLedger } from '../positions/position-ledger.ts';
import type { ExecutionEvent } from '../model/venue-order.ts';
import type { Position } from '../model/position.ts';
import type { Dec } from '../model/decimal.ts';
import { OpenOrders } from './open-orders.ts';
import { HeldOrders } from './held-orders.ts';
import { OrderDesk } from './order-desk.ts';
import { OrderLedger } from './order-ledger.ts';
import { OrderQueries } from './order-queries.ts';
import { OrderRecovery } from './order-recovery.ts';
import { OrderLists } from './order-lists.ts';
import { TrailingStopEmulator } from './trailing-stop-emulator.ts';
import type { TradeTick } from '../model/market-data.ts';
import type { MarketStreamHolds } from '../market-data/market-holds.ts';

import type { OrderLookup } from './open-orders.ts';
import type { SubmitOrderRequest } from './order-desk.ts';
import type { AmendTerms } from './order-amendment.ts';
import type { ExecutionListFilter, OrderListFilter } from './order-queries.ts';
import type { Fill } from '../model/order.ts';

export type { OrderLookup, SubmitOrderRequest, OrderListFilter, ExecutionListFilter, AmendTerms };

/** How orders reach positions (positions/position-ledger.ts) and margin (margin/…). */
export interface OrderPositions {
  ledger: PositionLedger;
  derivatives: OrderDerivatives;
  /** The prices positions are marked at in pushes, by instrument. */
  marks(positions: Position[]): Map<string, Dec>;
  /** `positions` / `funding` reports of venues that keep the ledger. */
  onAccountReport(e: Extract<ExecutionEvent, { type: 'positions' | 'funding' }>): void;
}

export class OrderService {
  readonly desk: OrderDesk;
  readonly ledger: OrderLedger;
  readonly recovery: OrderRecovery;
  readonly queries: OrderQueries;
  /** Give this to venues as their execution sink (through `Cadenza.execution`). */
  readonly execution: ExecutionSink;
  /** Open and recently closed orders (the liquidator watches its orders here). */
  readonly live: OpenOrders;
  private readonly lists: OrderLists;
  private readonly trailing: TrailingStopEmulator;

  /** `market`: the holds emulated orders keep on their instruments' streams (market-data/market-holds.ts). */
  constructor(ctx: DomainContext, accounts: AccountRegistry, instruments: InstrumentCatalog, book: PortfolioBook, vault: CredentialVault, positions: OrderPositions, market: MarketStreamHolds) {
    const live = new OpenOrders(ctx);
    this.live = live;
    // The reconciler is created by recovery, after the ledger it books through: resync reaches it late-bound.
    const ledger: OrderLedger = new OrderLedger(ctx, {
      live, book, positions: positions.ledger, marks: positions.marks, onAccountReport: positions.onAccountReport,
      resync: (id) => recovery.reconciler.request(id),
    });
    const execution: ExecutionSink = { onExecution: (e) => ledger.onExecution(e) };
    const recovery: OrderRecovery = new OrderRecovery(ctx, { live, ledger, accounts, vault, sink: execution });
    this.ledger = ledger;
    this.recovery = recovery;
    this.execution = execution;
    const held = new HeldOrders(ctx, { live, ledger, accounts, instruments, book, vault });
    this.desk = new OrderDesk(ctx, { live, ledger, accounts, instruments, book, vault, derivatives: positions.derivatives, held, market });
    this.queries = new OrderQueries(ctx, accounts, live);
    const lists = new OrderLists(ctx, { live, ledger, desk: this.desk, held, instruments, accounts, vault, market });
    this.lists = lists;
    this.desk.lists = (caller, req) => lists.submit(caller, req);
    const trailing = new TrailingStopEmulator(ctx, { live, ledger, held, market });
    this.trailing = trailing;
    live.changed = (o) => {
      lists.changed(o);
      trailing.changed(o);
    };
  }

  /** A trade a venue reported: held stops watch them (order-lists.ts, trailing-stop-emulator.ts). */
  onTrade(trade: TradeTick): void {
    this.lists.onTrade(trade);
    this.trailing.onTrade(trade);
  }

  submit(caller: CallerContext, req: SubmitOrderRequest): Promise<Order> {
    return this.desk.submit(caller, req);
  }

  cancel(caller: CallerContext, req: OrderLookup & { tradingAccountId: string }): Promise<Order> {
    return this.desk.cancel(caller, req);
  }

  /** Every working order of the account, or of one of its instruments (command.trade_order.cancel_all). */
  cancelAll(caller: CallerContext, req: { tradingAccountId: string; instrumentId?: string }): Promise<Order[]> {
    return this.desk.cancelAll(caller, req);
  }

  /** New price and/or quantity for a working order (command.trade_order.amend). */
  amend(caller: CallerContext, req: OrderLookup & AmendTerms & { tradingAccountId: string }): Promise<Order> {
    return this.desk.amend(caller, req);
  }

  /** Admin correction (command.trade_order.save). */
  save(input: RpcTradeOrder): Promise<Order> {
    return this.desk.save(input);
  }

  get(caller: CallerContext, q: OrderLookup): Promise<Order> {
    return this.queries.get(caller, q);
  }

  list(caller: CallerContext, f: OrderListFilter, page: Page): Promise<Paged<Order>> {
    return this.queries.list(caller, f, page);
  }

  /** The caller's fills (query.trade_order.execution.list). */
  executions(caller: CallerContext, f: ExecutionListFilter, page: Page): Promise<Paged<Fill>> {
    return this.queries.executions(caller, f, page);
  }

  /** See order-recovery.ts. */
  async recover(): Promise<{ restored: number; cancelled: number; reconciling: number }> {
    const recovered = await this.recovery.recover();
    await this.lists.rearm();
    await this.trailing.rearm();
    return recovered;
  }

  /** Resolves when no reconciliation with a venue is running (retries scheduled for later not counted). */
  reconciled(): Promise<void> {
    return this.recovery.reconciled();
  }

  /** Loads the idempotency indexes and the open orders. */
  load(): Promise<void> {
    return this.live.load();
  }

  hasOpenOrders(tradingAccountId: string): boolean {
    return this.live.hasOpen(tradingAccountId);
  }

  openOrderCount(): number {
    return this.live.size;
  }

  /** Resolves every pending wait (replies carry the current state) and clears timers. */
  stop(): void {
    this.recovery.stop();
    this.live.stop();
  }
}
