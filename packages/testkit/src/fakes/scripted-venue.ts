/**
 * @module fakes/scripted-venue
 * The venue the domain's own tests rest on: an in-memory venue whose behaviour a test scripts (what the next submit
 * does, whether reports are lost, what the venue forgets). It stands in for PAPER by default (id 'PAPER', so tests
 * read like the product) and passes the Venue port's contract suite like every real adapter
 * (packages/testkit/test/scripted-venue.contract.test.ts). Behaviour, all synchronous (events are emitted before
 * `submitOrder` resolves, the hardest case for the domain):
 * - MARKET orders fill at once at the best ask (BUY) / bid (SELL) of a fixed book around `setPrice` (by QUOTE
 *   amount: whole lots of 0.0001, the remainder expires).
 * - LIMIT orders that cross the book fill at the touch; others rest (accepted) until `fillResting` or cancel.
 * - The fee is the taker (or maker) rate on the received asset, as Binance charges it (a derivative's: on the traded
 *   value, in its settle asset).
 * - A price off the tick grid or a quantity off the lot grid is rejected with the reason (model/instrument-rules.ts).
 * - `rejectNext(reason)` makes the next submit emit `rejected`; `failNext()` makes it throw.
 * - `duplicateFills = true` reports every fill twice with the same tradeId.
 *
 * As a venue that keeps its own ledger (`ledger: 'venue'`), it remembers every order it took (`known`) and answers
 * `queryOrder` from that. Hooks for reconciliation tests:
 * - `muted = true`: the venue keeps trading but its reports are lost (a dropped stream, or Cadenza is down); share
 *   one ScriptedVenue between two Cadenza instances on one store to play a restart.
 * - `cancelResting(id)`: the order is cancelled on the venue's side (by the user elsewhere, or by the venue).
 * - `dropNextSubmit()` / `dropNextCancel()`: the request never reaches the venue (the call resolves, nothing happens).
 * - `failQueries(n)`: the next n `queryOrder` calls throw (venue unreachable); `forget(id)`: the venue no longer knows
 *   the order; `resync(accountId)`: reports that events may have been missed; `setBalances(list)`.
 */
import type {
  BookSnapshot,
  CancelRequest,
  ExecutionEvent,
  ExecutionSink,
  InstrumentSpec,
  KlineUpdate,
  MarketStreamKey,
  OrderQuery,
  TickerSnapshot,
  Venue,
  VenueAccount,
  VenueCapabilities,
  VenueCredential,
  VenueFill,
  VenueOrder,
  VenueOrderState,
} from '@cadenza/domain';
import { InstrumentRules, dec, str } from '@cadenza/domain';

export interface ScriptedVenueOptions {
  id?: string;
  ledger?: 'domain' | 'venue';
  requiresCredential?: boolean;
  /** Venue-held balances, for ledger 'venue'. */
  balances?: Array<{ asset: string; free: string; locked: string }>;
  /** Ids (external order ids, trade ids) continue from here — a venue that restarted keeps its ids rising. */
  seqStart?: number;
  now?: () => number;
}

export function sampleInstrument(venue: string, base: string, quote: string, over: Partial<InstrumentSpec> = {}): InstrumentSpec {
  return {
    instrumentId: `${venue}:${base}/${quote}`,
    venue,
    symbol: `${base}/${quote}`,
    externalSymbol: `${base}${quote}`,
    baseAsset: base,
    quoteAsset: quote,
    status: 'ACTIVE',
    tickSize: '0.01',
    lotSize: '0.0001',
    minQuantity: '0.0001',
    maxQuantity: '1000',
    minNotional: '5',
    basePrecision: 8,
    quotePrecision: 8,
    orderTypes: ['MARKET', 'LIMIT', 'LIMIT_MAKER', 'STOP_LIMIT'],
    timeInForceOptions: ['GTC', 'IOC', 'FOK', 'GTD'],
    makerFee: '0.001',
    takerFee: '0.001',
    klineIntervals: ['1m', '5m', '1h'],
    ...over,
  };
}

/** `PAPER:BTC-PERP`-style: a USDT-margined linear perpetual on `venue` (contract size 1, 50× at most, 0.5 % maintenance). */
export function samplePerpetual(venue = 'PAPER', over: Partial<InstrumentSpec> = {}): InstrumentSpec {
  return sampleInstrument(venue, 'BTC', 'USDT', {
    instrumentId: `${venue}:BTC-PERP`,
    symbol: 'BTC-PERP',
    externalSymbol: 'BTCUSDT-PERP',
    lotSize: '0.001',
    minQuantity: '0.001',
    instrumentType: 'PERPETUAL',
    contract: { contractSize: '1', settleAsset: 'USDT', maxLeverage: 50, maintenanceMarginRate: '0.005', fundingIntervalMs: 8 * 3_600_000 },
    ...over,
  });
}

interface Resting {
  order: VenueOrder;
  filled: string;
}

export class ScriptedVenue implements Venue {
  readonly id: string;
  readonly capabilities: VenueCapabilities;
  sink: ExecutionSink = { onExecution: () => undefined };
  instruments: InstrumentSpec[];
  readonly prices = new Map<string, string>();
  readonly resting = new Map<string, Resting>();
  readonly submitted: VenueOrder[] = [];
  readonly feedCalls: Array<{ op: 'subscribe' | 'unsubscribe'; key: MarketStreamKey }> = [];
  duplicateFills = false;
  /** The next this many `subscribeMarket` calls are refused (recorded in `feedCalls` all the same). */
  refuseSubscribes = 0;
  /** Reports are dropped (the venue's own state still changes). */
  muted = false;
  /** What the venue keeps about each order it took, by tradeOrderId (ledger 'venue' semantics). */
  readonly known = new Map<string, VenueOrderState>();
  readonly queries: OrderQuery[] = [];
  private rejectReason: string | undefined;
  private failSubmit = false;
  private dropSubmit = false;
  private dropCancel = false;
  private queryFailures = 0;
  private seq = 0;
  private readonly now: () => number;
  private balances: Array<{ asset: string; free: string; locked: string }>;

  constructor(opts: ScriptedVenueOptions = {}) {
    this.id = opts.id ?? 'PAPER';
    this.capabilities = { ledger: opts.ledger ?? 'domain', requiresCredential: opts.requiresCredential ?? false, marketData: true, trading: true };
    this.instruments = [sampleInstrument(this.id, 'BTC', 'USDT'), sampleInstrument(this.id, 'ETH', 'USDT', { tickSize: '0.01', lotSize: '0.001', minQuantity: '0.001' })];
    this.prices.set('BTC/USDT', '50000');
    this.prices.set('ETH/USDT', '3000');
    this.now = opts.now ?? (() => 1_763_974_800_000);
    this.balances = opts.balances ?? [];
    this.seq = opts.seqStart ?? 0;
  }

  setPrice(symbol: string, price: string): void {
    this.prices.set(symbol, price);
  }
  rejectNext(reason: string): void {
    this.rejectReason = reason;
  }
  failNext(): void {
    this.failSubmit = true;
  }
  dropNextSubmit(): void {
    this.dropSubmit = true;
  }
  dropNextCancel(): void {
    this.dropCancel = true;
  }
  failQueries(n = 1): void {
    this.queryFailures = n;
  }
  forget(tradeOrderId: string): void {
    this.known.delete(tradeOrderId);
    this.resting.delete(tradeOrderId);
  }
  setBalances(balances: Array<{ asset: string; free: string; locked: string }>): void {
    this.balances = balances.map((b) => ({ ...b }));
  }
  resync(tradingAccountId: string): void {
    this.emit({ type: 'resync', tradingAccountId, reason: 'fake venue stream came back', timestamp: this.now() });
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async listInstruments(): Promise<InstrumentSpec[]> {
    return this.instruments.map((i) => ({ ...i }));
  }
  async subscribeMarket(key: MarketStreamKey): Promise<void> {
    this.feedCalls.push({ op: 'subscribe', key });
    if (this.refuseSubscribes > 0) {
      this.refuseSubscribes--;
      throw new Error(`${this.id} refused the ${key.kind} stream of ${key.symbol}`);
    }
  }
  async unsubscribeMarket(key: MarketStreamKey): Promise<void> {
    this.feedCalls.push({ op: 'unsubscribe', key });
  }

  /** Ten levels each side, 1 unit each, one tick (0.01 × price … ) apart around the mid. */
  getBook(symbol: string, depth: number): BookSnapshot | undefined {
    const mid = this.prices.get(symbol);
    if (!mid) return undefined;
    const m = dec(mid);
    const levels = Math.min(depth, 10);
    const bids = [];
    const asks = [];
    for (let i = 1; i <= levels; i++) {
      bids.push({ price: str(m.sub(i)), quantity: '1' });
      asks.push({ price: str(m.add(i)), quantity: '1' });
    }
    return { instrumentId: `${this.id}:${symbol}`, venue: this.id, symbol, bids, asks, timestamp: this.now() };
  }

  getTicker(symbol: string): TickerSnapshot | undefined {
    const p = this.prices.get(symbol);
    if (!p) return undefined;
    return { instrumentId: `${this.id}:${symbol}`, venue: this.id, symbol, lastPrice: p, bidPrice: str(dec(p).sub(1)), askPrice: str(dec(p).add(1)), timestamp: this.now() };
  }

  async getKlines(symbol: string, interval: string, limit: number): Promise<KlineUpdate[]> {
    const p = this.prices.get(symbol);
    if (!p) return [];
    const spec = this.instruments.find((i) => i.symbol === symbol);
    if (spec && !spec.klineIntervals.includes(interval)) throw new Error(`no ${interval} klines for ${symbol}`);
    const n = Math.min(limit, 3);
    return Array.from({ length: n }, (_, i) => ({
      instrumentId: `${this.id}:${symbol}`,
      venue: this.id,
      symbol,
      interval,
      candle: { openTime: 60_000 * i, open: p, high: p, low: p, close: p, volume: '1' },
      isClosed: i < n - 1,
      timestamp: this.now(),
    }));
  }

  async submitOrder(order: VenueOrder, _account: VenueAccount): Promise<void> {
    this.submitted.push(order);
    if (this.dropSubmit) {
      this.dropSubmit = false;
      return;
    }
    if (this.failSubmit) {
      this.failSubmit = false;
      throw new Error('fake venue is down');
    }
    const refused = this.rejectReason ?? this.breach(order);
    if (refused !== undefined) {
      this.rejectReason = undefined;
      this.emit({ type: 'rejected', tradeOrderId: order.tradeOrderId, tradingAccountId: order.tradingAccountId, reason: refused, timestamp: this.now() });
      return;
    }
    const externalOrderId = `X${++this.seq}`;
    this.known.set(order.tradeOrderId, { status: 'OPEN', externalOrderId, executedQuantity: '0', fills: [] });
    this.emit({ type: 'accepted', tradeOrderId: order.tradeOrderId, tradingAccountId: order.tradingAccountId, externalOrderId, timestamp: this.now() });
    const mid = dec(this.prices.get(order.symbol) ?? '0');
    const touch = order.side === 'BUY' ? mid.add(1) : mid.sub(1);
    const crosses = order.orderType === 'MARKET' || (order.limitPrice !== undefined && (order.side === 'BUY' ? dec(order.limitPrice).gte(touch) : dec(order.limitPrice).lte(touch)));
    if (crosses && order.orderType !== 'LIMIT_MAKER') {
      const qty = order.quantityType === 'QUOTE' ? dec(order.quantity).div(touch).toDecimalPlaces(4, 1) : dec(order.quantity);
      const short = order.quantityType === 'QUOTE' && qty.mul(touch).lt(order.quantity);
      this.fill(order, externalOrderId, str(touch), str(qty), 'TAKER', !short);
      if (short) {
        // Like Binance: the unfillable remainder of a MARKET order by quote amount expires.
        this.end(order.tradeOrderId, 'EXPIRED', 'remainder below one lot');
        this.emit({ type: 'expired', tradeOrderId: order.tradeOrderId, tradingAccountId: order.tradingAccountId, reason: 'remainder below one lot', timestamp: this.now() });
      } else {
        this.end(order.tradeOrderId, 'FILLED');
      }
      return;
    }
    this.resting.set(order.tradeOrderId, { order: { ...order, clientOrderId: externalOrderId }, filled: '0' });
  }

  /** Fills a resting order (all of it by default) at its limit price as maker. */
  fillResting(tradeOrderId: string, quantity?: string): void {
    const r = this.resting.get(tradeOrderId);
    if (!r) throw new Error(`no resting order ${tradeOrderId}`);
    const left = dec(r.order.quantity).sub(r.filled);
    const qty = quantity ? dec(quantity) : left;
    r.filled = str(dec(r.filled).add(qty));
    const complete = dec(r.filled).gte(r.order.quantity);
    if (complete) this.resting.delete(tradeOrderId);
    this.fill(r.order, r.order.clientOrderId, r.order.limitPrice ?? '0', str(qty), 'MAKER', complete);
    if (complete) this.end(tradeOrderId, 'FILLED');
  }

  /** The venue cancels a resting order on its own side (not through Cadenza). */
  cancelResting(tradeOrderId: string, reason = 'cancelled on the venue'): void {
    const r = this.resting.get(tradeOrderId);
    if (!r) throw new Error(`no resting order ${tradeOrderId}`);
    this.resting.delete(tradeOrderId);
    this.end(tradeOrderId, 'CANCELLED', reason);
    this.emit({ type: 'cancelled', tradeOrderId, tradingAccountId: r.order.tradingAccountId, externalOrderId: r.order.clientOrderId, reason, timestamp: this.now() });
  }

  async cancelOrder(req: CancelRequest, _account: VenueAccount): Promise<void> {
    if (this.dropCancel) {
      this.dropCancel = false;
      return;
    }
    if (!this.resting.delete(req.tradeOrderId)) throw new Error('unknown order');
    this.end(req.tradeOrderId, 'CANCELLED', 'cancelled by user');
    this.emit({ type: 'cancelled', tradeOrderId: req.tradeOrderId, tradingAccountId: req.tradingAccountId, reason: 'cancelled by user', timestamp: this.now() });
  }

  async queryOrder(req: OrderQuery, _account: VenueAccount): Promise<VenueOrderState | undefined> {
    this.queries.push(req);
    if (this.queryFailures > 0) {
      this.queryFailures--;
      throw new Error('fake venue unreachable');
    }
    const k = this.known.get(req.tradeOrderId);
    return k ? { ...k, fills: k.fills.map((f) => ({ ...f })) } : undefined;
  }

  async fetchBalances(_account: VenueAccount): Promise<Array<{ asset: string; free: string; locked: string }>> {
    return this.balances.map((b) => ({ ...b }));
  }

  async verifyCredential(c: VenueCredential): Promise<{ valid: boolean; reason?: string }> {
    return c.apiKey.startsWith('good') ? { valid: true } : { valid: false, reason: 'invalid api key' };
  }

  /** Why the instrument's rules refuse the order (tick and lot grids), if they do. */
  private breach(order: VenueOrder): string | undefined {
    const spec = this.instruments.find((i) => i.symbol === order.symbol);
    if (!spec) return `unknown symbol ${order.symbol}`;
    const rules = new InstrumentRules(spec);
    for (const [what, price] of [['price', order.limitPrice], ['stop price', order.stopPrice]] as const) {
      const t = price === undefined ? undefined : rules.priceToTicks(price, what);
      if (t && !t.ok) return t.reason;
    }
    if (order.quantityType === 'BASE') {
      const l = rules.quantityToLots(order.quantity);
      if (!l.ok) return l.reason;
    }
    return undefined;
  }

  private fill(order: VenueOrder, externalOrderId: string, price: string, quantity: string, liquidity: 'MAKER' | 'TAKER', final = false): void {
    const spec = this.instruments.find((i) => i.symbol === order.symbol)!;
    const rate = dec(liquidity === 'MAKER' ? spec.makerFee : spec.takerFee);
    // Derivatives charge the fee in the settle asset, on the traded value (linear contracts).
    const settle = spec.contract?.settleAsset;
    const received = settle ? dec(quantity).mul(spec.contract!.contractSize).mul(price) : order.side === 'BUY' ? dec(quantity) : dec(quantity).mul(price);
    const e: ExecutionEvent = {
      type: 'filled',
      tradeOrderId: order.tradeOrderId,
      tradingAccountId: order.tradingAccountId,
      externalOrderId,
      tradeId: `T${++this.seq}`,
      price,
      quantity,
      fee: str(received.mul(rate)),
      feeAsset: settle ?? (order.side === 'BUY' ? spec.baseAsset : spec.quoteAsset),
      liquidity,
      timestamp: this.now(),
      ...(final ? { final } : {}),
    };
    const k = this.known.get(order.tradeOrderId);
    if (k && e.type === 'filled') {
      const f: VenueFill = { tradeId: e.tradeId, price, quantity, fee: e.fee, feeAsset: e.feeAsset, liquidity, timestamp: e.timestamp };
      k.fills.push(f);
      k.executedQuantity = str(dec(k.executedQuantity).add(quantity));
    }
    this.emit(e);
    if (this.duplicateFills) this.emit(e);
  }

  private end(tradeOrderId: string, status: VenueOrderState['status'], reason?: string): void {
    const k = this.known.get(tradeOrderId);
    if (!k) return;
    k.status = status;
    if (reason !== undefined) k.reason = reason;
    k.updatedAt = this.now();
  }

  private emit(e: ExecutionEvent): void {
    if (this.muted) return;
    this.sink.onExecution(e);
  }
}
