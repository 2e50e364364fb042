/**
 * @module paper/paper-market
 * One PAPER instrument at run time: its matching engine, simulated participants, market data, and the bookkeeping
 * that turns engine events into the port's execution events (for user orders only) and market-data notifications.
 *
 * Every engine call goes through `#apply`, so fills between a user and a simulated participant are reported the same
 * whichever side initiated them. Market data is flushed after each outside command (a user order, a cancel, a
 * simulation step): trades as they happen, then one book-changed notice, the changed klines and a ticker — after a
 * user's command only when what a ticker shows moved (a trade, or the best bid or ask: an order resting behind them
 * changes none of it); after a simulation step whenever anything changed, so its 24 h figures follow the clock.
 * The forming bars user commands change are reported once per event-loop turn, after the turn's commands (a closed
 * bar at once, a step's with the step): every trade changes the forming bar of all sixteen intervals, so under load
 * each user trade cost sixteen kline updates that the market-data bridge then conflated to one per second
 * (docs/benchmarks.md, "An order that trades"); a turn's commands now cost sixteen together, each the bar's latest state.
 * A perpetual also reports its mark price and funding settlements after each simulation step (perpetual-feed.ts),
 * and charges both sides' fees in its settle asset.
 */
import { InstrumentRules, dec, formatFixed, type AmendRequest, type BookLevel, type BookSnapshot, type ExecutionEvent, type GridBook, type InstrumentSpec, type KlineUpdate, type VenueDeps, type VenueOrder } from '@cadenza/domain';
import type { EngineEvent, StpMode, SubmitOrder } from './matching/engine-messages.ts';
import { FeeSchedule } from './matching/fees.ts';
import { MatchingEngine, type AmendTerms } from './matching/matching-engine.ts';
import type { BookSide } from './matching/order-book.ts';
import { InstrumentMarketData, type BarChange } from './market-data/instrument-market-data.ts';
import { KLINE_INTERVALS } from '@cadenza/domain';
import { MarketSimulator, type SimulatedExchange } from './market-simulator.ts';
import { OrderTranslator } from './order-translation.ts';
import { PerpetualFeed } from './perpetual-feed.ts';
import type { PaperInstrumentConfig } from './paper-instruments.ts';
import { instrumentSpec } from './paper-instruments.ts';
import type { SeededRandom } from './seeded-random.ts';

/** What all markets of one venue share. */
export interface VenueContext {
  venueId: string;
  deps: VenueDeps;
  /** Venue-wide engine order ids (also the external order ids). */
  nextOrderId(): number;
}

interface UserOrder {
  tradeOrderId: string;
  tradingAccountId: string;
}

/** Per-market settings the venue passes down. */
export interface PaperMarketOptions {
  stpMode: StpMode;
  klineCapacity: number;
  historyMinutes: number;
  /** Perpetuals: time between funding settlements. */
  fundingIntervalMs: number;
}

/** One running PAPER instrument (see the module notes). */
export class PaperMarket implements SimulatedExchange {
  readonly spec: InstrumentSpec;
  readonly scale: InstrumentRules;
  readonly engine: MatchingEngine;
  readonly data: InstrumentMarketData;
  readonly simulator: MarketSimulator;
  /** Perpetuals only. */
  readonly perpetual: PerpetualFeed | undefined;
  readonly #ctx: VenueContext;
  readonly #translator: OrderTranslator;
  readonly #users = new Map<number, UserOrder>();
  readonly #byTradeOrderId = new Map<string, number>();
  #now = 0;
  /** Trade ids go on from here: the start time × 1000, so they keep rising across restarts (the engine counts from 1
   * in every process, and a restored order's new fills must never reuse a trade id its old fills had). */
  readonly #tradeIdBase: number;
  #bookDirty = false;
  #traded = false;
  /** The best bid and ask (ticks, lots; -1 for none) the last ticker showed. */
  readonly #top = [-1, -1, -1, -1];
  readonly #bars = new Map<string, BarChange>();
  /** A trade changed the forming bar of every interval since the last report (then `#bars` is a subset of them). */
  #tradedBars = false;
  /** Set while forming bars changed by user commands wait for the end of the event-loop turn. */
  #barsDue: ReturnType<typeof setImmediate> | undefined;

  constructor(ctx: VenueContext, config: PaperInstrumentConfig, rng: SeededRandom, options: PaperMarketOptions, now: number) {
    this.#ctx = ctx;
    this.spec = instrumentSpec(ctx.venueId, config, options.fundingIntervalMs);
    this.scale = new InstrumentRules(config);
    // The engine books fills in whole base and quote units: every tick-lot must be exact in them.
    if (!this.scale.exactInUnits) throw new Error(`${this.spec.instrumentId}: base/quote precision ${config.basePrecision}/${config.quotePrecision} cannot hold lots of ${config.lotSize} at ticks of ${config.tickSize} exactly`);
    this.engine = new MatchingEngine({ fees: new FeeSchedule(this.scale, this.spec.makerFee, this.spec.takerFee, config.perpetual !== undefined), stpMode: options.stpMode });
    this.data = new InstrumentMarketData(this.spec, this.scale, KLINE_INTERVALS, options.klineCapacity);
    this.#translator = new OrderTranslator(this.spec, this.scale);
    this.simulator = new MarketSimulator(this, this.scale, config.market, rng);
    this.perpetual = config.perpetual ? new PerpetualFeed(this.spec, options.fundingIntervalMs, now) : undefined;
    this.#now = now;
    this.#tradeIdBase = Math.floor(now) * 1000;
    if (options.historyMinutes > 0) this.#loadHistory(now, options.historyMinutes);
    this.simulator.step(now);
    this.#bars.clear();
    this.#tradedBars = false;
    this.#bookDirty = false;
    this.#traded = false;
  }

  // --- SimulatedExchange: the simulator's way in ---

  nextOrderId(): number {
    return this.#ctx.nextOrderId();
  }

  submit(order: SubmitOrder): EngineEvent[] {
    return this.#apply(this.engine.submit(order, this.#now));
  }

  cancel(id: number): EngineEvent[] {
    return this.#apply(this.engine.cancel(id, this.#now));
  }

  // --- commands from the venue ---

  /** Advances the simulation and time-driven expiries to `now`, then publishes what changed. */
  step(now: number): void {
    this.#now = now;
    this.#apply(this.engine.advanceTime(now));
    this.simulator.step(now);
    for (const change of this.data.roll(now)) this.#barChanged(change);
    this.#flush(true);
    if (this.perpetual) this.#reportPerpetual(now);
  }

  /** The perpetual's mark (the simulated fair price on the tick grid) and, at funding times, the settlement. */
  #reportPerpetual(now: number): void {
    const s = this.scale;
    const bid = this.engine.book.bestBid();
    const ask = this.engine.book.bestAsk();
    const mid = bid !== undefined && ask !== undefined ? dec(s.ticksToPrice(bid)).add(s.ticksToPrice(ask)).div(2) : undefined;
    const report = this.perpetual!.step(now, s.ticksToPrice(Math.max(1, Math.round(this.simulator.fair))), mid);
    const market = this.#ctx.deps.market;
    if (report.mark && market.onMarkPrice) this.#safely('market', () => market.onMarkPrice!(report.mark!));
    if (report.funding && market.onFunding) this.#safely('market', () => market.onFunding!(report.funding!));
  }

  submitUser(order: VenueOrder, owner: number, now: number): void {
    this.#now = now;
    if (this.#byTradeOrderId.has(order.tradeOrderId)) {
      this.#emit({ type: 'rejected', tradeOrderId: order.tradeOrderId, tradingAccountId: order.tradingAccountId, reason: `order ${order.tradeOrderId} is already open on ${this.spec.venue}`, timestamp: now });
      return;
    }
    const id = this.#ctx.nextOrderId();
    const translated = this.#translator.translate(order, id, owner, {
      bestBid: this.engine.book.bestBid(),
      bestAsk: this.engine.book.bestAsk(),
      last: this.engine.lastTradeTicks,
    });
    if (!translated.ok) {
      this.#emit({ type: 'rejected', tradeOrderId: order.tradeOrderId, tradingAccountId: order.tradingAccountId, reason: translated.reason, timestamp: now });
      return;
    }
    this.#users.set(id, { tradeOrderId: order.tradeOrderId, tradingAccountId: order.tradingAccountId });
    this.#byTradeOrderId.set(order.tradeOrderId, id);
    this.#apply(this.engine.submit(translated.order, now));
    this.#flush(false);
  }

  /** Cancels a user order of `tradingAccountId`; false when no such order is open here (unknown, filled, closed). */
  cancelUser(tradeOrderId: string, externalOrderId: string | undefined, tradingAccountId: string, now: number): boolean {
    this.#now = now;
    const id = this.#byTradeOrderId.get(tradeOrderId) ?? (externalOrderId !== undefined ? Number(externalOrderId) : NaN);
    if (this.#users.get(id)?.tradingAccountId !== tradingAccountId) return false;
    const events = this.#apply(this.engine.cancel(id, now, 'cancelled by user'));
    this.#flush(false);
    return events.some((e) => (e.type === 'cancelled' || e.type === 'expired') && e.id === id);
  }

  /** Amends a user order of the request's account; the venue's reason when it refuses (the order then unchanged). */
  amendUser(request: AmendRequest, now: number): string | undefined {
    this.#now = now;
    const id = this.#byTradeOrderId.get(request.tradeOrderId) ?? (request.externalOrderId !== undefined ? Number(request.externalOrderId) : NaN);
    if (this.#users.get(id)?.tradingAccountId !== request.tradingAccountId) return `order ${request.tradeOrderId} is not open on ${this.spec.venue}`;
    const s = this.scale;
    const lots = s.quantityToLots(request.quantity, 'quantity');
    if (!lots.ok) return lots.reason;
    const terms: AmendTerms = { lots: lots.value };
    for (const [field, value, name] of [['priceTicks', request.limitPrice, 'price'], ['stopTicks', request.stopPrice, 'stop price'], ['trailingTicks', request.trailingDelta, 'trailing delta']] as const) {
      if (value === undefined) continue;
      const ticks = s.priceToTicks(value, name);
      if (!ticks.ok) return ticks.reason;
      terms[field] = ticks.value;
    }
    const r = this.engine.amend(id, terms, now);
    if (!r.ok) return r.reason;
    this.#apply(r.events);
    this.#bookDirty = true;
    this.#flush(false);
    return undefined;
  }

  book(depth: number, now: number): BookSnapshot {
    const book = this.engine.book;
    return { instrumentId: this.spec.instrumentId, venue: this.spec.venue, symbol: this.spec.symbol, bids: this.#levels(book.bids, depth), asks: this.#levels(book.asks, depth), timestamp: now };
  }

  /** `Venue.readGridBook`: the engine's own counts, nothing formatted. */
  readGrid(side: 'bids' | 'asks', depth: number, into: GridBook): void {
    const book = this.engine.book;
    const levels = side === 'bids' ? book.bids : book.asks;
    const n = Math.min(Math.max(0, Math.floor(depth)), levels.depth);
    for (let i = 0; i < n; i++) {
      const l = levels.levelAt(i)!;
      into.ticks[i] = l.priceTicks;
      into.lots[i] = l.lots;
    }
    into.count = n;
    into.tickSize = this.spec.tickSize;
    into.lotSize = this.spec.lotSize;
    into.bestBid = book.bids.best()?.priceTicks;
    into.bestAsk = book.asks.best()?.priceTicks;
  }

  // A method rather than a closure in `book`: the build keeps names, so a named closure per call costs a property
  // definition each time, and every book read (market data, MARKET orders, the OTC pricer's fallback) made two.
  #levels(side: BookSide, depth: number): BookLevel[] {
    const out: BookLevel[] = [];
    const n = Math.min(Math.max(0, Math.floor(depth)), side.depth);
    for (let i = 0; i < n; i++) {
      const l = side.levelAt(i)!;
      out.push({ price: this.data.prices.price(l.priceTicks), quantity: this.data.prices.quantity(l.lots), orderCount: l.count });
    }
    return out;
  }

  klines(interval: string, limit: number, now: number): KlineUpdate[] | undefined {
    return this.data.klines(interval, limit, now);
  }

  // --- event routing ---

  #apply(events: EngineEvent[]): EngineEvent[] {
    const ts = this.#now;
    for (const e of events) {
      switch (e.type) {
        case 'accepted': {
          this.#bookDirty = true;
          const u = this.#users.get(e.id);
          if (u) this.#emit({ type: 'accepted', tradeOrderId: u.tradeOrderId, tradingAccountId: u.tradingAccountId, externalOrderId: String(e.id), timestamp: ts });
          break;
        }
        case 'fill':
          this.#fill(e, ts);
          break;
        case 'cancelled':
        case 'expired':
        case 'rejected': {
          this.#bookDirty = true;
          const u = this.#users.get(e.id);
          if (u) {
            this.#emit({ type: e.type, tradeOrderId: u.tradeOrderId, tradingAccountId: u.tradingAccountId, externalOrderId: String(e.id), reason: e.reason, timestamp: ts });
            this.#forget(e.id, u);
          }
          break;
        }
        case 'trailed': {
          const u = this.#users.get(e.id);
          if (u) this.#emit({ type: 'trailed', tradeOrderId: u.tradeOrderId, tradingAccountId: u.tradingAccountId, externalOrderId: String(e.id), stopPrice: this.scale.ticksToPrice(e.stopTicks), timestamp: ts });
          break;
        }
        case 'triggered':
          break;
      }
    }
    return events;
  }

  #fill(f: Extract<EngineEvent, { type: 'fill' }>, ts: number): void {
    this.#bookDirty = true;
    this.#traded = true;
    const spec = this.spec;
    const price = this.data.prices.price(f.priceTicks);
    const quantity = this.data.prices.quantity(f.lots);
    const tradeId = `${spec.externalSymbol}-${this.#tradeIdBase + f.tradeSeq}`;
    const trade = { instrumentId: spec.instrumentId, venue: spec.venue, symbol: spec.symbol, tradeId, price, quantity, side: f.takerSide, timestamp: ts };
    this.#safely('market', () => this.#ctx.deps.market.onTrade(trade));
    for (const change of this.data.recordTrade(ts, f.priceTicks, f.lots)) this.#barChanged(change);
    this.#tradedBars = true;
    this.#report(f.makerId, f.takerSide === 'BUY' ? 'SELL' : 'BUY', f.makerFee, 'MAKER', f.makerRemaining === 0, trade);
    this.#report(f.takerId, f.takerSide, f.takerFee, 'TAKER', f.takerDone, trade);
  }

  /** One side of a fill, to its owner when that is a user order. */
  #report(id: number, side: 'BUY' | 'SELL', fee: bigint, liquidity: 'MAKER' | 'TAKER', final: boolean, t: { tradeId: string; price: string; quantity: string; timestamp: number }): void {
    const u = this.#users.get(id);
    if (!u) return;
    const s = this.scale;
    const inBase = side === 'BUY' && !this.perpetual;
    this.#emit({
      type: 'filled',
      tradeOrderId: u.tradeOrderId,
      tradingAccountId: u.tradingAccountId,
      externalOrderId: String(id),
      tradeId: t.tradeId,
      price: t.price,
      quantity: t.quantity,
      fee: formatFixed(fee, inBase ? s.basePrecision : s.quotePrecision),
      feeAsset: inBase ? this.spec.baseAsset : this.spec.quoteAsset,
      liquidity,
      final,
      timestamp: t.timestamp,
    });
    if (final) this.#forget(id, u);
  }

  #forget(id: number, u: UserOrder): void {
    this.#users.delete(id);
    this.#byTradeOrderId.delete(u.tradeOrderId);
  }

  #emit(event: ExecutionEvent): void {
    this.#safely('execution', () => this.#ctx.deps.execution.onExecution(event));
  }

  /**
   * Sinks must not throw; if one does anyway (a bug downstream), it is logged and the remaining events of the
   * command are still delivered — the engine has already changed, so stopping half-way would lose reports.
   */
  #safely(sink: string, call: () => void): void {
    try {
      call();
    } catch (err) {
      this.#ctx.deps.log.error({ err, venue: this.spec.venue, symbol: this.spec.symbol }, `${sink} sink threw`);
    }
  }

  #barChanged(change: BarChange): void {
    if (change.isClosed) {
      const k = this.data.klineUpdate(change, this.#now);
      this.#safely('market', () => this.#ctx.deps.market.onKline(k));
    } else this.#bars.set(change.interval, change);
  }

  /** `always`: a ticker whenever anything changed (a simulation step); else only when what it shows moved. */
  #flush(always: boolean): void {
    const market = this.#ctx.deps.market;
    const now = this.#now;
    if (this.#bars.size > 0 || this.#tradedBars) {
      if (always) this.#reportBars();
      else this.#barsDue ??= setImmediate(() => this.#reportBars());
    }
    if (this.#bookDirty || this.#traded) {
      if (this.#bookDirty) this.#safely('market', () => market.onBookChanged(this.spec.venue, this.spec.symbol));
      if (this.#topMoved() || always || this.#traded) {
        const ticker = this.data.ticker(this.engine.book, now);
        this.#safely('market', () => market.onTicker(ticker));
      }
    }
    this.#bookDirty = false;
    this.#traded = false;
  }

  /** Reports the forming bars changed since the last report, each in its latest state. */
  #reportBars(): void {
    if (this.#barsDue !== undefined) {
      clearImmediate(this.#barsDue);
      this.#barsDue = undefined;
    }
    const market = this.#ctx.deps.market;
    const updates = this.#tradedBars ? this.data.formingUpdates(this.#now) : [...this.#bars.values()].map((change) => this.data.klineUpdate(change, this.#now));
    for (const k of updates) this.#safely('market', () => market.onKline(k));
    this.#bars.clear();
    this.#tradedBars = false;
  }

  /** Reports what waits for the end of the turn now (the venue stops). */
  stop(): void {
    if (this.#barsDue !== undefined) this.#reportBars();
  }

  /** Whether the best bid or ask differs from what the last look saw (and remembers what it sees now). */
  #topMoved(): boolean {
    const bid = this.engine.book.bids.best();
    const ask = this.engine.book.asks.best();
    const t = this.#top;
    const now0 = bid ? bid.priceTicks : -1;
    const now1 = bid ? bid.lots : -1;
    const now2 = ask ? ask.priceTicks : -1;
    const now3 = ask ? ask.lots : -1;
    if (t[0] === now0 && t[1] === now1 && t[2] === now2 && t[3] === now3) return false;
    t[0] = now0;
    t[1] = now1;
    t[2] = now2;
    t[3] = now3;
    return true;
  }

  /** Feeds a synthetic past into the klines and 24 h statistics (no notifications, no engine orders). */
  #loadHistory(now: number, minutes: number): void {
    const startMinute = Math.floor(now / 60_000) * 60_000 - minutes * 60_000;
    const path = this.simulator.history(minutes);
    for (let k = 0; k < path.length; k++) {
      const prices = path[k]!;
      for (let j = 0; j < prices.length; j++) {
        const p = prices[j]!;
        this.data.recordPastTrade(startMinute + k * 60_000 + j * 15_000, p, this.simulator.typicalLots(p, 15), now);
      }
    }
  }
}
