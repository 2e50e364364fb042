/**
 * @module venue-fakes/binance
 * A local server speaking Binance spot's documented REST, market-stream and user-data formats (see
 * fixtures/SOURCES.md), and the documentation's example payloads as fixtures for parser tests.
 */
export { FakeBinanceServer, startFakeBinanceServer, type FakeBinanceOptions, type FakeKey } from './fake-binance-server.ts';
export type { FakeSymbol } from './fake-account.ts';
export { fixture, fixtureObject } from './fixtures.ts';
