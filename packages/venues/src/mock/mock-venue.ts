/**
 * @module mock/mock-venue
 * The MOCK venue: fully deterministic behaviour for client and end-to-end tests. No simulation, no timers, no
 * randomness — the same request always gets the same events. The rules (docs/venues-paper.md repeats them):
 *
 * Market: every instrument has a fixed reference price and a static book (BTC/USDT: 50000.00, best bid 49999.00,
 * best ask 50001.00, ten levels a side 1.00 apart, 1 BTC each). User orders never change the book.
 *
 * Orders, checked in this order:
 * 1. clientOrderId starting 'reject-', or quantity exactly '13' → `rejected` ("scripted rejection …").
 * 2. The PAPER validation rules (tick, lot, min/max quantity, min notional, type/TIF, GTD expireAt) → `rejected`.
 * 3. clientOrderId starting 'expire-' → `accepted`, then `expired`.
 * 4. Stop-family orders → `rejected` if they would trigger at the reference price, else `accepted` and they wait
 *    (nothing ever moves the price, so they only end by cancel or expiry of their GTD/DAY… which MOCK does not run).
 * 5. MARKET, and LIMIT at or through the touch (buy ≥ best ask, sell ≤ best bid) → `accepted`, then one `filled`
 *    for the whole quantity at the best ask (buy) or best bid (sell), TAKER, `final: true`.
 *    clientOrderId starting 'partial-' fills half (rounded down to the lot; FOK then fills nothing and expires);
 *    the rest expires for MARKET/IOC/FOK and rests for LIMIT GTC/GTD/DAY.
 *    Post-only (GTX, LIMIT_MAKER) orders that would take are rejected.
 * 6. Other LIMIT orders → `accepted` and rest (IOC/FOK: `expired`). They fill only through `fillResting()`
 *    (in-process tests), as MAKER at their limit price.
 * Fees: taker 0.001, maker 0.0008, in the asset received, rounded down to its precision (as PAPER).
 */
import type {
  BookLevel,
  BookSnapshot,
  CancelRequest,
  ExecutionEvent,
  ExternalMarketData,
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
import { InstrumentRules, decimalPlaces, formatFixed, klineIntervalMs, parseFixed, pow10, toUnits } from '@cadenza/domain';
import { MOCK_INSTRUMENTS, type MockInstrumentConfig } from './mock-instruments.ts';
import { ExternalFeed } from '../external/external-feed.ts';

// No TRAILING_STOP: MOCK's price never moves, so it has no trailing stop of its own; Cadenza emulates them on it
// (orders/trailing-stop-emulator.ts), moving the trigger on MOCK's fills.
const ORDER_TYPES = ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP', 'STOP_LIMIT', 'STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'];
const TIME_IN_FORCE = ['GTC', 'IOC', 'FOK', 'GTX', 'GTD', 'DAY'];
/** The bars MOCK makes (a subset of the contract's intervals; lengths from the domain's kline intervals). */
const MOCK_INTERVALS: readonly string[] = ['1m', '5m', '15m', '1h', '4h', '1d'];
const barLength = (interval: string): number | undefined => (MOCK_INTERVALS.includes(interval) ? klineIntervalMs(interval) : undefined);
const STOP_TYPES = new Set(['STOP', 'STOP_LIMIT', 'STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT', 'TRAILING_STOP']);
const PRICED_TYPES = new Set(['LIMIT', 'LIMIT_MAKER', 'STOP_LIMIT', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT']);

/** Options of createMockVenue; every field has a default. */
export interface MockVenueOptions {
  venueId?: string;
  instruments?: readonly MockInstrumentConfig[];
  makerFee?: string;
  takerFee?: string;
}

/** One instrument's fixed market, in integer units (prices at the tick scale, quantities at the lot scale). */
interface MockMarket {
  spec: InstrumentSpec;
  c: MockInstrumentConfig;
  /** The instrument's trading rules (model/instrument-rules.ts), the same as PAPER's and the domain's. */
  rules: InstrumentRules;
  ps: number;
  qs: number;
  tick: bigint;
  lot: bigint;
  price: bigint;
  bid: bigint;
  ask: bigint;
  levelStep: bigint;
  lastPrice: bigint;
  lastQty: bigint | undefined;
}

interface Resting {
  order: VenueOrder;
  market: MockMarket;
  price: bigint | undefined;
  qty: bigint;
  externalOrderId: string;
}

/** The MOCK venue (rules in the module notes). */
export class MockVenue implements Venue {
  readonly id: string;
  readonly capabilities: VenueCapabilities = { ledger: 'domain', requiresCredential: false, marketData: true, trading: true };
  readonly #deps: VenueDeps;
  readonly #markets = new Map<string, MockMarket>();
  readonly #open = new Map<string, Resting>();
  /** What an external feeder pushed (acceptMarketData): it stands in for the fixed market in reads; orders still match the fixed one. */
  readonly #external: ExternalFeed;
  readonly #maker: bigint;
  readonly #taker: bigint;
  #seq = 0;

  constructor(deps: VenueDeps, options: MockVenueOptions = {}) {
    this.#deps = deps;
    this.#external = new ExternalFeed(deps.market);
    this.id = options.venueId ?? 'MOCK';
    const makerFee = options.makerFee ?? '0.0008';
    const takerFee = options.takerFee ?? '0.001';
    this.#maker = toUnits(makerFee, 12)!;
    this.#taker = toUnits(takerFee, 12)!;
    for (const c of options.instruments ?? MOCK_INSTRUMENTS) {
      const symbol = `${c.baseAsset}/${c.quoteAsset}`;
      const ps = decimalPlaces(c.tickSize);
      const qs = decimalPlaces(c.lotSize);
      const spec: InstrumentSpec = {
        instrumentId: `${this.id}:${symbol}`, venue: this.id, symbol, externalSymbol: `${c.baseAsset}${c.quoteAsset}`,
        baseAsset: c.baseAsset, quoteAsset: c.quoteAsset, status: 'ACTIVE', tickSize: c.tickSize, lotSize: c.lotSize,
        minQuantity: c.minQuantity, maxQuantity: c.maxQuantity, minNotional: c.minNotional, basePrecision: c.basePrecision,
        quotePrecision: c.quotePrecision, orderTypes: [...ORDER_TYPES], timeInForceOptions: [...TIME_IN_FORCE],
        makerFee, takerFee, klineIntervals: [...MOCK_INTERVALS], description: `${symbol} on the deterministic MOCK market`,
      };
      const price = toUnits(c.price, ps)!;
      this.#markets.set(symbol, {
        spec, c, rules: new InstrumentRules(spec), ps, qs, tick: toUnits(c.tickSize, ps)!, lot: toUnits(c.lotSize, qs)!, price,
        bid: toUnits(c.bid, ps)!, ask: toUnits(c.ask, ps)!, levelStep: toUnits(c.levelStep, ps)!, lastPrice: price, lastQty: undefined,
      });
    }
  }

  /** Announces every book and ticker once, so subscribers get the static market at once. Idempotent. */
  async start(): Promise<void> {
    for (const m of this.#markets.values()) {
      this.#deps.market.onBookChanged(this.id, m.spec.symbol);
      this.#deps.market.onTicker(this.getTicker(m.spec.symbol)!);
    }
  }

  async stop(): Promise<void> {}

  async listInstruments(): Promise<InstrumentSpec[]> {
    return [...this.#markets.values()].map((m) => structuredClone(m.spec));
  }

  async subscribeMarket(key: MarketStreamKey): Promise<void> {
    this.#checkStream(key);
  }

  async unsubscribeMarket(key: MarketStreamKey): Promise<void> {
    this.#checkStream(key);
  }

  acceptMarketData(data: ExternalMarketData): void {
    this.#external.accept(data);
  }

  getBook(symbol: string, depth: number): BookSnapshot | undefined {
    const pushed = this.#external.book(symbol, depth);
    if (pushed) return pushed;
    const m = this.#markets.get(symbol);
    if (!m) return undefined;
    const n = Math.max(0, Math.min(10, Math.floor(depth)));
    const level = (p: bigint): BookLevel => ({ price: formatFixed(p, m.ps), quantity: m.c.levelQuantity, orderCount: 1 });
    const bids: BookLevel[] = [];
    const asks: BookLevel[] = [];
    for (let i = 0n; i < BigInt(n); i++) {
      if (m.bid - i * m.levelStep > 0n) bids.push(level(m.bid - i * m.levelStep));
      asks.push(level(m.ask + i * m.levelStep));
    }
    return { instrumentId: m.spec.instrumentId, venue: this.id, symbol, bids, asks, timestamp: this.#deps.clock.now() };
  }

  getTicker(symbol: string): TickerSnapshot | undefined {
    const pushed = this.#external.ticker(symbol);
    if (pushed) return pushed;
    const m = this.#markets.get(symbol);
    if (!m) return undefined;
    const t: TickerSnapshot = {
      instrumentId: m.spec.instrumentId, venue: this.id, symbol,
      lastPrice: formatFixed(m.lastPrice, m.ps),
      bidPrice: m.c.bid, bidQuantity: m.c.levelQuantity, askPrice: m.c.ask, askQuantity: m.c.levelQuantity,
      priceChangePercent: '0.00',
      timestamp: this.#deps.clock.now(),
    };
    if (m.lastQty !== undefined) t.lastQuantity = formatFixed(m.lastQty, m.qs);
    return t;
  }

  /** Flat bars at the reference price with zero volume, ending with the (forming) bar that contains now. */
  async getKlines(symbol: string, interval: string, limit: number): Promise<KlineUpdate[]> {
    const pushed = this.#external.klines(symbol, interval, limit);
    if (pushed) return pushed;
    const m = this.#market(symbol);
    const len = barLength(interval);
    if (!len) throw new MockVenueError(`interval ${interval} is not supported on ${this.id} (supported: ${MOCK_INTERVALS.join(', ')})`);
    const now = this.#deps.clock.now();
    const n = Math.max(0, Math.min(500, Math.floor(limit)));
    const current = Math.floor(now / len) * len;
    const p = formatFixed(m.price, m.ps);
    const out: KlineUpdate[] = [];
    for (let i = n - 1; i >= 0; i--) {
      out.push({
        instrumentId: m.spec.instrumentId, venue: this.id, symbol, interval,
        candle: { openTime: current - i * len, open: p, high: p, low: p, close: p, volume: formatFixed(0n, m.qs) },
        isClosed: i > 0, timestamp: now,
      });
    }
    return out;
  }

  async submitOrder(order: VenueOrder, _account: VenueAccount): Promise<void> {
    const now = this.#deps.clock.now();
    const base = { tradeOrderId: order.tradeOrderId, tradingAccountId: order.tradingAccountId, timestamp: now };
    const reject = (reason: string) => this.#emit({ ...base, type: 'rejected', reason });
    if (order.clientOrderId?.startsWith('reject-')) return reject('scripted rejection (clientOrderId starts with "reject-")');
    if (order.quantity === '13') return reject('scripted rejection (quantity 13)');
    const m = this.#markets.get(order.symbol);
    if (!m) return reject(`unknown symbol ${order.symbol} on ${this.id}`);
    if (this.#open.has(order.tradeOrderId)) return reject(`order ${order.tradeOrderId} is already open on ${this.id}`);
    const checked = this.#check(order, m, now);
    if (typeof checked === 'string') return reject(checked);
    const { price, qty } = checked;
    const externalOrderId = `${this.id}-${++this.#seq}`;
    const ev = { ...base, externalOrderId };
    const buy = order.side === 'BUY';
    const touch = buy ? m.ask : m.bid;
    const isStop = STOP_TYPES.has(order.orderType);
    const marketable = !isStop && (price === undefined || (buy ? price >= touch : price <= touch));
    const postOnly = order.timeInForce === 'GTX' || order.orderType === 'LIMIT_MAKER';
    if (postOnly && marketable) return reject('post-only order would immediately match');
    if (isStop && order.orderType !== 'TRAILING_STOP' && this.#wouldTrigger(order, m)) return reject('stop order would trigger immediately');

    this.#emit({ ...ev, type: 'accepted' });
    if (order.clientOrderId?.startsWith('expire-')) return this.#emit({ ...ev, type: 'expired', reason: 'scripted expiry (clientOrderId starts with "expire-")' });
    const rests = price !== undefined && order.timeInForce !== 'IOC' && order.timeInForce !== 'FOK';
    if (!marketable) {
      if (isStop || rests) this.#open.set(order.tradeOrderId, { order, market: m, price, qty, externalOrderId });
      else this.#emit({ ...ev, type: 'expired', reason: 'IOC/FOK order not marketable' });
      return;
    }
    const partial = order.clientOrderId?.startsWith('partial-') === true;
    if (partial && order.timeInForce === 'FOK') return this.#emit({ ...ev, type: 'expired', reason: 'FOK order cannot be filled in full (scripted partial)' });
    const fillQty = partial ? ((qty / 2n) / m.lot) * m.lot : qty;
    const rest = qty - fillQty;
    if (fillQty > 0n) this.#fill(order, m, externalOrderId, touch, fillQty, 'TAKER', rest === 0n, now);
    if (rest === 0n) return;
    if (rests) this.#open.set(order.tradeOrderId, { order, market: m, price, qty: rest, externalOrderId });
    else this.#emit({ ...ev, type: 'expired', reason: 'scripted partial fill: remainder expired' });
  }

  async cancelOrder(request: CancelRequest, _account: VenueAccount): Promise<void> {
    const r = this.#open.get(request.tradeOrderId);
    if (!r) throw new MockVenueError(`order ${request.tradeOrderId} is not open on ${this.id}`);
    this.#open.delete(request.tradeOrderId);
    this.#emit({ type: 'cancelled', tradeOrderId: r.order.tradeOrderId, tradingAccountId: r.order.tradingAccountId, externalOrderId: r.externalOrderId, reason: 'cancelled by user', timestamp: this.#deps.clock.now() });
  }

  /** Test hook: fills a resting LIMIT order in full as MAKER at its limit price. False when it is not resting. */
  fillResting(tradeOrderId: string): boolean {
    const r = this.#open.get(tradeOrderId);
    if (!r || r.price === undefined || STOP_TYPES.has(r.order.orderType)) return false;
    this.#open.delete(tradeOrderId);
    this.#fill(r.order, r.market, r.externalOrderId, r.price, r.qty, 'MAKER', true, this.#deps.clock.now());
    return true;
  }

  /** Validates an order; returns the limit price (tick units) and base quantity (lot-scale units), or a reason. */
  #check(o: VenueOrder, m: MockMarket, now: number): { price: bigint | undefined; qty: bigint } | string {
    if (o.side !== 'BUY' && o.side !== 'SELL') return `side ${String(o.side)} is invalid`;
    if (!ORDER_TYPES.includes(o.orderType)) return `order type ${o.orderType} is not supported on ${this.id}`;
    if (!TIME_IN_FORCE.includes(o.timeInForce)) return `time in force ${o.timeInForce} is not supported on ${this.id}`;
    const priced = PRICED_TYPES.has(o.orderType) || (o.orderType === 'TRAILING_STOP' && o.limitPrice !== undefined);
    if (o.timeInForce === 'GTX' && !priced) return `post-only (GTX) needs a limit price; ${o.orderType} has none`;
    const onGrid = (text: string | undefined, what: string): bigint | string => {
      if (text === undefined) return `${o.orderType} order needs a ${what}`;
      const ticks = m.rules.priceToTicks(text, what);
      return ticks.ok ? BigInt(ticks.value) * m.tick : ticks.reason;
    };
    let price: bigint | undefined;
    if (priced) {
      const p = onGrid(o.limitPrice, 'limit price');
      if (typeof p === 'string') return p.replace('limit price ', 'price ');
      price = p;
    }
    if (STOP_TYPES.has(o.orderType)) {
      const s = o.orderType === 'TRAILING_STOP' ? onGrid(o.trailingDelta, 'trailing delta') : onGrid(o.stopPrice, 'stop price');
      if (typeof s === 'string') return s;
    }
    if (o.timeInForce === 'GTD' && (o.expireAt === undefined || o.expireAt <= now)) return `GTD order needs an expireAt in the future`;
    const execPrice = price ?? (o.side === 'BUY' ? m.ask : m.bid);
    let qty: bigint;
    if (o.quantityType === 'QUOTE') {
      const amount = toUnits(o.quantity, m.spec.quotePrecision);
      if (amount === undefined || amount === 0n) return `quantity ${JSON.stringify(o.quantity)} must be a positive decimal with at most ${m.spec.quotePrecision} decimals`;
      const refused = m.rules.checkQuoteAmount(parseFixed(o.quantity)!, o.quantity);
      if (refused) return refused;
      if (o.timeInForce === 'FOK') return 'FOK is not supported with a quote quantity';
      // Whole lots the amount buys at the execution price: amount / price, rounded down to the lot.
      const perLot = execPrice * m.lot * pow10(m.spec.quotePrecision - m.ps - m.qs);
      qty = (amount / perLot) * m.lot;
      if (qty === 0n) return `quote quantity ${o.quantity} buys less than one lot (${m.c.lotSize})`;
    } else if (o.quantityType === 'BASE') {
      const lots = m.rules.quantityToLots(o.quantity);
      if (!lots.ok) return lots.reason;
      qty = BigInt(lots.value) * m.lot;
    } else {
      return `quantity type ${String(o.quantityType)} is not supported on ${this.id}`;
    }
    const refused = m.rules.checkBase(Number(qty / m.lot), Number(execPrice / m.tick), price !== undefined ? 'price' : 'the current price');
    if (refused) return refused;
    return { price, qty };
  }

  #wouldTrigger(o: VenueOrder, m: MockMarket): boolean {
    const stop = toUnits(o.stopPrice!, m.ps)!;
    const takeProfit = o.orderType === 'TAKE_PROFIT' || o.orderType === 'TAKE_PROFIT_LIMIT';
    const rising = (o.side === 'BUY') !== takeProfit;
    return rising ? m.price >= stop : m.price <= stop;
  }

  #fill(o: VenueOrder, m: MockMarket, externalOrderId: string, price: bigint, qty: bigint, liquidity: 'MAKER' | 'TAKER', final: boolean, now: number): void {
    const buy = o.side === 'BUY';
    const rate = liquidity === 'MAKER' ? this.#maker : this.#taker;
    // Received amount at the received asset's precision; fee = floor(received × rate).
    const received = buy ? qty * pow10(m.spec.basePrecision - m.qs) : price * qty * pow10(m.spec.quotePrecision - m.ps - m.qs);
    const fee = (received * rate) / pow10(12);
    const tradeId = `${this.id}-T${++this.#seq}`;
    const priceText = formatFixed(price, m.ps);
    const qtyText = formatFixed(qty, m.qs);
    this.#emit({
      type: 'filled', tradeOrderId: o.tradeOrderId, tradingAccountId: o.tradingAccountId, externalOrderId, tradeId,
      price: priceText, quantity: qtyText, fee: formatFixed(fee, buy ? m.spec.basePrecision : m.spec.quotePrecision),
      feeAsset: buy ? m.spec.baseAsset : m.spec.quoteAsset, liquidity, final, timestamp: now,
    });
    m.lastPrice = price;
    m.lastQty = qty;
    const side = liquidity === 'TAKER' ? o.side : buy ? 'SELL' : 'BUY';
    const trade = { instrumentId: m.spec.instrumentId, venue: this.id, symbol: m.spec.symbol, tradeId, price: priceText, quantity: qtyText, side, timestamp: now } as const;
    const ticker = this.getTicker(m.spec.symbol)!;
    this.#safely('market', () => this.#deps.market.onTrade(trade));
    this.#safely('market', () => this.#deps.market.onTicker(ticker));
  }

  #emit(e: ExecutionEvent): void {
    this.#safely('execution', () => this.#deps.execution.onExecution(e));
  }

  /** Sinks must not throw; if one does, it is logged and the order's remaining events are still delivered. */
  #safely(sink: string, call: () => void): void {
    try {
      call();
    } catch (err) {
      this.#deps.log.error({ err, venue: this.id }, `${sink} sink threw`);
    }
  }

  #market(symbol: string): MockMarket {
    const m = this.#markets.get(symbol);
    if (!m) throw new MockVenueError(`unknown symbol ${symbol} on ${this.id}`);
    return m;
  }

  #checkStream(key: MarketStreamKey): void {
    this.#market(key.symbol);
    if (key.kind === 'kline' && (key.interval === undefined || !barLength(key.interval))) {
      throw new MockVenueError(`interval ${String(key.interval)} is not supported on ${this.id}`);
    }
  }
}

/** A MOCK refusal that is not an order rejection (unknown symbol or interval, cancel of an order not open). */
export class MockVenueError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'MockVenueError';
  }
}

/** Builds the MOCK venue (the composition root's factory). */
export function createMockVenue(deps: VenueDeps, options?: MockVenueOptions): MockVenue {
  return new MockVenue(deps, options);
}
