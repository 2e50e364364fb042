/**
 * @module venue-fakes/shared
 * What the real-venue fakes and their tests share: the fake's book truth, fixture loading, the connector harness.
 */
export { FakeBook } from './fake-book.ts';
export { loadFixture } from './fixtures.ts';
export { bookKey, harness, isUncrossed, type Harness, type Recorded } from './venue-harness.ts';
