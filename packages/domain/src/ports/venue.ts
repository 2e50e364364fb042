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

/** A `Venue` enum value of the contract: 'PAPER', 'MOCK', 'BINANCE', 'BINANCE_SANDBOX', … */
export type VenueId = string;
/** Plain decimal string: /^-?\d+(\.\d+)?$/. */
export type DecimalString = string;
/** Epoch milliseconds. */
export type EpochMs = number;

export type OrderSideValue = 'BUY' | 'SELL';
export type LiquiditySide = 'MAKER' | 'TAKER';

/** Static description of one tradable pair, as the venue lists it. */
export interface InstrumentSpec {
  /** `{VENUE}:{BASE}/{QUOTE}`, e.g. 'PAPER:BTC/USDT'. */
  instrumentId: string;
  venue: VenueId;
  /** `{BASE}/{QUOTE}`. */
  symbol: string;
  /** The venue's own symbol, e.g. 'BTCUSDT'. */
  externalSymbol: string;
  baseAsset: string;
  quoteAsset: string;
  status: 'ACTIVE' | 'INACTIVE' | 'DISABLED' | 'DELISTED';
  /** Price increment (pipSize on the wire). */
  tickSize: DecimalString;
  /** Quantity increment. */
  lotSize: DecimalString;
  minQuantity: DecimalString;
  maxQuantity: DecimalString;
  minNotional: DecimalString;
  maxNotional?: DecimalString;
  /** Decimal places of base quantities and quote amounts. */
  basePrecision: number;
  quotePrecision: number;
  /** OrderType values accepted. */
  orderTypes: string[];
  /** TimeInForce values accepted. */
  timeInForceOptions: string[];
  /** Fee rates as fractions, e.g. "0.001" = 0.1 %. */
  makerFee: DecimalString;
  takerFee: DecimalString;
  /** KlineInterval values the venue can produce. */
  klineIntervals: string[];
  description?: string;
}

export interface BookLevel {
  price: DecimalString;
  quantity: DecimalString;
  orderCount?: number;
}

/** Top of the book; bids best (highest) first, asks best (lowest) first. */
export interface BookSnapshot {
  instrumentId: string;
  venue: VenueId;
  symbol: string;
  bids: BookLevel[];
  asks: BookLevel[];
  timestamp: EpochMs;
}

export interface TradeTick {
  instrumentId: string;
  venue: VenueId;
  symbol: string;
  tradeId: string;
  price: DecimalString;
  quantity: DecimalString;
  /** The taker's side. */
  side: OrderSideValue;
  timestamp: EpochMs;
}

export interface TickerSnapshot {
  instrumentId: string;
  venue: VenueId;
  symbol: string;
  lastPrice?: DecimalString;
  lastQuantity?: DecimalString;
  bidPrice?: DecimalString;
  bidQuantity?: DecimalString;
  askPrice?: DecimalString;
  askQuantity?: DecimalString;
  /** Change over the last 24 h, in percent, e.g. "-1.25". */
  priceChangePercent?: DecimalString;
  timestamp: EpochMs;
}

export interface Candle {
  openTime: EpochMs;
  open: DecimalString;
  high: DecimalString;
  low: DecimalString;
  close: DecimalString;
  volume: DecimalString | null;
}

export interface KlineUpdate {
  instrumentId: string;
  venue: VenueId;
  symbol: string;
  /** KlineInterval value, e.g. '1m'. */
  interval: string;
  candle: Candle;
  /** True once the bar is final. */
  isClosed: boolean;
  timestamp: EpochMs;
}

export type MarketStreamKind = 'orderbook' | 'trade' | 'ticker' | 'kline';

/** One market-data stream of one instrument; `interval` only for klines. */
export interface MarketStreamKey {
  kind: MarketStreamKind;
  symbol: string;
  interval?: string;
}

/** Where a venue reports market data. Must not throw; must be cheap (called on the venue's hot path). */
export interface MarketDataSink {
  onBookChanged(venue: VenueId, symbol: string): void;
  onTrade(trade: TradeTick): void;
  onTicker(ticker: TickerSnapshot): void;
  onKline(kline: KlineUpdate): void;
  /** A feed went down or came back (e.g. a dropped venue socket); the book of `symbol` is unreliable while down. */
  onFeedStatus?(venue: VenueId, symbol: string, status: 'UP' | 'DOWN', reason?: string): void;
}

/** An order as the domain hands it to a venue, after its own checks. */
export interface VenueOrder {
  tradeOrderId: string;
  clientOrderId: string;
  tradingAccountId: string;
  instrumentId: string;
  symbol: string;
  side: OrderSideValue;
  /** OrderType value: 'MARKET', 'LIMIT', 'LIMIT_MAKER', 'STOP_LIMIT', … */
  orderType: string;
  /** TimeInForce value; defaults per type are applied by the domain before this point. */
  timeInForce: string;
  /** 'BASE': `quantity` is in the base asset; 'QUOTE': `quantity` is an amount of the quote asset to spend/receive. */
  quantityType: 'BASE' | 'QUOTE';
  quantity: DecimalString;
  limitPrice?: DecimalString;
  stopPrice?: DecimalString;
  /** For TRAILING_STOP: distance from the best price, as a price difference. */
  trailingDelta?: DecimalString;
  /** For GTD. */
  expireAt?: EpochMs;
}

/** The venue-side identity of a trading account; secrets are already decrypted and must never be logged. */
export interface VenueAccount {
  tradingAccountId: string;
  externalAccountId?: string;
  credential?: VenueCredential;
}

export interface VenueCredential {
  credentialType: string;
  apiKey: string;
  secretKey: string;
  secretPassphrase?: string;
}

export interface CancelRequest {
  tradeOrderId: string;
  clientOrderId: string;
  externalOrderId?: string;
  tradingAccountId: string;
  symbol: string;
}

interface ExecutionBase {
  tradeOrderId: string;
  tradingAccountId: string;
  /** The venue's order id, once known. */
  externalOrderId?: string;
  timestamp: EpochMs;
}

/** Everything a venue reports about orders and accounts. */
export type ExecutionEvent =
  | (ExecutionBase & { type: 'accepted' })
  | (ExecutionBase &
      Omit<VenueFill, 'timestamp'> & {
        type: 'filled';
        /**
         * Optional: true when this fill completes the order — nothing more will be reported for it. Venues set it when
         * they know. For QUOTE-quantity orders it is how the domain learns the order is done (the remaining amount may
         * be too small to buy one more lot, so the filled base quantity never "adds up" to the order's quantity).
         */
        final?: boolean;
      })
  | (ExecutionBase & { type: 'cancelled'; reason: string })
  | (ExecutionBase & { type: 'rejected'; reason: string })
  | (ExecutionBase & { type: 'expired'; reason?: string })
  /** A venue-reported balance snapshot (real venues); the domain reconciles its portfolio to it. */
  | {
      type: 'balances';
      tradingAccountId: string;
      balances: Array<{ asset: string; free: DecimalString; locked: DecimalString }>;
      timestamp: EpochMs;
    }
  /**
   * The venue may have missed reporting something for this account (e.g. its event stream dropped and came back):
   * the domain asks `queryOrder` about each of the account's open orders and refreshes its balances. Carries no
   * order state itself.
   */
  | { type: 'resync'; tradingAccountId: string; reason: string; timestamp: EpochMs };

/** Which order `queryOrder` asks about: our ids, and the venue's when it is known. */
export interface OrderQuery {
  tradeOrderId: string;
  clientOrderId: string;
  externalOrderId?: string;
  tradingAccountId: string;
  symbol: string;
}

/**
 * The venue's view of one order. `OPEN` covers new and partly filled orders still working (and a cancel the venue
 * has not completed); the other statuses are final.
 */
export type VenueOrderStatus = 'OPEN' | 'FILLED' | 'CANCELLED' | 'EXPIRED' | 'REJECTED';

/** One execution as the venue lists it (and, with the order's ids, as its live `filled` report carries it). */
export interface VenueFill {
  /** Unique per venue + order: a repeated tradeId is a duplicate report and must be ignored. */
  tradeId: string;
  price: DecimalString;
  /** Base quantity of this fill. */
  quantity: DecimalString;
  /** Fee charged for this fill, in `feeAsset`. */
  fee: DecimalString;
  feeAsset: string;
  liquidity: LiquiditySide;
  timestamp: EpochMs;
}

export interface VenueOrderState {
  status: VenueOrderStatus;
  externalOrderId?: string;
  /** Base quantity executed so far, as the venue totals it. */
  executedQuantity: DecimalString;
  /** Quote amount executed so far (Σ price × quantity), when the venue reports it. */
  executedCost?: DecimalString;
  /**
   * Every fill of the order the venue still lists, oldest first. May be shorter than `executedQuantity` says when
   * the venue no longer lists old trades; the domain books what is here and logs the gap.
   */
  fills: VenueFill[];
  /** Why the order ended, for CANCELLED / EXPIRED / REJECTED (the venue's words). */
  reason?: string;
  /** When the venue last changed the order. */
  updatedAt?: EpochMs;
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
