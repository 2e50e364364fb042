/**
 * @module venue-fakes/hyperliquid
 * A local server speaking Hyperliquid's documented info / exchange / WebSocket formats, checking each signed action's
 * signature the way Hyperliquid does (see fixtures/SOURCES.md).
 */
export { FakeHyperliquidServer, startFakeHyperliquidServer, type FakeHyperliquidOptions } from './fake-hyperliquid-server.ts';
export type { FakeHyperliquidAccount } from './fake-trading.ts';
export type { FakePerp, FakeSpotPair } from './fake-market.ts';
export { addressOfKey } from './verify-signature.ts';
