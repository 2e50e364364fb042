/**
 * @module paper/matching/matching-engine
 * A pure matching engine for one instrument: commands in (with the time they happen), events out. No I/O, no clock,
 * no floats: prices in ticks, quantities in lots, quote budgets in tick-lots, fees in BigInt units.
 *
 * Promises:
 * - Price-time priority: a taker matches the best opposite price first and, within a price, the oldest order first.
 *   A triggered stop order takes its time priority at the moment it triggers.
 * - The book never rests crossed: a limit order's marketable part trades before its remainder rests.
 * - Quantity is conserved: every lot of a taker is filled, rests, or is reported cancelled/expired/rejected.
 * - Time only moves through the `now` arguments: GTD/DAY expiries due at or before `now` are processed before a command.
 * - Stops trigger on the last trade price (STOP/STOP_LOSS family on a move through the stop, TAKE_PROFIT family the
 *   other way; TRAILING_STOP when the price retraces `trailingTicks` from its best since acceptance, its moved trigger
 *   reported as `trailed` once per command). A stop that would fire at once on acceptance is rejected, as on Binance.
 *   Triggers cascade until no more fire.
 * - Events for one command are returned in the order they happened.
 */
import {
  endOfUtcDay,
  hasLimitPrice,
  isTriggered,
  stopFires,
  structuralProblem,
  type EngineEvent,
  type FillEvent,
  type StpMode,
  type SubmitOrder,
} from './engine-messages.ts';
import { ExpiryQueue } from './expiry-queue.ts';
import type { FeeSchedule } from './fees.ts';
import { OrderBook, RestingOrder, type Side } from './order-book.ts';
import { StopIndex } from './stop-index.ts';

/** Construction options of a MatchingEngine. */
export interface MatchingEngineOptions {
  fees: FeeSchedule;
  /** Default EXPIRE_MAKER (Binance's default). */
  stpMode?: StpMode;
}

/** New terms of a live order (engine units); `lots` is what remains to fill. */
export interface AmendTerms {
  lots: number;
  priceTicks?: number;
  stopTicks?: number;
  trailingTicks?: number;
}

/** The order currently executing against the book. */
interface Taker {
  id: number;
  owner: number;
  side: Side;
  limit: number | undefined;
  lots: number;
  budget: bigint | undefined;
  stopped: string | undefined;
}

/** The engine of one instrument (see the module notes for its promises). */
export class MatchingEngine {
  readonly book = new OrderBook();
  /** Price of the last trade, in ticks (undefined before the first). */
  lastTradeTicks: number | undefined;
  readonly #fees: FeeSchedule;
  readonly #stp: StpMode;
  readonly #stops = new StopIndex();
  readonly #expiries = new ExpiryQueue();
  #seq = 0;
  #tradeSeq = 0;
  readonly #taker: Taker = { id: 0, owner: 0, side: 'BUY', limit: undefined, lots: 0, budget: undefined, stopped: undefined };

  constructor(options: MatchingEngineOptions) {
    this.#fees = options.fees;
    this.#stp = options.stpMode ?? 'EXPIRE_MAKER';
  }

  /** Number of trades so far (the last `tradeSeq`). */
  get tradeCount(): number {
    return this.#tradeSeq;
  }

  /** Whether an order is live here (resting, or a stop waiting for its trigger). */
  isOpen(id: number): boolean {
    return this.book.orders.has(id) || this.#stops.has(id);
  }

  /** Pending stop orders, oldest first (for inspection and tests). */
  pendingStops(): SubmitOrder[] {
    return [...this.#stops.values()].map((s) => s.order);
  }

  submit(order: SubmitOrder, now: number): EngineEvent[] {
    const events: EngineEvent[] = [];
    if (this.#expiries.peekAt() <= now) this.#expire(now, events);
    const problem = structuralProblem(order, now);
    if (problem) {
      events.push({ type: 'rejected', id: order.id, owner: order.owner, reason: problem });
      return events;
    }
    if (this.isOpen(order.id)) {
      events.push({ type: 'rejected', id: order.id, owner: order.owner, reason: `duplicate order id ${order.id}` });
      return events;
    }
    const expireAt = order.timeInForce === 'GTD' ? order.expireAt! : order.timeInForce === 'DAY' ? endOfUtcDay(now) : 0;

    if (isTriggered(order.type)) {
      const last = this.lastTradeTicks;
      if (order.type !== 'TRAILING_STOP' && last !== undefined && stopFires(order.type, order.side, order.stopTicks!, last)) {
        events.push({ type: 'rejected', id: order.id, owner: order.owner, reason: 'stop order would trigger immediately' });
        return events;
      }
      events.push({ type: 'accepted', id: order.id, owner: order.owner });
      // A trailing stop given a starting trigger trails from there; else from the last trade (and says where).
      const trailFrom = order.type === 'TRAILING_STOP' && order.stopTicks !== undefined ? order.stopTicks + (order.side === 'SELL' ? 1 : -1) * order.trailingTicks! : last;
      this.#stops.add(order, expireAt, trailFrom);
      if (order.type === 'TRAILING_STOP' && order.stopTicks === undefined && last !== undefined) {
        events.push({ type: 'trailed', id: order.id, owner: order.owner, stopTicks: order.side === 'SELL' ? last - order.trailingTicks! : last + order.trailingTicks! });
      }
      if (expireAt) this.#expiries.push(expireAt, order.id);
      return events;
    }

    if ((order.timeInForce === 'GTX' || order.type === 'LIMIT_MAKER') && this.#crosses(order.side, order.priceTicks!)) {
      events.push({ type: 'rejected', id: order.id, owner: order.owner, reason: 'post-only order would immediately match' });
      return events;
    }
    events.push({ type: 'accepted', id: order.id, owner: order.owner });
    this.#execute(order, expireAt, events);
    if (this.#stops.size) this.#runTriggers(events);
    return events;
  }

  /**
   * Cancels a live order: the result holds a `cancelled` event for `id` when it was open (resting or a pending stop),
   * after any expiries due at `now` — which may include `id` itself, reported `expired` instead.
   */
  cancel(id: number, now: number, reason = 'cancelled'): EngineEvent[] {
    const events: EngineEvent[] = [];
    if (this.#expiries.peekAt() <= now) this.#expire(now, events);
    const resting = this.book.orders.get(id);
    if (resting) {
      this.book.remove(resting);
      events.push({ type: 'cancelled', id, owner: resting.owner, reason });
      return events;
    }
    const stop = this.#stops.remove(id);
    if (stop) events.push({ type: 'cancelled', id, owner: stop.order.owner, reason });
    return events;
  }

  /**
   * New terms for a live order, as an exchange amends: a resting order keeps its place in the queue when only its
   * quantity goes down (Binance's keep-priority amend); a new price or a larger quantity takes a new place, and a price
   * that now crosses trades at once (a post-only order is refused instead). A pending stop takes its new terms and
   * keeps its age (a trailing stop its trail). `lots` is what remains to fill.
   * Refused (the order unchanged) with a reason when it is not live or the new terms do not fit.
   */
  amend(id: number, terms: AmendTerms, now: number): { ok: true; events: EngineEvent[] } | { ok: false; reason: string } {
    const events: EngineEvent[] = [];
    if (this.#expiries.peekAt() <= now) this.#expire(now, events);
    if (!Number.isSafeInteger(terms.lots) || terms.lots <= 0) return { ok: false, reason: 'the amended quantity must leave a positive number of lots to fill' };
    const resting = this.book.orders.get(id);
    if (resting) {
      const price = terms.priceTicks ?? resting.priceTicks;
      if (price === resting.priceTicks && terms.lots <= resting.lots) {
        if (terms.lots < resting.lots) this.book.reduce(resting, resting.lots - terms.lots);
        return { ok: true, events };
      }
      if (resting.postOnly && this.#crosses(resting.side, price)) return { ok: false, reason: 'post-only order would immediately match at the new price' };
      this.book.remove(resting);
      const order: SubmitOrder = { id, owner: resting.owner, side: resting.side, type: 'LIMIT', timeInForce: 'GTC', lots: terms.lots, priceTicks: price };
      this.#execute(order, resting.expireAt, events);
      const moved = this.book.orders.get(id);
      if (moved) moved.postOnly = resting.postOnly;
      if (this.#stops.size) this.#runTriggers(events);
      return { ok: true, events };
    }
    const stop = this.#stops.get(id);
    if (!stop) return { ok: false, reason: `order ${id} is not open` };
    const order: SubmitOrder = { ...stop.order, lots: terms.lots };
    if (terms.priceTicks !== undefined) order.priceTicks = terms.priceTicks;
    if (terms.stopTicks !== undefined) order.stopTicks = terms.stopTicks;
    if (terms.trailingTicks !== undefined) order.trailingTicks = terms.trailingTicks;
    const problem = structuralProblem({ ...order, timeInForce: 'GTC' }, now);
    if (problem) return { ok: false, reason: problem };
    const last = this.lastTradeTicks;
    if (order.type !== 'TRAILING_STOP' && last !== undefined && stopFires(order.type, order.side, order.stopTicks!, last)) {
      return { ok: false, reason: 'stop order would trigger immediately at the new stop price' };
    }
    this.#stops.replace(stop, order, order.type === 'TRAILING_STOP' && !Number.isNaN(stop.reference) ? stop.reference : last);
    return { ok: true, events };
  }

  /** Lets time pass: expires GTD/DAY orders due at or before `now`. */
  advanceTime(now: number): EngineEvent[] {
    const events: EngineEvent[] = [];
    if (this.#expiries.peekAt() <= now) this.#expire(now, events);
    return events;
  }

  #crosses(side: Side, priceTicks: number): boolean {
    if (side === 'BUY') {
      const ask = this.book.asks.best();
      return ask !== undefined && ask.priceTicks <= priceTicks;
    }
    const bid = this.book.bids.best();
    return bid !== undefined && bid.priceTicks >= priceTicks;
  }

  /** Runs a (non-stop, or just triggered) order against the book, then rests or expires what is left. */
  #execute(order: SubmitOrder, expireAt: number, events: EngineEvent[]): void {
    const limit = hasLimitPrice(order) ? order.priceTicks : undefined;
    // One reusable taker: executions never nest (triggered stops run after the previous execution has finished).
    const taker = this.#taker;
    taker.id = order.id;
    taker.owner = order.owner;
    taker.side = order.side;
    taker.limit = limit;
    taker.lots = order.lots;
    taker.budget = order.quoteBudget;
    taker.stopped = undefined;
    if (order.timeInForce === 'FOK' && !this.#canFillFully(taker)) {
      events.push({ type: 'expired', id: order.id, owner: order.owner, reason: 'FOK order cannot be filled in full' });
      return;
    }
    const lastFill = this.#match(taker, events);
    if (taker.stopped) {
      events.push({ type: 'expired', id: order.id, owner: order.owner, reason: taker.stopped });
      return;
    }
    if (taker.budget !== undefined) {
      // A quote budget is used up when it cannot buy one more lot at the next acceptable price.
      const best = (taker.side === 'BUY' ? this.book.asks : this.book.bids).best();
      const spent = taker.budget === 0n || (best !== undefined && taker.budget < BigInt(best.priceTicks));
      if (spent && lastFill) lastFill.takerDone = true;
      else if (spent) events.push({ type: 'expired', id: order.id, owner: order.owner, reason: 'quote quantity is less than one lot at the best price' });
      else events.push({ type: 'expired', id: order.id, owner: order.owner, reason: 'no more liquidity for the market order' });
      return;
    }
    if (taker.lots === 0) return;
    const rests = limit !== undefined && order.timeInForce !== 'IOC' && order.timeInForce !== 'FOK';
    if (rests) {
      const resting = new RestingOrder(order.id, order.owner, order.side, limit, taker.lots, ++this.#seq, expireAt);
      resting.postOnly = order.timeInForce === 'GTX' || order.type === 'LIMIT_MAKER';
      this.book.add(resting);
      if (expireAt) this.#expiries.push(expireAt, order.id);
      return;
    }
    const reason = limit === undefined ? 'no more liquidity for the market order' : 'IOC remainder not filled';
    events.push({ type: 'expired', id: order.id, owner: order.owner, reason });
  }

  /**
   * Matches a taker against the opposite side until it is filled (or its budget cannot buy another lot), is out of
   * price range, out of liquidity, or stopped by self-trade prevention. Returns its last fill, if any.
   */
  #match(t: Taker, events: EngineEvent[]): FillEvent | undefined {
    const book = this.book;
    const buying = t.side === 'BUY';
    const opposite = buying ? book.asks : book.bids;
    const makerSide: Side = buying ? 'SELL' : 'BUY';
    const stp = this.#stp;
    const hasStops = this.#stops.size > 0;
    let lastFill: FillEvent | undefined;
    for (;;) {
      const level = opposite.best();
      if (!level) return lastFill;
      const price = level.priceTicks;
      if (t.limit !== undefined && (buying ? price > t.limit : price < t.limit)) return lastFill;
      let maker = level.head;
      while (maker) {
        const next = maker.next;
        if (maker.owner === t.owner && stp !== 'NONE') {
          if (stp === 'EXPIRE_TAKER') {
            t.stopped = 'self-trade prevention (taker expired)';
            return lastFill;
          }
          book.remove(maker);
          events.push({ type: 'expired', id: maker.id, owner: maker.owner, reason: 'self-trade prevention' });
          if (stp === 'EXPIRE_BOTH') {
            t.stopped = 'self-trade prevention (both expired)';
            return lastFill;
          }
          maker = next;
          continue;
        }
        let lots: number;
        if (t.budget !== undefined) {
          const affordable = t.budget / BigInt(price);
          if (affordable === 0n) return lastFill;
          lots = affordable < BigInt(maker.lots) ? Number(affordable) : maker.lots;
          t.budget -= BigInt(lots) * BigInt(price);
        } else {
          lots = maker.lots < t.lots ? maker.lots : t.lots;
          t.lots -= lots;
        }
        book.reduce(maker, lots);
        this.lastTradeTicks = price;
        if (hasStops) this.#stops.observe(price);
        lastFill = {
          type: 'fill',
          tradeSeq: ++this.#tradeSeq,
          priceTicks: price,
          lots,
          takerId: t.id,
          takerOwner: t.owner,
          takerSide: t.side,
          makerId: maker.id,
          makerOwner: maker.owner,
          makerFee: this.#fees.fee(makerSide, true, price, lots),
          takerFee: this.#fees.fee(t.side, false, price, lots),
          makerRemaining: maker.lots,
          takerDone: t.budget === undefined && t.lots === 0,
        };
        events.push(lastFill);
        if (lastFill.takerDone) return lastFill;
        maker = next;
      }
    }
  }

  /** FOK pre-check: is there enough acceptable liquidity (not counting own orders STP would skip) for all lots? */
  #canFillFully(t: Taker): boolean {
    const opposite = t.side === 'BUY' ? this.book.asks : this.book.bids;
    const buying = t.side === 'BUY';
    let need = t.lots;
    for (let i = 0; ; i++) {
      const level = opposite.levelAt(i);
      if (!level) return false;
      if (t.limit !== undefined && (buying ? level.priceTicks > t.limit : level.priceTicks < t.limit)) return false;
      for (let o = level.head; o; o = o.next) {
        if (o.owner === t.owner && this.#stp !== 'NONE') {
          if (this.#stp === 'EXPIRE_MAKER') continue;
          return false;
        }
        need -= o.lots;
        if (need <= 0) return true;
      }
    }
  }

  /**
   * Fires stops whose condition holds at the last trade price, one at a time, until none fires (cascades included);
   * see stop-index.ts for the order among several eligible stops.
   */
  #runTriggers(events: EngineEvent[]): void {
    this.#fireStops(events);
    for (const { stop, stopTicks } of this.#stops.takeMoved()) events.push({ type: 'trailed', id: stop.order.id, owner: stop.order.owner, stopTicks });
  }

  #fireStops(events: EngineEvent[]): void {
    // Terminates: every round removes one pending stop or returns.
    for (;;) {
      const last = this.lastTradeTicks;
      if (last === undefined) return;
      const fired = this.#stops.takeFiring(last);
      if (!fired) return;
      const o = fired.order;
      events.push({ type: 'triggered', id: o.id, owner: o.owner, lastTicks: last });
      const asLimit = hasLimitPrice(o);
      if (asLimit && o.timeInForce === 'GTX' && this.#crosses(o.side, o.priceTicks!)) {
        events.push({ type: 'expired', id: o.id, owner: o.owner, reason: 'post-only order would immediately match' });
        continue;
      }
      this.#execute({ ...o, type: asLimit ? 'LIMIT' : 'MARKET' }, fired.expireAt, events);
    }
  }

  #expire(now: number, events: EngineEvent[]): void {
    const q = this.#expiries;
    while (q.peekAt() <= now) {
      const at = q.peekAt();
      const id = q.pop();
      const resting = this.book.orders.get(id);
      if (resting && resting.expireAt === at) {
        this.book.remove(resting);
        events.push({ type: 'expired', id, owner: resting.owner, reason: 'time in force expired' });
        continue;
      }
      const stop = this.#stops.get(id);
      if (stop && stop.expireAt === at) {
        this.#stops.remove(id);
        events.push({ type: 'expired', id, owner: stop.order.owner, reason: 'time in force expired' });
      }
    }
  }
}
