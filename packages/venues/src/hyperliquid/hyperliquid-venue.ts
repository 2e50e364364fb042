/**
 * @module hyperliquid/hyperliquid-venue
 * The HYPERLIQUID / HYPERLIQUID_UAT venue (Hyperliquid's perpetuals, and spot pairs) through the Venue port.
 *
 *  - Instruments from `metaAndAssetCtxs` and `spotMetaAndAssetCtxs` (info, cached): `HYPERLIQUID:BTC` (perpetual,
 *    quantities in BTC, USDC-settled), `HYPERLIQUID:PURR/USDC` (spot); tick and lot rules in prices.ts.
 *  - Market data on demand over the public WebSocket (market-feeds.ts); nothing connects at `start`.
 *  - Trading: each order is an L1 `order` action signed by the account's agent wallet (signing.ts), posted to
 *    `/exchange`, with our clientOrderId as a `cloid` (a hash of it, so it is found again after a restart); cancels
 *    are `cancel` (by order id) or `cancelByCloid`. Outcomes come from the answer (resting / filled / error) and from
 *    the account's `orderUpdates` and `userFills` streams (private-stream.ts), each fact once (kit order tracker). A
 *    lost answer is settled by asking `orderStatus` by cloid.
 *  - Reconciliation: `queryOrder` answers an order's state (`orderStatus`) with its fills (`userFillsByTime`) and
 *    adopts it; after the account stream comes back from a drop the venue reports `resync`, and the `userFills`
 *    snapshot that follows every subscription brings fills made meanwhile. Hyperliquid keeps the ledger: balances
 *    from `clearinghouseState` + `spotClearinghouseState`, positions from `clearinghouseState`.
 *  - Rate limits: the IP's weight budget (rate-limits.ts, http.ts); a 429 backs everything off.
 */
import type { CancelRequest, InstrumentSpec, KlineUpdate, MarkPriceUpdate, OrderQuery, VenueAccount, VenueCredential, VenueDeps, VenueOrder, VenueOrderState, VenuePosition } from '@cadenza/domain';
import { dec, str } from '@cadenza/domain';
import type { AccountStreams } from '../kit/account-streams.ts';
import { LiveVenue } from '../kit/live-venue.ts';
import { spliceLiveKline } from '../kit/live-kline.ts';
import type { RateLimitReporter, RateLimitStats } from '../kit/rate-budget.ts';
import { VenueError, errorText } from '../kit/venue-error.ts';
import { resolveHyperliquidEndpoints, type HyperliquidEndpoints, type HyperliquidVenueOptions } from './config.ts';
import { HyperliquidHttp } from './http.ts';
import { HyperliquidMarketFeeds } from './market-feeds.ts';
import { buildOrderWire } from './order-params.ts';
import { HYPERLIQUID_KLINE_INTERVALS, INTERVAL_MS, parseCandle, parseL2Book, parsePerps, parseSpot, wire, type HyperliquidInstrument } from './parse.ts';
import { parseBalances, parseFill, parseOrderStatus, parsePositions } from './parse-account.ts';
import { HyperliquidOrders } from './order-events.ts';
import { roundToTick } from './prices.ts';
import { hyperliquidPrivateStreams, type StreamKey } from './private-stream.ts';
import { signerFromCredential, type HyperliquidSigner } from './signing.ts';

/** Coins ("BTC", "kPEPE") and spot pairs ("PURR/USDC"). */
const SYMBOL = /^(?:[A-Za-z0-9]{1,20}|[A-Z0-9]{1,20}\/[A-Z0-9]{1,20})$/;

export class HyperliquidVenue extends LiveVenue implements RateLimitReporter {
  protected readonly klineIntervals = HYPERLIQUID_KLINE_INTERVALS;
  protected override readonly symbolPattern = SYMBOL;
  readonly endpoints: HyperliquidEndpoints;
  readonly http: HyperliquidHttp;
  readonly feeds: HyperliquidMarketFeeds;
  private readonly streams: AccountStreams<StreamKey>;
  private readonly orders: HyperliquidOrders;
  private readonly listed = this.listing<HyperliquidInstrument>((i) => i.spec.symbol);
  protected override readonly listedBeforeSubscribing = this.listed;
  private readonly byCoin = new Map<string, HyperliquidInstrument>();
  /** The master address of each account whose streams are open (positions are re-read for it after fills). */
  private readonly users = new Map<string, string>();
  /** Position reads running per account, and whether another is wanted when it ends (fills come in bursts). */
  private readonly positionReads = new Map<string, { again: boolean }>();
  private lastNonce = 0;

  constructor(
    deps: VenueDeps,
    private readonly options: HyperliquidVenueOptions,
  ) {
    super(options.venueId, deps, options.instrumentsTtlMs);
    this.endpoints = resolveHyperliquidEndpoints(options);
    this.http = new HyperliquidHttp({
      venue: this.id,
      restUrl: this.endpoints.restUrl,
      clock: deps.clock,
      log: deps.log,
      timeoutMs: options.requestTimeoutMs ?? 10_000,
      backoffMs: options.rateLimitBackoffMs ?? 10_000,
      maxOrderWaitMs: options.maxOrderWaitMs ?? 2000,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    const socket = {
      beforeConnect: () => this.http.credits.acquire('ws:connect', 1, 10_000),
      pingIntervalMs: options.pingIntervalMs ?? 30_000,
      idleTimeoutMs: options.idleTimeoutMs ?? 70_000,
      reconnectDelayMs: options.reconnectDelayMs ?? { min: 250, max: 30_000 },
    };
    this.feeds = new HyperliquidMarketFeeds({
      venueId: this.id,
      wsUrl: this.endpoints.wsUrl,
      market: deps.market,
      log: deps.log,
      clock: deps.clock,
      ...socket,
      snapshotTimeoutMs: options.snapshotTimeoutMs ?? 5000,
      fetchBook: async (coin) => parseL2Book(await this.http.info({ type: 'l2Book', coin })),
      instrument: (symbol) => this.listed.get(symbol),
    });
    this.streams = hyperliquidPrivateStreams({
      venue: this.id,
      url: this.endpoints.wsUrl,
      log: deps.log,
      ...socket,
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      onOrderUpdates: (id, data) => this.orders.onOrderUpdates(id, data),
      onUserFills: (id, data) => {
        this.orders.onUserFills(id, data);
        // Fills move positions, and Hyperliquid pushes no position stream on these sockets: read them again.
        this.reportPositions(id);
      },
      onResubscribed: (id) => this.onResubscribed(id),
    });
    this.orders = new HyperliquidOrders(deps.execution);
  }

  rateLimitStats(): RateLimitStats {
    return this.http.credits.stats();
  }

  protected closeStreams(): void {
    this.streams.close();
  }

  protected externalSymbol(symbol: string): string {
    return this.listed.get(symbol)?.coin ?? symbol;
  }

  protected async loadInstruments(): Promise<InstrumentSpec[]> {
    const list = parsePerps(await this.http.info({ type: 'metaAndAssetCtxs' }), this.id);
    if (this.options.spot !== false) {
      try {
        list.push(...parseSpot(await this.http.info({ type: 'spotMetaAndAssetCtxs' }), this.id));
      } catch (err) {
        this.deps.log.warn({ err: errorText(err) }, 'Hyperliquid spot pairs not listed');
      }
    }
    this.listed.replace(list);
    this.byCoin.clear();
    for (const i of list) this.byCoin.set(i.coin, i);
    return list.map((i) => i.spec);
  }

  getMarkPrice(symbol: string): MarkPriceUpdate | undefined {
    return this.feeds.getMark(symbol);
  }

  async getKlines(symbol: string, interval: string, limit: number): Promise<KlineUpdate[]> {
    this.checkKey({ kind: 'kline', symbol, interval });
    const inst = await this.listed.require(symbol);
    const n = Math.max(1, Math.min(5000, Math.floor(limit)));
    const step = INTERVAL_MS[interval]!;
    const now = this.deps.clock.now();
    const answer = await this.http.info({ type: 'candleSnapshot', req: { coin: inst.coin, interval, startTime: Math.floor(now / step) * step - (n - 1) * step, endTime: now } });
    const ref = { instrumentId: inst.spec.instrumentId, venue: this.id, symbol };
    const bars = wire.array(answer, 'candleSnapshot').map((c) => parseCandle(c, ref, interval, now)).sort((a, b) => a.candle.openTime - b.candle.openTime).slice(-n);
    return spliceLiveKline(bars, this.feeds.liveKline(symbol, interval), n);
  }

  async submitOrder(order: VenueOrder, account: VenueAccount): Promise<void> {
    const { tracked, cloid } = this.orders.track(order);
    const reject = (reason: string) => this.orders.tracker.emit(tracked, { type: 'rejected', tradeOrderId: order.tradeOrderId, tradingAccountId: order.tradingAccountId, reason, timestamp: this.deps.clock.now() });
    if (this.stopped) return void reject('Hyperliquid venue is stopped');
    let signer: HyperliquidSigner;
    let inst: HyperliquidInstrument;
    let marketPrice: string | undefined;
    try {
      signer = this.signer(account);
      inst = await this.listed.require(order.symbol);
      if (order.orderType === 'MARKET') marketPrice = await this.marketPrice(inst, order.side);
    } catch (err) {
      return void reject(errorText(err));
    }
    const built = buildOrderWire(order, inst, cloid, marketPrice);
    if (!built.ok) return void reject(built.reason);
    if (built.wire.t.limit.tif === 'Ioc') this.orders.markIoc(order.clientOrderId);
    try {
      await this.openAccount(order.tradingAccountId, signer);
    } catch (err) {
      return void reject(`Hyperliquid account stream unavailable: ${errorText(err)}`);
    }
    try {
      const statuses = await this.act(signer, { type: 'order', orders: [built.wire], grouping: 'na' }, 1);
      const s = wire.object(statuses[0], 'order status');
      if (typeof s.error === 'string') return void reject(s.error);
      const placed = wire.object(s.resting ?? s.filled, 'resting or filled');
      this.orders.placed(tracked, String(wire.int(placed, 'oid')), this.deps.clock.now());
    } catch (err) {
      await this.orders.tracker.settleFailedSubmission(tracked, err, () => this.queryOrder(order, account), () => this.deps.clock.now(), (queryErr) =>
        this.deps.log.error({ tradeOrderId: order.tradeOrderId, err: errorText(queryErr) }, 'Hyperliquid order outcome unknown; waiting for the account stream'),
      );
    }
  }

  async cancelOrder(request: CancelRequest, account: VenueAccount): Promise<void> {
    const signer = this.signer(account);
    const inst = await this.listed.require(request.symbol);
    const { tracked, cloid } = this.orders.track(request);
    const oid = request.externalOrderId ?? tracked.externalOrderId;
    this.orders.markCancelRequested(request.clientOrderId);
    const action = oid ? { type: 'cancel', cancels: [{ a: inst.asset, o: Number(oid) }] } : { type: 'cancelByCloid', cancels: [{ asset: inst.asset, cloid }] };
    const [status] = await this.act(signer, action, 1);
    if (status !== 'success') {
      const reason = typeof status === 'object' && status !== null && typeof (status as { error?: unknown }).error === 'string' ? (status as { error: string }).error : JSON.stringify(status);
      throw new VenueError(this.id, 'rejected', `Hyperliquid refused the cancel: ${reason}`);
    }
    this.orders.tracker.emit(tracked, { type: 'cancelled', tradeOrderId: tracked.tradeOrderId, tradingAccountId: tracked.tradingAccountId, ...(oid ? { externalOrderId: oid } : {}), reason: 'cancelled', timestamp: this.deps.clock.now() });
  }

  async fetchBalances(account: VenueAccount): Promise<Array<{ asset: string; free: string; locked: string }>> {
    const user = this.signer(account).user;
    const [perp, spot] = await Promise.all([this.http.info({ type: 'clearinghouseState', user }), this.http.info({ type: 'spotClearinghouseState', user })]);
    return parseBalances(perp, spot);
  }

  /** The account's open perpetual positions as Hyperliquid holds them (sizes in the coin). */
  async fetchPositions(account: VenueAccount): Promise<VenuePosition[]> {
    return this.positionsOf(this.signer(account).user);
  }

  private async positionsOf(user: string): Promise<VenuePosition[]> {
    await this.listInstruments();
    return parsePositions(await this.http.info({ type: 'clearinghouseState', user }), (coin) => this.byCoin.get(coin)?.spec.symbol, this.deps.clock.now());
  }

  /**
   * Valid when Hyperliquid knows the key's address as an agent of the credential's master address (`userRole`), or
   * the key is the master's own.
   */
  async verifyCredential(credential: VenueCredential): Promise<{ valid: boolean; reason?: string }> {
    let signer: HyperliquidSigner;
    try {
      signer = signerFromCredential(credential, this.id);
    } catch (err) {
      return { valid: false, reason: errorText(err) };
    }
    const role = wire.object(await this.http.info({ type: 'userRole', user: signer.agent }), 'userRole');
    if (role.role === 'user' && signer.agent === signer.user) return { valid: true };
    const master = typeof role.data === 'object' && role.data !== null ? (role.data as { user?: unknown }).user : undefined;
    if (role.role === 'agent' && typeof master === 'string' && master.toLowerCase() === signer.user) return { valid: true };
    return { valid: false, reason: `the key's address ${signer.agent} is not an API wallet of ${signer.user} on ${this.id} (userRole: ${String(role.role)})` };
  }

  /**
   * The order's state on Hyperliquid (`orderStatus` by order id, else by cloid) with its fills (`userFillsByTime`
   * since it was placed); undefined when Hyperliquid has no such order. The account stream is opened first and the
   * order adopted, so what happens to it from now on is reported live — once.
   */
  async queryOrder(request: OrderQuery, account: VenueAccount): Promise<VenueOrderState | undefined> {
    if (this.stopped) throw new VenueError(this.id, 'network', 'Hyperliquid venue is stopped');
    const signer = this.signer(account);
    await this.listed.require(request.symbol);
    const { tracked, cloid } = this.orders.track(request);
    await this.openAccount(request.tradingAccountId, signer);
    const order = parseOrderStatus(await this.http.info({ type: 'orderStatus', user: signer.user, oid: request.externalOrderId ? Number(request.externalOrderId) : cloid }));
    if (!order) return undefined;
    const fills = order.sz === order.origSz ? [] : wire.array(await this.http.info({ type: 'userFillsByTime', user: signer.user, startTime: order.timestamp }), 'userFillsByTime').map(parseFill).filter((f) => f.oid === order.oid);
    return this.orders.state(tracked, order, fills);
  }

  /** Signs and posts an L1 action; answers its `statuses`. Refusals (`status: "err"`) throw `rejected`. */
  private async act(signer: HyperliquidSigner, action: { type: string } & Record<string, unknown>, batch: number): Promise<readonly unknown[]> {
    const nonce = this.nextNonce();
    const signature = signer.signL1(action, nonce, this.endpoints.source);
    const answer = wire.object(await this.http.exchange({ action, nonce, signature, vaultAddress: null }, batch), 'exchange answer');
    if (answer.status !== 'ok') throw new VenueError(this.id, 'rejected', `Hyperliquid refused the ${action.type}: ${typeof answer.response === 'string' ? answer.response : JSON.stringify(answer.response)}`);
    const data = wire.object(wire.object(answer.response, 'response').data, 'response data');
    return wire.array(data.statuses, 'statuses');
  }

  /** Nonces are milliseconds, strictly increasing (Hyperliquid refuses a nonce it has seen). */
  private nextNonce(): number {
    this.lastNonce = Math.max(this.deps.clock.now(), this.lastNonce + 1);
    return this.lastNonce;
  }

  /** The IOC limit of a MARKET order: the best opposite price moved `marketSlippage` through, on the tick grid. */
  private async marketPrice(inst: HyperliquidInstrument, side: 'BUY' | 'SELL' | string): Promise<string | undefined> {
    const book = this.feeds.getBook(inst.spec.symbol, 1);
    const snapshot = book ? { bids: book.bids.map((l) => [l.price]), asks: book.asks.map((l) => [l.price]) } : parseL2Book(await this.http.info({ type: 'l2Book', coin: inst.coin }));
    const best = (side === 'BUY' ? snapshot.asks : snapshot.bids)[0]?.[0];
    if (!best) return undefined;
    const slip = dec(this.options.marketSlippage ?? '0.05');
    const raw = dec(best).mul(side === 'BUY' ? dec(1).plus(slip) : dec(1).minus(slip)).toDecimalPlaces(inst.maxDecimals);
    return roundToTick(str(raw), inst.maxDecimals, side === 'BUY' ? 'up' : 'down');
  }

  private signer(account: VenueAccount): HyperliquidSigner {
    if (!account.credential) throw new VenueError(this.id, 'unsupported', 'this trading account has no Hyperliquid credential (master address and agent wallet key)');
    return signerFromCredential(account.credential, this.id);
  }

  /** Opens the account's streams (once ready, fills of orders placed afterwards cannot be missed). */
  private async openAccount(tradingAccountId: string, signer: HyperliquidSigner): Promise<void> {
    const known = this.users.get(tradingAccountId);
    this.users.set(tradingAccountId, signer.user);
    await this.streams.subscribe(tradingAccountId, { apiKey: signer.user });
    if (known !== signer.user) this.reportPositions(tradingAccountId);
  }

  /**
   * Reads the account's positions (`clearinghouseState`) and reports them as a `positions` snapshot: when its stream
   * first opens, and after fills. One read at a time per account; fills meanwhile ask for one more.
   */
  private reportPositions(tradingAccountId: string): void {
    const running = this.positionReads.get(tradingAccountId);
    if (running) return void (running.again = true);
    const user = this.users.get(tradingAccountId);
    if (!user || this.stopped) return;
    const read = { again: false };
    this.positionReads.set(tradingAccountId, read);
    this.positionsOf(user)
      .then(
        (positions) => this.deps.execution.onExecution({ type: 'positions', tradingAccountId, positions, timestamp: this.deps.clock.now() }),
        (err: unknown) => this.deps.log.warn({ tradingAccountId, err: errorText(err) }, 'Hyperliquid positions not read'),
      )
      .finally(() => {
        this.positionReads.delete(tradingAccountId);
        if (read.again) this.reportPositions(tradingAccountId);
      });
  }

  private onResubscribed(tradingAccountId: string): void {
    this.deps.execution.onExecution({ type: 'resync', tradingAccountId, reason: 'Hyperliquid account stream reconnected; order updates sent meanwhile are not replayed', timestamp: this.deps.clock.now() });
  }
}

export function createHyperliquidVenue(deps: VenueDeps, options: HyperliquidVenueOptions): HyperliquidVenue {
  return new HyperliquidVenue(deps, options);
}
