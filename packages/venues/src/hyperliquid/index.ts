/**
 * @module hyperliquid
 * Hyperliquid connector (HYPERLIQUID, and HYPERLIQUID_UAT = its testnet): perpetuals and spot pairs through the Venue
 * port, actions signed with an agent wallet key.
 */
export { HyperliquidVenue, createHyperliquidVenue } from './hyperliquid-venue.ts';
export { HYPERLIQUID_DEFAULT_URLS, resolveHyperliquidEndpoints, type HyperliquidEndpoints, type HyperliquidVenueId, type HyperliquidVenueOptions } from './config.ts';
