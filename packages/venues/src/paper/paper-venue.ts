/**
 * @module paper/paper-venue
 * The PAPER venue: a real exchange in-process. One matching engine per instrument, with a seeded simulated market
 * trading through it, so user orders meet simulated liquidity exactly as on an exchange.
 *
 * Promises:
 * - Execution events (accepted → filled* → cancelled/expired, or rejected) are reported for user orders only, and
 *   synchronously inside `submitOrder`/`cancelOrder` or inside a simulation step; fills carry exact decimal
 *   price/quantity/fee strings (see fees.ts for the fee rule) and `final: true` on the fill that completes an order.
 * - Market data comes from the engines' own events: trades as they happen; `onBookChanged` and a ticker after each
 *   command or step that changed something; the forming klines after each step, and once per event-loop turn for the
 *   user commands of that turn (paper-market.ts). Every stream of every instrument is always fed (PAPER markets run
 *   always); `subscribeMarket` only checks the request.
 * - The same seed, instrument list and sequence of times/commands produce the same market (tests drive `step`).
 * - Time comes from `deps.clock`; the only timers are the optional lively loop (`lively: true`, started by `start()`)
 *   and the end-of-turn report of forming klines (an immediate, reported at once by `stop()`).
 * - Perpetuals ('BTC-PERP') report a mark price after each step that moved it and a funding settlement at each
 *   funding time (`fundingIntervalMs`), to the market sink; their positions and margin are the domain's.
 */
import type {
  AmendRequest,
  BookSnapshot,
  CancelRequest,
  GridBook,
  InstrumentSpec,
  KlineUpdate,
  MarketStreamKey,
  TickerSnapshot,
  Venue,
  VenueAccount,
  VenueCapabilities,
  VenueDeps,
  VenueOrder,
} from '@cadenza/domain';
import type { StpMode } from './matching/engine-messages.ts';
import { USER_OWNER_BASE } from './market-simulator.ts';
import { DEFAULT_FUNDING_INTERVAL_MS, PAPER_INSTRUMENTS, paperSymbol, type PaperInstrumentConfig } from './paper-instruments.ts';
import { PaperMarket } from './paper-market.ts';
import { PaperVenueError } from './paper-venue-error.ts';
import { SeededRandom, hashString } from './seeded-random.ts';

/** Options of createPaperVenue; every field has a default. */
export interface PaperVenueOptions {
  /** Venue id as listed in the contract's `Venue` enum. Default 'PAPER'. */
  venueId?: string;
  /** Seed of the simulated market. Default 1. */
  seed?: number;
  /** Instruments: configs, or symbols ('BTC/USDT', 'BTC-PERP') picked from the built-in catalogue. Default: the whole catalogue. */
  instruments?: ReadonlyArray<PaperInstrumentConfig | string>;
  /** Simulation step period of the lively loop. Default 250 ms. */
  tickIntervalMs?: number;
  /** Run the simulation on a timer after `start()`. Default true. When false the market only moves in `step()`. */
  lively?: boolean;
  /** Minutes of synthetic price history loaded at construction (klines, 24 h change). Default 1440; 0 for none. */
  historyMinutes?: number;
  /** Bars kept per instrument and interval. Default 500. */
  klineCapacity?: number;
  /** Self-trade prevention. Default EXPIRE_MAKER. */
  stpMode?: StpMode;
  /** Perpetuals: time between funding settlements. Default 8 h. */
  fundingIntervalMs?: number;
}

/** The PAPER venue (see the module notes for its promises). */
export class PaperVenue implements Venue {
  readonly id: string;
  readonly capabilities: VenueCapabilities = { ledger: 'domain', requiresCredential: false, marketData: true, trading: true };
  readonly #deps: VenueDeps;
  readonly #markets = new Map<string, PaperMarket>();
  readonly #owners = new Map<string, number>();
  readonly #tickIntervalMs: number;
  readonly #lively: boolean;
  #nextOrderId = 1;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(deps: VenueDeps, options: PaperVenueOptions = {}) {
    this.#deps = deps;
    this.id = options.venueId ?? 'PAPER';
    this.#tickIntervalMs = options.tickIntervalMs ?? 250;
    this.#lively = options.lively ?? true;
    const seed = options.seed ?? 1;
    const now = deps.clock.now();
    const ctx = { venueId: this.id, deps, nextOrderId: () => this.#nextOrderId++ };
    const marketOptions = { stpMode: options.stpMode ?? 'EXPIRE_MAKER', klineCapacity: options.klineCapacity ?? 500, historyMinutes: options.historyMinutes ?? 1440, fundingIntervalMs: options.fundingIntervalMs ?? DEFAULT_FUNDING_INTERVAL_MS } as const;
    for (const config of resolveInstruments(options.instruments)) {
      const symbol = paperSymbol(config);
      if (this.#markets.has(symbol)) throw new Error(`instrument ${symbol} listed twice`);
      const rng = new SeededRandom(seed).fork(hashString(symbol));
      this.#markets.set(symbol, new PaperMarket(ctx, config, rng, marketOptions, now));
    }
  }

  async start(): Promise<void> {
    if (!this.#lively || this.#timer) return;
    this.#timer = setInterval(() => this.step(), this.#tickIntervalMs);
    this.#timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    for (const m of this.#markets.values()) m.stop();
  }

  /**
   * Advances every market to `now` (default: the clock): expiries, simulated participants, bar closes. The lively
   * loop calls it; tests call it to run the market accelerated. A failing market is logged, never thrown.
   */
  step(now: number = this.#deps.clock.now()): void {
    for (const m of this.#markets.values()) {
      try {
        m.step(now);
      } catch (err) {
        this.#deps.log.error({ err, venue: this.id, symbol: m.spec.symbol }, 'paper market step failed');
      }
    }
  }

  async listInstruments(): Promise<InstrumentSpec[]> {
    return [...this.#markets.values()].map((m) => structuredClone(m.spec));
  }

  async subscribeMarket(key: MarketStreamKey): Promise<void> {
    this.#checkStream(key);
  }

  async unsubscribeMarket(key: MarketStreamKey): Promise<void> {
    this.#checkStream(key);
  }

  getBook(symbol: string, depth: number): BookSnapshot | undefined {
    return this.#markets.get(symbol)?.book(depth, this.#deps.clock.now());
  }

  readGridBook(symbol: string, side: 'bids' | 'asks', depth: number, into: GridBook): boolean {
    const m = this.#markets.get(symbol);
    if (!m) return false;
    m.readGrid(side, depth, into);
    return true;
  }

  getTicker(symbol: string): TickerSnapshot | undefined {
    const m = this.#markets.get(symbol);
    return m?.data.ticker(m.engine.book, this.#deps.clock.now());
  }

  async getKlines(symbol: string, interval: string, limit: number): Promise<KlineUpdate[]> {
    const m = this.#market(symbol);
    const bars = m.klines(interval, limit, this.#deps.clock.now());
    if (!bars) throw new PaperVenueError('UNSUPPORTED_INTERVAL', `interval ${interval} is not supported on ${this.id} (supported: ${m.spec.klineIntervals.join(', ')})`);
    return bars;
  }

  async submitOrder(order: VenueOrder, account: VenueAccount): Promise<void> {
    const now = this.#deps.clock.now();
    const market = this.#markets.get(order.symbol);
    if (!market) {
      this.#deps.execution.onExecution({ type: 'rejected', tradeOrderId: order.tradeOrderId, tradingAccountId: order.tradingAccountId, reason: `unknown symbol ${order.symbol} on ${this.id}`, timestamp: now });
      return;
    }
    market.submitUser(order, this.#owner(account.tradingAccountId || order.tradingAccountId), now);
  }

  async cancelOrder(request: CancelRequest, _account: VenueAccount): Promise<void> {
    const market = this.#market(request.symbol);
    if (!market.cancelUser(request.tradeOrderId, request.externalOrderId, request.tradingAccountId, this.#deps.clock.now())) {
      throw new PaperVenueError('ORDER_NOT_OPEN', `order ${request.tradeOrderId} is not open on ${this.id} (already filled, cancelled or unknown)`);
    }
  }

  async amendOrder(request: AmendRequest, _account: VenueAccount): Promise<void> {
    const refused = this.#market(request.symbol).amendUser(request, this.#deps.clock.now());
    if (refused) throw new PaperVenueError('AMEND_REFUSED', refused);
  }

  /** The running market of a symbol (for tests and tools: engine, simulator, market data). */
  market(symbol: string): PaperMarket | undefined {
    return this.#markets.get(symbol);
  }

  #market(symbol: string): PaperMarket {
    const m = this.#markets.get(symbol);
    if (!m) throw new PaperVenueError('UNKNOWN_SYMBOL', `unknown symbol ${symbol} on ${this.id}`);
    return m;
  }

  #checkStream(key: MarketStreamKey): void {
    const m = this.#market(key.symbol);
    if (key.kind === 'kline' && (key.interval === undefined || !m.spec.klineIntervals.includes(key.interval))) {
      throw new PaperVenueError('UNSUPPORTED_INTERVAL', `interval ${String(key.interval)} is not supported on ${this.id}`);
    }
  }

  /** Engine owner of a trading account: stable for the venue's life, never one of the simulated participants. */
  #owner(tradingAccountId: string): number {
    let owner = this.#owners.get(tradingAccountId);
    if (owner === undefined) {
      owner = USER_OWNER_BASE + this.#owners.size;
      this.#owners.set(tradingAccountId, owner);
    }
    return owner;
  }
}

function resolveInstruments(list: PaperVenueOptions['instruments']): PaperInstrumentConfig[] {
  if (!list) return [...PAPER_INSTRUMENTS];
  return list.map((item) => {
    if (typeof item !== 'string') return item;
    const found = PAPER_INSTRUMENTS.find((c) => paperSymbol(c) === item);
    if (!found) throw new Error(`unknown PAPER instrument ${item}`);
    return found;
  });
}

/** Builds the PAPER venue (the composition root's factory). */
export function createPaperVenue(deps: VenueDeps, options?: PaperVenueOptions): PaperVenue {
  return new PaperVenue(deps, options);
}
