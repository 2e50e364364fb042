/**
 * @module model/primitives
 * The scalar vocabulary of the model: venue ids, decimal strings, epoch times, sides.
 */
/** A `Venue` enum value of the contract: 'PAPER', 'MOCK', 'BINANCE', 'BINANCE_SANDBOX', … */
export type VenueId = string;
/** Plain decimal string: /^-?\d+(\.\d+)?$/. */
export type DecimalString = string;
/** Epoch milliseconds. */
export type EpochMs = number;

export type OrderSideValue = 'BUY' | 'SELL';
export type LiquiditySide = 'MAKER' | 'TAKER';
