/**
 * @module @cadenza/testkit
 * Shared port contract suites, fakes and builders for tests. A devDependency only; never imported by src.
 */
export * from './contracts/store.contract.ts';
export * from './contracts/venue.contract.ts';
export * from './fakes/fake-clock.ts';
export * from './fakes/sequential-ids.ts';
export * from './fakes/memory-event-sink.ts';
export * from './fakes/fake-cipher.ts';
export * from './fakes/scripted-venue.ts';
export * from './fakes/recording-venue-deps.ts';
export * from './builders/test-cadenza.ts';
export * from './builders/refusal.ts';
export * from './builders/venue-sets.ts';
export * from './spies/prepared-statements.ts';
