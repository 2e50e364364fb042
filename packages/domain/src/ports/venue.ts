/**
 * @module ports/venue
 * The one port every venue adapter implements (PAPER, MOCK, BINANCE, …).
 *
 * Shape: commands in, events out. The domain calls `submitOrder` / `cancelOrder`; acceptance, fills,
 * cancellations, rejections and expiries come back through the `ExecutionSink` given at construction —
 * possibly synchronously, before the returned promise settles, so callers persist an order before submitting it.
 * A venue never edits orders or balances of the domain; it reports what happened.
 *
 * Market data: the venue keeps the live state (books, last trades, tickers, forming klines) and tells the
 * `MarketDataSink` when something changed. Order books are *pulled*: `onBookChanged` is a cheap notification and
 * consumers call `getBook` when they want a snapshot (they conflate to ≤ 10 snapshots/s per instrument).
 *
 * Numbers: every price, quantity, fee and balance is a decimal string (plain digits, optional fraction, no
 * exponent), e.g. "64123.45". Times are epoch milliseconds. Venues never use JS floats for money.
 */

import type { InstrumentSpec } from '../model/instrument.ts';
import type { BookSnapshot, ExternalMarketData, KlineUpdate, MarketStreamKey, TickerSnapshot, TradeTick } from '../model/market-data.ts';
import type { DecimalString, EpochMs, VenueId } from '../model/primitives.ts';
import type { AmendRequest, CancelRequest, ExecutionEvent, OrderQuery, VenueAccount, VenueCredential, VenueOrder, VenueOrderState } from '../model/venue-order.ts';

/** Where a venue reports market data. Must not throw; must be cheap (called on the venue's hot path). */
export interface MarketDataSink {
  onBookChanged(venue: VenueId, symbol: string): void;
  onTrade(trade: TradeTick): void;
  onTicker(ticker: TickerSnapshot): void;
  onKline(kline: KlineUpdate): void;
  /** A feed went down or came back (e.g. a dropped venue socket); the book of `symbol` is unreliable while down. */
  onFeedStatus?(venue: VenueId, symbol: string, status: 'UP' | 'DOWN', reason?: string): void;
}

export interface ExecutionSink {
  onExecution(event: ExecutionEvent): void;
}

export interface VenueCapabilities {
  /** Whether the domain keeps the authoritative ledger (PAPER, MOCK) or the venue does (real venues). */
  ledger: 'domain' | 'venue';
  /** Needs a credential on the trading account to trade. */
  requiresCredential: boolean;
  marketData: boolean;
  trading: boolean;
}

export interface Venue {
  readonly id: VenueId;
  readonly capabilities: VenueCapabilities;

  /** Connects/starts; idempotent. */
  start(): Promise<void>;
  /** Releases sockets and timers; idempotent. */
  stop(): Promise<void>;

  listInstruments(): Promise<InstrumentSpec[]>;

  /** Start feeding a stream into the MarketDataSink. Reference counting is the caller's job; repeated calls are harmless. */
  subscribeMarket(key: MarketStreamKey): Promise<void>;
  unsubscribeMarket(key: MarketStreamKey): Promise<void>;

  /** The current book (top `depth` levels per side), or undefined when the venue has none for the symbol yet. */
  getBook(symbol: string, depth: number): BookSnapshot | undefined;
  getTicker(symbol: string): TickerSnapshot | undefined;
  /** Recent bars, oldest first, the last possibly still forming. */
  getKlines(symbol: string, interval: string, limit: number): Promise<KlineUpdate[]>;

  submitOrder(order: VenueOrder, account: VenueAccount): Promise<void>;
  cancelOrder(request: CancelRequest, account: VenueAccount): Promise<void>;
  /**
   * New terms for a working order, keeping its identity (venues that amend natively). Resolves when the venue took
   * them — fills they cause are reported through the sink like any other — and rejects, changing nothing, when it
   * refuses them. Queue priority follows the venue's own rule (PAPER: kept when only the quantity goes down).
   */
  amendOrder?(request: AmendRequest, account: VenueAccount): Promise<void>;

  /**
   * The venue's current view of one of our orders, with its fills — or `undefined` when the venue has no such order
   * (it never arrived, or the venue no longer keeps it). Throws when the venue cannot be asked (network, rate limit,
   * credential); the caller retries later. Venues that keep the ledger (`ledger: 'venue'`) implement it: the domain
   * reconciles their open orders with it after a restart and after a `resync` event, booking missed fills through
   * the same path as live `filled` reports (deduplicated by `tradeId`). Answering also lets the venue adopt the
   * order, so its later live reports reach the domain even when the order was placed before a restart.
   */
  queryOrder?(request: OrderQuery, account: VenueAccount): Promise<VenueOrderState | undefined>;
  /** Venue-held balances (ledger = 'venue'); domain-ledger venues may omit. */
  fetchBalances?(account: VenueAccount): Promise<Array<{ asset: string; free: DecimalString; locked: DecimalString }>>;
  /**
   * Venues that take market data from an external feeder (MOCK, and venues configured as externally fed): the
   * latest book and ticker and the kline history become the venue's own — read by getBook/getTicker/getKlines and
   * announced to the MarketDataSink like data the venue made. The domain checks the data before handing it over.
   */
  acceptMarketData?(data: ExternalMarketData): void;
  /** Checks a credential against the venue; resolves `{ valid: false, reason }` rather than throwing on refusal. */
  verifyCredential?(credential: VenueCredential): Promise<{ valid: boolean; reason?: string }>;
}

/** What a venue factory receives from the composition root. Clock and ids are injected: no Date.now() in venues. */
export interface VenueDeps {
  execution: ExecutionSink;
  market: MarketDataSink;
  clock: { now(): EpochMs };
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}
