/**
 * @module model/instrument
 * An instrument in the catalogue: the venue's spec plus the platform's own status and timestamps, and the
 * securities (assets) derived from it.
 */
import type { DecimalString, VenueId } from './primitives.ts';

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
