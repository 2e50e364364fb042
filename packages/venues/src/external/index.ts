/**
 * @module @cadenza/venues/external
 * Venues fed by an external process (`CADENZA_EXTERNAL_VENUES`) and the store of pushed market data MOCK shares.
 */
export { ExternalVenue, createExternalVenue } from './external-venue.ts';
