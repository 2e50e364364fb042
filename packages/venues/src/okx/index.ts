/**
 * @module okx
 * OKX v5 spot connector (OKX and OKX_UAT demo trading) implementing the Venue port.
 */
export { OkxVenue, createOkxVenue } from './okx-venue.ts';
export { OKX_DEFAULT_ENDPOINTS, resolveOkxEndpoints, type OkxEndpoints, type OkxVenueId, type OkxVenueOptions } from './config.ts';
