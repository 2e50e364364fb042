/**
 * @module venue-fakes/okx
 * A local server speaking OKX v5's documented REST and WebSocket formats (see fixtures/SOURCES.md).
 */
export { FakeOkxServer, startFakeOkxServer, type FakeOkxInstrument, type FakeOkxOptions } from './fake-okx-server.ts';
export type { FakeOkxAccount } from './fake-okx-account.ts';
