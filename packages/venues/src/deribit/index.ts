/**
 * @module deribit
 * Deribit API v2 connector (DERIBIT, and DERIBIT_UAT = test.deribit.com): futures, perpetuals and options through the
 * Venue port.
 */
export { DeribitVenue, createDeribitVenue } from './deribit-venue.ts';
export { DERIBIT_DEFAULT_URLS, resolveDeribitEndpoints, type DeribitEndpoints, type DeribitVenueId, type DeribitVenueOptions } from './config.ts';
