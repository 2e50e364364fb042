/**
 * @module venue-fakes/deribit
 * A local server speaking Deribit API v2's documented JSON-RPC formats over HTTP and WebSocket (see fixtures/SOURCES.md).
 */
export { FakeDeribitServer, startFakeDeribitServer, type FakeDeribitInstrument, type FakeDeribitOptions } from './fake-deribit-server.ts';
export type { FakeDeribitAccount } from './fake-deribit-account.ts';
