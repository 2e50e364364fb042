/**
 * @module binance
 * Binance spot connector (BINANCE, BINANCE_UAT and BINANCE_SANDBOX) implementing the Venue port.
 */
export { BinanceVenue, createBinanceVenue } from './binance-venue.ts';
export { DEFAULT_ENDPOINTS, resolveEndpoints, type BinanceEndpoints, type BinanceVenueId, type BinanceVenueOptions } from './config.ts';
export { BinanceVenueError, type BinanceErrorKind } from './errors.ts';
