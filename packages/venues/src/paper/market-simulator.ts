/**
 * @module paper/market-simulator
 * The living market of one PAPER instrument: simulated participants trading through the same matching engine as
 * users. Pure given its seeded RNG and the times passed to `step` — no clock, no timers — so tests can run hours of
 * market in a second and get the same market for the same seed.
 *
 * Participants (engine owners below 1000, never colliding with user accounts):
 * - two market makers quoting layered books around a random-walk fair price (the second wider and deeper); they
 *   requote when the fair price has moved about half a level, and refill levels that were taken;
 * - noise traders placing small GTD limit orders near the fair price (they tighten the spread, then expire);
 * - takers sending market orders of random side and size at Poisson-distributed times.
 * The fair price is a geometric random walk with the instrument's volatility, mildly pulled back to its start price
 * (so hours-long runs stay realistic) and nudged toward the last trade (so a user sweeping the book moves the market).
 */
import type { InstrumentRules } from '@cadenza/domain';
import type { EngineEvent, SubmitOrder } from './matching/engine-messages.ts';
import type { MatchingEngine } from './matching/matching-engine.ts';
import type { MarketCharacter } from './paper-instruments.ts';
import type { SeededRandom } from './seeded-random.ts';

/** How the simulator reaches the engine: through the venue, which routes every event (users may be on the other side). */
export interface SimulatedExchange {
  readonly engine: MatchingEngine;
  submit(order: SubmitOrder): EngineEvent[];
  cancel(id: number): EngineEvent[];
  nextOrderId(): number;
}

/** Engine owners of the simulated participants; user owners start at USER_OWNER_BASE. */
export const SIM_OWNERS = { makerA: 1, makerB: 2, noise: 3, taker: 4 } as const;
/** First engine owner number given to user accounts; everything below belongs to simulated participants. */
export const USER_OWNER_BASE = 1000;

const SECONDS_PER_YEAR = 365 * 24 * 3600;
const LEVELS_A = 20;
const LEVELS_B = 12;
const TAKER_RATE_PER_S = 1.2;
const NOISE_RATE_PER_S = 1.5;
/** Pull-back of the fair price toward its start, per second (half-life ≈ 8 h). */
const REVERSION_PER_S = Math.LN2 / (8 * 3600);
/** Share of the gap between fair price and last trade closed at each step (market impact). */
const IMPACT = 0.3;
/** Cap on simulated arrivals (of each kind) handled in one step. */
const MAX_ARRIVALS_PER_STEP = 20;

interface Quote {
  id: number;
  priceTicks: number;
  lots: number;
}

interface Maker {
  owner: number;
  levels: number;
  /** Extra distance from the fair price, in levels. */
  offsetLevels: number;
  sizeFactor: number;
  bids: Array<Quote | undefined>;
  asks: Array<Quote | undefined>;
  /** Fair price (ticks) the current quotes were built around; NaN before the first quote. */
  quotedAt: number;
}

/** The simulated participants of one instrument (see the module notes). */
export class MarketSimulator {
  /** Fair price in (fractional) ticks: the simulation's intent, never an order price. */
  fair: number;
  readonly #anchor: number;
  readonly #exchange: SimulatedExchange;
  readonly #scale: InstrumentRules;
  readonly #c: MarketCharacter;
  readonly #rng: SeededRandom;
  readonly #tick: number;
  readonly #lot: number;
  readonly #makers: Maker[];
  #lastStep: number | undefined;
  #lastSeenTrade: number | undefined;
  #nextTakerAt = 0;
  #nextNoiseAt = 0;

  constructor(exchange: SimulatedExchange, scale: InstrumentRules, character: MarketCharacter, rng: SeededRandom) {
    this.#exchange = exchange;
    this.#scale = scale;
    this.#c = character;
    this.#rng = rng;
    this.#tick = Number(scale.tickSize);
    this.#lot = Number(scale.lotSize);
    const start = scale.priceToTicks(character.startPrice, 'start price');
    if (!start.ok) throw new Error(`invalid simulated start price: ${start.reason}`);
    this.fair = start.value;
    this.#anchor = start.value;
    const maker = (owner: number, levels: number, offsetLevels: number, sizeFactor: number): Maker => ({
      owner, levels, offsetLevels, sizeFactor, bids: new Array(levels), asks: new Array(levels), quotedAt: NaN,
    });
    this.#makers = [maker(SIM_OWNERS.makerA, LEVELS_A, 0, 1), maker(SIM_OWNERS.makerB, LEVELS_B, 2, 2.5)];
  }

  /** Advances the market to `now` (epoch ms, non-decreasing). The first call only builds the initial book. */
  step(now: number): void {
    if (this.#lastStep === undefined) {
      this.#lastStep = now;
      this.#nextTakerAt = now + this.#rng.exponential(1000 / TAKER_RATE_PER_S);
      this.#nextNoiseAt = now + this.#rng.exponential(1000 / NOISE_RATE_PER_S);
      this.#quote();
      return;
    }
    const dt = (now - this.#lastStep) / 1000;
    if (dt <= 0) return;
    this.#lastStep = now;
    this.#walk(dt);
    this.#quote();
    // After a long pause (a suspended laptop, a stalled loop) the market resumes rather than replaying every missed
    // arrival in one burst: at most MAX_ARRIVALS_PER_STEP of each kind, then the schedule restarts from now.
    for (let n = 0; this.#nextNoiseAt <= now; n++) {
      if (n === MAX_ARRIVALS_PER_STEP) {
        this.#nextNoiseAt = now + this.#rng.exponential(1000 / NOISE_RATE_PER_S);
        break;
      }
      this.#nextNoiseAt += this.#rng.exponential(1000 / NOISE_RATE_PER_S);
      this.#noiseOrder(now);
    }
    for (let n = 0; this.#nextTakerAt <= now; n++) {
      if (n === MAX_ARRIVALS_PER_STEP) {
        this.#nextTakerAt = now + this.#rng.exponential(1000 / TAKER_RATE_PER_S);
        break;
      }
      this.#nextTakerAt += this.#rng.exponential(1000 / TAKER_RATE_PER_S);
      this.#takerOrder();
    }
  }

  #walk(dt: number): void {
    const sigma = this.#c.annualVolatility / Math.sqrt(SECONDS_PER_YEAR);
    const shock = sigma * Math.sqrt(dt) * this.#rng.normal() - 0.5 * sigma * sigma * dt;
    let fair = this.fair * Math.exp(shock);
    fair += (this.#anchor - fair) * Math.min(1, REVERSION_PER_S * dt);
    const last = this.#exchange.engine.lastTradeTicks;
    if (last !== undefined && last !== this.#lastSeenTrade) {
      this.#lastSeenTrade = last;
      fair += (last - fair) * IMPACT;
    }
    this.fair = Math.max(fair, 10);
  }

  /** Distance of each level from the fair price, in ticks. */
  #ticksFromBps(bps: number): number {
    return (this.fair * bps) / 10_000;
  }

  #lotsFor(notional: number, priceTicks: number): number {
    return Math.max(1, Math.floor(notional / (priceTicks * this.#tick) / this.#lot));
  }

  #quote(): void {
    const half = Math.max(0.5, this.#ticksFromBps(this.#c.halfSpreadBps));
    const step = Math.max(1, Math.round(this.#ticksFromBps(this.#c.levelStepBps)));
    for (const m of this.#makers) {
      const drift = Math.abs(this.fair - m.quotedAt);
      const requote = !(drift < Math.max(1, step / 2));
      if (requote) m.quotedAt = this.fair;
      const bidTop = Math.floor(m.quotedAt - half) - m.offsetLevels * step;
      const askTop = Math.ceil(m.quotedAt + half) + m.offsetLevels * step;
      for (let i = 0; i < m.levels; i++) {
        const notional = this.#c.levelNotional * m.sizeFactor * (1 + 0.35 * i);
        this.#keepLevel(m, m.bids, i, 'BUY', bidTop - i * step, notional, requote);
        this.#keepLevel(m, m.asks, i, 'SELL', askTop + i * step, notional, requote);
      }
    }
  }

  /** Leaves a level alone while its order is live at the wanted price and mostly unfilled; otherwise replaces it. */
  #keepLevel(m: Maker, quotes: Array<Quote | undefined>, i: number, side: 'BUY' | 'SELL', priceTicks: number, notional: number, requote: boolean): void {
    if (priceTicks <= 0) return;
    const engine = this.#exchange.engine;
    const q = quotes[i];
    if (q) {
      const resting = engine.book.orders.get(q.id);
      if (resting && !requote && resting.lots * 3 > q.lots) return;
      if (resting && resting.priceTicks === priceTicks && resting.lots * 3 > q.lots) return;
      if (resting) this.#exchange.cancel(q.id);
      quotes[i] = undefined;
    }
    const lots = this.#lotsFor(notional * (0.6 + 0.8 * this.#rng.next()), priceTicks);
    const id = this.#exchange.nextOrderId();
    this.#exchange.submit({ id, owner: m.owner, side, type: 'LIMIT', timeInForce: 'GTC', lots, priceTicks });
    if (engine.book.orders.has(id)) quotes[i] = { id, priceTicks, lots };
  }

  #noiseOrder(now: number): void {
    const side = this.#rng.next() < 0.5 ? 'BUY' : 'SELL';
    const distance = Math.max(0, Math.round(this.#ticksFromBps(this.#rng.exponential(this.#c.halfSpreadBps * 2))));
    const fair = side === 'BUY' ? Math.floor(this.fair) : Math.ceil(this.fair);
    const priceTicks = side === 'BUY' ? fair - distance : fair + distance;
    if (priceTicks <= 0) return;
    const notional = this.#c.levelNotional * 0.15 * Math.exp(0.8 * this.#rng.normal());
    const lifetime = 2000 + this.#rng.exponential(20_000);
    this.#exchange.submit({
      id: this.#exchange.nextOrderId(),
      owner: SIM_OWNERS.noise,
      side,
      type: 'LIMIT',
      timeInForce: 'GTD',
      expireAt: now + Math.round(lifetime),
      lots: this.#lotsFor(notional, priceTicks),
      priceTicks,
    });
  }

  #takerOrder(): void {
    const engine = this.#exchange.engine;
    // Takers lean toward the side the fair price points to, like arbitrageurs following a reference market.
    const bid = engine.book.bestBid();
    const ask = engine.book.bestAsk();
    const mid = bid !== undefined && ask !== undefined ? (bid + ask) / 2 : this.fair;
    const lean = Math.max(-0.3, Math.min(0.3, ((this.fair - mid) / Math.max(1, this.fair)) * 10_000 * 0.1));
    const side = this.#rng.next() < 0.5 + lean ? 'BUY' : 'SELL';
    const reference = (side === 'BUY' ? ask : bid) ?? Math.round(this.fair);
    const notional = this.#c.levelNotional * 0.25 * Math.exp(0.9 * this.#rng.normal());
    this.#exchange.submit({
      id: this.#exchange.nextOrderId(),
      owner: SIM_OWNERS.taker,
      side,
      type: 'MARKET',
      timeInForce: 'IOC',
      lots: this.#lotsFor(notional, reference),
    });
  }

  /** A synthetic price path for the `minutes` before the start (oldest first), ending at the start price: history for
   * klines and the 24 h change. Each minute yields four prices (open, two extremes, close) in ticks. */
  history(minutes: number): number[][] {
    const sigmaMinute = (this.#c.annualVolatility / Math.sqrt(SECONDS_PER_YEAR)) * Math.sqrt(60);
    const closes: number[] = new Array(minutes + 1);
    closes[minutes] = this.#anchor;
    for (let k = minutes; k > 0; k--) closes[k - 1] = closes[k]! * Math.exp(sigmaMinute * this.#rng.normal());
    const out: number[][] = [];
    for (let k = 1; k <= minutes; k++) {
      const open = closes[k - 1]!;
      const close = closes[k]!;
      const wiggle = Math.abs(sigmaMinute * 0.5 * this.#rng.normal());
      const hi = Math.max(open, close) * (1 + wiggle);
      const lo = Math.min(open, close) * (1 - wiggle);
      const path = this.#rng.next() < 0.5 ? [open, hi, lo, close] : [open, lo, hi, close];
      out.push(path.map((p) => Math.max(1, Math.round(p))));
    }
    return out;
  }

  /** Lots the takers typically trade in `seconds` at `priceTicks` (for synthetic history volumes). */
  typicalLots(priceTicks: number, seconds: number): number {
    return this.#lotsFor(TAKER_RATE_PER_S * seconds * this.#c.levelNotional * 0.25 * Math.exp(0.9 * this.#rng.normal()), priceTicks);
  }
}
