/**
 * @module otc/hedger
 * Keeps each dealer flat. Every client trade moves the dealer's exposure in the pair (booked in the trade's own unit
 * of work); once it commits and the client has its answer, the hedger sends the opposite order — a normal MARKET
 * order, in whole lots — to one of the dealer's linked exchange accounts, and books what it filled back on the
 * exposure once it is closed. A dealer's passes are `hedgeIntervalMs` apart at least: the first trade after a quiet
 * spell is hedged at once, the trades of a burst net into one order per interval.
 * A residue below one lot (or below the venue's minimum) stays open: that is "flat within one lot".
 *
 * Promises:
 * - A hedge is recorded (PENDING, its quantity counted as in flight) before its order is sent, and the order's
 *   idempotencyKey is `fermata-hedge-{hedgeId}`: after a crash, `start()` sends every PENDING hedge again, and the
 *   order desk answers the order that landed instead of placing a second one.
 * - A pass decides and records synchronously, so two passes never hedge the same exposure twice.
 * - A hedge that cannot be placed (no linked venue lists the pair, the venue refuses, the account lacks funds) leaves
 *   the exposure open; the dealer is tried again after `hedgeRetryMs`, doubling up to 5 minutes, and RFQs that
 *   would take it over its risk threshold are rejected meanwhile. Pausing a dealer stops quoting, not hedging.
 */
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { CallerContext } from '../model/caller.ts';
import { ZERO, dec, str, type Dec } from '../model/decimal.ts';
import type { Dealer, Exposure, Hedge } from '../model/fermata.ts';
import type { Order } from '../model/order.ts';
import type { SubmitOrderRequest } from '../orders/order-desk.ts';
import { isTerminal } from '../orders/status-machine.ts';
import { hedgeFor } from './exposure.ts';
import { HeldExposure, NO_EXPOSURE } from './exposure-units.ts';
import { units } from './pricing-units.ts';
import { walkForBase } from './pricing.ts';
import type { DealerRegistry } from './dealer-registry.ts';
import type { HedgeVenue, HedgeVenues } from './hedge-venues.ts';

export interface HedgerDeps {
  dealers: DealerRegistry;
  venues: HedgeVenues;
  submit(caller: CallerContext, req: SubmitOrderRequest): Promise<Order>;
}

const MAX_RETRY_MS = 300_000;
/** The exposure of a dealer that has none (every RFQ's risk check asks). */
const NONE: ReadonlyMap<string, HeldExposure> = new Map();

export class Hedger {
  /** dealer → pair → net base position from client trades and filled hedges. */
  private readonly exposures = new Map<string, Map<string, HeldExposure>>();
  /** dealer → pair → signed quantity of hedges sent and not yet closed. */
  private readonly inFlight = new Map<string, Map<string, Dec>>();
  private readonly pending = new Map<string, Hedge>();
  private readonly scheduled = new Set<string>();
  private readonly retries = new Map<string, { timer: ReturnType<typeof setTimeout>; delayMs: number }>();
  private readonly running = new Set<Promise<void>>();
  /** When each dealer's last pass ran (`poke` spaces them by `hedgeIntervalMs`). */
  private readonly lastPass = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly ctx: DomainContext,
    private readonly deps: HedgerDeps,
  ) {}

  async load(): Promise<void> {
    const [exposures, hedges] = await Promise.all([this.ctx.store.otc.loadExposures(), this.ctx.store.otc.loadPendingHedges()]);
    for (const e of exposures) pairMap(this.exposures, e.dealerAccountId).set(e.symbol, HeldExposure.ofDec(dec(e.quantity)));
    for (const h of hedges) {
      this.pending.set(h.hedgeId, h);
      const m = pairMap(this.inFlight, h.dealerAccountId);
      m.set(h.symbol, (m.get(h.symbol) ?? ZERO).add(signed(h.side, dec(h.quantity))));
    }
  }

  /** Sends the hedges a crash left PENDING again (idempotently), and hedges what is still open. */
  start(): void {
    for (const h of this.pending.values()) this.track(this.send(h));
    for (const dealerId of this.exposures.keys()) this.poke(dealerId);
  }

  stop(): void {
    this.stopped = true;
    for (const r of this.retries.values()) clearTimeout(r.timer);
    this.retries.clear();
  }

  /** Resolves once no hedge is being sent or settled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size || this.scheduled.size) await Promise.all([...this.running, new Promise((r) => setImmediate(r))]);
  }

  /** The dealer's exposure per pair (net of filled hedges; in-flight hedges not counted). */
  exposureOf(dealerAccountId: string): ReadonlyMap<string, HeldExposure> {
    return this.exposures.get(dealerAccountId) ?? NONE;
  }

  /** No hedge in flight, and every pair within one lot of flat where it can be hedged (exactly flat where not). */
  isFlat(dealer: Dealer): boolean {
    for (const q of this.inFlight.get(dealer.dealerAccountId)?.values() ?? []) if (!q.isZero()) return false;
    for (const [symbol, held] of this.exposureOf(dealer.dealerAccountId)) {
      const q = held.value;
      if (q.isZero()) continue;
      const where = this.deps.venues.for(dealer, symbol)[0];
      if (!where || hedgeFor(q, dec(where.spec.lotSize), dec(where.spec.minQuantity))) return false;
    }
    return true;
  }

  /** Books a client trade on the dealer's exposure (`delta` in base units, the dealer's side), in the caller's unit. */
  onClientTrade(dealerAccountId: string, symbol: string, delta: Dec): void {
    this.setExposure(dealerAccountId, symbol, HeldExposure.ofDec((this.exposureOf(dealerAccountId).get(symbol) ?? NO_EXPOSURE).value.add(delta)));
  }

  /**
   * `onClientTrade` of an accepted quote: the dealer's side and the quote's quantity (a canonical decimal). In integers
   * while the exposure is on the 10^-18 grid — the same value and text as Dec's sum (exact: well within its 40 digits),
   * without decimal.js's add, negation and two texts of the sum (this row's and the next risk check's, ~3 µs an accept).
   * `at`: the trade's time (the exposure row's).
   */
  onQuotedTrade(dealerAccountId: string, symbol: string, side: 'BUY' | 'SELL', quantity: string, at: number): void {
    const held = this.exposureOf(dealerAccountId).get(symbol) ?? NO_EXPOSURE;
    const before = held.inUnits;
    const q = units(quantity);
    if (before === null || q === undefined) {
      this.setExposure(dealerAccountId, symbol, HeldExposure.ofDec(held.value.add(signed(side, dec(quantity)))), at);
      return;
    }
    this.setExposure(dealerAccountId, symbol, HeldExposure.ofUnits(side === 'BUY' ? before + q : before - q), at);
  }

  /**
   * Hedges the dealer soon; one pass at a time is queued per dealer. The pass waits for the commit of the change that
   * moved the exposure, and then for the answers that waited on that commit to go out (they are written on the
   * next turn of the event loop): the hedge is the dealer's business, never on a client's reply path. Passes of a
   * dealer are `hedgeIntervalMs` apart at least, so the trades of a burst net into one hedge.
   */
  poke(dealerAccountId: string): void {
    if (this.stopped || this.scheduled.has(dealerAccountId)) return;
    this.scheduled.add(dealerAccountId);
    const run = () => {
      this.scheduled.delete(dealerAccountId);
      if (!this.stopped) this.pass(dealerAccountId);
    };
    const wait = (this.lastPass.get(dealerAccountId) ?? -Infinity) + this.ctx.config.hedgeIntervalMs - this.ctx.clock.now();
    void this.ctx.durable().then(() => {
      if (wait > 0) setTimeout(run, wait).unref?.();
      else setImmediate(() => setImmediate(run));
    });
  }

  /** Decides and records every hedge the dealer needs now, then sends them. */
  private pass(dealerAccountId: string): void {
    const dealer = this.deps.dealers.find(dealerAccountId);
    if (!dealer) return;
    this.lastPass.set(dealerAccountId, this.ctx.clock.now());
    let unhedged = false;
    for (const [symbol, exposure] of this.exposureOf(dealerAccountId)) {
      const net = exposure.value.add(this.inFlight.get(dealerAccountId)?.get(symbol) ?? ZERO);
      if (net.isZero()) continue;
      const where = this.pick(dealer, symbol, net);
      if (!where) {
        unhedged = true;
        continue;
      }
      const order = hedgeFor(net, dec(where.spec.lotSize), dec(where.spec.minQuantity));
      if (!order) continue;
      const now = this.ctx.clock.now();
      const hedge: Hedge = {
        hedgeId: this.ctx.ids.uuid(),
        dealerAccountId,
        tradingAccountId: where.account.tradingAccountId,
        instrumentId: where.spec.instrumentId,
        symbol,
        side: order.side,
        quantity: str(order.quantity),
        status: 'PENDING',
        createdAt: now,
        updatedAt: now,
      };
      this.ctx.unit.run(() => {
        this.ctx.store.otc.insertHedge(hedge);
        this.setPending(hedge);
        this.addInFlight(dealerAccountId, symbol, signed(hedge.side, order.quantity));
      });
      this.track(this.send(hedge));
    }
    if (unhedged) this.retryLater(dealerAccountId);
  }

  /** The linked venue whose book fills the hedge best (the first listed when none shows the depth). */
  private pick(dealer: Dealer, symbol: string, net: Dec): HedgeVenue | undefined {
    const candidates = this.deps.venues.for(dealer, symbol);
    // One venue (or none) is the answer whatever its book shows: no book read and walk to rank it against nothing.
    if (candidates.length <= 1) return candidates[0];
    let best: { where: HedgeVenue; cost: Dec } | undefined;
    for (const where of candidates) {
      const book = where.venue.getBook(symbol, this.ctx.config.otcBookDepth);
      if (!book) continue;
      const w = walkForBase(net.isNeg() ? book.asks : book.bids, net.abs());
      if (!w.complete) continue;
      // Buying back a short: cheapest wins; selling a long: the best proceeds win.
      if (!best || (net.isNeg() ? w.cost.lt(best.cost) : w.cost.gt(best.cost))) best = { where, cost: w.cost };
    }
    return best?.where ?? candidates[0];
  }

  private async send(hedge: Hedge): Promise<void> {
    const dealer = this.deps.dealers.find(hedge.dealerAccountId);
    if (!dealer) return;
    const owner: CallerContext = { userId: dealer.userId, isAdmin: false };
    let order: Order | undefined;
    try {
      order = await this.deps.submit(owner, {
        tradingAccountId: hedge.tradingAccountId,
        tradeOrder: { instrumentId: hedge.instrumentId, orderSide: hedge.side, orderType: 'MARKET', quantity: hedge.quantity },
        idempotencyKey: `fermata-hedge-${hedge.hedgeId}`,
        awaitClosed: true,
      });
    } catch (err) {
      if (!(err instanceof DomainError)) {
        this.ctx.log.error({ err, hedgeId: hedge.hedgeId }, 'hedge order failed; trying again later');
        this.retryLater(hedge.dealerAccountId, hedge);
        return;
      }
      // Refused before it was placed (no funds, account not active, no liquidity…): nothing traded.
      this.ctx.log.warn({ err, hedgeId: hedge.hedgeId, dealerAccountId: hedge.dealerAccountId }, 'hedge order refused; the exposure stays open');
    }
    if (this.stopped) return;
    if (order && !isTerminal(order.status)) {
      this.retryLater(hedge.dealerAccountId, hedge);
      return;
    }
    this.settle(hedge, order);
  }

  /** Books a closed hedge: what it filled leaves the exposure, what it did not is hedged again. */
  private settle(hedge: Hedge, order: Order | undefined): void {
    const current = this.pending.get(hedge.hedgeId);
    if (!current) return;
    const executed = order ? dec(order.executedQuantity) : ZERO;
    const done: Hedge = { ...current, status: 'DONE', executedQuantity: str(executed), updatedAt: this.ctx.clock.now() };
    if (order) done.tradeOrderId = order.tradeOrderId;
    this.ctx.unit.run(() => {
      this.ctx.store.otc.updateHedge(done);
      this.setPending(done);
      this.addInFlight(hedge.dealerAccountId, hedge.symbol, signed(hedge.side, dec(hedge.quantity)).neg());
      if (executed.gt(0)) this.onClientTrade(hedge.dealerAccountId, hedge.symbol, signed(hedge.side, executed));
    });
    if (executed.lt(hedge.quantity)) this.retryLater(hedge.dealerAccountId);
    else {
      this.clearRetry(hedge.dealerAccountId);
      // Trades booked while this hedge was out are hedged next (a pass for nothing would only wait its interval).
      if (this.unhedged(hedge.dealerAccountId)) this.poke(hedge.dealerAccountId);
    }
  }

  /** Some pair of the dealer is off flat, counting the hedges in flight. */
  private unhedged(dealerAccountId: string): boolean {
    const inFlight = this.inFlight.get(dealerAccountId);
    for (const [symbol, q] of this.exposureOf(dealerAccountId)) if (!q.value.add(inFlight?.get(symbol) ?? ZERO).isZero()) return true;
    return false;
  }

  /** Tries the dealer (or one unsettled hedge) again after a growing delay. */
  private retryLater(dealerAccountId: string, hedge?: Hedge): void {
    if (this.stopped) return;
    const key = hedge ? `${dealerAccountId}\u0001${hedge.hedgeId}` : dealerAccountId;
    const prev = this.retries.get(key);
    if (prev) clearTimeout(prev.timer);
    const delayMs = prev ? Math.min(prev.delayMs * 2, MAX_RETRY_MS) : this.ctx.config.hedgeRetryMs;
    const timer = setTimeout(() => {
      this.retries.delete(key);
      if (this.stopped) return;
      if (hedge) this.track(this.send(this.pending.get(hedge.hedgeId) ?? hedge));
      else this.pass(dealerAccountId);
    }, delayMs);
    timer.unref?.();
    this.retries.set(key, { timer, delayMs });
  }

  private clearRetry(dealerAccountId: string): void {
    const r = this.retries.get(dealerAccountId);
    if (r) clearTimeout(r.timer);
    this.retries.delete(dealerAccountId);
  }

  private track(p: Promise<void>): void {
    const q = p.catch((err: unknown) => this.ctx.log.error({ err }, 'hedger failed')).finally(() => this.running.delete(q));
    this.running.add(q);
  }

  private setPending(h: Hedge): void {
    const before = this.pending.get(h.hedgeId);
    if (h.status === 'PENDING') this.pending.set(h.hedgeId, h);
    else this.pending.delete(h.hedgeId);
    this.ctx.unit.onUndo(() => (before ? this.pending.set(h.hedgeId, before) : this.pending.delete(h.hedgeId)));
  }

  private addInFlight(dealerAccountId: string, symbol: string, delta: Dec): void {
    const m = pairMap(this.inFlight, dealerAccountId);
    const before = m.get(symbol);
    m.set(symbol, (before ?? ZERO).add(delta));
    this.ctx.unit.onUndo(() => (before === undefined ? m.delete(symbol) : m.set(symbol, before)));
  }

  /** `at`: the change's time, when the caller has read it. */
  private setExposure(dealerAccountId: string, symbol: string, quantity: HeldExposure, at = this.ctx.clock.now()): void {
    const m = pairMap(this.exposures, dealerAccountId);
    const before = m.get(symbol);
    m.set(symbol, quantity);
    const row: Exposure = { dealerAccountId, symbol, quantity: quantity.text, updatedAt: at };
    this.ctx.store.otc.upsertExposure(row);
    this.ctx.unit.onUndo(() => (before === undefined ? m.delete(symbol) : m.set(symbol, before)));
  }
}

function pairMap<V>(m: Map<string, Map<string, V>>, dealerAccountId: string): Map<string, V> {
  let inner = m.get(dealerAccountId);
  if (!inner) m.set(dealerAccountId, (inner = new Map()));
  return inner;
}

const signed = (side: 'BUY' | 'SELL', q: Dec): Dec => (side === 'BUY' ? q : q.neg());
