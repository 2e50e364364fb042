/**
 * @module model/instrument
 * An instrument in the catalogue: the venue's spec plus the platform's own status and timestamps, and the
 * securities (assets) derived from it.
 */
import type { DecimalString, EpochMs, VenueId } from './primitives.ts';

/**
 * How an instrument trades (the contract's `InstrumentType` less its legacy and CFD values): SPOT exchanges one asset
 * for another; PERPETUAL, FUTURES and OPTION are contracts held as positions and margined in a settlement asset.
 */
export type InstrumentKind = 'SPOT' | 'PERPETUAL' | 'FUTURES' | 'OPTION';

/**
 * The terms of a derivative contract: what one contract is worth, what it settles in, when it ends, and the venue's
 * margin and funding parameters. Quantities of a derivative order, fill or position are in contracts.
 */
export interface ContractTerms {
  /**
   * Linear contracts: units of the base asset per contract (value = quantity × contractSize × price, in the quote
   * asset). Inverse contracts: units of the quote currency per contract (value = quantity × contractSize ÷ price, in
   * the base asset). PAPER perpetuals: 1 (quantities in BTC); Deribit's BTC-PERPETUAL: 10 (USD, inverse).
   */
  contractSize: DecimalString;
  /** The asset margin, PnL, fees and funding are booked in: USDT for PAPER, BTC for Deribit's BTC contracts, USDC on Hyperliquid. */
  settleAsset: string;
  /** True for inverse contracts (priced in the quote currency, margined and settled in the base asset). */
  inverse?: boolean;
  /** FUTURES and OPTION: when the contract expires and settles. */
  expiry?: EpochMs;
  /** OPTION: strike price and type. */
  strike?: DecimalString;
  optionType?: 'CALL' | 'PUT';
  /** The index the contract follows, e.g. 'BTC-USD' or 'btc_usd'. */
  underlying?: string;
  /** Highest leverage the venue grants on the instrument. */
  maxLeverage?: number;
  /** Maintenance margin as a fraction of the position's value, e.g. "0.005" (0.5 %). */
  maintenanceMarginRate?: DecimalString;
  /** PERPETUAL: how often longs and shorts exchange funding (8 h on most venues, 1 h on Hyperliquid). */
  fundingIntervalMs?: number;
}

/** Static description of one tradable instrument, as the venue lists it. */
export interface InstrumentSpec {
  /** `{VENUE}:{SYMBOL}`, e.g. 'PAPER:BTC/USDT', 'PAPER:BTC-PERP'. */
  instrumentId: string;
  venue: VenueId;
  /** Spot pairs: `{BASE}/{QUOTE}`. Derivatives: the venue's contract name, e.g. 'BTC-PERP', 'BTC-PERPETUAL', 'BTC-27JUN25-60000-C'. */
  symbol: string;
  /** Absent = SPOT. */
  instrumentType?: InstrumentKind;
  /** Present exactly when `instrumentType` is a derivative. */
  contract?: ContractTerms;
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
  /**
   * OrderType values the venue takes natively — never what Cadenza emulates on top (clients are answered
   * `offeredOrderTypes`, instruments/offered-order-types.ts; the order desk emulates what is missing here).
   */
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

export interface Instrument {
  spec: InstrumentSpec;
  /** The platform's status; starts as the venue's, admins may enable/disable. */
  status: 'ACTIVE' | 'INACTIVE' | 'DISABLED' | 'DELISTED';
  createdAt: number;
  updatedAt: number;
  /**
   * Set on the stored record of an instrument an admin deleted (a tombstone): the catalogue never lists it, and
   * automatic refreshes do not bring it back — only an explicit `command.instrument.sync` or `save` does.
   */
  deletedAt?: number;
}

export interface Security {
  /** `{VENUE}:{ASSET}`. */
  securityId: string;
  venue: string;
  symbol: string;
  externalSymbol: string;
}
