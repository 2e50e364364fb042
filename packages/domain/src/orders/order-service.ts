/**
 * @module orders/order-service
 * Submits, cancels and tracks trade orders, and books what venues report about them.
 *
 * Promises:
 * - An order is persisted (SUBMITTED, with its balance lock) in one transaction before the venue sees it.
 * - Every venue report goes through the status machine; the order change, the fill, the balances and the
 *   position are written in ONE transaction, and only then published (`event.trade_order.updated`, then
 *   `event.portfolio.updated` with the changed balances as a DELTA) on `tradingAccount:{id}`.
 * - `idempotencyKey` and `clientOrderId` each identify an order within its trading account: a repeated submit
 *   returns the original order and never reaches the venue again. Both indexes live in memory, loaded at start.
 * - A fill repeated by the venue (same tradeId for the same order) changes nothing.
 * - `onExecution` never throws into the venue.
 */
import type { RpcTradeOrder } from '@cadenza/contract';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { CallerContext } from '../model/caller.ts';
import { ZERO, dec, str } from '../model/decimal.ts';
import { fromIso } from '../model/time.ts';
import type { CancelRequest, ExecutionEvent, VenueOrder } from '../model/venue-order.ts';
import type { Venue } from '../ports/venue.ts';
import type { Paged } from '../ports/store.ts';
import type { AccountRegistry } from '../accounts/account-registry.ts';
import type { InstrumentCatalog } from '../instruments/instrument-catalog.ts';
import type { PortfolioBook } from '../portfolios/portfolio-book.ts';
import type { Balance, Position } from '../model/balance.ts';
import { fillEffects } from '../portfolios/fill-effects.ts';
import { toRpcPortfolio } from '../portfolios/rpc-portfolio.ts';
import type { CredentialVault } from '../credentials/credential-vault.ts';
import type { Fill, Order } from '../model/order.ts';
import { readDraft } from './order-draft.ts';
import { preTradeCheck } from './pre-trade.ts';
import { OpenOrders, type OrderLookup } from './open-orders.ts';
import { toRpcTradeOrder } from './rpc-order.ts';
import { OrderReconciler } from './order-reconciler.ts';

export type { OrderLookup };
import { isTerminal, transition, type OrderEventKind } from './status-machine.ts';

export interface SubmitOrderRequest {
  tradingAccountId: string;
  tradeOrder: RpcTradeOrder;
  idempotencyKey?: string;
  awaitClosed?: boolean;
}

export interface OrderListFilter {
  tradingAccountId?: string;
  tradeOrderId?: string;
  instrumentId?: string;
  side?: string;
  orderType?: string | null;
  status?: string | null;
  startTime?: string;
  endTime?: string;
}

export class OrderService {
  private readonly live: OpenOrders;
  /** The order `recover` is putting back, and the venue's refusal of it if one came (the status machine has no
   * ACCEPTED → REJECTED: a refused remainder is cancelled instead). */
  private resubmitting: { tradeOrderId: string; refused?: string } | undefined;
  /** Asks venues that keep their own ledger about our open orders (after a restart, and on their `resync`). */
  private readonly reconciler: OrderReconciler;

  constructor(
    private readonly ctx: DomainContext,
    private readonly accounts: AccountRegistry,
    private readonly instruments: InstrumentCatalog,
    private readonly book: PortfolioBook,
    private readonly vault: CredentialVault,
  ) {
    this.live = new OpenOrders(ctx);
    this.reconciler = new OrderReconciler(ctx, {
      accounts,
      vault,
      openOrders: (id) => this.live.openOrders().filter((o) => o.tradingAccountId === id),
      openOrder: (id) => this.live.openOrder(id),
      sink: { onExecution: (e) => this.onExecution(e) },
    });
  }

  /** Loads the idempotency indexes and the open orders. */
  load(): Promise<void> {
    return this.live.load();
  }

  /**
   * PAPER and MOCK keep their books in this process, so a restart empties them. Their open orders go back in, oldest
   * first, with what remains of each — an exchange keeps resting orders across its own restarts — and the venue may
   * fill them at once against the market it finds. An order that cannot go back (a MARKET order caught in flight, a
   * cancel that was pending, an account that is gone, a remainder the venue refuses) is cancelled with the reason and
   * its lock released. Orders of a venue this server does not run (any more) are left as they are.
   *
   * Venues that keep their own ledger (Binance) kept our orders while we were down: their open orders are reconciled
   * with the venue (`order-reconciler.ts`) in the background — start never waits for a venue that may be unreachable.
   * `reconciled()` resolves when that first pass is over.
   */
  async recover(): Promise<{ restored: number; cancelled: number; reconciling: number }> {
    let restored = 0;
    let cancelled = 0;
    const onVenueLedger: Order[] = [];
    for (const o of this.live.openOrders()) {
      const venue = this.ctx.venues.get(o.venue);
      // A venue this server no longer runs may still hold the order (a real one does): it stays open, cancellable
      // here, until the venue is configured again.
      if (!venue) continue;
      if (venue.capabilities.ledger === 'venue') {
        onVenueLedger.push(o);
        continue;
      }
      const refused = await this.resubmit(o);
      if (refused === undefined) {
        restored++;
        continue;
      }
      const cur = this.live.openOrder(o.tradeOrderId);
      if (cur) this.close(cur, 'CANCEL', this.ctx.clock.now(), { cancelReason: `venue restarted: ${refused}` });
      cancelled++;
    }
    this.reconciler.startup(onVenueLedger);
    return { restored, cancelled, reconciling: onVenueLedger.length };
  }

  /** Resolves when no reconciliation with a venue is running (retries scheduled for later not counted). */
  reconciled(): Promise<void> {
    return this.reconciler.idle();
  }

  /** Puts what remains of an open order back into its in-process venue; answers why not, if it could not. */
  private async resubmit(o: Order): Promise<string | undefined> {
    const venue = this.ctx.venues.get(o.venue);
    const account = this.accounts.find(o.tradingAccountId);
    if (!venue || !account) return 'trading account no longer available';
    if (o.status === 'PENDING_CANCEL') return 'the pending cancel completed';
    if (o.orderType === 'MARKET') return 'market order interrupted';
    const remaining = dec(o.quantity).sub(dec(o.quantityType === 'QUOTE' ? o.executedCost : o.executedQuantity));
    if (!remaining.gt(0)) return 'nothing left to execute';
    const venueOrder = toVenueOrder(o, str(remaining));
    try {
      const venueAccount = this.vault.venueAccount(account, venue.capabilities.requiresCredential);
      this.resubmitting = { tradeOrderId: o.tradeOrderId };
      await this.recordThenCall(venue, () => undefined, () => venue.submitOrder(venueOrder, venueAccount));
      return this.resubmitting.refused;
    } catch (err) {
      return reasonOf(err, 'the venue refused the remainder');
    } finally {
      this.resubmitting = undefined;
    }
  }

  /**
   * Records a change, then tells the venue, so the database is always ahead of the venue. A venue whose orders live
   * in this process (PAPER, MOCK) is called inside the change's transaction: what it reports synchronously (acceptance,
   * fills) commits with the change, and events go out after that commit. A networked venue is called after an
   * explicit commit has made the change durable, so it never sees an order the database does not have. Throws what
   * `record` throws (nothing was sent, memory undone); the returned promise settles with the venue call, a
   * synchronous throw included.
   */
  private recordThenCall(venue: Venue, record: () => void, call: () => Promise<void>): Promise<void> {
    let sent: Promise<void> = Promise.resolve();
    const invoke = () => {
      try {
        sent = call();
      } catch (err) {
        sent = Promise.reject(err);
      }
    };
    const inProcess = venue.capabilities.ledger === 'domain';
    this.ctx.unit.run(() => {
      record();
      if (inProcess) invoke();
    });
    if (!inProcess) sent = this.ctx.flush().then(() => call());
    return sent;
  }

  /** Resolves every pending wait (replies carry the current state) and clears timers. */
  stop(): void {
    this.reconciler.stop();
    this.live.stop();
  }

  hasOpenOrders(tradingAccountId: string): boolean {
    return this.live.hasOpen(tradingAccountId);
  }

  openOrderCount(): number {
    return this.live.size;
  }

  // ── submit ────────────────────────────────────────────────────────────────────────────────────────────
  async submit(caller: CallerContext, req: SubmitOrderRequest): Promise<Order> {
    const account = this.accounts.requireOwned(caller, req.tradingAccountId);
    const accountId = account.tradingAccountId;
    const idempotencyKey = req.idempotencyKey ?? req.tradeOrder.idempotencyKey;
    if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > 128)) {
      throw new DomainError('INVALID_ORDER_PARAMETERS', 'idempotencyKey must be 1 to 128 characters');
    }
    const read = readDraft(req.tradeOrder, account.venue);
    // An instrument of a venue whose catalogue is being listed again (empty at start, or its last listing failed):
    // wait for that listing here, before the duplicate check, so nothing runs between that check and the insert.
    const listing = read.ok ? this.instruments.refreshing(read.draft.instrumentId) : undefined;
    if (listing) await listing;
    const duplicate = this.live.duplicateOf(accountId, idempotencyKey, req.tradeOrder.clientOrderId);
    if (duplicate !== undefined) return req.awaitClosed ? this.awaitClosed(duplicate) : this.live.current(duplicate);

    if (account.status !== 'ACTIVE') throw new DomainError('TRADING_ACCOUNT_NOT_ACTIVE', `trading account ${accountId} is ${account.status}`);
    const venue = this.ctx.venues.require(account.venue);
    if (!read.ok) throw read.error;
    const draft = read.draft;
    const instrument = this.instruments.get(draft.instrumentId);
    if (!instrument) throw new DomainError('INSTRUMENT_NOT_FOUND', `instrument ${draft.instrumentId} not found`);
    const spec = instrument.spec;
    if (spec.venue !== account.venue) {
      throw new DomainError('ACCOUNT_VENUE_MISMATCH', `instrument ${spec.instrumentId} is not on ${account.venue}, the venue of the trading account`);
    }
    const check = preTradeCheck({
      draft,
      spec,
      status: instrument.status,
      book: draft.orderType === 'MARKET' ? venue.getBook(spec.symbol, this.ctx.config.estimateDepth) : undefined,
      freeBase: this.book.free(accountId, spec.baseAsset),
      freeQuote: this.book.free(accountId, spec.quoteAsset),
      buffer: dec(this.ctx.config.marketLockBuffer),
    });
    if (!check.ok) throw check.error;
    const venueAccount = this.vault.venueAccount(account, venue.capabilities.requiresCredential);

    const now = this.ctx.clock.now();
    const tradeOrderId = this.ctx.ids.uuid();
    const submitted = transition('CREATED', 'SUBMIT');
    if (!submitted.ok) throw new Error('status machine refuses CREATED → SUBMIT');
    const order: Order = {
      tradeOrderId,
      tradingAccountId: accountId,
      userId: account.userId,
      venue: account.venue,
      instrumentId: spec.instrumentId,
      symbol: spec.symbol,
      externalSymbol: spec.externalSymbol,
      baseAsset: spec.baseAsset,
      quoteAsset: spec.quoteAsset,
      clientOrderId: draft.clientOrderId ?? tradeOrderId.replace(/-/g, ''),
      orderType: draft.orderType,
      side: draft.side,
      quantityType: check.quantityType,
      quantity: str(check.quantity),
      timeInForce: draft.timeInForce,
      status: submitted.status,
      executedQuantity: '0',
      executedCost: '0',
      fees: {},
      lockAsset: check.lockAsset,
      lockedAmount: str(check.lockAmount),
      createdAt: now,
      updatedAt: now,
    };
    if (idempotencyKey !== undefined) order.idempotencyKey = idempotencyKey;
    if (draft.limitPrice) order.limitPrice = str(draft.limitPrice);
    if (draft.stopPrice) order.stopPrice = str(draft.stopPrice);
    if (draft.expireAt !== undefined) order.expireAt = draft.expireAt;

    const venueOrder = toVenueOrder(order, order.quantity);

    // One transaction holds the new order, its lock and whatever an in-process venue reports while taking it.
    const sent = this.recordThenCall(
      venue,
      () => {
        this.ctx.store.insertOrder(order);
        const balances = this.book.lock(accountId, check.lockAsset, check.lockAmount);
        this.live.add(order);
        this.publish(order, balances);
      },
      () => venue.submitOrder(venueOrder, venueAccount),
    );
    try {
      await sent;
    } catch (err) {
      const cur = this.live.openOrder(tradeOrderId);
      if (cur) this.close(cur, 'REJECT', this.ctx.clock.now(), { rejectReason: reasonOf(err, 'venue refused the order') });
      this.ctx.log.warn({ err, tradeOrderId, venue: venue.id }, 'venue refused an order');
    }
    return req.awaitClosed ? this.awaitClosed(tradeOrderId) : this.live.current(tradeOrderId);
  }

  // ── cancel ────────────────────────────────────────────────────────────────────────────────────────────
  async cancel(caller: CallerContext, req: OrderLookup & { tradingAccountId: string }): Promise<Order> {
    const account = this.accounts.requireOwned(caller, req.tradingAccountId);
    const found = await this.live.lookup(account.tradingAccountId, req);
    // Decide on memory: the lookup may have waited on the store (an order closed long ago).
    const order = found && (this.live.find(found.tradeOrderId) ?? found);
    if (!order) throw new DomainError('ORDER_NOT_FOUND', 'trade order not found');
    if (isTerminal(order.status)) throw new DomainError('ORDER_NOT_CANCELLABLE', `trade order ${order.tradeOrderId} is already ${order.status}`);
    if (order.status === 'PENDING_CANCEL') return this.live.waitFor(order.tradeOrderId, (o) => o.status !== 'PENDING_CANCEL', this.ctx.config.cancelConfirmTimeoutMs);
    const venue = this.ctx.venues.get(order.venue);
    if (!venue) {
      this.close(order, 'CANCEL', this.ctx.clock.now(), { cancelReason: 'venue not available' });
      return this.live.current(order.tradeOrderId);
    }
    const venueAccount = this.vault.venueAccount(account, venue.capabilities.requiresCredential);
    const request: CancelRequest = { tradeOrderId: order.tradeOrderId, clientOrderId: order.clientOrderId, tradingAccountId: order.tradingAccountId, symbol: order.symbol };
    if (order.externalOrderId !== undefined) request.externalOrderId = order.externalOrderId;
    // As in submit: the cancel request and an in-process venue's answer share one transaction.
    const sent = this.recordThenCall(venue, () => this.step(order, 'CANCEL_REQUEST', {}), () => venue.cancelOrder(request, venueAccount));
    try {
      await sent;
    } catch (err) {
      const cur = this.live.openOrder(order.tradeOrderId);
      if (cur?.status === 'PENDING_CANCEL') this.step(cur, dec(cur.executedQuantity).gt(0) ? 'CANCEL_REJECTED_AFTER_FILL' : 'CANCEL_REJECTED', {});
      if (err instanceof DomainError) throw err;
      throw new DomainError('ORDER_NOT_CANCELLABLE', `venue refused the cancel: ${reasonOf(err, 'unknown reason')}`, { cause: err });
    }
    return this.live.waitFor(order.tradeOrderId, (o) => o.status !== 'PENDING_CANCEL', this.ctx.config.cancelConfirmTimeoutMs);
  }

  // ── queries ───────────────────────────────────────────────────────────────────────────────────────────
  async get(caller: CallerContext, q: OrderLookup): Promise<Order> {
    let order: Order | undefined;
    if (q.tradeOrderId) {
      order = await this.live.stored(q.tradeOrderId);
      if (order && q.tradingAccountId && order.tradingAccountId !== q.tradingAccountId) order = undefined;
    } else if (q.tradingAccountId && (q.clientOrderId || q.externalOrderId)) {
      const account = this.accounts.requireOwned(caller, q.tradingAccountId);
      order = await this.live.lookup(account.tradingAccountId, q);
    } else {
      throw new DomainError('INVALID_ORDER_PARAMETERS', 'tradeOrderId, or tradingAccountId with clientOrderId or externalOrderId, is required');
    }
    if (!order || !this.accounts.isOwner(caller, order.tradingAccountId)) throw new DomainError('ORDER_NOT_FOUND', 'trade order not found');
    return order;
  }

  async list(caller: CallerContext, f: OrderListFilter, page: { offset: number; limit: number }): Promise<Paged<Order>> {
    let accountIds: string[] | undefined;
    if (f.tradingAccountId) accountIds = [this.accounts.requireOwned(caller, f.tradingAccountId).tradingAccountId];
    else if (!caller.isAdmin) accountIds = (await this.ctx.store.listTradingAccounts({ userId: caller.userId }, { offset: 0, limit: 10_000 })).items.map((a) => a.tradingAccountId);
    const filter: Parameters<typeof this.ctx.store.listOrders>[0] = {};
    if (accountIds) filter.tradingAccountIds = accountIds;
    if (f.tradeOrderId) filter.tradeOrderId = f.tradeOrderId;
    if (f.instrumentId) filter.instrumentId = f.instrumentId;
    if (f.side) filter.side = f.side;
    if (f.orderType) filter.orderType = f.orderType;
    if (f.status) filter.status = f.status;
    if (f.startTime) filter.createdFrom = fromIso(f.startTime) ?? 0;
    if (f.endTime) filter.createdTo = fromIso(f.endTime) ?? Number.MAX_SAFE_INTEGER;
    return this.ctx.store.listOrders(filter, page);
  }

  /** Admin correction (command.trade_order.save): records a venue order id and/or closes or acknowledges the order. */
  async save(input: RpcTradeOrder): Promise<Order> {
    const stored = input.tradeOrderId ? await this.live.stored(input.tradeOrderId) : undefined;
    // Decide on memory when it holds the order (it may have changed while the store answered).
    const order = stored && (this.live.find(stored.tradeOrderId) ?? stored);
    if (!order) throw new DomainError('ORDER_NOT_FOUND', `trade order ${input.tradeOrderId ?? '(none)'} not found`);
    const fields: Partial<Order> = {};
    if (input.externalOrderId !== undefined) fields.externalOrderId = input.externalOrderId;
    const events: Record<string, OrderEventKind> = { ACCEPTED: 'ACCEPT', CANCELLED: 'CANCEL', REJECTED: 'REJECT', EXPIRED: 'EXPIRE' };
    if (input.status && input.status !== order.status) {
      const kind = events[input.status];
      if (!kind || !transition(order.status, kind).ok) throw new DomainError('INVALID_ORDER_TRANSITION', `cannot move trade order from ${order.status} to ${input.status}`);
      if (kind === 'ACCEPT') this.step(order, 'ACCEPT', fields);
      else this.close(order, kind as 'CANCEL' | 'REJECT' | 'EXPIRE', this.ctx.clock.now(), { ...fields, ...(kind === 'REJECT' ? { rejectReason: input.rejectReason ?? 'closed by an administrator' } : { cancelReason: input.cancelReason ?? 'closed by an administrator' }) });
    } else if (fields.externalOrderId !== undefined) {
      this.write({ ...order, ...fields, updatedAt: this.ctx.clock.now() }, []);
    }
    return this.live.current(order.tradeOrderId);
  }

  // ── venue reports ─────────────────────────────────────────────────────────────────────────────────────
  onExecution(e: ExecutionEvent): void {
    try {
      if (e.type === 'balances') {
        this.ctx.unit.run(() => this.publishPortfolio(e.tradingAccountId, this.book.replace(e.tradingAccountId, e.balances), undefined));
        return;
      }
      if (e.type === 'resync') {
        this.ctx.log.info({ tradingAccountId: e.tradingAccountId, reason: e.reason }, 'venue may have missed reports; reconciling the account');
        this.reconciler.request(e.tradingAccountId);
        return;
      }
      if (e.type === 'rejected' && this.resubmitting?.tradeOrderId === e.tradeOrderId) {
        this.resubmitting.refused = e.reason;
        return;
      }
      const order = this.live.find(e.tradeOrderId);
      if (!order || order.tradingAccountId !== e.tradingAccountId) {
        this.ctx.log.warn({ tradeOrderId: e.tradeOrderId, type: e.type }, 'venue reported an unknown order');
        return;
      }
      const fields: Partial<Order> = {};
      if (e.externalOrderId !== undefined && e.externalOrderId !== order.externalOrderId) fields.externalOrderId = e.externalOrderId;
      switch (e.type) {
        case 'accepted':
          if (transition(order.status, 'ACCEPT').ok) this.step(order, 'ACCEPT', fields);
          else if (fields.externalOrderId !== undefined) this.write({ ...order, ...fields, updatedAt: this.ctx.clock.now() }, []);
          return;
        case 'filled':
          this.fill(order, e, fields);
          return;
        case 'cancelled':
          this.close(order, 'CANCEL', e.timestamp, { ...fields, cancelReason: e.reason });
          return;
        case 'rejected':
          this.close(order, 'REJECT', e.timestamp, { ...fields, rejectReason: e.reason });
          return;
        case 'expired':
          this.close(order, 'EXPIRE', e.timestamp, { ...fields, cancelReason: e.reason ?? 'expired' });
          return;
      }
    } catch (err) {
      this.ctx.log.error({ err, event: { type: e.type, tradingAccountId: e.tradingAccountId } }, 'could not book a venue report');
    }
  }

  private fill(order: Order, e: Extract<ExecutionEvent, { type: 'filled' }>, fields: Partial<Order>): void {
    const qty = dec(e.quantity);
    const price = dec(e.price);
    const fee = dec(e.fee);
    if (!qty.gt(0)) return;
    const next: Order = { ...order, ...fields, fees: { ...order.fees } };
    next.executedQuantity = str(dec(order.executedQuantity).add(qty));
    next.executedCost = str(dec(order.executedCost).add(price.mul(qty)));
    if (!fee.isZero()) next.fees[e.feeAsset] = str(dec(next.fees[e.feeAsset] ?? '0').add(fee));
    // A venue's `final` flag ends the order even when the amounts do not add up (QUOTE orders stop short of a lot).
    const complete =
      e.final === true || (order.quantityType === 'BASE' ? dec(next.executedQuantity).gte(order.quantity) : dec(next.executedCost).gte(order.quantity));
    const t = transition(order.status, complete ? 'FILL' : 'PARTIAL_FILL');
    if (!t.ok) {
      this.ctx.log.error({ tradeOrderId: order.tradeOrderId, status: order.status, tradeId: e.tradeId }, 'fill reported for an order that cannot take it; ignored');
      return;
    }
    next.status = t.status;
    next.lastExecutionAt = e.timestamp;
    next.updatedAt = this.ctx.clock.now();
    const effects = fillEffects({
      side: order.side, baseAsset: order.baseAsset, quoteAsset: order.quoteAsset, price, quantity: qty, fee, feeAsset: e.feeAsset,
      lockAsset: order.lockAsset, lockedRemaining: dec(order.lockedAmount),
    });
    let remaining = dec(order.lockedAmount).sub(effects.lockConsumed);
    const release = isTerminal(next.status) && remaining.gt(0) ? remaining : ZERO;
    if (isTerminal(next.status)) remaining = ZERO;
    next.lockedAmount = str(remaining);
    const fillRecord: Fill = {
      tradeOrderId: order.tradeOrderId, tradingAccountId: order.tradingAccountId, venue: order.venue, tradeId: e.tradeId, side: order.side,
      price: e.price, quantity: e.quantity, fee: e.fee, feeAsset: e.feeAsset, liquidity: e.liquidity, timestamp: e.timestamp,
    };
    let duplicate = false;
    this.ctx.unit.run(() => {
      if (!this.ctx.store.insertFill(fillRecord)) {
        duplicate = true;
        return;
      }
      this.ctx.store.updateOrder(next);
      let balances = this.book.apply(order.tradingAccountId, effects.deltas);
      if (release.gt(0)) balances = balances.concat(this.book.release(order.tradingAccountId, order.lockAsset, release));
      const position = this.book.trade(order.tradingAccountId, order.instrumentId, order.baseAsset, order.side, qty, price);
      this.live.remember(next);
      this.publish(next, dedupeBalances(balances), position);
    });
    if (duplicate) this.ctx.log.debug?.({ tradeOrderId: order.tradeOrderId, tradeId: e.tradeId }, 'duplicate fill ignored');
  }

  /** Moves the order to a closing status and releases what it still holds. */
  private close(order: Order, kind: 'CANCEL' | 'REJECT' | 'EXPIRE', at: number, fields: Partial<Order>): void {
    const t = transition(order.status, kind);
    if (!t.ok) {
      if (!isTerminal(order.status)) this.ctx.log.warn({ tradeOrderId: order.tradeOrderId, status: order.status, kind }, 'illegal order transition ignored');
      return;
    }
    const next: Order = { ...order, ...fields, status: t.status, updatedAt: this.ctx.clock.now() };
    if (kind === 'CANCEL') next.canceledAt = at;
    const release = dec(order.lockedAmount);
    next.lockedAmount = '0';
    this.write(next, [], () => (release.gt(0) ? this.book.release(order.tradingAccountId, order.lockAsset, release) : []));
  }

  /** A status change without balance effects (accept, cancel request, cancel refused). */
  private step(order: Order, kind: OrderEventKind, fields: Partial<Order>): void {
    const t = transition(order.status, kind);
    if (!t.ok) throw new DomainError('INVALID_ORDER_TRANSITION', `trade order ${order.tradeOrderId} cannot take ${kind} in status ${order.status}`);
    this.write({ ...order, ...fields, status: t.status, updatedAt: this.ctx.clock.now() }, []);
  }

  private write(next: Order, balances: Balance[], inTx?: () => Balance[]): void {
    this.ctx.unit.run(() => {
      this.ctx.store.updateOrder(next);
      const changed = inTx ? balances.concat(inTx()) : balances;
      this.live.remember(next);
      this.publish(next, changed);
    });
  }

  /** Holds until the order is closed or the awaitClosed timeout passes; answers the state at that moment. */
  awaitClosed(tradeOrderId: string): Promise<Order> {
    return this.live.waitFor(tradeOrderId, (o) => isTerminal(o.status), this.ctx.config.awaitClosedTimeoutMs);
  }

  // ── events ────────────────────────────────────────────────────────────────────────────────────────────
  private publish(order: Order, balances: Balance[], position?: Position): void {
    this.ctx.publish.toAccount(order.tradingAccountId, 'event.trade_order.updated', toRpcTradeOrder(order));
    if (balances.length || position) this.publishPortfolio(order.tradingAccountId, balances, position);
  }

  private publishPortfolio(tradingAccountId: string, balances: Balance[], position: Position | undefined): void {
    this.ctx.publish.toAccount(
      tradingAccountId,
      'event.portfolio.updated',
      toRpcPortfolio({ tradingAccountId, balances, positions: position ? [position] : [], updateMode: 'DELTA', updatedAt: this.ctx.clock.now() }),
    );
  }
}

/** Keeps the last state of each asset when one change touched it twice. */
function dedupeBalances(list: Balance[]): Balance[] {
  const m = new Map<string, Balance>();
  for (const b of list) m.set(b.asset, b);
  return [...m.values()];
}

/** What a venue is told of an order: its identity and terms, for `quantity` (all of it, or what remains). */
function toVenueOrder(o: Order, quantity: string): VenueOrder {
  const v: VenueOrder = {
    tradeOrderId: o.tradeOrderId,
    clientOrderId: o.clientOrderId,
    tradingAccountId: o.tradingAccountId,
    instrumentId: o.instrumentId,
    symbol: o.symbol,
    side: o.side,
    orderType: o.orderType,
    timeInForce: o.timeInForce,
    quantityType: o.quantityType,
    quantity,
  };
  if (o.limitPrice !== undefined) v.limitPrice = o.limitPrice;
  if (o.stopPrice !== undefined) v.stopPrice = o.stopPrice;
  if (o.expireAt !== undefined) v.expireAt = o.expireAt;
  return v;
}

function reasonOf(err: unknown, fallback: string): string {
  if (err instanceof Error && err.message) return err.message.slice(0, 200);
  return fallback;
}
