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
import type { InstrumentSpec } from '../model/instrument.ts';
import type { BookSnapshot } from '../model/market-data.ts';
import type { DerivativePreTradeResult } from '../margin/derivative-pre-trade.ts';
import type { OrderDerivatives, OrderListSubmit, QuotedOrders, SubmitOrderRequest } from './order-requests.ts';
import type { OrderDraft } from './order-draft.ts';
import type { PortfolioBook } from '../portfolios/portfolio-book.ts';
import type { OpenOrders, OrderLookup } from './open-orders.ts';
import { amendOrder, type AmendTerms } from './order-amendment.ts';
import { readDraft } from './order-draft.ts';
import type { OrderLedger } from './order-ledger.ts';
import { bookDepthFor, preTradeCheck } from './pre-trade.ts';
import { recordThenCall } from './record-then-call.ts';
import { trailingTerms } from './trailing-stop.ts';
import type { MarketStreamHolds } from '../market-data/market-holds.ts';
import { isTerminal, transition, type OrderEventKind } from './status-machine.ts';
import { reasonOf, toVenueOrder } from './venue-order.ts';

export type { LegSpec, OrderDerivatives, OrderListSubmit, QuotedOrders, SubmitOrderRequest } from './order-requests.ts';

export interface OrderDeskDeps {
  live: OpenOrders;
  ledger: OrderLedger;
  accounts: AccountRegistry;
  instruments: InstrumentCatalog;
  book: PortfolioBook;
  vault: CredentialVault;
  derivatives: OrderDerivatives;
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
  private readonly market: OrderDeskDeps['market'];
  /** `config.marketLockBuffer`, read once. */
  private readonly lockBuffer: Dec;

  constructor(
    private readonly ctx: DomainContext,
    deps: OrderDeskDeps,
  ) {
    ({ live: this.live, ledger: this.ledger, accounts: this.accounts, instruments: this.instruments, book: this.book, vault: this.vault, derivatives: this.derivatives, market: this.market } = deps);
    this.lockBuffer = dec(ctx.config.marketLockBuffer);
  }

  async submit(caller: CallerContext, req: SubmitOrderRequest): Promise<Order> {
    const account = this.accounts.requireOwned(caller, req.tradingAccountId);
    const accountId = account.tradingAccountId;
    const idempotencyKey = req.idempotencyKey ?? req.tradeOrder.idempotencyKey;
    if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > 128)) {
      throw new DomainError('INVALID_ORDER_PARAMETERS', 'idempotencyKey must be 1 to 128 characters');
    }
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
    const listed = (req.tradeOrder as { contingencyType?: unknown }).contingencyType;
    if (listed !== undefined && listed !== null && !req.leg && this.lists) return this.lists(caller, req);
    // An exit asked for without its list would be dropped: the order must not trade without it.
    const exit = req.leg ? undefined : LIST_EXITS.find((k) => (req.tradeOrder as Record<string, unknown>)[k] != null);
    if (exit) throw new DomainError('INVALID_ORDER_PARAMETERS', `tradeOrder.${exit} makes an order list: give tradeOrder.contingencyType (OCO, OTO or OTOCO)`);
    const listHold = req.leg?.hold;
    const unfunded = listHold !== undefined || req.leg?.native === 'SHARES';
    const venue = this.ctx.venues.require(account.venue);
    if (!read?.ok) throw read?.error ?? new Error('no draft read for an exchange order');
    const draft = read.draft;
    // A quota, not a trading rule: checked after the repeat check (a repeat answers its order) and before anything is
    // written; every order counts until it is closed, including one a venue may fill at once.
    const maxOpen = this.ctx.config.maxOpenOrdersPerAccount;
    if (maxOpen > 0 && this.live.openCount(accountId) >= maxOpen) {
      throw new DomainError('OPEN_ORDER_LIMIT_REACHED', `trading account ${accountId} has ${maxOpen} open orders, the most it may hold; cancel one first`);
    }
    const instrument = this.instruments.get(draft.instrumentId);
    if (!instrument) throw new DomainError('INSTRUMENT_NOT_FOUND', `instrument ${boundedText(draft.instrumentId)} not found`);
    const spec = instrument.spec;
    // A trailing stop the venue does not take natively is Cadenza's to hold (trailing-stop-emulator.ts).
    const hold = listHold ?? (draft.orderType === 'TRAILING_STOP' && !req.leg && !spec.orderTypes.includes('TRAILING_STOP') ? 'ARMED' : undefined);
    if (spec.venue !== account.venue) {
      throw new DomainError('ACCOUNT_VENUE_MISMATCH', `instrument ${spec.instrumentId} is not on ${account.venue}, the venue of the trading account`);
    }
    // A trailing stop starts its trigger from the market now; it is then checked and locked as a stop there.
    const trailing = draft.trailingOffset ? trailingTerms(draft.side, draft.trailingOffset, draft.trailingOffsetType ?? 'PRICE', spec, venue.getBook(spec.symbol, 1)) : undefined;
    if (trailing) draft.stopPrice = trailing.trigger;
    const marketBook = draft.orderType === 'MARKET' ? venue.getBook(spec.symbol, spec.contract ? this.ctx.config.estimateDepth : bookDepthFor(draft.side, this.ctx.config.estimateDepth)) : undefined;
    const extension = req.tradeOrder as { leverage?: unknown; positionId?: unknown };
    const check = spec.contract
      ? this.derivatives.preTrade({
          account, spec, status: instrument.status, draft, book: marketBook,
          leverage: req.leverage ?? extension.leverage,
          positionId: req.positionId ?? (typeof extension.positionId === 'string' ? extension.positionId : undefined),
        })
      : preTradeCheck({
          draft,
          spec: hold ? heldStopSpec(spec, draft) : spec,
          status: instrument.status,
          book: marketBook,
          // A held leg's funds are checked when it goes to the venue; a native list's are its funding leg's (LegSpec).
          freeBase: unfunded ? UNCHECKED : this.book.free(accountId, spec.baseAsset),
          freeQuote: unfunded ? UNCHECKED : this.book.free(accountId, spec.quoteAsset),
          buffer: this.lockBuffer,
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
    if (check.ok && 'derivative' in check) {
      const d = check as Extract<DerivativePreTradeResult, { ok: true }>;
      order.derivative = d.derivative;
      if (d.positionId !== undefined) order.positionId = d.positionId;
    }
    if (trailing) {
      order.trailingOffset = str(draft.trailingOffset!);
      order.trailingOffsetType = draft.trailingOffsetType ?? 'PRICE';
      order.trailingDelta = str(trailing.distance);
    }

    if (req.leg) Object.assign(order, req.leg.fields);
    if (hold) {
      order.emulated = true;
      order.lockedAmount = '0';
      if (hold === 'PENDING') order.status = 'CREATED';
      this.ctx.unit.run(() => {
        this.ledger.open(order, check.lockAsset, dec(0));
        if (hold === 'ARMED') this.ledger.step(order, 'ACCEPT', {});
      });
      return this.live.current(tradeOrderId);
    }
    if (req.leg?.native) {
      if (unfunded) order.lockedAmount = '0';
      this.ctx.unit.run(() => this.ledger.open(order, check.lockAsset, unfunded ? dec(0) : check.lockAmount));
      return this.live.current(tradeOrderId);
    }
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

  async cancel(caller: CallerContext, req: OrderLookup & { tradingAccountId: string; cancelReason?: string }): Promise<Order> {
    const { account, order } = await this.ownedOrder(caller, req);
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
    const { account, order } = await this.ownedOrder(caller, req);
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

  /**
   * Sends a held leg (order-lists.ts) to its venue: a PENDING child whose entry filled, or a triggered stop (which
   * works as MARKET, or LIMIT at its limit price). Its funds are checked and locked now, with the send recorded
   * first; a leg that cannot go (funds, venue, account) is closed with the reason.
   */
  async sendHeld(order: Order): Promise<void> {
    const venue = this.ctx.venues.get(order.venue);
    const account = this.accounts.find(order.tradingAccountId);
    const instrument = this.instruments.get(order.instrumentId);
    const refuse = (reason: string) => {
      const cur = this.live.openOrder(order.tradeOrderId);
      if (!cur) return;
      if (transition(cur.status, 'REJECT').ok) this.ledger.close(cur, 'REJECT', this.ctx.clock.now(), { rejectReason: reason });
      else this.ledger.close(cur, 'CANCEL', this.ctx.clock.now(), { cancelReason: reason });
    };
    if (!venue || !account || !instrument) return refuse('the venue, account or instrument of the leg is no longer available');
    const working = toVenueOrder(order, order.quantity);
    const draft: OrderDraft = { instrumentId: order.instrumentId, side: order.side, orderType: working.orderType, quantityType: 'BASE', quantity: dec(order.quantity), timeInForce: working.timeInForce, timeInForceGiven: false };
    if (working.limitPrice !== undefined) draft.limitPrice = dec(working.limitPrice);
    if (working.stopPrice !== undefined) draft.stopPrice = dec(working.stopPrice);
    const check = preTradeCheck({
      draft,
      spec: instrument.spec,
      status: instrument.status,
      book: working.orderType === 'MARKET' ? venue.getBook(instrument.spec.symbol, bookDepthFor(order.side, this.ctx.config.estimateDepth)) : undefined,
      freeBase: this.book.free(order.tradingAccountId, order.baseAsset),
      freeQuote: this.book.free(order.tradingAccountId, order.quoteAsset),
      buffer: this.lockBuffer,
    });
    if (!check.ok) return refuse(check.error.message);
    const next: Order = { ...order, emulated: false, lockAsset: check.lockAsset, lockedAmount: str(check.lockAmount), updatedAt: this.ctx.clock.now() };
    if (order.status === 'CREATED') next.status = 'SUBMITTED';
    const venueAccount = this.vault.venueAccount(account, venue.capabilities.requiresCredential);
    try {
      await recordThenCall(
        this.ctx,
        venue,
        () => this.ledger.write(next, [], () => this.book.lock(order.tradingAccountId, check.lockAsset, check.lockAmount)),
        () => venue.submitOrder(working, venueAccount),
      );
    } catch (err) {
      refuse(reasonOf(err, 'venue refused the order'));
    }
  }

  private async startingBook(venue: string, instrumentId: string): Promise<void> {
    const spec = this.instruments.get(instrumentId)?.spec;
    if (spec && spec.venue === venue) await this.market.bookReady(venue, spec.symbol);
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

/** The take-profit and stop-loss terms of an order list (order-lists.ts). */
const LIST_EXITS = ['takeProfitPrice', 'takeProfitLimitPrice', 'stopLossPrice', 'stopLossLimitPrice'] as const;

/** Stands in for the free balance when a held leg is checked: everything but the funds. */
const UNCHECKED = dec('1000000000000000000000000000000');

/**
 * A held stop is Cadenza's, not the venue's: the instrument need only take what it turns into when it triggers
 * (MARKET, or LIMIT with a limit price).
 */
function heldStopSpec(spec: InstrumentSpec, draft: OrderDraft): InstrumentSpec {
  const works = draft.limitPrice ? 'LIMIT' : 'MARKET';
  return spec.orderTypes.includes(works) && !spec.orderTypes.includes(draft.orderType) ? { ...spec, orderTypes: [...spec.orderTypes, draft.orderType] } : spec;
}
