/**
 * @module bitfinex/bitfinex-venue
 * The BITFINEX / BITFINEX_UAT venue (Bitfinex v2, exchange wallet; the twin is the paper-trading sub-account's TEST
 * pairs, config.ts) through the Venue port.
 *
 *  - Market data on demand over the public WebSocket (market-feeds.ts); nothing connects at `start`.
 *  - Instruments from `conf/pub:info:pair` (sizes) and `tickers` (the last price gives the tick size under Bitfinex's
 *    five-significant-digit rule).
 *  - Trading with the account's key and secret: `auth/w/order/submit` with a `cid` derived from our clientOrderId;
 *    outcomes from the answer and channel 0 of the account's authenticated socket (auth-stream.ts), each fact once
 *    (kit order tracker); fills from `tu` messages (they carry the fee) keyed by Bitfinex's trade id.
 *  - Reconciliation: `queryOrder` finds the order (by id, else by cid among active and recent orders), its trades
 *    (`auth/r/order/<symbol>:<id>/trades`) and adopts it; after the account socket comes back the venue reports
 *    `resync`.
 *  - Bitfinex keeps the ledger (`ledger: 'venue'`): exchange-wallet balances from `auth/r/wallets`, `ws` and `wu`.
 */
import type {
  CancelRequest,
  InstrumentSpec,
  KlineUpdate,
  OrderQuery,
  VenueAccount,
  VenueCredential,
  VenueDeps,
  VenueOrder,
  VenueOrderState,
} from '@cadenza/domain';
import { OrderTracker, type TrackedOrder } from '../kit/order-tracker.ts';
import { VenueError, errorText } from '../kit/venue-error.ts';
import type { RateLimitReporter, RateLimitStats } from '../kit/rate-budget.ts';
import { resolveBitfinexEndpoints, type BitfinexEndpoints, type BitfinexVenueOptions } from './config.ts';
import { BitfinexRestClient } from './rest-client.ts';
import { NonceSource, createBitfinexSigner, type BitfinexSigner } from './signing.ts';
import { BitfinexMarketFeeds } from './market-feeds.ts';
import { bitfinexAuthStreams } from './auth-stream.ts';
import type { AccountStreams } from '../kit/account-streams.ts';
import { LiveVenue, isSymbol } from '../kit/live-venue.ts';
import { spliceLiveKline } from '../kit/live-kline.ts';
import { buildBitfinexOrder, cidDate, cidFor } from './order-params.ts';
import {
  BITFINEX_FRAMES,
  BITFINEX_KLINE_INTERVALS,
  executedOf,
  orderStatus,
  parseAccountTrade,
  parseCandle,
  parseLastPrices,
  parseOrder,
  parsePairInfo,
  parseWallet,
  type BitfinexOrder,
  type BitfinexTrade,
} from './parse.ts';
import { isTestPair, toBitfinexSymbol } from './symbols.ts';

const FRAME_MS: Readonly<Record<string, number>> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '30m': 1_800_000, '1h': 3_600_000, '3h': 10_800_000, '6h': 21_600_000, '12h': 43_200_000, '1d': 86_400_000, '1w': 604_800_000, '1M': 2_678_400_000 };

function arr(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new VenueError('BITFINEX', 'protocol', `${what} must be an array`);
  return v;
}

export class BitfinexVenue extends LiveVenue implements RateLimitReporter {
  protected readonly klineIntervals = BITFINEX_KLINE_INTERVALS;
  readonly endpoints: BitfinexEndpoints;
  readonly rest: BitfinexRestClient;
  readonly feeds: BitfinexMarketFeeds;
  readonly accountStreams: AccountStreams<BitfinexSigner>;
  private readonly orders: OrderTracker;
  private readonly nonces: NonceSource;
  /** cid → clientOrderId, for channel-0 messages and trades (which name orders by cid and Bitfinex id). */
  private readonly byCid = new Map<number, string>();
  private readonly byOrderId = new Map<string, string>();
  private readonly cidDates = new Map<string, string>();
  private readonly listed = this.listing<InstrumentSpec>((s) => s.symbol);

  constructor(
    deps: VenueDeps,
    private readonly options: BitfinexVenueOptions,
  ) {
    super(options.venueId, deps, options.instrumentsTtlMs);
    this.endpoints = resolveBitfinexEndpoints(options);
    this.nonces = new NonceSource(deps.clock);
    this.rest = new BitfinexRestClient({
      venue: this.id,
      publicUrl: this.endpoints.publicRestUrl,
      authUrl: this.endpoints.authRestUrl,
      clock: deps.clock,
      nonces: this.nonces,
      log: deps.log,
      timeoutMs: options.requestTimeoutMs ?? 10_000,
      maxOrderWaitMs: options.maxOrderWaitMs ?? 2000,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    const timing = { pingIntervalMs: options.pingIntervalMs ?? 20_000, idleTimeoutMs: options.idleTimeoutMs ?? 40_000, reconnectDelayMs: options.reconnectDelayMs ?? { min: 250, max: 30_000 } };
    this.feeds = new BitfinexMarketFeeds({ venueId: this.id, url: this.endpoints.publicWsUrl, market: deps.market, log: deps.log, clock: deps.clock, budgets: this.rest.budgets, ...timing });
    this.accountStreams = bitfinexAuthStreams({
      venue: this.id,
      url: this.endpoints.authWsUrl,
      log: deps.log,
      nonces: this.nonces,
      beforeConnect: () => this.rest.budgets.acquireNow(['ws:auth'], 15_000),
      onMessage: (account, type, data) => this.onAccountMessage(account, type, data),
      onResubscribed: (account) =>
        deps.execution.onExecution({ type: 'resync', tradingAccountId: account, reason: 'Bitfinex account stream reconnected; messages sent meanwhile are not replayed', timestamp: deps.clock.now() }),
      ...timing,
    });
    this.orders = new OrderTracker(deps.execution);
  }

  rateLimitStats(): RateLimitStats {
    return this.rest.budgets.stats();
  }

  protected closeStreams(): void {
    this.accountStreams.close();
  }

  protected async loadInstruments(): Promise<InstrumentSpec[]> {
    const [info, tickers] = await Promise.all([this.rest.publicGet('conf/pub:info:pair'), this.rest.publicGet('tickers', 'symbols=ALL')]);
    const uat = this.id === 'BITFINEX_UAT';
    const instruments = this.parsedListing(parsePairInfo(info, this.id, parseLastPrices(tickers), (pair) => isTestPair(pair) === uat), 'Bitfinex pairs');
    this.listed.replace(instruments);
    return instruments;
  }

  async getKlines(symbol: string, interval: string, limit: number): Promise<KlineUpdate[]> {
    this.checkKey({ kind: 'kline', symbol, interval });
    const n = Math.max(1, Math.min(10_000, Math.floor(limit)));
    const raw = await this.rest.publicGet(`candles/trade:${BITFINEX_FRAMES[interval]}:${this.bfxSymbol(symbol)}/hist`, `limit=${n}`);
    const ref = { instrumentId: `${this.id}:${symbol}`, venue: this.id, symbol };
    const now = this.deps.clock.now();
    const bars = arr(raw, 'candles')
      .map((r) => parseCandle(r, ref, interval, true))
      .sort((a, b) => a.candle.openTime - b.candle.openTime);
    const last = bars[bars.length - 1];
    if (last && last.candle.openTime + FRAME_MS[interval]! > now) last.isClosed = false;
    return spliceLiveKline(bars, this.feeds.liveKline(symbol, interval), n);
  }

  async submitOrder(order: VenueOrder, account: VenueAccount): Promise<void> {
    const tracked = this.track(order);
    const reject = (reason: string) => this.orders.emit(tracked, { type: 'rejected', tradeOrderId: order.tradeOrderId, tradingAccountId: order.tradingAccountId, reason, timestamp: this.deps.clock.now() });
    if (this.stopped) return void reject('Bitfinex venue is stopped');
    let signer: BitfinexSigner;
    try {
      signer = this.signer(account);
    } catch (err) {
      return void reject(errorText(err));
    }
    if (!isSymbol(order.symbol)) return void reject(`symbol must be BASE/QUOTE, got ${order.symbol}`);
    const cid = cidFor(order.clientOrderId);
    const built = buildBitfinexOrder(order, this.bfxSymbol(order.symbol), cid);
    if (!built.ok) return void reject(built.reason);

    await this.accountStreams.subscribe(order.tradingAccountId, signer).catch((err: unknown) =>
      this.deps.log.warn({ tradingAccountId: order.tradingAccountId, err: errorText(err) }, 'Bitfinex account stream unavailable; relying on REST answers'),
    );
    try {
      const note = arr(await this.rest.auth('auth/w/order/submit', built.body, signer), 'notification');
      if (note[6] !== 'SUCCESS') return void reject(`${String(note[6])}: ${String(note[7] ?? '')}`);
      const placed = parseOrder(arr(note[4], 'notification orders')[0]);
      this.byOrderId.set(placed.id, order.clientOrderId);
      this.onOrder(tracked, placed);
    } catch (err) {
      // A lost answer: the venue may or may not have the order — ask it by our client order id.
      await this.orders.settleFailedSubmission(tracked, err, () => this.queryOrder(order, account), () => this.deps.clock.now(), (queryErr) =>
        this.deps.log.error({ tradeOrderId: order.tradeOrderId, err: errorText(queryErr) }, 'Bitfinex order outcome unknown; waiting for the account stream'),
      );
    }
  }

  async cancelOrder(request: CancelRequest, account: VenueAccount): Promise<void> {
    const signer = this.signer(account);
    const tracked = this.orders.get(request.clientOrderId) ?? this.track(request);
    const id = request.externalOrderId ?? tracked.externalOrderId;
    const body: Record<string, unknown> = id ? { id: Number(id) } : { cid: cidFor(request.clientOrderId), cid_date: this.cidDates.get(request.clientOrderId) ?? cidDate(this.deps.clock.now()) };
    const note = arr(await this.rest.auth('auth/w/order/cancel', body, signer), 'notification');
    if (note[6] !== 'SUCCESS') throw new VenueError(this.id, 'rejected', `Bitfinex refused the cancel: ${String(note[7] ?? note[6])}`);
    const o = parseOrder(note[4]);
    this.orders.emit(tracked, { type: 'cancelled', tradeOrderId: request.tradeOrderId, tradingAccountId: request.tradingAccountId, externalOrderId: o.id, reason: 'CANCELED', timestamp: this.deps.clock.now() });
  }

  async fetchBalances(account: VenueAccount): Promise<Array<{ asset: string; free: string; locked: string }>> {
    const signer = this.signer(account);
    const raw = arr(await this.rest.auth('auth/r/wallets', {}, signer), 'wallets');
    if (!this.stopped) {
      this.accountStreams.subscribe(account.tradingAccountId, signer).catch((err: unknown) => this.deps.log.warn({ tradingAccountId: account.tradingAccountId, err: errorText(err) }, 'Bitfinex account stream unavailable'));
    }
    return raw.map(parseWallet).filter((w): w is NonNullable<typeof w> => w !== undefined);
  }

  async verifyCredential(credential: VenueCredential): Promise<{ valid: boolean; reason?: string }> {
    let signer: BitfinexSigner;
    try {
      signer = createBitfinexSigner(credential, this.id);
    } catch (err) {
      return { valid: false, reason: errorText(err) };
    }
    try {
      await this.rest.auth('auth/r/wallets', {}, signer);
      return { valid: true };
    } catch (err) {
      if (err instanceof VenueError && err.kind === 'rejected') return { valid: false, reason: err.message };
      throw err;
    }
  }

  /**
   * The order's state on Bitfinex: active orders (`auth/r/orders`), else recent ones (`auth/r/orders/hist`), found by
   * Bitfinex id when known, else by our cid; then its trades (`auth/r/order/<symbol>:<id>/trades`). undefined when
   * Bitfinex lists no such order. The account socket is authenticated first and the order adopted.
   */
  async queryOrder(request: OrderQuery, account: VenueAccount): Promise<VenueOrderState | undefined> {
    if (this.stopped) throw new VenueError(this.id, 'network', 'Bitfinex venue is stopped');
    const signer = this.signer(account);
    const tracked = this.track(request);
    await this.accountStreams.subscribe(request.tradingAccountId, signer).catch((err: unknown) =>
      this.deps.log.warn({ tradingAccountId: request.tradingAccountId, err: errorText(err) }, 'Bitfinex account stream unavailable; answering from REST only'),
    );
    const cid = cidFor(request.clientOrderId);
    const symbol = this.bfxSymbol(request.symbol);
    const match = (o: BitfinexOrder) => (request.externalOrderId ? o.id === request.externalOrderId : o.cid === cid && o.symbol === symbol);
    const filter = request.externalOrderId ? { id: [Number(request.externalOrderId)] } : {};
    let order = arr(await this.rest.auth('auth/r/orders', filter, signer), 'orders').map(parseOrder).find(match);
    order ??= arr(await this.rest.auth('auth/r/orders/hist', { ...filter, limit: 2500 }, signer), 'orders').map(parseOrder).find(match);
    if (!order) return undefined;
    this.byOrderId.set(order.id, request.clientOrderId);
    const executed = executedOf(order);
    const trades = executed !== '0' ? arr(await this.rest.auth(`auth/r/order/${symbol}:${order.id}/trades`, {}, signer), 'trades').map(parseAccountTrade).filter((t) => t.orderId === order!.id) : [];
    const status = orderStatus(order);
    const state: VenueOrderState = {
      status,
      externalOrderId: order.id,
      executedQuantity: executed,
      fills: trades.map((t) => this.fillOf(t, tracked)).sort((a, b) => a.timestamp - b.timestamp),
      updatedAt: order.mtsUpdate,
    };
    if (status === 'CANCELLED' || status === 'EXPIRED') state.reason = order.status;
    this.orders.learn(tracked, { externalOrderId: order.id, accepted: true, tradeIds: state.fills.map((f) => f.tradeId), terminal: status === 'CANCELLED' || status === 'EXPIRED' });
    return state;
  }

  private fillOf(t: BitfinexTrade, tracked: TrackedOrder) {
    return { tradeId: t.id, price: t.price, quantity: t.quantity, fee: t.fee ?? '0', feeAsset: t.feeAsset ?? tracked.fallbackFeeAsset, liquidity: t.liquidity, timestamp: t.time };
  }

  private track(o: { tradeOrderId: string; clientOrderId: string; tradingAccountId: string; symbol: string }): TrackedOrder {
    this.byCid.set(cidFor(o.clientOrderId), o.clientOrderId);
    if (!this.cidDates.has(o.clientOrderId)) this.cidDates.set(o.clientOrderId, cidDate(this.deps.clock.now()));
    return this.orders.track(o, this.listed.get(o.symbol)?.quoteAsset ?? o.symbol.split('/')[1] ?? '');
  }

  /** What an order array says: accepted, and its end (fills come from trades). */
  private onOrder(tracked: TrackedOrder, o: BitfinexOrder): void {
    const base = { tradeOrderId: tracked.tradeOrderId, tradingAccountId: tracked.tradingAccountId, externalOrderId: o.id };
    this.orders.emit(tracked, { ...base, type: 'accepted', timestamp: o.mtsUpdate });
    const status = orderStatus(o);
    if (status === 'CANCELLED') this.orders.emit(tracked, { ...base, type: 'cancelled', reason: o.status, timestamp: o.mtsUpdate });
    if (status === 'EXPIRED') this.orders.emit(tracked, { ...base, type: 'expired', reason: o.status, timestamp: o.mtsUpdate });
  }

  private trackedOf(tradingAccountId: string, cid: number, orderId: string): TrackedOrder | undefined {
    const clientOrderId = this.byOrderId.get(orderId) ?? this.byCid.get(cid);
    const t = clientOrderId === undefined ? undefined : this.orders.get(clientOrderId);
    return t && t.tradingAccountId === tradingAccountId ? t : undefined;
  }

  private onAccountMessage(tradingAccountId: string, type: string, data: unknown): void {
    switch (type) {
      case 'on':
      case 'ou':
      case 'oc': {
        const o = parseOrder(data);
        const t = this.trackedOf(tradingAccountId, o.cid, o.id);
        if (!t) return;
        this.byOrderId.set(o.id, t.clientOrderId);
        this.onOrder(t, o);
        return;
      }
      case 'tu': {
        const trade = parseAccountTrade(data);
        const t = this.trackedOf(tradingAccountId, trade.cid, trade.orderId);
        if (!t) return;
        this.orders.emit(t, { type: 'filled', tradeOrderId: t.tradeOrderId, tradingAccountId, externalOrderId: trade.orderId, ...this.fillOf(trade, t) });
        return;
      }
      case 'ws':
      case 'wu': {
        const rows = type === 'ws' ? arr(data, 'wallets') : [data];
        const balances = rows.map(parseWallet).filter((w): w is NonNullable<typeof w> => w !== undefined);
        if (balances.length > 0) this.deps.execution.onExecution({ type: 'balances', tradingAccountId, balances, timestamp: this.deps.clock.now() });
        return;
      }
      default:
        return;
    }
  }

  private signer(account: VenueAccount): BitfinexSigner {
    if (!account.credential) throw new VenueError(this.id, 'unsupported', 'this trading account has no Bitfinex API credential');
    return createBitfinexSigner(account.credential, this.id);
  }

  protected externalSymbol(symbol: string): string {
    return this.bfxSymbol(symbol);
  }

  private bfxSymbol(symbol: string): string {
    return this.listed.get(symbol)?.externalSymbol ?? toBitfinexSymbol(symbol);
  }


}

export function createBitfinexVenue(deps: VenueDeps, options: BitfinexVenueOptions): BitfinexVenue {
  return new BitfinexVenue(deps, options);
}
