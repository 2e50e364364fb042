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
 *
 * Derivatives (perpetuals, futures, options). A venue that lists them says so on the instrument: `instrumentType` and
 * `contract` (contract size, settle asset, inverse or linear, expiry, strike, option type, max leverage, maintenance
 * rate, funding interval — model/instrument.ts). Quantities of its orders, fills and positions are in contracts, and
 * a fill's fee is charged in the settle asset. On top of the spot shape a derivatives venue reports:
 * - mark prices (`MarketDataSink.onMarkPrice`): what positions are valued and margined at, with index, funding rate,
 *   open interest, mark IV and greeks where it has them — at least once a second while they change;
 * - funding settlements (`MarketDataSink.onFunding`): one per perpetual and funding time, for the positions the
 *   domain keeps (domain-ledger venues: PAPER);
 * - for accounts (ledger 'venue' only — the venue keeps the positions): `positions` snapshots (after connect, after
 *   a reconnect, and on every change its position stream reports: a liquidation, an expiry, a settlement), and each
 *   `funding` payment; `fetchPositions` answers the same snapshot on demand (connect, reconciliation).
 * Orders carry `reduceOnly`, `positionSide` (HEDGE mode), `leverage` and `marginMode` (model/venue-order.ts); a venue
 * with per-instrument leverage applies it with `setLeverage` before placing. Margin checks and liquidations are the
 * domain's on domain-ledger venues and the venue's own elsewhere. docs/derivatives.md has the whole picture.
 */

import type { InstrumentSpec } from '../model/instrument.ts';
import type { BookSnapshot, ExternalMarketData, GridBook, FundingSettlement, KlineUpdate, MarkPriceUpdate, MarketStreamKey, TickerSnapshot, TradeTick } from '../model/market-data.ts';
import type { DecimalString, EpochMs, VenueId } from '../model/primitives.ts';
import type { AmendRequest, CancelRequest, ExecutionEvent, OrderQuery, VenueAccount, VenueCredential, VenueOrder, VenueOrderList, VenueOrderState, VenuePosition } from '../model/venue-order.ts';

/** Where a venue reports market data. Must not throw; must be cheap (called on the venue's hot path). */
export interface MarketDataSink {
  onBookChanged(venue: VenueId, symbol: string): void;
  onTrade(trade: TradeTick): void;
  onTicker(ticker: TickerSnapshot): void;
  onKline(kline: KlineUpdate): void;
  /** A feed went down or came back (e.g. a dropped venue socket); the book of `symbol` is unreliable while down. */
  onFeedStatus?(venue: VenueId, symbol: string, status: 'UP' | 'DOWN', reason?: string): void;
  /** Derivatives: a new mark price (see the module notes). */
  onMarkPrice?(mark: MarkPriceUpdate): void;
  /** Perpetuals: a funding settlement happened (once per instrument and funding time). */
  onFunding?(funding: FundingSettlement): void;
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
  /**
   * The order lists the venue places natively (`submitOrderList`), and the order types an OTO/OTOCO's working order
   * may have there; any other list is emulated by Cadenza (orders/order-lists.ts).
   */
  orderLists?: { types: ReadonlyArray<'OCO' | 'OTO' | 'OTOCO'>; workingTypes: readonly string[] };
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
  /**
   * `getBook` for a reader that works on the instrument's grid (the OTC pricer walks one side for a size and values
   * the pair at the mid of the best levels): `depth` levels of `side` and the best price of each side, written into
   * `into` as tick and lot counts — no level formatted, nothing allocated. False when the venue has no book for the
   * symbol. Venues that do not keep their books on a grid omit it; readers then use `getBook`.
   */
  readGridBook?(symbol: string, side: 'bids' | 'asks', depth: number, into: GridBook): boolean;
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
   * Places an order list natively (venues with `capabilities.orderLists`): every leg is an order the domain has
   * recorded, and each leg's outcome is reported as any order's, by its `tradeOrderId` (with `externalOrderListId`).
   * A leg the venue holds until its entry fills is reported `accepted` only once it works. Throws when nothing was
   * placed (each leg then stays as recorded, for the caller to close).
   */
  submitOrderList?(list: VenueOrderList, account: VenueAccount): Promise<void>;

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
  /** Derivatives, ledger 'venue': the account's open positions as the venue holds them (the `positions` event's list). */
  fetchPositions?(account: VenueAccount): Promise<VenuePosition[]>;
  /**
   * Derivatives: sets the leverage (and margin mode) the venue applies to the account's positions in `symbol`, for
   * venues that keep it per instrument (Hyperliquid `updateLeverage`, Binance futures). Throws with the venue's words
   * when refused (e.g. above the instrument's maximum, or not enough margin for the open position).
   */
  setLeverage?(account: VenueAccount, symbol: string, leverage: number, marginMode: 'CROSS' | 'ISOLATED'): Promise<void>;
}

/** What a venue factory receives from the composition root. Clock and ids are injected: no Date.now() in venues. */
export interface VenueDeps {
  execution: ExecutionSink;
  market: MarketDataSink;
  clock: { now(): EpochMs };
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}
