/**
 * @module deribit/deribit-venue
 * The DERIBIT / DERIBIT_UAT venue (Deribit API v2: futures, perpetuals and options) through the Venue port.
 *
 *  - Instruments from `public/get_instruments` (HTTP, cached), named by Deribit's instrument names
 *    (`DERIBIT:BTC-PERPETUAL`, `DERIBIT:BTC-27JUN25-60000-C`); quantities in contracts (parse.ts).
 *  - Market data on demand over the public WebSocket (market-feeds.ts); nothing connects at `start`.
 *  - Each trading account has one authenticated WebSocket session (session.ts): `public/auth` with its client id
 *    and secret, `user.changes` (orders, trades, positions) and `user.portfolio` (balances). Orders are
 *    `private/buy` / `private/sell` with our clientOrderId as `label`, cancels `private/cancel`; outcomes come from
 *    the answer (the order and its immediate trades) and from `user.changes`, each fact once (kit order tracker). An
 *    unknown outcome (a socket lost or a timeout after sending) is settled by asking `get_order_state_by_label`.
 *  - Reconciliation: `queryOrder` answers an order's state (`get_order_state`, else by label) and its trades
 *    (`get_user_trades_by_order`) and adopts the order; after the session comes back from a drop the venue reports
 *    `resync`. Deribit keeps the ledger: balances from `get_account_summaries` and `user.portfolio`.
 */
import type {
  CancelRequest,
  ExecutionEvent,
  InstrumentSpec,
  KlineUpdate,
  MarketStreamKey,
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
import { LiveVenue } from '../kit/live-venue.ts';
import { spliceLiveKline } from '../kit/live-kline.ts';
import { resolveDeribitEndpoints, type DeribitEndpoints, type DeribitVenueOptions } from './config.ts';
import { DeribitHttp } from './rpc.ts';
import { DeribitMarketFeeds, type MarkReport } from './market-feeds.ts';
import { DeribitSession } from './session.ts';
import { createDeribitAuth, type DeribitAuth } from './signing.ts';
import { buildDeribitOrder } from './order-params.ts';
import {
  DERIBIT_KLINE_INTERVALS,
  DERIBIT_RESOLUTIONS,
  RESOLUTION_MS,
  parseChartData,
  parseInstruments,
  wire,
  type DeribitInstrument,
} from './parse.ts';
import { applyPositionChanges, parseOrder, parsePosition, parseSummary, parseUserTrade, type DeribitOrder, type DeribitPosition, type DeribitUserTrade } from './parse-account.ts';
import { deribitFill, deribitOrderState, deribitOrderStatus } from './order-state.ts';

/** Deribit's "no such order" answers: 10004 order_not_found, 11044 not_open_order (for a cancel). */
const NOT_FOUND = '10004';
/** Ways of saying "this key cannot be used". */
const CREDENTIAL_CODES: ReadonlySet<string> = new Set(['13004', '13009', '13010', '13011', '10001', '13007', '13008']);
/** Deribit instrument names: `BTC-PERPETUAL`, `BTC_USDC-PERPETUAL`, `BTC-27JUN25`, `BTC-27JUN25-60000-C`, `XRP_USDC-27JUN25-0d625-C`. */
const INSTRUMENT_NAME = /^[A-Z0-9]{1,10}(?:_[A-Z0-9]{1,10})?(?:-[A-Za-z0-9]{1,12}){1,3}$/;

export class DeribitVenue extends LiveVenue implements RateLimitReporter {
  protected readonly klineIntervals = DERIBIT_KLINE_INTERVALS;
  protected override readonly symbolPattern = INSTRUMENT_NAME;
  readonly endpoints: DeribitEndpoints;
  readonly http: DeribitHttp;
  readonly feeds: DeribitMarketFeeds;
  private readonly sessions = new Map<string, DeribitSession>();
  private readonly orders: OrderTracker;
  private readonly byName = new Map<string, DeribitInstrument>();
  /** Deribit order id → our clientOrderId (trades carry the order id). */
  private readonly byOrderId = new Map<string, string>();
  /** Orders we asked to cancel: an IOC/FOK/market remainder Deribit cancels itself is reported as expired. */
  private readonly cancelRequested = new Set<string>();
  /** The open positions per account and symbol, as last reported (`user.changes` pushes the changed ones). */
  private readonly positions = new Map<string, Map<string, DeribitPosition>>();
  /** The last balance of each currency per account (`user.portfolio` pushes one currency at a time). */
  private readonly balances = new Map<string, Map<string, { asset: string; free: string; locked: string }>>();

  constructor(
    deps: VenueDeps,
    private readonly options: DeribitVenueOptions,
  ) {
    super(options.venueId, deps, options.instrumentsTtlMs);
    this.endpoints = resolveDeribitEndpoints(options);
    this.http = new DeribitHttp({ venue: this.id, httpUrl: this.endpoints.httpUrl, clock: deps.clock, log: deps.log, timeoutMs: options.requestTimeoutMs ?? 10_000, ...(options.fetch ? { fetch: options.fetch } : {}) });
    this.feeds = new DeribitMarketFeeds({
      venueId: this.id,
      wsUrl: this.endpoints.wsUrl,
      market: deps.market,
      log: deps.log,
      clock: deps.clock,
      heartbeatSeconds: options.heartbeatSeconds ?? 30,
      idleTimeoutMs: options.idleTimeoutMs ?? 45_000,
      reconnectDelayMs: options.reconnectDelayMs ?? { min: 250, max: 30_000 },
      beforeConnect: () => this.http.credits.acquire('ws:connect|ip', 1, 5000),
      instrument: (symbol) => this.byName.get(symbol),
    });
    this.orders = new OrderTracker(deps.execution);
  }

  rateLimitStats(): RateLimitStats {
    return this.http.credits.stats();
  }

  protected closeStreams(): void {
    for (const s of this.sessions.values()) s.stop();
    this.sessions.clear();
  }

  protected async loadInstruments(): Promise<InstrumentSpec[]> {
    const currencies = this.options.currencies ?? ['BTC', 'ETH', 'USDC'];
    const rows: unknown[] = [];
    for (const currency of currencies) rows.push(...wire.array(await this.http.publicCall('public/get_instruments', { currency, expired: false }), 'instruments'));
    const { instruments, skipped } = parseInstruments(rows, this.id);
    if (skipped.length > 0) this.deps.log.warn({ count: skipped.length, first: skipped[0] }, 'skipped Deribit instruments that did not parse');
    this.byName.clear();
    for (const i of instruments) this.byName.set(i.spec.symbol, i);
    return instruments.map((i) => i.spec);
  }

  /** The instrument behind a symbol (the catalogue is loaded first); throws for symbols Deribit does not list. */
  private async instrument(symbol: string): Promise<DeribitInstrument> {
    if (!this.byName.has(symbol)) await this.listInstruments();
    const i = this.byName.get(symbol);
    if (!i) throw this.unsupported(`${symbol} is not a listed ${this.id} instrument`);
    return i;
  }

  override async subscribeMarket(key: MarketStreamKey): Promise<void> {
    this.checkKey(key);
    await this.instrument(key.symbol);
    this.feeds.subscribe(key);
  }

  /** The last mark price of a symbol whose ticker is subscribed. */
  getMarkPrice(symbol: string): MarkReport | undefined {
    return this.feeds.getMark(symbol);
  }

  async getKlines(symbol: string, interval: string, limit: number): Promise<KlineUpdate[]> {
    this.checkKey({ kind: 'kline', symbol, interval });
    const inst = await this.instrument(symbol);
    const n = Math.max(1, Math.min(1000, Math.floor(limit)));
    const step = RESOLUTION_MS[interval]!;
    const now = this.deps.clock.now();
    const data = await this.http.publicCall('public/get_tradingview_chart_data', {
      instrument_name: inst.spec.externalSymbol,
      resolution: DERIBIT_RESOLUTIONS[interval]!,
      start_timestamp: Math.floor(now / step) * step - (n - 1) * step,
      end_timestamp: now,
    });
    const ref = { instrumentId: inst.spec.instrumentId, venue: this.id, symbol };
    const bars = parseChartData(data, ref, interval, now).sort((a, b) => a.candle.openTime - b.candle.openTime).slice(-n);
    return spliceLiveKline(bars, this.feeds.liveKline(symbol, interval), n);
  }

  async submitOrder(order: VenueOrder, account: VenueAccount): Promise<void> {
    const tracked = this.orders.track(order, '');
    const reject = (reason: string) => this.orders.emit(tracked, { type: 'rejected', tradeOrderId: order.tradeOrderId, tradingAccountId: order.tradingAccountId, reason, timestamp: this.deps.clock.now() });
    if (this.stopped) return void reject('Deribit venue is stopped');
    let session: DeribitSession;
    let inst: DeribitInstrument;
    try {
      session = this.session(account);
      inst = await this.instrument(order.symbol);
    } catch (err) {
      return void reject(errorText(err));
    }
    const built = buildDeribitOrder(order, inst.contractSize);
    if (!built.ok) return void reject(built.reason);
    try {
      await session.start();
    } catch (err) {
      return void reject(`Deribit account unavailable: ${errorText(err)}`);
    }
    try {
      const result = wire.object(await session.call(built.method, built.params), `${built.method} result`);
      this.onOrderResult(tracked, parseOrder(result.order), wire.array(result.trades ?? [], 'trades').map(parseUserTrade));
    } catch (err) {
      // A lost answer: the venue may or may not have the order — ask it by our client order id.
      await this.orders.settleFailedSubmission(tracked, err, () => this.queryOrder(order, account), () => this.deps.clock.now(), (queryErr) =>
        this.deps.log.error({ tradeOrderId: order.tradeOrderId, err: errorText(queryErr) }, 'Deribit order outcome unknown; waiting for the account stream'),
      );
    }
  }

  async cancelOrder(request: CancelRequest, account: VenueAccount): Promise<void> {
    const session = this.session(account);
    await session.start();
    const tracked = this.orders.get(request.clientOrderId) ?? this.orders.track(request, '');
    let orderId = request.externalOrderId ?? tracked.externalOrderId;
    if (!orderId) orderId = (await this.findByLabel(session, request.symbol, request.clientOrderId))?.orderId;
    if (!orderId) throw new VenueError(this.id, 'rejected', `Deribit has no order labelled ${request.clientOrderId}`, { code: NOT_FOUND });
    this.cancelRequested.add(request.clientOrderId);
    const order = parseOrder(await session.call('private/cancel', { order_id: orderId }));
    this.onOrderResult(tracked, order, []);
  }

  async fetchBalances(account: VenueAccount): Promise<Array<{ asset: string; free: string; locked: string }>> {
    const session = this.session(account);
    await session.start();
    const result = wire.object(await session.call('private/get_account_summaries', {}), 'account summaries');
    const list = wire.array(result.summaries, 'summaries').map(parseSummary);
    this.balances.set(account.tradingAccountId, new Map(list.map((b) => [b.asset, b])));
    return list;
  }

  /** The account's open positions as Deribit holds them (contracts; sides from the direction). */
  async fetchPositions(account: VenueAccount): Promise<DeribitPosition[]> {
    const session = this.session(account);
    await session.start();
    return this.loadPositions(account.tradingAccountId, session);
  }

  private async loadPositions(tradingAccountId: string, session: DeribitSession): Promise<DeribitPosition[]> {
    await this.listInstruments();
    const list = this.positionsOf(wire.array(await session.call('private/get_positions', {}), 'positions'));
    this.positions.set(tradingAccountId, new Map(list.map((p) => [p.symbol, p])));
    return list;
  }

  /** After (re)connecting: the account's positions as a `positions` snapshot (changes meanwhile are not replayed). */
  private async reportPositionSnapshot(tradingAccountId: string): Promise<void> {
    const session = this.sessions.get(tradingAccountId);
    if (!session) return;
    try {
      await this.loadPositions(tradingAccountId, session);
      this.emitPositions(tradingAccountId);
    } catch (err) {
      this.deps.log.warn({ tradingAccountId, err: errorText(err) }, 'Deribit positions not read after connecting');
    }
  }

  async verifyCredential(credential: VenueCredential): Promise<{ valid: boolean; reason?: string }> {
    let auth: DeribitAuth;
    try {
      auth = createDeribitAuth(credential, this.id, () => this.deps.clock.now());
    } catch (err) {
      return { valid: false, reason: errorText(err) };
    }
    // A throwaway session: authenticating is the check.
    const probe = this.newSession('verify', auth, () => undefined);
    try {
      await probe.start();
      return { valid: true };
    } catch (err) {
      if (err instanceof VenueError && err.kind === 'rejected' && (err.code === undefined || CREDENTIAL_CODES.has(err.code))) return { valid: false, reason: err.message };
      throw err;
    } finally {
      probe.stop();
    }
  }

  /**
   * The order's state on Deribit: `private/get_order_state` (by order id when known, else the newest order with our
   * label) and its trades (`private/get_user_trades_by_order`, oldest first). undefined when Deribit has no such
   * order. The account's session is started first and the order adopted, so what happens to it from now on is
   * reported live — once.
   */
  async queryOrder(request: OrderQuery, account: VenueAccount): Promise<VenueOrderState | undefined> {
    if (this.stopped) throw new VenueError(this.id, 'network', 'Deribit venue is stopped');
    const session = this.session(account);
    await session.start();
    const inst = await this.instrument(request.symbol);
    const tracked = this.orders.track(request, '');
    let order: DeribitOrder | undefined;
    if (request.externalOrderId) {
      try {
        order = parseOrder(await session.call('private/get_order_state', { order_id: request.externalOrderId }));
      } catch (err) {
        if (!(err instanceof VenueError && err.code === NOT_FOUND)) throw err;
      }
    } else order = await this.findByLabel(session, request.symbol, request.clientOrderId);
    if (!order) return undefined;
    this.byOrderId.set(order.orderId, request.clientOrderId);
    const trades = order.filledAmount !== '0' ? wire.array(await session.call('private/get_user_trades_by_order', { order_id: order.orderId, sorting: 'asc' }), 'trades').map(parseUserTrade) : [];
    const state = deribitOrderState(order, trades, inst, this.cancelRequested.has(request.clientOrderId));
    const status = state.status;
    this.orders.learn(tracked, { externalOrderId: order.orderId, accepted: status !== 'REJECTED', tradeIds: state.fills.map((f) => f.tradeId), terminal: status !== 'OPEN' && status !== 'FILLED' });
    return state;
  }

  /** The newest order labelled `label` (Deribit keeps closed orders in its order history by label too). */
  private async findByLabel(session: DeribitSession, symbol: string, label: string): Promise<DeribitOrder | undefined> {
    const inst = await this.instrument(symbol);
    const rows = wire.array(await session.call('private/get_order_state_by_label', { currency: inst.settlementCurrency, label }), 'orders').map(parseOrder);
    return rows.filter((o) => o.instrument === inst.spec.externalSymbol).sort((a, b) => b.updatedAt - a.updatedAt)[0];
  }

  /** What an order's answer or report says: accepted, its fills, its end. */
  private onOrderResult(tracked: TrackedOrder, order: DeribitOrder, trades: DeribitUserTrade[]): void {
    const base = { tradeOrderId: tracked.tradeOrderId, tradingAccountId: tracked.tradingAccountId, externalOrderId: order.orderId };
    this.byOrderId.set(order.orderId, tracked.clientOrderId);
    const status = deribitOrderStatus(order, this.cancelRequested.has(tracked.clientOrderId));
    if (status === 'REJECTED') {
      this.orders.emit(tracked, { ...base, type: 'rejected', reason: order.cancelReason ?? 'rejected by Deribit', timestamp: order.updatedAt });
      return;
    }
    this.orders.emit(tracked, { ...base, type: 'accepted', timestamp: order.updatedAt });
    for (const t of trades) this.onTrade(tracked, t, status === 'FILLED' && t === trades[trades.length - 1]);
    if (status === 'CANCELLED') this.orders.emit(tracked, { ...base, type: 'cancelled', reason: order.cancelReason ?? 'cancelled', timestamp: order.updatedAt });
    if (status === 'EXPIRED') this.orders.emit(tracked, { ...base, type: 'expired', reason: `${order.orderType} remainder cancelled by Deribit (${order.cancelReason ?? order.timeInForce})`, timestamp: order.updatedAt });
  }

  private onTrade(tracked: TrackedOrder, t: DeribitUserTrade, final: boolean): void {
    const inst = this.byName.get(t.instrument);
    if (!inst) return;
    this.orders.emit(tracked, { type: 'filled', tradeOrderId: tracked.tradeOrderId, tradingAccountId: tracked.tradingAccountId, externalOrderId: t.orderId, ...deribitFill(t, inst), ...(final ? { final: true } : {}) });
  }

  /** A `user.changes` or `user.portfolio` notification of an account's session. */
  private onAccountNotification(tradingAccountId: string, channel: string, data: unknown): void {
    if (channel.startsWith('user.portfolio.')) {
      const b = parseSummary(data);
      const all = this.balances.get(tradingAccountId) ?? new Map<string, { asset: string; free: string; locked: string }>();
      all.set(b.asset, b);
      this.balances.set(tradingAccountId, all);
      this.deps.execution.onExecution({ type: 'balances', tradingAccountId, balances: [...all.values()], timestamp: this.deps.clock.now() });
      return;
    }
    if (!channel.startsWith('user.changes.')) return;
    const o = wire.object(data, 'user.changes');
    const orders = wire.array(o.orders ?? [], 'orders').map(parseOrder);
    const trades = wire.array(o.trades ?? [], 'trades').map(parseUserTrade);
    for (const order of orders) {
      const tracked = this.orders.get(order.label);
      if (!tracked || tracked.tradingAccountId !== tradingAccountId) continue;
      const own = trades.filter((t) => t.orderId === order.orderId);
      this.onOrderResult(tracked, order, own);
    }
    for (const t of trades) {
      const clientOrderId = this.byOrderId.get(t.orderId);
      const tracked = clientOrderId ? this.orders.get(clientOrderId) : undefined;
      if (tracked && tracked.tradingAccountId === tradingAccountId) this.onTrade(tracked, t, false);
    }
    const changed = o.positions === undefined ? [] : wire.array(o.positions, 'positions');
    // Each notification carries the positions it changed; the port's report is the whole list, so it is kept here
    // from the snapshot read at connect (until that has come, the snapshot will include these changes).
    const held = this.positions.get(tradingAccountId);
    if (changed.length === 0 || !held) return;
    applyPositionChanges(held, changed, (n) => this.byName.get(n));
    this.emitPositions(tradingAccountId);
  }

  private positionsOf(rows: readonly unknown[]): DeribitPosition[] {
    return rows.flatMap((r) => parsePosition(r, (name) => this.byName.get(name)) ?? []);
  }

  private emitPositions(tradingAccountId: string): void {
    const held = this.positions.get(tradingAccountId);
    if (held) this.deps.execution.onExecution({ type: 'positions', tradingAccountId, positions: [...held.values()], timestamp: this.deps.clock.now() });
  }

  private session(account: VenueAccount): DeribitSession {
    if (!account.credential) throw new VenueError(this.id, 'unsupported', 'this trading account has no Deribit API credential');
    const auth = createDeribitAuth(account.credential, this.id, () => this.deps.clock.now());
    const existing = this.sessions.get(account.tradingAccountId);
    if (existing && existing.clientId === auth.clientId) return existing;
    existing?.stop();
    const s = this.newSession(account.tradingAccountId, auth, (channel, data) => this.onAccountNotification(account.tradingAccountId, channel, data));
    this.sessions.set(account.tradingAccountId, s);
    return s;
  }

  private newSession(tradingAccountId: string, auth: DeribitAuth, onNotification: (channel: string, data: unknown) => void): DeribitSession {
    const o = this.options;
    return new DeribitSession({
      venue: this.id,
      tradingAccountId,
      url: this.endpoints.wsUrl,
      auth,
      credits: this.http.credits,
      log: this.deps.log,
      heartbeatSeconds: o.heartbeatSeconds ?? 30,
      idleTimeoutMs: o.idleTimeoutMs ?? 45_000,
      reconnectDelayMs: o.reconnectDelayMs ?? { min: 250, max: 30_000 },
      requestTimeoutMs: o.requestTimeoutMs ?? 10_000,
      maxOrderWaitMs: o.maxOrderWaitMs ?? 2000,
      onNotification,
      onResubscribed: () => this.resync(tradingAccountId),
      onReady: () => void this.reportPositionSnapshot(tradingAccountId),
      onRefused: () => {
        if (this.sessions.get(tradingAccountId)?.clientId === auth.clientId) this.sessions.delete(tradingAccountId);
      },
    });
  }

  private resync(tradingAccountId: string): void {
    const e: ExecutionEvent = { type: 'resync', tradingAccountId, reason: 'Deribit account stream reconnected; notifications sent meanwhile are not replayed', timestamp: this.deps.clock.now() };
    this.deps.execution.onExecution(e);
  }

  protected externalSymbol(symbol: string): string {
    return symbol;
  }
}

export function createDeribitVenue(deps: VenueDeps, options: DeribitVenueOptions): DeribitVenue {
  return new DeribitVenue(deps, options);
}
