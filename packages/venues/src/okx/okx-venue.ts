/**
 * @module okx/okx-venue
 * The OKX / OKX_UAT venue (OKX v5 spot, demo trading for the twin) through the Venue port.
 *
 *  - Market data on demand through kit channel pools (market-feeds.ts); nothing connects at `start`.
 *  - Instruments from `GET /api/v5/public/instruments?instType=SPOT` (cached), named `OKX:BASE/QUOTE`.
 *  - Trading with the account's HMAC key and passphrase (signing.ts): `POST /api/v5/trade/order` with our
 *    clientOrderId as `clOrdId`; outcomes come from the order's answer and the account's private `orders` stream,
 *    each fact once (kit order tracker). Per-item refusals (`sCode`) become `rejected`; an unknown outcome (5xx,
 *    timeout) is settled by asking `GET /api/v5/trade/order?clOrdId=…`.
 *  - Reconciliation: `queryOrder` answers an order's state and fills (`GET /trade/order`, `GET /trade/fills`) and
 *    adopts the order; after the private stream comes back from a drop the venue reports `resync`.
 *  - OKX keeps the ledger (`ledger: 'venue'`): balances from `GET /api/v5/account/balance` and `account` pushes.
 */
import type {
  CancelRequest,
  InstrumentSpec,
  KlineUpdate,
  OrderQuery,
  VenueAccount,
  VenueCredential,
  VenueDeps,
  VenueFill,
  VenueOrder,
  VenueOrderState,
} from '@cadenza/domain';
import { OrderTracker, type TrackedOrder } from '../kit/order-tracker.ts';
import { VenueError, errorText } from '../kit/venue-error.ts';
import type { RateLimitReporter, RateLimitStats } from '../kit/rate-budget.ts';
import { resolveOkxEndpoints, type OkxEndpoints, type OkxVenueOptions } from './config.ts';
import { OkxRestClient } from './rest-client.ts';
import { createOkxSigner, type OkxSigner } from './signing.ts';
import { OkxMarketFeeds } from './market-feeds.ts';
import { okxPrivateStreams } from './private-stream.ts';
import type { AccountStreams } from '../kit/account-streams.ts';
import { LiveVenue, isSymbol } from '../kit/live-venue.ts';
import { spliceLiveKline } from '../kit/live-kline.ts';
import { buildOkxOrder } from './order-params.ts';
import { OKX_BARS, OKX_KLINE_INTERVALS, parseBalances, parseCandle, parseFill, parseInstruments, parseOrder, wire, type OkxFill, type OkxOrder } from './parse.ts';

/** 51603: "Order does not exist". */
const NO_SUCH_ORDER = '51603';
/** Ways of saying "this key cannot be used": invalid key, passphrase, signature, IP, permissions. */
const CREDENTIAL_CODES: ReadonlySet<string> = new Set(['50100', '50101', '50102', '50103', '50104', '50105', '50110', '50111', '50113', '50114', '50120']);

export class OkxVenue extends LiveVenue implements RateLimitReporter {
  protected readonly klineIntervals = OKX_KLINE_INTERVALS;
  readonly endpoints: OkxEndpoints;
  readonly rest: OkxRestClient;
  readonly feeds: OkxMarketFeeds;
  readonly privateStreams: AccountStreams<OkxSigner>;
  private readonly orders: OrderTracker;
  /** Order types by clOrdId: OKX reports an IOC/FOK/market remainder as `canceled`, we report it as expired. */
  private readonly ordTypes = new Map<string, string>();
  private readonly cancelRequested = new Set<string>();
  private readonly listed = this.listing<InstrumentSpec>((s) => s.symbol);

  constructor(
    deps: VenueDeps,
    private readonly options: OkxVenueOptions,
  ) {
    super(options.venueId, deps, options.instrumentsTtlMs);
    this.endpoints = resolveOkxEndpoints(options);
    this.rest = new OkxRestClient({
      venue: this.id,
      baseUrl: this.endpoints.restBaseUrl,
      simulated: this.endpoints.simulated,
      clock: deps.clock,
      log: deps.log,
      timeoutMs: options.requestTimeoutMs ?? 10_000,
      maxOrderWaitMs: options.maxOrderWaitMs ?? 2000,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    const socketTiming = {
      pingIntervalMs: options.pingIntervalMs ?? 20_000,
      idleTimeoutMs: options.idleTimeoutMs ?? 35_000,
      reconnectDelayMs: options.reconnectDelayMs ?? { min: 250, max: 30_000 },
    };
    this.feeds = new OkxMarketFeeds({
      venueId: this.id,
      wsBaseUrl: this.endpoints.wsBaseUrl,
      rest: this.rest,
      market: deps.market,
      log: deps.log,
      bookSnapshotDepth: options.bookSnapshotDepth ?? 400,
      snapshotRetryDelayMs: options.snapshotRetryDelayMs ?? 250,
      ...socketTiming,
    });
    this.privateStreams = okxPrivateStreams({
      venue: this.id,
      url: `${this.endpoints.wsBaseUrl}/ws/v5/private`,
      log: deps.log,
      serverNow: () => this.rest.serverNow(),
      beforeConnect: () => this.rest.budgets.acquireNow(['ws:connect'], 5000),
      onOrder: (account, row) => this.onOrderPush(account, row),
      onAccount: (account, row) => deps.execution.onExecution({ type: 'balances', tradingAccountId: account, balances: parseBalances(row), timestamp: deps.clock.now() }),
      onResubscribed: (account) =>
        deps.execution.onExecution({ type: 'resync', tradingAccountId: account, reason: 'OKX private stream reconnected; pushes sent meanwhile are not replayed', timestamp: deps.clock.now() }),
      ...socketTiming,
    });
    this.orders = new OrderTracker(deps.execution);
  }

  rateLimitStats(): RateLimitStats {
    return this.rest.budgets.stats();
  }

  protected closeStreams(): void {
    this.privateStreams.close();
  }

  protected async loadInstruments(): Promise<InstrumentSpec[]> {
    const instruments = this.parsedListing(parseInstruments(await this.rest.publicGet('/api/v5/public/instruments', [['instType', 'SPOT']]), this.id), 'OKX instruments');
    this.listed.replace(instruments);
    return instruments;
  }

  async getKlines(symbol: string, interval: string, limit: number): Promise<KlineUpdate[]> {
    this.checkKey({ kind: 'kline', symbol, interval });
    const n = Math.max(1, Math.min(300, Math.floor(limit)));
    const data = await this.rest.publicGet('/api/v5/market/candles', [['instId', this.instId(symbol)], ['bar', OKX_BARS[interval]!], ['limit', String(n)]]);
    const ref = { instrumentId: `${this.id}:${symbol}`, venue: this.id, symbol };
    const bars = data.map((row) => parseCandle(row, ref, interval)).sort((a, b) => a.candle.openTime - b.candle.openTime);
    return spliceLiveKline(bars, this.feeds.liveKline(symbol, interval), n);
  }

  async submitOrder(order: VenueOrder, account: VenueAccount): Promise<void> {
    const tracked = this.orders.track(order, this.quoteAsset(order.symbol));
    const reject = (reason: string) => this.orders.emit(tracked, { type: 'rejected', tradeOrderId: order.tradeOrderId, tradingAccountId: order.tradingAccountId, reason, timestamp: this.deps.clock.now() });
    if (this.stopped) return void reject('OKX venue is stopped');
    let signer: OkxSigner;
    try {
      signer = this.signer(account);
    } catch (err) {
      return void reject(errorText(err));
    }
    if (!isSymbol(order.symbol)) return void reject(`symbol must be BASE/QUOTE, got ${order.symbol}`);
    const instId = this.instId(order.symbol);
    const built = buildOkxOrder(order, instId);
    if (!built.ok) return void reject(built.reason);
    this.ordTypes.set(order.clientOrderId, built.body.ordType!);

    // Subscribe first, so the pushes about this order cannot slip past; the REST answer still covers a failure.
    await this.privateStreams.subscribe(order.tradingAccountId, signer).catch((err: unknown) =>
      this.deps.log.warn({ tradingAccountId: order.tradingAccountId, err: errorText(err) }, 'OKX private stream unavailable; relying on REST answers'),
    );
    try {
      const data = await this.rest.signed('POST', '/api/v5/trade/order', built.body, signer, instId);
      const row = wire.object(data[0], 'order answer');
      const sCode = wire.str(row, 'sCode');
      if (sCode !== '0') return void reject(`${sCode}: ${wire.optStr(row, 'sMsg') ?? ''}`);
      this.orders.emit(tracked, { type: 'accepted', tradeOrderId: order.tradeOrderId, tradingAccountId: order.tradingAccountId, externalOrderId: wire.str(row, 'ordId'), timestamp: this.deps.clock.now() });
    } catch (err) {
      // A lost answer: the venue may or may not have the order — ask it by our client order id.
      await this.orders.settleFailedSubmission(tracked, err, () => this.queryOrder(order, account), () => this.deps.clock.now(), (queryErr) =>
        this.deps.log.error({ tradeOrderId: order.tradeOrderId, err: errorText(queryErr) }, 'OKX order outcome unknown; waiting for the private stream'),
      );
    }
  }

  async cancelOrder(request: CancelRequest, account: VenueAccount): Promise<void> {
    const signer = this.signer(account);
    const tracked = this.orders.get(request.clientOrderId) ?? this.orders.track(request, this.quoteAsset(request.symbol));
    const instId = this.instId(request.symbol);
    const externalOrderId = request.externalOrderId ?? tracked.externalOrderId;
    const body: Record<string, string> = { instId, ...(externalOrderId ? { ordId: externalOrderId } : { clOrdId: request.clientOrderId }) };
    this.cancelRequested.add(request.clientOrderId);
    const data = await this.rest.signed('POST', '/api/v5/trade/cancel-order', body, signer, instId);
    const row = wire.object(data[0], 'cancel answer');
    const sCode = wire.str(row, 'sCode');
    if (sCode !== '0') throw new VenueError(this.id, 'rejected', `OKX refused the cancel: ${sCode}: ${wire.optStr(row, 'sMsg') ?? ''}`, { code: sCode });
    this.orders.emit(tracked, { type: 'cancelled', tradeOrderId: request.tradeOrderId, tradingAccountId: request.tradingAccountId, externalOrderId: wire.str(row, 'ordId'), reason: 'CANCELED', timestamp: this.deps.clock.now() });
  }

  /** Balances from `GET /api/v5/account/balance`; starts the account's private stream (balance pushes follow). */
  async fetchBalances(account: VenueAccount): Promise<Array<{ asset: string; free: string; locked: string }>> {
    const signer = this.signer(account);
    const data = await this.rest.signed('GET', '/api/v5/account/balance', [], signer);
    if (!this.stopped) {
      this.privateStreams.subscribe(account.tradingAccountId, signer).catch((err: unknown) => this.deps.log.warn({ tradingAccountId: account.tradingAccountId, err: errorText(err) }, 'OKX private stream unavailable'));
    }
    return data.length > 0 ? parseBalances(data[0]) : [];
  }

  async verifyCredential(credential: VenueCredential): Promise<{ valid: boolean; reason?: string }> {
    let signer: OkxSigner;
    try {
      signer = createOkxSigner(credential, this.id);
    } catch (err) {
      return { valid: false, reason: errorText(err) };
    }
    try {
      await this.rest.signed('GET', '/api/v5/account/balance', [], signer);
      return { valid: true };
    } catch (err) {
      if (err instanceof VenueError && err.kind === 'rejected' && (err.code === undefined || CREDENTIAL_CODES.has(err.code) || err.details.httpStatus === 401)) return { valid: false, reason: err.message };
      throw err;
    }
  }

  /**
   * The order's state on OKX: `GET /api/v5/trade/order` (by ordId when known, else clOrdId) and, with fills, its
   * trades from `GET /api/v5/trade/fills` (pages of 100, newest first, paged back with `after` = billId). undefined
   * on 51603 "Order does not exist". The account's private stream is subscribed first and the order adopted, so what
   * happens to it from now on is reported live — once.
   */
  async queryOrder(request: OrderQuery, account: VenueAccount): Promise<VenueOrderState | undefined> {
    if (this.stopped) throw new VenueError(this.id, 'network', 'OKX venue is stopped');
    const signer = this.signer(account);
    const instId = this.instId(request.symbol);
    const tracked = this.orders.track(request, this.quoteAsset(request.symbol));
    await this.privateStreams.subscribe(request.tradingAccountId, signer).catch((err: unknown) =>
      this.deps.log.warn({ tradingAccountId: request.tradingAccountId, err: errorText(err) }, 'OKX private stream unavailable; answering from REST only'),
    );
    const params: Array<[string, string]> = [['instId', instId], request.externalOrderId ? ['ordId', request.externalOrderId] : ['clOrdId', request.clientOrderId]];
    let row: unknown;
    try {
      row = (await this.rest.signed('GET', '/api/v5/trade/order', params, signer, instId))[0];
    } catch (err) {
      if (err instanceof VenueError && err.code === NO_SUCH_ORDER) return undefined;
      throw err;
    }
    if (row === undefined) return undefined;
    const order = parseOrder(row);
    const ordType = wire.optStr(wire.object(row, 'order'), 'ordType');
    if (ordType) this.ordTypes.set(request.clientOrderId, ordType);
    const fills = order.accFillSz !== '0' ? await this.orderFills(instId, order.ordId, signer) : [];
    const status = this.statusOf(order, request.clientOrderId);
    const state: VenueOrderState = {
      status,
      externalOrderId: order.ordId,
      executedQuantity: order.accFillSz,
      fills: fills.map((f): VenueFill => ({ tradeId: f.tradeId, price: f.price, quantity: f.quantity, fee: f.fee, feeAsset: f.feeAsset, liquidity: f.liquidity, timestamp: f.time })).sort((a, b) => a.timestamp - b.timestamp),
      updatedAt: order.uTime,
    };
    if (status === 'CANCELLED' || status === 'EXPIRED') state.reason = order.cancelSource ? `${order.state} (cancelSource ${order.cancelSource})` : order.state;
    this.orders.learn(tracked, { externalOrderId: order.ordId, accepted: true, tradeIds: state.fills.map((f) => f.tradeId), terminal: status === 'CANCELLED' || status === 'EXPIRED' });
    return state;
  }

  private async orderFills(instId: string, ordId: string, signer: OkxSigner): Promise<OkxFill[]> {
    const all: OkxFill[] = [];
    let after: string | undefined;
    for (let page = 0; page < 100; page++) {
      const params: Array<[string, string]> = [['instType', 'SPOT'], ['instId', instId], ['ordId', ordId], ['limit', '100'], ...(after ? ([['after', after]] as Array<[string, string]>) : [])];
      const rows = (await this.rest.signed('GET', '/api/v5/trade/fills', params, signer)).map(parseFill).filter((f) => f.ordId === ordId);
      all.push(...rows);
      if (rows.length < 100) break;
      after = rows[rows.length - 1]!.billId;
    }
    return all;
  }

  private statusOf(order: OkxOrder, clientOrderId: string): VenueOrderState['status'] {
    switch (order.state) {
      case 'live':
      case 'partially_filled':
        return 'OPEN';
      case 'filled':
        return 'FILLED';
      case 'canceled':
      case 'mmp_canceled': {
        const t = this.ordTypes.get(clientOrderId);
        const selfEnding = t === 'ioc' || t === 'fok' || t === 'market';
        return selfEnding && !this.cancelRequested.has(clientOrderId) ? 'EXPIRED' : 'CANCELLED';
      }
    }
  }

  /** One `orders` push: accepted, a fill, or the end of the order. */
  private onOrderPush(tradingAccountId: string, row: unknown): void {
    const order = parseOrder(row);
    const tracked = this.orders.get(order.clOrdId);
    if (!tracked || tracked.tradingAccountId !== tradingAccountId) return;
    const base = { tradeOrderId: tracked.tradeOrderId, tradingAccountId, externalOrderId: order.ordId };
    this.orders.emit(tracked, { ...base, type: 'accepted', timestamp: order.uTime });
    if (order.fill) {
      const f = order.fill;
      this.orders.emit(tracked, {
        ...base,
        type: 'filled',
        tradeId: f.tradeId,
        price: f.price,
        quantity: f.quantity,
        fee: f.fee,
        feeAsset: f.feeAsset || tracked.fallbackFeeAsset,
        liquidity: f.liquidity,
        timestamp: f.time,
        ...(order.state === 'filled' ? { final: true } : {}),
      });
    }
    const status = this.statusOf(order, order.clOrdId);
    if (status === 'CANCELLED') this.orders.emit(tracked, { ...base, type: 'cancelled', reason: 'CANCELED', timestamp: order.uTime });
    if (status === 'EXPIRED') this.orders.emit(tracked, { ...base, type: 'expired', reason: `${this.ordTypes.get(order.clOrdId) ?? 'order'} remainder canceled by OKX`, timestamp: order.uTime });
  }

  private signer(account: VenueAccount): OkxSigner {
    if (!account.credential) throw new VenueError(this.id, 'unsupported', 'this trading account has no OKX API credential');
    return createOkxSigner(account.credential, this.id);
  }

  protected externalSymbol(symbol: string): string {
    return this.instId(symbol);
  }

  private instId(symbol: string): string {
    return this.listed.get(symbol)?.externalSymbol ?? symbol.replace('/', '-');
  }

  private quoteAsset(symbol: string): string {
    return this.listed.get(symbol)?.quoteAsset ?? symbol.split('/')[1] ?? '';
  }


}

export function createOkxVenue(deps: VenueDeps, options: OkxVenueOptions): OkxVenue {
  return new OkxVenue(deps, options);
}
