/**
 * @module venue-fakes/bitfinex
 * A local server speaking Bitfinex v2's documented REST and WebSocket formats (see fixtures/SOURCES.md).
 */
export { FakeBitfinexServer, startFakeBitfinexServer, type FakeBfxPair, type FakeBitfinexOptions } from './fake-bitfinex-server.ts';
export type { FakeBitfinexAccount } from './fake-bitfinex-account.ts';
