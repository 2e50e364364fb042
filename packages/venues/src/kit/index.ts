/**
 * @module kit
 * What connectors share instead of copying from each other: decimal text, sorted price levels, the order tracker,
 * rate-limit budgets and credit pools, managed sockets and channel pools, the venue error and wire readers.
 */
export { rateLimitStatsOf, RateBudgets, type Budget, type RateLimitReporter, type RateLimitStats } from './rate-budget.ts';
export { VenueError, type VenueErrorKind } from './venue-error.ts';
export { CreditBuckets, type CreditPool, type CreditBucketsOptions } from './credit-bucket.ts';
