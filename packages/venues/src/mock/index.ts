/**
 * @module @cadenza/venues/mock
 * The deterministic MOCK venue for client tests (rules in mock-venue.ts and docs/venues-paper.md).
 */
export { MockVenue, MockVenueError, createMockVenue, type MockVenueOptions } from './mock-venue.ts';
export { MOCK_INSTRUMENTS, type MockInstrumentConfig } from './mock-instruments.ts';
