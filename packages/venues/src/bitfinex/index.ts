/**
 * @module bitfinex
 * Bitfinex v2 connector (BITFINEX, and BITFINEX_UAT for the paper-trading sub-account) implementing the Venue port.
 */
export { BitfinexVenue, createBitfinexVenue } from './bitfinex-venue.ts';
export { cidFor } from './order-params.ts';
export { BITFINEX_DEFAULT_ENDPOINTS, resolveBitfinexEndpoints, type BitfinexEndpoints, type BitfinexVenueId, type BitfinexVenueOptions } from './config.ts';
