/**
 * @module binance/binance-venue
 * The BINANCE / BINANCE_SANDBOX venue: Binance spot through the Venue port.
 *
 *  - Market data on demand: `subscribeMarket` starts a stream on a combined-stream socket (up to 200 streams
 *    each), `unsubscribeMarket` stops it, and a socket closes when nothing on it is subscribed. Nothing connects
 *    at `start`.
 *  - Instruments from `GET /api/v3/exchangeInfo` (cached), mapped to `BINANCE:BASE/QUOTE`.
 *  - Trading with the account's API key (HMAC, Ed25519 or RSA): orders carry our clientOrderId as
 *    `newClientOrderId`; outcomes come from the order's REST answer and from the account's User Data Stream,
 *    deduplicated by the OrderTracker. Refusals (-2010, -1013, unsupported type, 429/418 back-off) become
 *    `rejected` events; an unknown outcome (5xx, timeout) is settled with `GET /api/v3/order`.
 *  - Reconciliation: `queryOrder` answers an order's state and fills (`GET /api/v3/order`, `GET /api/v3/myTrades`)
 *    and adopts the order, so its later user-stream reports are delivered even if it was placed before a restart.
 *    When an account's user data subscription comes back after a drop, Binance does not replay what it sent
 *    meanwhile: the venue reports `resync` and the domain asks `queryOrder` about the account's open orders.
 *  - Order lists (OCO, OTO, OTOCO) go to Binance's `orderList/*` endpoints (`submitOrderList`); each leg is tracked
 *    and reported as an order, `listStatus` events report a refused list's legs.
 *  - Binance keeps the ledger (`ledger: 'venue'`): balances come from `/api/v3/account` and
 *    `outboundAccountPosition` events.
 */
import type {
  CancelRequest,
  InstrumentSpec,
  KlineUpdate,
  MarketStreamKey,
  OrderQuery,
  VenueAccount,
  VenueCredential,
  VenueDeps,
  VenueCapabilities,
  VenueOrder,
  VenueOrderList,
  VenueOrderState,
} from '@cadenza/domain';
import { resolveEndpoints, type BinanceEndpoints, type BinanceVenueOptions } from './config.ts';
import { BinanceRestClient } from './http/rest-client.ts';
import { BINANCE_KLINE_INTERVALS, parseAccountBalances, parseExchangeInfo, parseKlines, parseMyTrades, parseOrderListReport, parseOrderReport, type AccountBalance, type AccountTrade } from './http/parse.ts';
import { spliceLiveKline } from '../kit/live-kline.ts';
import { LiveVenue, isSymbol } from '../kit/live-venue.ts';
import type { RateLimitReporter, RateLimitStats } from '../kit/rate-budget.ts';
import { buildOrderParams } from './http/order-params.ts';
import { MarketFeeds } from './market-feeds.ts';
import { OrderTracker, type TrackedOrder } from './order-tracker.ts';
import { toVenueOrderState } from './order-state.ts';
import { SymbolDirectory, toExternalSymbol } from './symbols.ts';
import { createSigner, type RequestSigner } from './signing.ts';
import { BinanceUserStream } from './ws/user-stream-client.ts';
import { mapExecutionReport, parseAccountPosition, parseExecutionReport, parseListStatus, reportOrderKey } from './user-data.ts';
import { buildOrderListParams } from './http/order-list-params.ts';
import { BinanceVenueError, NO_SUCH_ORDER } from './errors.ts';
import { VenueError } from '../kit/venue-error.ts';
import type { WireObject } from './wire.ts';
import { isZeroDecimal } from '@cadenza/domain';


export class BinanceVenue extends LiveVenue implements RateLimitReporter {
  protected readonly klineIntervals: readonly string[] = BINANCE_KLINE_INTERVALS;
  /** Order lists are Binance's own (`submitOrderList`); an OTO/OTOCO's entry must be LIMIT or LIMIT_MAKER there. */
  override readonly capabilities: VenueCapabilities = { ledger: 'venue', requiresCredential: true, marketData: true, trading: true, orderLists: { types: ['OCO', 'OTO', 'OTOCO'], workingTypes: ['LIMIT', 'LIMIT_MAKER'] } };
  readonly endpoints: BinanceEndpoints;
  readonly rest: BinanceRestClient;
  protected readonly feeds: MarketFeeds;
  private readonly userStream: BinanceUserStream;
  private readonly orders: OrderTracker;
  private readonly directory = new SymbolDirectory();
  /** When `queryOrder` last failed to subscribe an account's user data stream. */
  private readonly userStreamFailedAt = new Map<string, number>();

  constructor(
    deps: VenueDeps,
    private readonly options: BinanceVenueOptions,
  ) {
    super(options.venueId, deps, options.instrumentsTtlMs);
    this.endpoints = resolveEndpoints(options);
    this.rest = new BinanceRestClient({
      baseUrl: this.endpoints.restBaseUrl,
      clock: deps.clock,
      log: deps.log,
      recvWindowMs: options.recvWindowMs ?? 5000,
      timeoutMs: options.requestTimeoutMs ?? 10_000,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    this.feeds = new MarketFeeds({
      venueId: this.id,
      wsBaseUrl: this.endpoints.wsBaseUrl,
      rest: this.rest,
      market: deps.market,
      log: deps.log,
      clock: deps.clock,
      depthSnapshotLimit: options.depthSnapshotLimit ?? 5000,
      depthSpeed: options.depthSpeed ?? '100ms',
      snapshotRetryDelayMs: options.snapshotRetryDelayMs ?? 250,
      ...(options.maxConnectionAgeMs !== undefined ? { maxConnectionAgeMs: options.maxConnectionAgeMs } : {}),
      ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
      ...(options.reconnectDelayMs !== undefined ? { reconnectDelayMs: options.reconnectDelayMs } : {}),
      ...(options.maxStreamsPerConnection !== undefined ? { maxStreamsPerConnection: options.maxStreamsPerConnection } : {}),
    });
    this.userStream = new BinanceUserStream({
      url: this.endpoints.wsApiUrl,
      serverNow: () => this.rest.serverNow(),
      recvWindowMs: options.recvWindowMs ?? 5000,
      log: deps.log,
      onEvent: (account, event) => this.onUserEvent(account, event),
      onResubscribed: (account) =>
        deps.execution.onExecution({ type: 'resync', tradingAccountId: account, reason: 'Binance user data stream resubscribed; events sent meanwhile are not replayed', timestamp: deps.clock.now() }),
      ...(options.reconnectDelayMs !== undefined ? { reconnectDelayMs: options.reconnectDelayMs } : {}),
    });
    this.orders = new OrderTracker(deps.execution);
  }

  rateLimitStats(): RateLimitStats {
    return this.rest.rateLimitStats();
  }

  /** The market-data side (exposed for tests and diagnostics). */
  get marketFeeds(): MarketFeeds {
    return this.feeds;
  }

  protected closeStreams(): void {
    this.userStream.close();
  }

  protected externalSymbol(symbol: string): string {
    return this.directory.external(symbol);
  }

  protected override unsupported(message: string): Error {
    return new BinanceVenueError('unsupported', message);
  }

  protected async loadInstruments(): Promise<InstrumentSpec[]> {
    const { instruments, skipped, weightLimitPerMinute } = parseExchangeInfo(await this.rest.publicGet('/api/v3/exchangeInfo', [], 20), this.id);
    if (weightLimitPerMinute !== undefined) this.rest.setWeightLimit(weightLimitPerMinute);
    if (skipped.length > 0) this.deps.log.warn({ count: skipped.length, first: skipped[0] }, 'skipped Binance symbols that did not parse');
    this.directory.replace(instruments);
    return instruments;
  }

  async getKlines(symbol: string, interval: string, limit: number): Promise<KlineUpdate[]> {
    this.checkKey({ kind: 'kline', symbol, interval });
    const n = Math.max(1, Math.min(1000, Math.floor(limit)));
    const body = await this.rest.publicGet(
      '/api/v3/klines',
      [
        ['symbol', this.directory.external(symbol)],
        ['interval', interval],
        ['limit', String(n)],
      ],
      2,
    );
    const bars = parseKlines(body, { instrumentId: `${this.id}:${symbol}`, venue: this.id, symbol, interval, now: this.rest.serverNow() });
    return spliceLiveKline(bars, this.feeds.liveKline(symbol, interval), n);
  }

  async submitOrder(order: VenueOrder, account: VenueAccount): Promise<void> {
    const tracked = this.orders.track(order, this.directory.quoteAsset(order.symbol));
    const reject = (reason: string) => this.orders.emit(tracked, { type: 'rejected', tradeOrderId: order.tradeOrderId, tradingAccountId: order.tradingAccountId, reason, timestamp: this.deps.clock.now() });
    if (this.stopped) return void reject('Binance venue is stopped');
    if (!account.credential) return void reject('this trading account has no Binance API credential');
    let signer: RequestSigner;
    try {
      signer = createSigner(account.credential);
    } catch (err) {
      return void reject(err instanceof Error ? err.message : String(err));
    }
    if (!isSymbol(order.symbol)) return void reject(`symbol must be BASE/QUOTE, got ${order.symbol}`);
    const built = buildOrderParams(order, this.directory.external(order.symbol));
    if (!built.ok) return void reject(built.reason);

    // Subscribe first, so the reports of this order cannot slip past; the REST answer still covers a failure.
    await this.userStream.subscribe(order.tradingAccountId, signer).catch((err: unknown) =>
      this.deps.log.warn({ tradingAccountId: order.tradingAccountId, err: err instanceof Error ? err.message : String(err) }, 'Binance user data stream unavailable; relying on REST answers'),
    );
    try {
      const body = await this.rest.signed('POST', '/api/v3/order', built.params, signer);
      this.orders.emitReport(tracked, parseOrderReport(body), this.deps.clock.now());
    } catch (err) {
      await this.handleSubmitError(tracked, order, signer, err, reject);
    }
  }

  /**
   * Places an OCO, OTO or OTOCO on Binance's order-list endpoints (http/order-list-params.ts). Each leg is tracked by
   * its clientOrderId and reported as any order is (the list's id as `externalOrderListId`), from the list's answer
   * and the user data stream; legs Binance holds until the entry fills are reported once they work. A refusal
   * reports every leg `rejected` with Binance's words; an unknown outcome leaves the legs to reconciliation.
   */
  async submitOrderList(list: VenueOrderList, account: VenueAccount): Promise<void> {
    const quote = this.directory.quoteAsset(list.symbol);
    const tracked = list.legs.map((leg) => this.orders.track(leg, quote));
    const reject = (reason: string) => {
      for (const [i, t] of tracked.entries()) this.orders.emit(t, { type: 'rejected', tradeOrderId: list.legs[i]!.tradeOrderId, tradingAccountId: list.tradingAccountId, reason, timestamp: this.deps.clock.now() });
    };
    if (this.stopped) return void reject('Binance venue is stopped');
    if (!account.credential) return void reject('this trading account has no Binance API credential');
    if (!isSymbol(list.symbol)) return void reject(`symbol must be BASE/QUOTE, got ${list.symbol}`);
    let signer: RequestSigner;
    try {
      signer = createSigner(account.credential);
    } catch (err) {
      return void reject(err instanceof Error ? err.message : String(err));
    }
    const built = buildOrderListParams(list, this.directory.external(list.symbol));
    if (!built.ok) return void reject(built.reason);
    await this.userStream.subscribe(list.tradingAccountId, signer).catch((err: unknown) =>
      this.deps.log.warn({ tradingAccountId: list.tradingAccountId, err: err instanceof Error ? err.message : String(err) }, 'Binance user data stream unavailable; relying on REST answers'),
    );
    let answer;
    try {
      answer = parseOrderListReport(await this.rest.signed('POST', built.path, built.params, signer));
    } catch (err) {
      if (err instanceof VenueError && (err.kind === 'unknown-outcome' || err.kind === 'network')) {
        this.deps.log.error({ orderListId: list.orderListId, err: err.message }, 'Binance order list outcome unknown; its legs are reconciled');
        return;
      }
      return void reject(err instanceof Error ? err.message : String(err));
    }
    const now = this.deps.clock.now();
    for (const report of answer.orderReports) {
      const t = this.orders.get(report.clientOrderId);
      if (t) this.orders.emitReport(t, report, now, String(answer.orderListId));
    }
  }

  async cancelOrder(request: CancelRequest, account: VenueAccount): Promise<void> {
    if (!account.credential) throw new BinanceVenueError('unsupported', 'this trading account has no Binance API credential');
    const signer = createSigner(account.credential);
    const tracked = this.orders.get(request.clientOrderId);
    const externalOrderId = request.externalOrderId ?? tracked?.externalOrderId;
    const params: Array<[string, string]> = [
      ['symbol', this.directory.external(request.symbol)],
      ...(externalOrderId ? ([['orderId', externalOrderId]] as Array<[string, string]>) : []),
      ['origClientOrderId', request.clientOrderId],
    ];
    const body = await this.rest.signed('DELETE', '/api/v3/order', params, signer);
    const report = parseOrderReport(body);
    const t =
      tracked ??
      this.orders.track(
        { tradeOrderId: request.tradeOrderId, clientOrderId: request.clientOrderId, tradingAccountId: request.tradingAccountId, symbol: request.symbol },
        this.directory.quoteAsset(request.symbol),
      );
    this.orders.emitReport(t, report, this.deps.clock.now());
  }

  /**
   * Balances from `GET /api/v3/account`. The domain calls this when an account connects, so the account's User
   * Data Stream is started here too: balance changes made outside Cadenza arrive as `balances` events.
   */
  async fetchBalances(account: VenueAccount): Promise<AccountBalance[]> {
    if (!account.credential) throw new BinanceVenueError('unsupported', 'this trading account has no Binance API credential');
    const signer = createSigner(account.credential);
    const body = await this.rest.signed('GET', '/api/v3/account', [['omitZeroBalances', 'true']], signer);
    const balances = parseAccountBalances(body);
    if (!this.stopped) {
      this.userStream.subscribe(account.tradingAccountId, signer).catch((err: unknown) =>
        this.deps.log.warn({ tradingAccountId: account.tradingAccountId, err: err instanceof Error ? err.message : String(err) }, 'Binance user data stream unavailable'),
      );
    }
    return balances;
  }

  async verifyCredential(credential: VenueCredential): Promise<{ valid: boolean; reason?: string }> {
    let signer: RequestSigner;
    try {
      signer = createSigner(credential);
    } catch (err) {
      return { valid: false, reason: err instanceof Error ? err.message : String(err) };
    }
    try {
      await this.rest.signed('GET', '/api/v3/account', [['omitZeroBalances', 'true']], signer);
      return { valid: true };
    } catch (err) {
      if (err instanceof VenueError && err.kind === 'rejected') return { valid: false, reason: err.message };
      throw err;
    }
  }

  protected override checkKey(key: MarketStreamKey): void {
    super.checkKey(key);
    toExternalSymbol(key.symbol);
  }

  private async handleSubmitError(tracked: TrackedOrder, order: VenueOrder, signer: RequestSigner, err: unknown, reject: (reason: string) => void): Promise<void> {
    if (!(err instanceof VenueError) || (err.kind !== 'unknown-outcome' && err.kind !== 'network')) {
      reject(err instanceof Error ? err.message : String(err));
      return;
    }
    // Binance may or may not have the order: ask, by our client order id.
    try {
      const body = await this.rest.signed('GET', '/api/v3/order', [['symbol', this.directory.external(order.symbol)], ['origClientOrderId', order.clientOrderId]], signer);
      this.orders.emitReport(tracked, parseOrderReport(body), this.deps.clock.now());
    } catch (queryErr) {
      if (queryErr instanceof VenueError && queryErr.code === NO_SUCH_ORDER) reject(`not placed: ${err.message}`);
      else this.deps.log.error({ tradeOrderId: order.tradeOrderId, err: err.message }, 'Binance order outcome unknown; waiting for the user data stream');
    }
  }

  /**
   * The order's state on Binance: `GET /api/v3/order` (by our clientOrderId, and Binance's orderId when known, so a
   * reused clientOrderId cannot answer for another order), and for an order with executions its trades from
   * `GET /api/v3/myTrades` (orderId filter; pages of 1000). `undefined` on -2013 "Order does not exist."; other
   * errors are thrown as VenueError for the caller to retry. The account's user data stream is subscribed
   * first and the order adopted by the tracker, so whatever happens to it from now on is reported live — once.
   */
  async queryOrder(request: OrderQuery, account: VenueAccount): Promise<VenueOrderState | undefined> {
    if (!account.credential) throw new BinanceVenueError('unsupported', 'this trading account has no Binance API credential');
    if (this.stopped) throw new BinanceVenueError('network', 'Binance venue is stopped');
    const signer = createSigner(account.credential);
    const symbol = this.directory.external(request.symbol);
    const tracked = this.orders.track(request, this.directory.quoteAsset(request.symbol));
    // One failed subscription per account and 30 s is enough: the next orders of a pass do not each wait for it.
    const failedAt = this.userStreamFailedAt.get(request.tradingAccountId);
    if (failedAt === undefined || this.deps.clock.now() - failedAt > 30_000) {
      await this.userStream.subscribe(request.tradingAccountId, signer).then(
        () => this.userStreamFailedAt.delete(request.tradingAccountId),
        (err: unknown) => {
          this.userStreamFailedAt.set(request.tradingAccountId, this.deps.clock.now());
          this.deps.log.warn({ tradingAccountId: request.tradingAccountId, err: err instanceof Error ? err.message : String(err) }, 'Binance user data stream unavailable; answering from REST only');
        },
      );
    }
    const params: Array<[string, string]> = [['symbol', symbol]];
    if (request.externalOrderId !== undefined && /^\d{1,19}$/.test(request.externalOrderId)) params.push(['orderId', request.externalOrderId]);
    params.push(['origClientOrderId', request.clientOrderId]);
    let report;
    try {
      report = parseOrderReport(await this.rest.signed('GET', '/api/v3/order', params, signer));
    } catch (err) {
      if (err instanceof VenueError && err.code === NO_SUCH_ORDER) return undefined;
      throw err;
    }
    const trades = report.executedQty !== undefined && !isZeroDecimal(report.executedQty) ? await this.orderTrades(symbol, report.orderId, signer) : [];
    const state = toVenueOrderState(report, trades);
    this.orders.learn(tracked, {
      externalOrderId: String(report.orderId),
      accepted: state.status !== 'REJECTED',
      tradeIds: state.fills.map((f) => f.tradeId),
      terminal: state.status !== 'OPEN' && state.status !== 'FILLED',
    });
    return state;
  }

  /** Every trade of one order. Without `fromId` Binance returns the most recent ones, so a full page restarts from id 0. */
  private async orderTrades(symbol: string, orderId: number, signer: RequestSigner): Promise<AccountTrade[]> {
    const PAGE = 1000;
    const base: Array<[string, string]> = [['symbol', symbol], ['orderId', String(orderId)], ['limit', String(PAGE)]];
    const first = parseMyTrades(await this.rest.signed('GET', '/api/v3/myTrades', base, signer));
    if (first.length < PAGE) return first;
    const all: AccountTrade[] = [];
    let fromId = '0';
    for (let page = 0; page < 100; page++) {
      const rows = parseMyTrades(await this.rest.signed('GET', '/api/v3/myTrades', [...base, ['fromId', fromId]], signer));
      all.push(...rows);
      if (rows.length < PAGE) break;
      fromId = (BigInt(rows[rows.length - 1]!.tradeId) + 1n).toString();
    }
    return all;
  }

  private onUserEvent(tradingAccountId: string, event: WireObject): void {
    try {
      switch (event.e) {
        case 'executionReport': {
          const report = parseExecutionReport(event);
          const tracked = this.orders.get(reportOrderKey(report));
          if (!tracked || tracked.tradingAccountId !== tradingAccountId) return;
          const mapped = mapExecutionReport(report, tracked);
          if (mapped) this.orders.emit(tracked, mapped);
          return;
        }
        case 'listStatus': {
          // The legs report themselves; a list Binance refused reports them rejected, with its reason.
          const status = parseListStatus(event);
          if (status.listOrderStatus !== 'REJECT') return;
          for (const id of status.clientOrderIds) {
            const tracked = this.orders.get(id);
            if (!tracked || tracked.tradingAccountId !== tradingAccountId) continue;
            this.orders.emit(tracked, { type: 'rejected', tradeOrderId: tracked.tradeOrderId, tradingAccountId, externalOrderListId: String(status.orderListId), reason: status.rejectReason, timestamp: status.transactionTime });
          }
          return;
        }
        case 'outboundAccountPosition':
          this.deps.execution.onExecution(parseAccountPosition(event, tradingAccountId));
          return;
        default:
          return;
      }
    } catch (err) {
      this.deps.log.warn({ tradingAccountId, event: event.e, err: err instanceof Error ? err.message : String(err) }, 'dropped a malformed Binance user data event');
    }
  }
}

/** Factory used by the composition root's venue registry. */
export function createBinanceVenue(deps: VenueDeps, options: BinanceVenueOptions): BinanceVenue {
  return new BinanceVenue(deps, options);
}
