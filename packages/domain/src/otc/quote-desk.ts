/**
 * @module otc/quote-desk
 * RFQs and their acceptance.
 *
 * - `rfq` answers a Quote: CREATED with the dealer's firm price until `expireAt`, or REJECTED with the dealer's reason
 *   (dealer-pricer.ts). The same `quoteRequestId` from the same user answers the same quote. A new CREATED quote
 *   replaces (REPLACED) the trader's open quote for the same dealer, trading account, pair and side, so a trader
 *   holds at most one live price per dealer and direction.
 * - `accept` takes a QUOTED order (from the order desk): on the FERMATA account of the quote's owner, before
 *   expiry, once. One unit of work writes the order FILLED at exactly the quoted price with its fill, the four ledger
 *   entries between the trader's and the dealer's wallets, both accounts' positions, the quote ACCEPTED and the
 *   dealer's exposure; only then does anything go out — and the dealer's hedge is sent (hedger.ts).
 * - Every status change of a quote (and its creation) is pushed as `event.quote.updated` (a `Quote`) on the trader's
 *   account channel (its user channel when the RFQ named no account) and on the dealer's account channel.
 * - Open quotes expire at `expireAt`: the desk's one expiry timer (quote-expiry.ts) marks them EXPIRED; an accept that
 *   finds one past its time expires it there and is refused.
 *
 * What a quote promises, and what the store holds (docs/otc.md, "Durability"):
 * - A CREATED quote is a firm price from the running desk until `expireAt`, held in memory: the RFQ writes nothing, so
 *   its answer waits for no commit. A crash withdraws the open quotes — none of them traded; an accept after the
 *   restart is QUOTE_NOT_FOUND and a retried `quoteRequestId` gets a new quote.
 * - An ACCEPTED quote is written in the accept's own transaction, with the fill it made: it survives `kill -9`.
 * - A quote closed otherwise (EXPIRED, REPLACED, REJECTED) never traded; it stays in memory for
 *   `closedOrderMemoryMs` (the latest `closedQuoteLimit` of them at most: every RFQ closes the quote it replaces), and
 *   a clean stop writes every quote still in memory, so a planned restart forgets nothing. A quote with a row is
 *   rewritten at every later change (its row must not come back open).
 *
 * Memory (otc/quote-memory.ts): open quotes and the `quoteRequestId` index of stored quotes are loaded at start;
 * quotes closed without a row within `closedOrderMemoryMs` (up to `closedQuoteLimit`) stay in memory; a quote that
 * closes with a row (every accepted one) is let go of at once, and it or an older one is read from the store — to be
 * refused with its status, or answered.
 */
import type { Quote, QuoteRfqRequest } from '@cadenza/contract';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { boundedText } from '../bounded-text.ts';
import type { AccountRegistry } from '../accounts/account-registry.ts';
import type { CallerContext } from '../model/caller.ts';
import { dec, isDecimalString } from '../model/decimal.ts';
import { FERMATA, type QuoteRecord } from '../model/fermata.ts';
import { sameUnits, unitsOf } from '../model/money-units.ts';
import type { Fill, Order } from '../model/order.ts';
import type { PositionLedger } from '../positions/position-ledger.ts';
import type { TradingAccount } from '../model/trading-account.ts';
import type { SubmitOrderRequest } from '../orders/order-desk.ts';
import type { OrderLedger } from '../orders/order-ledger.ts';
import type { PortfolioBook } from '../portfolios/portfolio-book.ts';
import type { DealerPricer } from './dealer-pricer.ts';
import type { DealerRegistry } from './dealer-registry.ts';
import type { TextLeg } from './ledger-core.ts';
import { accountChannel, userChannel } from '../channel-names.ts';
import { toQuote } from './fermata-models.ts';
import type { Hedger } from './hedger.ts';
import { QuoteExpiry } from './quote-expiry.ts';
import { QuoteMemory } from './quote-memory.ts';
import { changedQuote, type QuoteChange } from './quote-change.ts';
import { quoteTransition, type QuoteEvent } from './quote-status.ts';
import { readRfq, type RfqRead } from './rfq-request.ts';
import type { WalletBook } from './wallet-book.ts';

export interface QuoteDeskDeps {
  accounts: AccountRegistry;
  dealers: DealerRegistry;
  wallets: WalletBook;
  pricer: DealerPricer;
  hedger: Hedger;
  ledger: OrderLedger;
  book: PortfolioBook;
  positions: PositionLedger;
}

/** The most quotes one unit of work writes when the desk stops. */
const STOP_WRITE_BATCH = 500;

export class QuoteDesk {
  private readonly memory: QuoteMemory;
  private readonly expiry: QuoteExpiry;
  constructor(
    private readonly ctx: DomainContext,
    private readonly deps: QuoteDeskDeps,
  ) {
    this.memory = new QuoteMemory(ctx);
    // The clock decides, not the timer: a fake clock in tests, or a timer that fired early, leaves a quote open.
    this.expiry = new QuoteExpiry(ctx.clock, (ids) => {
      const now = this.ctx.clock.now();
      for (const id of ids) {
        const q = this.memory.openQuote(id);
        if (q && now >= q.expireAt) this.expire(id);
      }
    });
  }

  async load(): Promise<void> {
    const [open, keys] = await Promise.all([this.ctx.store.otc.loadOpenQuotes(), this.ctx.store.otc.loadQuoteKeys()]);
    this.memory.load(open, keys);
  }

  /** Arms the expiry of every open quote (those already past it expire at once). */
  start(): void {
    for (const q of this.memory.openQuotes()) this.arm(q);
  }

  /**
   * Stops the expiry timer and writes every quote still in memory that has no row yet (see the module note), in
   * units of at most `STOP_WRITE_BATCH`: memory may hold `closedQuoteLimit` (100,000) of them, and one unit holding
   * them all would be one transaction that large — and the store checks each new row's `quoteRequestId` against the
   * rows its unit already holds, so one unit cost n² (a server stopping with 40,000: 11.7 s; in batches: 0.5 s).
   */
  stop(): void {
    this.expiry.stop();
    const unstored = this.memory.unstored();
    for (let i = 0; i < unstored.length; i += STOP_WRITE_BATCH) {
      const batch = unstored.slice(i, i + STOP_WRITE_BATCH);
      this.ctx.unit.run(() => batch.forEach((q) => this.write(q)));
    }
  }

  /** The caller's quote (any, for administrators), from memory or the store. */
  async get(caller: CallerContext, quoteId: string): Promise<QuoteRecord> {
    const q = this.memory.find(quoteId) ?? (await this.ctx.store.otc.getQuote(quoteId));
    if (!q || (!caller.isAdmin && q.userId !== caller.userId)) throw new DomainError('QUOTE_NOT_FOUND', `quote ${boundedText(quoteId)} not found`);
    return this.memory.find(quoteId) ?? q;
  }

  async rfq(caller: CallerContext, input: QuoteRfqRequest): Promise<QuoteRecord> {
    const now = this.ctx.clock.now();
    const r = readRfq(input, now);
    const earlier = this.earlier(caller, r);
    return earlier === undefined ? this.ask(caller, r, now).quote : this.get(caller, earlier);
  }

  /**
   * `rfq` in the contract's shape (`command.quote.rfq`): the same `Quote` object its `event.quote.updated` pushed, so
   * the answer and the push share one model (and its three ISO times, and its JSON text: publish/serialised-events.ts)
   * instead of building it twice.
   */
  async rfqQuote(caller: CallerContext, input: QuoteRfqRequest): Promise<Quote> {
    const now = this.ctx.clock.now();
    const r = readRfq(input, now);
    const earlier = this.earlier(caller, r);
    return earlier === undefined ? this.ask(caller, r, now).pushed : toQuote(await this.get(caller, earlier));
  }

  /** The quote an earlier request with the same `quoteRequestId` answered. */
  private earlier(caller: CallerContext, r: RfqRead): string | undefined {
    return r.quoteRequestId === undefined ? undefined : this.memory.requested(caller.userId, r.quoteRequestId);
  }

  /**
   * A new request's quote, and the model pushed for it. Synchronous: an RFQ waits for nothing (the repeated request,
   * which may read the store, is answered before it).
   */
  private ask(caller: CallerContext, r: RfqRead, now: number): { quote: QuoteRecord; pushed: Quote } {
    const dealer = this.deps.dealers.require(r.dealerAccountId);
    if (dealer.status === 'ARCHIVED') throw new DomainError('DEALER_NOT_ACTIVE', `dealer ${dealer.dealerAccountId} is archived`);
    // The account's own id, not the request's copy of it (the quote keeps it).
    const traderAccountId = r.traderAccountId === undefined ? undefined : this.requireTraderAccount(caller, r.traderAccountId, dealer.dealerAccountId).tradingAccountId;
    const profile = this.deps.dealers.profile(dealer.dealerAccountId, r.pricingProfileId);
    if (!profile) throw new DomainError('INVALID_QUOTE_REQUEST', `the dealer has no pricing profile ${boundedText(r.pricingProfileId ?? '')}`);
    const answer = this.deps.pricer.answer(dealer, r, profile);
    const names = this.memory.pairNames(r, answer.ok);
    const quote: QuoteRecord = {
      quoteId: this.ctx.ids.uuid(),
      userId: caller.userId,
      dealerAccountId: dealer.dealerAccountId,
      instrumentId: names.instrumentId,
      symbol: names.symbol,
      baseAsset: names.baseAsset,
      quoteAsset: names.quoteAsset,
      side: r.side === 'BUY' ? 'BUY' : 'SELL',
      quantityType: r.quantity ? 'BASE' : 'QUOTE',
      quantity: answer.ok ? answer.quantity : (r.quantity?.text ?? '0'),
      quoteQuantity: answer.ok ? answer.quoteQuantity : (r.quoteQuantity?.text ?? '0'),
      price: answer.ok ? answer.price : '0',
      status: answer.ok ? 'CREATED' : 'REJECTED',
      pricingProfileId: profile.pricingProfileId,
      createdAt: now,
      updatedAt: now,
      expireAt: r.expireAt,
    };
    if (answer.ok) quote.hedgeInstrumentId = answer.hedgeInstrumentId;
    else quote.rejectReason = answer.reason;
    if (r.quoteRequestId !== undefined) quote.quoteRequestId = r.quoteRequestId;
    if (traderAccountId !== undefined) quote.traderAccountId = traderAccountId;
    // The open quote in the trader's slot: the one this replaces.
    const prev = quote.status === 'CREATED' ? this.memory.inSlot(quote) : undefined;
    // Nothing to write unless the quote it replaces has a row: then that row changes in a unit of its own.
    const pushed = prev !== undefined && this.memory.isStored(prev.quoteId) ? this.ctx.unit.run(() => this.place(quote, prev)) : this.place(quote, prev);
    this.arm(quote);
    return { quote, pushed };
  }

  /**
   * The RFQ's quote in memory, in place of `prev` (in its slot), and pushed: the model pushed. Changes only memory
   * unless `prev` has a row (then inside the caller's unit). A method rather than a closure per RFQ.
   */
  private place(quote: QuoteRecord, prev: QuoteRecord | undefined): Quote {
    if (quote.quoteRequestId !== undefined) this.memory.index(quote.userId, quote.quoteRequestId, quote.quoteId);
    if (prev) this.apply(prev, 'REPLACE', {});
    if (quote.status === 'CREATED') this.memory.holdNew(quote);
    else this.memory.hold(quote);
    return this.publish(quote);
  }

  /** The QUOTED order of `req` (order-desk.ts `QuotedOrders`). */
  async accept(caller: CallerContext, account: TradingAccount, req: SubmitOrderRequest, idempotencyKey: string | undefined): Promise<Order> {
    const draft = req.tradeOrder as SubmitOrderRequest['tradeOrder'] & { quoteId?: unknown };
    if (account.venue !== FERMATA) throw new DomainError('ACCOUNT_VENUE_MISMATCH', `QUOTED orders trade on ${FERMATA} accounts; trading account ${account.tradingAccountId} is on ${account.venue}`);
    if (draft.orderType !== 'QUOTED') throw new DomainError('ORDER_TYPE_NOT_ALLOWED', `${FERMATA} accounts take QUOTED orders only (orderType QUOTED with the quoteId)`);
    if (typeof draft.quoteId !== 'string' || draft.quoteId.length === 0) throw new DomainError('INVALID_ORDER_PARAMETERS', 'tradeOrder.quoteId is required for a QUOTED order');
    if (draft.clientOrderId !== undefined && (draft.clientOrderId.length === 0 || draft.clientOrderId.length > 64)) throw new DomainError('INVALID_ORDER_PARAMETERS', 'tradeOrder.clientOrderId must be 1 to 64 characters');
    const quoteId = draft.quoteId;
    // The only wait: a quote memory let go of is closed, and is read only to be refused with its status (memory, which
    // may have changed meanwhile, is asked again after the read).
    let quote = this.memory.find(quoteId);
    if (quote === undefined) {
      const stored = await this.ctx.store.otc.getQuote(quoteId);
      quote = this.memory.find(quoteId) ?? stored;
    }
    if (!quote || quote.userId !== account.userId) throw new DomainError('QUOTE_NOT_FOUND', `quote ${boundedText(quoteId)} not found`);
    const now = this.ctx.clock.now();
    let current = quote;
    if (quote.status === 'CREATED' && now >= quote.expireAt) {
      this.expire(quote.quoteId);
      current = this.memory.find(quoteId) ?? quote;
    }
    switch (current.status) {
      case 'CREATED':
        break;
      case 'ACCEPTED':
        throw new DomainError('QUOTE_ALREADY_USED', `quote ${quoteId} was already accepted (trade order ${current.tradeOrderId ?? 'unknown'})`);
      case 'EXPIRED':
        throw new DomainError('QUOTE_EXPIRED', `quote ${quoteId} expired at ${new Date(current.expireAt).toISOString()}`);
      default:
        throw new DomainError('QUOTE_NOT_ACCEPTABLE', `quote ${quoteId} is ${current.status}${current.rejectReason ? `: ${current.rejectReason}` : ''}`);
    }
    this.checkTerms(current, account, draft);
    const dealer = this.deps.dealers.require(current.dealerAccountId);
    if (dealer.status === 'ARCHIVED') throw new DomainError('DEALER_NOT_ACTIVE', `dealer ${dealer.dealerAccountId} is archived`);
    const traderWallet = this.deps.wallets.ofAccount(account.tradingAccountId);
    if (!traderWallet) throw new Error(`FERMATA account ${account.tradingAccountId} has no wallet`);
    // A dealer's or an accounting wallet may go negative, and a dealer's trades as a client would escape its exposure.
    if (traderWallet.walletType !== 'CLIENT') throw mismatch(current, `trading account ${account.tradingAccountId} holds a ${traderWallet.walletType} wallet: quotes are accepted on client accounts`);

    const tradeOrderId = this.ctx.ids.uuid();
    const order: Order = {
      tradeOrderId,
      tradingAccountId: account.tradingAccountId,
      userId: account.userId,
      venue: FERMATA,
      instrumentId: current.instrumentId,
      symbol: current.symbol,
      baseAsset: current.baseAsset,
      quoteAsset: current.quoteAsset,
      clientOrderId: draft.clientOrderId ?? tradeOrderId.replace(/-/g, ''),
      externalOrderId: current.quoteId,
      orderType: 'QUOTED',
      side: current.side,
      quantityType: 'BASE',
      quantity: current.quantity,
      limitPrice: current.price,
      timeInForce: 'FOK',
      status: 'FILLED',
      executedQuantity: current.quantity,
      executedCost: current.quoteQuantity,
      fees: {},
      lockAsset: current.side === 'BUY' ? current.quoteAsset : current.baseAsset,
      lockedAmount: '0',
      createdAt: now,
      updatedAt: now,
      lastExecutionAt: now,
    };
    if (idempotencyKey !== undefined) order.idempotencyKey = idempotencyKey;
    const fill: Fill = {
      executionId: this.ctx.ids.uuid(), tradeOrderId, instrumentId: order.instrumentId, tradingAccountId: account.tradingAccountId, venue: FERMATA, tradeId: current.quoteId, side: current.side,
      price: current.price, quantity: current.quantity, fee: '0', feeAsset: current.quoteAsset, liquidity: 'TAKER', timestamp: now,
    };
    const buyer = current.side === 'BUY' ? traderWallet.walletId : dealer.walletId;
    const seller = current.side === 'BUY' ? dealer.walletId : traderWallet.walletId;
    // The quote's texts are canonical: the ledger and the holdings read them as they are (no Dec made only to be
    // written back), its quantity and price read into units once for the base leg and both holdings.
    const quantityUnits = unitsOf(current.quantity);
    const priceUnits = unitsOf(current.price);
    const units = quantityUnits !== undefined && priceUnits !== undefined ? { quantity: quantityUnits, price: priceUnits } : undefined;
    const legs: TextLeg[] = [];
    if (isPositive(current.quoteQuantity)) legs.push({ from: buyer, to: seller, asset: current.quoteAsset, text: current.quoteQuantity });
    if (isPositive(current.quantity)) legs.push({ from: seller, to: buyer, asset: current.baseAsset, text: current.quantity, units: quantityUnits });
    const traderId = account.tradingAccountId;
    // One time for the whole trade, read once (`now`): the order and its fill, the ledger entries, the balances and
    // their pushes, both holdings, the quote's change and the dealer's exposure.
    this.ctx.unit.run(() => {
      this.deps.ledger.recordFilled(order, fill);
      const { changes } = this.deps.wallets.move(legs, 'TRADE', tradeOrderId, { at: now });
      // Each side's holding (a spot trade: the dealer selling from its wallet opens no short). The quote's texts are
      // canonical decimals: the positions read them as they are.
      const traderPosition = this.deps.positions.holdingTrade({ instrumentId: current.instrumentId, baseAsset: current.baseAsset, quoteAsset: current.quoteAsset, tradingAccountId: traderId }, { side: current.side, quantity: current.quantity, price: current.price, units }, now);
      const dealerPosition = this.deps.positions.holdingTrade(
        { instrumentId: current.instrumentId, baseAsset: current.baseAsset, quoteAsset: current.quoteAsset, tradingAccountId: dealer.dealerAccountId },
        { side: current.side === 'BUY' ? 'SELL' : 'BUY', quantity: current.quantity, price: current.price, units },
        now,
      );
      this.deps.wallets.publish(changes, [traderPosition, dealerPosition], now);
      this.apply(current, 'ACCEPT', current.traderAccountId ? { tradeOrderId } : { tradeOrderId, traderAccountId: traderId }, now);
      this.deps.hedger.onQuotedTrade(dealer.dealerAccountId, current.symbol, current.side === 'BUY' ? 'SELL' : 'BUY', current.quantity, now);
    });
    this.deps.hedger.poke(dealer.dealerAccountId);
    return order;
  }

  /** Rejects every open quote of the dealer (it paused or was archived). */
  rejectOpen(dealerAccountId: string, reason: string): void {
    for (const q of this.memory.openQuotes()) if (q.dealerAccountId === dealerAccountId) this.change(q, 'REJECT', { rejectReason: reason });
  }

  /** Expires every open quote past its time; answers how many (tests on a fake clock call it). */
  expireDue(): number {
    const now = this.ctx.clock.now();
    let n = 0;
    for (const q of this.memory.openQuotes()) {
      if (now >= q.expireAt) {
        this.expire(q.quoteId);
        n++;
      }
    }
    return n;
  }

  openCount(): number {
    return this.memory.openCount;
  }

  private expire(quoteId: string): void {
    const q = this.memory.openQuote(quoteId);
    if (q) this.change(q, 'EXPIRE', {});
  }

  /** Moves an open quote to a final status (in a unit of its own when it writes), and pushes it. */
  private change(q: QuoteRecord, event: QuoteEvent, fields: QuoteChange): void {
    this.atomically(event === 'ACCEPT' || this.memory.isStored(q.quoteId), () => this.apply(q, event, fields));
  }

  /**
   * `change` inside the caller's unit: an ACCEPTED quote is written, as is any quote that already has a row. `at`: the
   * time of the change when the caller has read it (an accept's quote changes when its order fills).
   */
  private apply(q: QuoteRecord, event: QuoteEvent, fields: QuoteChange, at = this.ctx.clock.now()): void {
    const status = quoteTransition(q.status, event);
    if (!status) return;
    const next = changedQuote(q, fields, status, at);
    if (status === 'ACCEPTED' || this.memory.isStored(q.quoteId)) this.write(next);
    this.memory.hold(next);
    this.publish(next);
    this.ctx.unit.onDone(() => this.expiry.remove(q.quoteId, q.expireAt));
  }

  /** The quote's row: inserted the first time, updated after. Call inside a unit. */
  private write(q: QuoteRecord): void {
    if (this.memory.isStored(q.quoteId)) {
      this.ctx.store.otc.updateQuote(q);
      return;
    }
    this.ctx.store.otc.insertQuote(q);
    this.memory.markStored(q.quoteId);
  }

  /**
   * Runs `fn` as a unit of work when it writes; otherwise as is — a unit would open (and commit) a store transaction
   * for nothing, and hold the answer for that commit. `fn` then changes only memory and cannot fail halfway.
   */
  private atomically(writes: boolean, fn: () => void): void {
    if (writes) this.ctx.unit.run(fn);
    else fn();
  }

  /** One event for the trader (its account channel, else its user channel) and the dealer, in that order. */
  private publish(q: QuoteRecord): Quote {
    const trader = q.traderAccountId !== undefined ? accountChannel(q.traderAccountId) : userChannel(q.userId);
    const model = toQuote(q);
    this.ctx.publish.toEach([trader, accountChannel(q.dealerAccountId)], 'event.quote.updated', model);
    return model;
  }

  /** The account an RFQ names must be the caller's ACTIVE FERMATA client account (a CLIENT wallet), connected to this dealer or to none. */
  private requireTraderAccount(caller: CallerContext, tradingAccountId: string, dealerAccountId: string): TradingAccount {
    const a = this.deps.accounts.requireOwned(caller, tradingAccountId);
    if (a.venue !== FERMATA) throw new DomainError('INVALID_QUOTE_REQUEST', `traderAccountId must be a ${FERMATA} trading account; ${tradingAccountId} is on ${a.venue}`);
    if (a.tradingAccountId === dealerAccountId) throw new DomainError('INVALID_QUOTE_REQUEST', 'a dealer does not quote itself');
    const wallet = this.deps.wallets.ofAccount(a.tradingAccountId);
    if (wallet && wallet.walletType !== 'CLIENT') throw new DomainError('INVALID_QUOTE_REQUEST', `traderAccountId must be a client account; ${tradingAccountId} holds a ${wallet.walletType} wallet`);
    if (a.status !== 'ACTIVE') throw new DomainError('TRADING_ACCOUNT_NOT_ACTIVE', `trading account ${tradingAccountId} is ${a.status}`);
    if (a.externalAccountId !== undefined && a.externalAccountId !== dealerAccountId) {
      throw new DomainError('INVALID_QUOTE_REQUEST', `trading account ${tradingAccountId} trades with dealer ${a.externalAccountId}`);
    }
    return a;
  }

  /** The order may restate the quote's terms; whatever it states must be the quote's. */
  private checkTerms(q: QuoteRecord, account: TradingAccount, draft: SubmitOrderRequest['tradeOrder']): void {
    if (q.traderAccountId !== undefined && q.traderAccountId !== account.tradingAccountId) throw mismatch(q, `the quote was given to trading account ${q.traderAccountId}`);
    if (account.tradingAccountId === q.dealerAccountId) throw mismatch(q, 'a dealer does not trade with itself');
    if (account.externalAccountId !== undefined && account.externalAccountId !== q.dealerAccountId) throw mismatch(q, `trading account ${account.tradingAccountId} trades with dealer ${account.externalAccountId}`);
    if (draft.orderSide !== undefined && draft.orderSide !== q.side) throw mismatch(q, `orderSide ${boundedText(String(draft.orderSide))} differs from the quote's ${q.side}`);
    if (draft.instrumentId !== undefined && draft.instrumentId !== q.instrumentId && draft.instrumentId !== q.symbol) throw mismatch(q, `instrumentId ${boundedText(draft.instrumentId)} differs from the quote's ${q.instrumentId}`);
    const byQuote = draft.quantityType === 'QUOTE';
    if (!sameOrUnstated(draft.quantity, byQuote ? q.quoteQuantity : q.quantity)) throw mismatch(q, `quantity ${boundedText(String(draft.quantity))} differs from the quote's ${byQuote ? q.quoteQuantity : q.quantity}`);
    if (!sameOrUnstated(draft.quoteCurrencyQuantity, q.quoteQuantity)) throw mismatch(q, `quoteCurrencyQuantity differs from the quote's ${q.quoteQuantity}`);
    if (!sameOrUnstated(draft.limitPrice, q.price)) throw mismatch(q, `limitPrice differs from the quoted price ${q.price}`);
  }

  private arm(q: QuoteRecord): void {
    if (this.memory.openQuote(q.quoteId)) this.expiry.add(q.quoteId, q.expireAt);
  }
}

// Module-level rather than closures in the accept: the build keeps names, so a named closure per call costs a
// property definition each time.
function mismatch(q: QuoteRecord, what: string): DomainError {
  return new DomainError('QUOTE_MISMATCH', `${what} (quote ${q.quoteId})`);
}

/**
 * A restated number: absent, or a decimal equal to the quote's (canonical) text. Compared in exact units when both are
 * on the grid — a client restating the quote's quantity sends it on every accept, and two decimal.js parses cost
 * microseconds — else by Dec.
 */
function sameOrUnstated(v: string | undefined, expected: string): boolean {
  if (v === undefined || v === expected) return true;
  if (typeof v !== 'string') return false;
  return sameUnits(v, expected) ?? (isDecimalString(v) && dec(v).eq(expected));
}

/** A plain decimal text above zero: unsigned, with a digit other than 0. */
function isPositive(text: string): boolean {
  if (text.charCodeAt(0) === 45 /* - */) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 48 && c <= 57) return true;
  }
  return false;
}
