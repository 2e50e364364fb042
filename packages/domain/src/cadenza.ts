/**
 * @module cadenza
 * `createCadenza` wires the domain services around the ports. The server builds the venues first (passing
 * `{ onExecution: e => cadenza.execution.onExecution(e) }` as their execution sink), then calls `start()`.
 */
import { AccountRegistry } from './accounts/account-registry.ts';
import { TradingAccountService } from './accounts/trading-account-service.ts';
import { ChannelAuthorizer, type ChannelVerdict } from './channel-authorizer.ts';
import { resolveConfig, type CadenzaConfig, type CadenzaConfigInput } from './config.ts';
import type { DomainContext } from './context.ts';
import { Publisher } from './publisher.ts';
import { UnitOfWork } from './unit-of-work.ts';
import { VenueRegistry } from './venue-registry.ts';
import { CredentialRegistry } from './credentials/credential-registry.ts';
import { CredentialService } from './credentials/credential-service.ts';
import { CredentialVault } from './credentials/credential-vault.ts';
import { InstrumentCatalog } from './instruments/instrument-catalog.ts';
import { MarketDataService } from './market-data/market-data-service.ts';
import { OrderService } from './orders/order-service.ts';
import { OtcService } from './otc/otc-service.ts';
import type { Cipher } from './ports/cipher.ts';
import type { Clock } from './ports/clock.ts';
import type { EventSink } from './ports/event-sink.ts';
import type { IdSource } from './ports/id-source.ts';
import type { Logger } from './ports/logger.ts';
import type { Store } from './ports/store.ts';
import type { ExecutionSink, Venue } from './ports/venue.ts';
import { PortfolioBook } from './portfolios/portfolio-book.ts';
import { PortfolioService } from './portfolios/portfolio-service.ts';
import { FeedRegistry, type FeedChange } from './subscriptions/feed-registry.ts';
import { MarketHolds } from './market-data/market-holds.ts';
import { DerivativesService, type DerivativesSink } from './derivatives/derivatives-service.ts';
import { Liquidator } from './derivatives/liquidator.ts';
import { MarkBook } from './derivatives/mark-book.ts';
import { AccountMargin } from './margin/account-margin.ts';
import { DerivativeOrders } from './margin/derivative-orders.ts';
import { PositionBook } from './positions/position-book.ts';
import { PositionLedger } from './positions/position-ledger.ts';
import { toRpcPortfolio } from './portfolios/rpc-portfolio.ts';
import { SubscriptionService } from './subscriptions/subscription-service.ts';
import type { CallerContext } from './model/caller.ts';

export interface CadenzaDeps {
  store: Store;
  venues: Venue[];
  clock: Clock;
  ids: IdSource;
  cipher: Cipher;
  events: EventSink;
  log: Logger;
  config?: CadenzaConfigInput;
}

export interface Cadenza {
  readonly config: CadenzaConfig;
  readonly venues: VenueRegistry;
  readonly instruments: InstrumentCatalog;
  readonly accounts: AccountRegistry;
  readonly tradingAccounts: TradingAccountService;
  readonly credentials: CredentialService;
  readonly orders: OrderService;
  readonly portfolios: PortfolioService;
  readonly subscriptions: SubscriptionService;
  readonly marketData: MarketDataService;
  /**
   * The streams emulated orders hold (market-data/market-holds.ts). The composition root forwards its market sink's
   * `onBookChanged` here: a trailing stop's submit waits on it for a book nobody held yet. `failing()` counts held
   * streams the venue refused and that are being retried (the server's `cadenza_market_holds_failing`).
   */
  readonly marketHolds: Pick<MarketHolds, 'onBookChanged' | 'failing'>;
  /** The OTC desk: dealers, wallets, RFQs, QUOTED orders, hedging (docs/otc.md). */
  readonly otc: OtcService;
  /** Give this to venue factories as their `execution` sink. */
  readonly execution: ExecutionSink;
  /** Where venues' mark prices and funding settlements go (the composition root forwards the market sink's). */
  readonly derivatives: DerivativesSink;
  /**
   * Resolves once every change made so far is committed. The RPC layer awaits it before replying, so an
   * acknowledgement always means durable (with a group-commit store, commits are batched per event-loop turn).
   */
  durable(): Promise<void>;
  /**
   * For the gateway's subscribe hook. Synchronous, except for a market channel naming an instrument the catalogue
   * lacks while it refreshes that venue on demand: then a promise of the verdict.
   */
  authorizeChannel(caller: CallerContext, channel: string): ChannelVerdict | Promise<ChannelVerdict>;
  /** Venue market feeds starting/stopping (reference-counted by subscriptions). Returns an unsubscribe function. */
  onFeedChange(listener: (change: FeedChange) => void): () => void;
  /**
   * Loads state, refreshes instruments, puts PAPER/MOCK orders back (cancelling what cannot go back), starts the
   * reconciliation of open orders on venue-ledger venues in the background (`orders.reconciled()`), restarts feeds.
   */
  start(): Promise<void>;
  /** Answers pending awaitClosed/cancel waits and drops timers. Idempotent. The store is closed by its owner. */
  stop(): Promise<void>;
}

export function createCadenza(deps: CadenzaDeps): Cadenza {
  const config = resolveConfig(deps.config);
  const venues = new VenueRegistry(deps.venues);
  const store = deps.store;
  const publish = new Publisher(deps.events, deps.clock, deps.log, (cb) => store.afterCommit(cb));
  const ctx: DomainContext = {
    store,
    unit: new UnitOfWork(store, publish),
    durable: () => new Promise<void>((resolve) => store.afterCommit(resolve)),
    flush: () => store.flush(),
    venues,
    clock: deps.clock,
    ids: deps.ids,
    cipher: deps.cipher,
    publish,
    log: deps.log,
    config,
  };
  const instruments = new InstrumentCatalog(ctx);
  const credentialRegistry = new CredentialRegistry(ctx);
  const accounts = new AccountRegistry(ctx, credentialRegistry);
  const book = new PortfolioBook(ctx);
  const positions = new PositionBook(ctx);
  const marks = new MarkBook(venues);
  const margin = new AccountMargin(positions, book, marks);
  const vault = new CredentialVault(ctx, credentialRegistry);
  // Account reports of derivatives reach the service created below (it needs the portfolios, which need the orders).
  let derivatives: DerivativesService | undefined;
  const positionLedger = new PositionLedger(ctx, positions, instruments);
  const feeds = new FeedRegistry(deps.log);
  const marketHolds = new MarketHolds(ctx, feeds);
  const orders = new OrderService(ctx, accounts, instruments, book, vault, {
    ledger: positionLedger,
    derivatives: new DerivativeOrders(config, positions, margin, marks),
    marks: (list) => portfolios.prices(list),
    onAccountReport: (e) => derivatives?.onAccountReport(e),
  }, marketHolds);
  const subscriptions = new SubscriptionService(ctx, accounts, instruments, feeds);
  const tradingAccounts = new TradingAccountService(ctx, {
    accounts,
    book,
    vault,
    credentials: credentialRegistry,
    hasOpenOrders: (id) => orders.hasOpenOrders(id),
    onDeleted: (a) => subscriptions.terminateAccount(a.tradingAccountId),
  });
  const credentials = new CredentialService(ctx, accounts, tradingAccounts, vault, credentialRegistry);
  const portfolios = new PortfolioService(ctx, { accounts, book, positions, marks, margin });
  const liquidator = new Liquidator(ctx, {
    accounts, instruments, positions, book, ledger: orders.ledger, live: orders.live, vault,
    publishBalances: (tradingAccountId, balances) =>
      ctx.publish.toAccount(tradingAccountId, 'event.portfolio.updated', toRpcPortfolio({ tradingAccountId, balances, positions: [], updateMode: 'DELTA', updatedAt: deps.clock.now() })),
  });
  derivatives = new DerivativesService(ctx, { accounts, instruments, positions, book, marks, margin, liquidator, portfolios });
  const derivativesSink: DerivativesSink = derivatives;
  const marketData = new MarketDataService(ctx, instruments);
  const otc = new OtcService(ctx, { accounts, instruments, book, orders, positions: positionLedger, tradingAccounts });
  const authorizer = new ChannelAuthorizer(accounts, instruments, venues);
  let started = false;

  return {
    config,
    venues,
    instruments,
    accounts,
    tradingAccounts,
    credentials,
    orders,
    portfolios,
    subscriptions,
    marketData,
    marketHolds,
    otc,
    execution: orders.execution,
    derivatives: derivativesSink,
    durable: () => ctx.durable(),
    authorizeChannel: (caller, channel) => authorizer.authorize(caller, channel),
    onFeedChange: (l) => feeds.onChange(l),
    async start() {
      if (started) return;
      started = true;
      // The domain's memory: everything commands decide on, read once (ports/store.ts).
      await Promise.all([credentialRegistry.load(), accounts.load(), book.load(), positions.load(), orders.load(), subscriptions.load(), otc.load()]);
      await instruments.load(config.instrumentListWaitMs);
      instruments.startRefresh(config.instrumentRefreshMs);
      const recovered = await orders.recover();
      if (recovered.restored || recovered.cancelled || recovered.reconciling) deps.log.info(recovered, 'open orders recovered after the restart (in-process venues put back, venue-ledger venues being reconciled)');
      await subscriptions.start();
      otc.start();
    },
    async stop() {
      instruments.stop();
      otc.stop();
      orders.stop();
      marketHolds.stop();
      await ctx.flush();
    },
  };
}
