/**
 * @module @cadenza/venues/paper
 * The PAPER venue (matching engine + simulated market) and its building blocks.
 */
export { PaperVenue, createPaperVenue, type PaperVenueOptions } from './paper-venue.ts';
export { PaperVenueError, type PaperVenueErrorCode } from './paper-venue-error.ts';
export { PAPER_INSTRUMENTS, DEFAULT_MAKER_FEE, DEFAULT_TAKER_FEE, DEFAULT_FUNDING_INTERVAL_MS, instrumentSpec, paperSymbol, type PaperInstrumentConfig, type PaperPerpetualTerms, type MarketCharacter } from './paper-instruments.ts';
export { PerpetualFeed } from './perpetual-feed.ts';
export { MatchingEngine, type MatchingEngineOptions } from './matching/matching-engine.ts';
export type { SubmitOrder, EngineEvent, FillEvent, StpMode, EngineOrderType, EngineTimeInForce } from './matching/engine-messages.ts';
export { FeeSchedule } from './matching/fees.ts';
export { KLINE_INTERVALS, type KlineInterval } from '@cadenza/domain';
