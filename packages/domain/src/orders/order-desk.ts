/**
 * @module orders/order-desk
 * Takes orders from callers: submit, cancel, and the administrator's correction (`command.trade_order.save`).
 *
 * Promises:
 * - An order is persisted (SUBMITTED, with its balance lock) in one unit of work before the venue sees it
 *   (record-then-call.ts); what the venue reports is booked by the ledger (order-ledger.ts).
 * - `idempotencyKey` and `clientOrderId` each identify an order within its trading account: a repeated submit
 *   returns the original order and never reaches the venue again. Both indexes live in memory, loaded at start.
 * - Every decision is made on memory (ports/store.ts); only an order closed longer ago than `closedOrderMemoryMs`
 *   is read from the store, to be refused (cancel) or corrected (save).
 */
import type { RpcTradeOrder } from '@cadenza/contract';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { boundedText } from '../bounded-text.ts';
import type { AccountRegistry } from '../accounts/account-registry.ts';
import type { CredentialVault } from '../credentials/credential-vault.ts';
import type { InstrumentCatalog } from '../instruments/instrument-catalog.ts';
import type { CallerContext } from '../model/caller.ts';
import { dec, str, type Dec } from '../model/decimal.ts';
import type { Order } from '../model/order.ts';
import { FERMATA } from '../model/fermata.ts';
import type { TradingAccount } from '../model/trading-account.ts';
import type { AmendRequest, CancelRequest } from '../model/venue-order.ts';
import type { Instrument } from '../model/instrument.ts';
import type { Venue } from '../ports/venue.ts';
import type { DerivativePreTradeResult } from '../margin/derivative-pre-trade.ts';
import type { LegSpec, OrderDerivatives, OrderListSubmit, QuotedOrders, SubmitOrderRequest } from './order-requests.ts';
import type { OrderDraft } from './order-draft.ts';
import type { PortfolioBook } from '../portfolios/portfolio-book.ts';
import type { OpenOrders, OrderLookup } from './open-orders.ts';
import { heldStopSpec, holdOf, type Hold, type HeldOrders, type HeldOrdersDeps } from './held-orders.ts';
import { amendOrder, type AmendTerms } from './order-amendment.ts';
import { readDraft } from './order-draft.ts';
import { orderFromDraft, type PassedCheck } from './order-from-draft.ts';
import type { OrderLedger } from './order-ledger.ts';
import { bookDepthFor, preTradeCheck, type PreTradeResult } from './pre-trade.ts';
import { recordThenCall } from './record-then-call.ts';
import { trailingTerms } from './trailing-stop.ts';
import type { MarketStreamHolds } from '../market-data/market-holds.ts';
import { isTerminal, transition, type OrderEventKind } from './status-machine.ts';
import { reasonOf, toVenueOrder } from './venue-order.ts';

export type { LegSpec, OrderDerivatives, OrderListSubmit, QuotedOrders, SubmitOrderRequest } from './order-requests.ts';

/** The parts a held order is recorded and sent with, and the desk's own. */
export interface OrderDeskDeps extends HeldOrdersDeps {
  derivatives: OrderDerivatives;
  /** Orders Cadenza holds instead of their venue: held legs and emulated trailing stops are recorded there. */
  held: HeldOrders;
  /** Where a trailing stop's starting book comes from on a venue that streams it only while held. */
  market: Pick<MarketStreamHolds, 'bookReady'>;
}

export class OrderDesk {
  private readonly live: OpenOrders;
  private readonly ledger: OrderLedger;
  private readonly accounts: AccountRegistry;
  private readonly instruments: InstrumentCatalog;
  private readonly book: PortfolioBook;
  private readonly vault: CredentialVault;
  /** Set by the OTC desk when it starts. */
  quoted: QuotedOrders | undefined;
  /** Set by the order lists (order-lists.ts). */
  lists: OrderListSubmit | undefined;
  private readonly derivatives: OrderDerivatives;
  private readonly held: HeldOrders;
  private readonly market: OrderDeskDeps['market'];
  /** `config.marketLockBuffer`, read once. */
  private readonly lockBuffer: Dec;

  constructor(
    private readonly ctx: DomainContext,
    deps: OrderDeskDeps,
  ) {
    ({ live: this.live, ledger: this.ledger, accounts: this.accounts, instruments: this.instruments, book: this.book, vault: this.vault, derivatives: this.derivatives, held: this.held, market: this.market } = deps);
    this.lockBuffer = dec(ctx.config.marketLockBuffer);
  }

  /**
   * A new order: the request read (account, idempotency key, draft) and a repeat answered with its order; a QUOTED
   * order or a list handed on; then the order checked, built (order-from-draft.ts) and recorded — sent to its venue,
   * held by Cadenza (held-orders.ts), or, a native list's leg, left for its list to send.
   */
  async submit(caller: CallerContext, req: SubmitOrderRequest): Promise<Order> {
    const account = this.accounts.requireOwned(caller, req.tradingAccountId);
    const accountId = account.tradingAccountId;
    const idempotencyKey = idempotencyKeyOf(req);
    const quoted = account.venue === FERMATA || req.tradeOrder.orderType === 'QUOTED' ? this.quoted : undefined;
    // A QUOTED order's terms are its quote's, read by the OTC desk: no exchange draft (nor its refusal) is made for it.
    const read = quoted ? undefined : readDraft(req.tradeOrder, account.venue);
    // An instrument of a venue whose catalogue is being listed again (empty at start, or its last listing failed):
    // wait for that listing here, before the duplicate check, so nothing runs between that check and the insert.
    const listing = read?.ok ? this.instruments.refreshing(read.draft.instrumentId) : undefined;
    if (listing) await listing;
    // A trailing stop starts from the book, which a live venue keeps only while someone holds it: waited for here too.
    if (read?.ok && read.draft.trailingOffset) await this.startingBook(account.venue, read.draft.instrumentId);
    const duplicate = this.live.duplicateOf(accountId, idempotencyKey, req.tradeOrder.clientOrderId);
    if (duplicate !== undefined) return req.awaitClosed ? this.awaitClosed(duplicate) : this.live.latest(duplicate);

    if (account.status !== 'ACTIVE') throw new DomainError('TRADING_ACCOUNT_NOT_ACTIVE', `trading account ${accountId} is ${account.status}`);
    if (quoted) return quoted(caller, account, req, idempotencyKey);
    if (!req.leg && this.lists && namesList(req.tradeOrder)) return this.lists(caller, req);
    if (!req.leg) refuseExitsWithoutList(req.tradeOrder);
    const venue = this.ctx.venues.require(account.venue);
    if (!read?.ok) throw read?.error ?? new Error('no draft read for an exchange order');
    const draft = read.draft;
    this.refuseOverQuota(accountId);
    const instrument = this.instrumentFor(account, draft.instrumentId);
    const spec = instrument.spec;
    const hold = holdOf(req.leg, draft, spec);
    // A trailing stop starts its trigger from the market now; it is then checked and locked as a stop there.
    const trailing = draft.trailingOffset ? trailingTerms(draft.side, draft.trailingOffset, draft.trailingOffsetType ?? 'PRICE', spec, venue.getBook(spec.symbol, 1)) : undefined;
    if (trailing) draft.stopPrice = trailing.trigger;
    const check = this.preTrade(account, instrument, venue, draft, req, hold);
    if (!check.ok) throw check.error;
    const venueAccount = this.vault.venueAccount(account, venue.capabilities.requiresCredential);
    const order = orderFromDraft(this.ctx.clock.now(), this.ctx.ids.uuid(), account, spec, draft, check, trailing, idempotencyKey);
    if (req.leg) Object.assign(order, req.leg.fields);

    if (hold) return this.held.record(order, hold, check.lockAsset);
    if (req.leg?.native) return this.recordNativeLeg(order, check, req.leg);
    const tradeOrderId = order.tradeOrderId;
    const venueOrder = toVenueOrder(order, order.quantity);
    // One transaction holds the new order, its lock and whatever an in-process venue reports while taking it.
    const sent = recordThenCall(this.ctx, venue, () => this.ledger.open(order, check.lockAsset, check.lockAmount), () => venue.submitOrder(venueOrder, venueAccount));
    try {
      await sent;
    } catch (err) {
      const cur = this.live.openOrder(tradeOrderId);
      if (cur) this.ledger.close(cur, 'REJECT', this.ctx.clock.now(), { rejectReason: reasonOf(err, 'venue refused the order') });
      this.ctx.log.warn({ err, tradeOrderId, venue: venue.id }, 'venue refused an order');
    }
    return req.awaitClosed ? this.awaitClosed(tradeOrderId) : this.live.current(tradeOrderId);
  }

  /**
   * A quota, not a trading rule: checked after the repeat check (a repeat answers its order) and before anything is
   * written; every order counts until it is closed, including one a venue may fill at once.
   */
  private refuseOverQuota(accountId: string): void {
    const maxOpen = this.ctx.config.maxOpenOrdersPerAccount;
    if (maxOpen > 0 && this.live.openCount(accountId) >= maxOpen) {
      throw new DomainError('OPEN_ORDER_LIMIT_REACHED', `trading account ${accountId} has ${maxOpen} open orders, the most it may hold; cancel one first`);
    }
  }

  /** The draft's instrument, which must be on the account's venue. */
  private instrumentFor(account: TradingAccount, instrumentId: string): Instrument {
    const instrument = this.instruments.get(instrumentId);
    if (!instrument) throw new DomainError('INSTRUMENT_NOT_FOUND', `instrument ${boundedText(instrumentId)} not found`);
    if (instrument.spec.venue !== account.venue) {
      throw new DomainError('ACCOUNT_VENUE_MISMATCH', `instrument ${instrument.spec.instrumentId} is not on ${account.venue}, the venue of the trading account`);
    }
    return instrument;
  }

  /**
   * The pre-trade check of an exchange order: a derivative's margin (margin/), a spot order's lock (pre-trade.ts). A
   * held stop is checked as what it works as when it triggers.
   */
  private preTrade(account: TradingAccount, instrument: Instrument, venue: Venue, draft: OrderDraft, req: SubmitOrderRequest, hold: Hold | undefined): PreTradeResult | DerivativePreTradeResult {
    const spec = instrument.spec;
    const marketBook = draft.orderType === 'MARKET' ? venue.getBook(spec.symbol, spec.contract ? this.ctx.config.estimateDepth : bookDepthFor(draft.side, this.ctx.config.estimateDepth)) : undefined;
    if (spec.contract) {
      const extension = req.tradeOrder as { leverage?: unknown; positionId?: unknown };
      return this.derivatives.preTrade({
        account, spec, status: instrument.status, draft, book: marketBook,
        leverage: req.leverage ?? extension.leverage,
        positionId: req.positionId ?? (typeof extension.positionId === 'string' ? extension.positionId : undefined),
      });
    }
    // A held leg's funds are checked when it goes to the venue; a native list's are its funding leg's (LegSpec).
    const unfunded = req.leg !== undefined && (req.leg.hold !== undefined || req.leg.native === 'SHARES');
    return preTradeCheck({
      draft,
      spec: hold ? heldStopSpec(spec, draft) : spec,
      status: instrument.status,
      book: marketBook,
      freeBase: unfunded ? UNCHECKED : this.book.free(account.tradingAccountId, spec.baseAsset),
      freeQuote: unfunded ? UNCHECKED : this.book.free(account.tradingAccountId, spec.quoteAsset),
      buffer: this.lockBuffer,
    });
  }

  /**
   * A leg of a list its venue places natively: recorded SUBMITTED and not sent (native-order-list.ts sends the list
   * whole); a `SHARES` leg locks nothing.
   */
  private recordNativeLeg(order: Order, check: PassedCheck, leg: LegSpec): Order {
    const unfunded = leg.native === 'SHARES';
    if (unfunded) order.lockedAmount = '0';
    this.ctx.unit.run(() => this.ledger.open(order, check.lockAsset, unfunded ? dec(0) : check.lockAmount));
    return this.live.current(order.tradeOrderId);
  }

  async cancel(caller: CallerContext, req: OrderLookup & { tradingAccountId: string; cancelReason?: string }): Promise<Order> {
    const owned = await this.ownedOrder(caller, req);
    const { account } = owned;
    const order = this.latest(owned.order);
    if (isTerminal(order.status)) throw new DomainError('ORDER_NOT_CANCELLABLE', `trade order ${order.tradeOrderId} is already ${order.status}`);
    if (order.status === 'PENDING_CANCEL') return this.live.waitFor(order.tradeOrderId, (o) => o.status !== 'PENDING_CANCEL', this.ctx.config.cancelConfirmTimeoutMs);
    if (order.emulated) {
      // Held by Cadenza (a pending or armed leg): nothing at the venue to cancel.
      this.ledger.close(order, 'CANCEL', this.ctx.clock.now(), { cancelReason: req.cancelReason ?? 'cancelled by user' });
      return this.live.current(order.tradeOrderId);
    }
    const venue = this.ctx.venues.get(order.venue);
    if (!venue) {
      this.ledger.close(order, 'CANCEL', this.ctx.clock.now(), { cancelReason: 'venue not available' });
      return this.live.current(order.tradeOrderId);
    }
    const venueAccount = this.vault.venueAccount(account, venue.capabilities.requiresCredential);
    const request = cancelRequestOf(order);
    // As in submit: the cancel request and an in-process venue's answer share one transaction.
    const sent = recordThenCall(this.ctx, venue, () => this.ledger.step(order, 'CANCEL_REQUEST', {}), () => venue.cancelOrder(request, venueAccount));
    try {
      await sent;
    } catch (err) {
      const cur = this.live.openOrder(order.tradeOrderId);
      if (cur?.status === 'PENDING_CANCEL') this.ledger.step(cur, dec(cur.executedQuantity).gt(0) ? 'CANCEL_REJECTED_AFTER_FILL' : 'CANCEL_REJECTED', {});
      if (err instanceof DomainError) throw err;
      throw new DomainError('ORDER_NOT_CANCELLABLE', `venue refused the cancel: ${reasonOf(err, 'unknown reason')}`, { cause: err });
    }
    return this.live.waitFor(order.tradeOrderId, (o) => o.status !== 'PENDING_CANCEL', this.ctx.config.cancelConfirmTimeoutMs);
  }

  /**
   * Every working order of the account (of one instrument, when given) cancelled, each as `cancel` does; answers each
   * in its state after the call (CANCELLED; PENDING_CANCEL at a slow venue; FILLED when a fill won the race).
   */
  async cancelAll(caller: CallerContext, req: { tradingAccountId: string; instrumentId?: string }): Promise<Order[]> {
    const accountId = this.accounts.requireOwned(caller, req.tradingAccountId).tradingAccountId;
    const targets = this.live.openOrders().filter((o) => o.tradingAccountId === accountId && (req.instrumentId === undefined || o.instrumentId === req.instrumentId));
    await Promise.allSettled(targets.map((o) => this.cancel(caller, { tradingAccountId: accountId, tradeOrderId: o.tradeOrderId })));
    return targets.map((o) => this.live.find(o.tradeOrderId) ?? o);
  }

  /**
   * New price and/or quantity for a working order, at a venue that amends natively (PAPER); its lock follows.
   * Recorded before the venue hears of it, as every change; a venue's refusal puts the old terms back.
   */
  async amend(caller: CallerContext, req: OrderLookup & AmendTerms & { tradingAccountId: string }): Promise<Order> {
    const owned = await this.ownedOrder(caller, req);
    const { account } = owned;
    const order = this.latest(owned.order);
    if (isTerminal(order.status) || order.status === 'PENDING_CANCEL') {
      throw new DomainError('INVALID_ORDER_TRANSITION', `trade order ${order.tradeOrderId} is ${order.status}; only a working order can be amended`);
    }
    // A derivative order's lock is margin at its leverage, not the spot lock amendOrder computes (docs/derivatives.md).
    if (order.derivative) throw new DomainError('NOT_SUPPORTED', `orders on ${order.derivative.instrumentType} instruments are not amended: cancel the order and submit a new one`);
    const venue = this.ctx.venues.get(order.venue);
    if (!venue?.amendOrder) throw new DomainError('NOT_SUPPORTED', `${order.venue} does not amend orders: cancel the order and submit a new one`);
    const instrument = this.instruments.get(order.instrumentId);
    if (!instrument) throw new DomainError('INSTRUMENT_NOT_FOUND', `instrument ${order.instrumentId} not found`);
    if (instrument.spec.contract) throw new DomainError('NOT_SUPPORTED', 'orders on derivatives cannot be amended yet: cancel the order and submit a new one');
    const terms: AmendTerms = {};
    for (const k of ['quantity', 'limitPrice', 'stopPrice'] as const) if (req[k] !== undefined) terms[k] = req[k];
    const a = amendOrder(order, terms, {
      spec: instrument.spec,
      status: instrument.status,
      freeBase: this.book.free(order.tradingAccountId, order.baseAsset),
      freeQuote: this.book.free(order.tradingAccountId, order.quoteAsset),
      buffer: this.lockBuffer,
      now: this.ctx.clock.now(),
    });
    const request: AmendRequest = { ...cancelRequestOf(order), quantity: a.remaining };
    if (terms.limitPrice !== undefined) request.limitPrice = a.next.limitPrice!;
    if (terms.stopPrice !== undefined) request.stopPrice = a.next.stopPrice!;
    const venueAccount = this.vault.venueAccount(account, venue.capabilities.requiresCredential);
    const sent = recordThenCall(this.ctx, venue, () => this.ledger.amend(a.next, a.lockDelta), () => venue.amendOrder!(request, venueAccount));
    try {
      await sent;
    } catch (err) {
      // Nothing changed at the venue: the old terms back, and what the lock grew or shrank by.
      const cur = this.live.openOrder(order.tradeOrderId);
      if (cur) {
        const back: Order = { ...cur, quantity: order.quantity, lockedAmount: str(dec(cur.lockedAmount).sub(a.lockDelta)), updatedAt: this.ctx.clock.now() };
        if (order.limitPrice !== undefined) back.limitPrice = order.limitPrice;
        if (order.stopPrice !== undefined) back.stopPrice = order.stopPrice;
        this.ledger.amend(back, a.lockDelta.neg());
      }
      throw new DomainError('INVALID_ORDER_PARAMETERS', `venue refused the amendment: ${reasonOf(err, 'unknown reason')}`, { cause: err });
    }
    return this.live.current(order.tradeOrderId);
  }

  private async startingBook(venue: string, instrumentId: string): Promise<void> {
    const spec = this.instruments.get(instrumentId)?.spec;
    if (spec && spec.venue === venue) await this.market.bookReady(venue, spec.symbol);
  }

  /**
   * `order` as memory holds it now. A cancel or an amendment decides on it after its last await: another call on the
   * same order may have run while this one was resumed — of two cancels at once, the second wrote its ACCEPTED copy
   * over the first's CANCELLED (the venue then refused it: an ACCEPTED order with no lock, nowhere on the venue), and
   * a cancel racing an amendment released the old lock only, leaving the amendment's growth locked for good.
   */
  private latest(order: Order): Order {
    return this.live.find(order.tradeOrderId) ?? order;
  }

  /** The caller's order (memory first), or ORDER_NOT_FOUND. */
  private async ownedOrder(caller: CallerContext, req: OrderLookup & { tradingAccountId: string }): Promise<{ account: TradingAccount; order: Order }> {
    const account = this.accounts.requireOwned(caller, req.tradingAccountId);
    const found = await this.live.lookup(account.tradingAccountId, req);
    // Decide on memory: the lookup may have waited on the store (an order closed long ago).
    const order = found && (this.live.find(found.tradeOrderId) ?? found);
    if (!order) throw new DomainError('ORDER_NOT_FOUND', 'trade order not found');
    return { account, order };
  }

  /** Admin correction (command.trade_order.save): records a venue order id and/or closes or acknowledges the order. */
  async save(input: RpcTradeOrder): Promise<Order> {
    const stored = input.tradeOrderId ? await this.live.stored(input.tradeOrderId) : undefined;
    // Decide on memory when it holds the order (it may have changed while the store answered).
    const order = stored && (this.live.find(stored.tradeOrderId) ?? stored);
    if (!order) throw new DomainError('ORDER_NOT_FOUND', `trade order ${input.tradeOrderId === undefined ? '(none)' : boundedText(input.tradeOrderId)} not found`);
    const fields: Partial<Order> = {};
    if (input.externalOrderId !== undefined) fields.externalOrderId = input.externalOrderId;
    const events: Record<string, OrderEventKind> = { ACCEPTED: 'ACCEPT', CANCELLED: 'CANCEL', REJECTED: 'REJECT', EXPIRED: 'EXPIRE' };
    if (input.status && input.status !== order.status) {
      const kind = events[input.status];
      if (!kind || !transition(order.status, kind).ok) throw new DomainError('INVALID_ORDER_TRANSITION', `cannot move trade order from ${order.status} to ${boundedText(String(input.status))}`);
      if (kind === 'ACCEPT') this.ledger.step(order, 'ACCEPT', fields);
      else this.ledger.close(order, kind as 'CANCEL' | 'REJECT' | 'EXPIRE', this.ctx.clock.now(), { ...fields, ...(kind === 'REJECT' ? { rejectReason: input.rejectReason ?? 'closed by an administrator' } : { cancelReason: input.cancelReason ?? 'closed by an administrator' }) });
    } else if (fields.externalOrderId !== undefined) {
      this.ledger.write({ ...order, ...fields, updatedAt: this.ctx.clock.now() }, []);
    }
    return this.live.current(order.tradeOrderId);
  }

  /** Holds until the order is closed or the awaitClosed timeout passes; answers the state at that moment. */
  awaitClosed(tradeOrderId: string): Promise<Order> {
    return this.live.waitFor(tradeOrderId, (o) => isTerminal(o.status), this.ctx.config.awaitClosedTimeoutMs);
  }
}

/** How a venue is told which order a cancel or amendment is about. */
function cancelRequestOf(order: Order): CancelRequest {
  const request: CancelRequest = { tradeOrderId: order.tradeOrderId, clientOrderId: order.clientOrderId, tradingAccountId: order.tradingAccountId, symbol: order.symbol };
  if (order.externalOrderId !== undefined) request.externalOrderId = order.externalOrderId;
  return request;
}

/** A submit's idempotency key (the request's, else the order's), refused when empty or longer than 128. */
function idempotencyKeyOf(req: SubmitOrderRequest): string | undefined {
  const key = req.idempotencyKey ?? req.tradeOrder.idempotencyKey;
  if (key !== undefined && (key.length === 0 || key.length > 128)) throw new DomainError('INVALID_ORDER_PARAMETERS', 'idempotencyKey must be 1 to 128 characters');
  return key;
}

/** Whether an order names a `contingencyType`: it then makes an order list (order-lists.ts). */
function namesList(o: RpcTradeOrder): boolean {
  const listed = (o as { contingencyType?: unknown }).contingencyType;
  return listed !== undefined && listed !== null;
}

/** The take-profit and stop-loss terms of an order list (order-lists.ts). */
const LIST_EXITS = ['takeProfitPrice', 'takeProfitLimitPrice', 'stopLossPrice', 'stopLossLimitPrice'] as const;

/** An exit asked for without its list would be dropped: the order must not trade without it. */
function refuseExitsWithoutList(o: RpcTradeOrder): void {
  for (const k of LIST_EXITS) {
    if ((o as Record<string, unknown>)[k] != null) throw new DomainError('INVALID_ORDER_PARAMETERS', `tradeOrder.${k} makes an order list: give tradeOrder.contingencyType (OCO, OTO or OTOCO)`);
  }
}

/** Stands in for the free balance when a held leg is checked: everything but the funds. */
const UNCHECKED = dec('1000000000000000000000000000000');
