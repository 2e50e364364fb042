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
 *
 * Beside this file: the sessions (account-sessions.ts), what they say about orders (order-flow.ts) and about
 * balances and positions (account-book.ts), the market feeds (market-feeds.ts).
 */
import type { CancelRequest, ExecutionEvent, InstrumentSpec, KlineUpdate, OrderQuery, VenueAccount, VenueCredential, VenueDeps, VenueOrder, VenueOrderState } from '@cadenza/domain';
import { VenueError, errorText } from '../kit/venue-error.ts';
import type { RateLimitReporter, RateLimitStats } from '../kit/rate-budget.ts';
import { LiveVenue } from '../kit/live-venue.ts';
import { spliceLiveKline } from '../kit/live-kline.ts';
import { resolveDeribitEndpoints, type DeribitEndpoints, type DeribitVenueOptions } from './config.ts';
import { DeribitHttp } from './rpc.ts';
import { DeribitMarketFeeds, type MarkReport } from './market-feeds.ts';
import type { DeribitSession } from './session.ts';
import { DeribitSessions } from './account-sessions.ts';
import { DeribitOrderFlow } from './order-flow.ts';
import { DeribitAccountBook } from './account-book.ts';
import { createDeribitAuth, type DeribitAuth } from './signing.ts';
import { buildDeribitOrder } from './order-params.ts';
import { DERIBIT_KLINE_INTERVALS, DERIBIT_RESOLUTIONS, RESOLUTION_MS, parseChartData, parseInstruments, wire, type DeribitInstrument } from './parse.ts';
import { parseOrder, parseSummary, parseUserTrade, type DeribitOrder, type DeribitPosition } from './parse-account.ts';
import { deribitOrderState } from './order-state.ts';

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
  private readonly sessions: DeribitSessions;
  private readonly flow: DeribitOrderFlow;
  private readonly accounts: DeribitAccountBook;
  private readonly listed = this.listing<DeribitInstrument>((i) => i.spec.symbol);
  protected override readonly listedBeforeSubscribing = this.listed;

  constructor(
    deps: VenueDeps,
    private readonly options: DeribitVenueOptions,
  ) {
    super(options.venueId, deps, options.instrumentsTtlMs);
    this.endpoints = resolveDeribitEndpoints(options);
    const instrument = (name: string) => this.listed.get(name);
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
      instrument,
    });
    this.flow = new DeribitOrderFlow(deps.execution, instrument);
    this.accounts = new DeribitAccountBook(deps.execution, deps.clock, instrument);
    this.sessions = new DeribitSessions({
      venueId: this.id,
      wsUrl: this.endpoints.wsUrl,
      credits: this.http.credits,
      deps,
      timings: options,
      onNotification: (tradingAccountId, channel, data) => this.onAccountNotification(tradingAccountId, channel, data),
      onResubscribed: (tradingAccountId) => this.resync(tradingAccountId),
      onReady: (tradingAccountId) => void this.reportPositionSnapshot(tradingAccountId),
    });
  }

  rateLimitStats(): RateLimitStats {
    return this.http.credits.stats();
  }

  protected closeStreams(): void {
    this.sessions.stopAll();
  }

  protected async loadInstruments(): Promise<InstrumentSpec[]> {
    const currencies = this.options.currencies ?? ['BTC', 'ETH', 'USDC'];
    const rows: unknown[] = [];
    for (const currency of currencies) rows.push(...wire.array(await this.http.publicCall('public/get_instruments', { currency, expired: false }), 'instruments'));
    const instruments = this.parsedListing(parseInstruments(rows, this.id), 'Deribit instruments');
    this.listed.replace(instruments);
    return instruments.map((i) => i.spec);
  }

  /** The last mark price of a symbol whose ticker is subscribed. */
  getMarkPrice(symbol: string): MarkReport | undefined {
    return this.feeds.getMark(symbol);
  }

  async getKlines(symbol: string, interval: string, limit: number): Promise<KlineUpdate[]> {
    this.checkKey({ kind: 'kline', symbol, interval });
    const inst = await this.listed.require(symbol);
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
    const tracked = this.flow.tracker.track(order, '');
    const reject = (reason: string) => this.flow.tracker.emit(tracked, { type: 'rejected', tradeOrderId: order.tradeOrderId, tradingAccountId: order.tradingAccountId, reason, timestamp: this.deps.clock.now() });
    if (this.stopped) return void reject('Deribit venue is stopped');
    let session: DeribitSession;
    let inst: DeribitInstrument;
    try {
      session = this.sessions.of(account);
      inst = await this.listed.require(order.symbol);
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
      this.flow.onOrder(tracked, parseOrder(result.order), wire.array(result.trades ?? [], 'trades').map(parseUserTrade));
    } catch (err) {
      // A lost answer: the venue may or may not have the order — ask it by our client order id.
      await this.flow.tracker.settleFailedSubmission(tracked, err, () => this.queryOrder(order, account), () => this.deps.clock.now(), (queryErr) =>
        this.deps.log.error({ tradeOrderId: order.tradeOrderId, err: errorText(queryErr) }, 'Deribit order outcome unknown; waiting for the account stream'),
      );
    }
  }

  async cancelOrder(request: CancelRequest, account: VenueAccount): Promise<void> {
    const session = this.sessions.of(account);
    await session.start();
    const tracked = this.flow.tracker.get(request.clientOrderId) ?? this.flow.tracker.track(request, '');
    let orderId = request.externalOrderId ?? tracked.externalOrderId;
    if (!orderId) orderId = (await this.findByLabel(session, request.symbol, request.clientOrderId))?.orderId;
    if (!orderId) throw new VenueError(this.id, 'rejected', `Deribit has no order labelled ${request.clientOrderId}`, { code: NOT_FOUND });
    this.flow.cancelling(request.clientOrderId);
    const order = parseOrder(await session.call('private/cancel', { order_id: orderId }));
    this.flow.onOrder(tracked, order, []);
  }

  async fetchBalances(account: VenueAccount): Promise<Array<{ asset: string; free: string; locked: string }>> {
    const session = this.sessions.of(account);
    await session.start();
    const result = wire.object(await session.call('private/get_account_summaries', {}), 'account summaries');
    const list = wire.array(result.summaries, 'summaries').map(parseSummary);
    this.accounts.setBalances(account.tradingAccountId, list);
    return list;
  }

  /** The account's open positions as Deribit holds them (contracts; sides from the direction). */
  async fetchPositions(account: VenueAccount): Promise<DeribitPosition[]> {
    const session = this.sessions.of(account);
    await session.start();
    return this.loadPositions(account.tradingAccountId, session);
  }

  private async loadPositions(tradingAccountId: string, session: DeribitSession): Promise<DeribitPosition[]> {
    await this.listInstruments();
    return this.accounts.setPositions(tradingAccountId, wire.array(await session.call('private/get_positions', {}), 'positions'));
  }

  /** After (re)connecting: the account's positions as a `positions` snapshot (changes meanwhile are not replayed). */
  private async reportPositionSnapshot(tradingAccountId: string): Promise<void> {
    const session = this.sessions.get(tradingAccountId);
    if (!session) return;
    try {
      await this.loadPositions(tradingAccountId, session);
      this.accounts.reportPositions(tradingAccountId);
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
    const probe = this.sessions.probe(auth);
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
    const session = this.sessions.of(account);
    await session.start();
    const inst = await this.listed.require(request.symbol);
    const tracked = this.flow.tracker.track(request, '');
    let order: DeribitOrder | undefined;
    if (request.externalOrderId) {
      try {
        order = parseOrder(await session.call('private/get_order_state', { order_id: request.externalOrderId }));
      } catch (err) {
        if (!(err instanceof VenueError && err.code === NOT_FOUND)) throw err;
      }
    } else order = await this.findByLabel(session, request.symbol, request.clientOrderId);
    if (!order) return undefined;
    this.flow.adopt(order.orderId, request.clientOrderId);
    const trades = order.filledAmount !== '0' ? wire.array(await session.call('private/get_user_trades_by_order', { order_id: order.orderId, sorting: 'asc' }), 'trades').map(parseUserTrade) : [];
    const state = deribitOrderState(order, trades, inst, this.flow.cancelAsked(request.clientOrderId));
    const status = state.status;
    this.flow.tracker.learn(tracked, { externalOrderId: order.orderId, accepted: status !== 'REJECTED', tradeIds: state.fills.map((f) => f.tradeId), terminal: status !== 'OPEN' && status !== 'FILLED' });
    return state;
  }

  /** The newest order labelled `label` (Deribit keeps closed orders in its order history by label too). */
  private async findByLabel(session: DeribitSession, symbol: string, label: string): Promise<DeribitOrder | undefined> {
    const inst = await this.listed.require(symbol);
    const rows = wire.array(await session.call('private/get_order_state_by_label', { currency: inst.settlementCurrency, label }), 'orders').map(parseOrder);
    return rows.filter((o) => o.instrument === inst.spec.externalSymbol).sort((a, b) => b.updatedAt - a.updatedAt)[0];
  }

  /** A `user.changes` or `user.portfolio` notification of an account's session. */
  private onAccountNotification(tradingAccountId: string, channel: string, data: unknown): void {
    if (channel.startsWith('user.portfolio.')) return this.accounts.onPortfolio(tradingAccountId, data);
    if (!channel.startsWith('user.changes.')) return;
    const o = wire.object(data, 'user.changes');
    this.flow.onChanges(tradingAccountId, wire.array(o.orders ?? [], 'orders').map(parseOrder), wire.array(o.trades ?? [], 'trades').map(parseUserTrade));
    this.accounts.onPositionChanges(tradingAccountId, o.positions === undefined ? [] : wire.array(o.positions, 'positions'));
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
