/**
 * @module @cadenza/domain
 * The trading model and services: accounts, credentials, orders, portfolios, instruments, subscriptions.
 * No I/O of its own: storage, venues, time, ids, encryption and event delivery come in through ports.
 */
export * from './errors.ts';
export * from './values/decimal.ts';
export * from './values/time.ts';
export * from './values/caller.ts';
export type * from './ports/venue.ts';
export type * from './ports/store.ts';
export type * from './ports/event-sink.ts';
export type * from './ports/clock.ts';
export type * from './ports/id-source.ts';
export type * from './ports/cipher.ts';
export type { Logger } from './ports/logger.ts';
export { silentLogger } from './ports/logger.ts';
export type * from './accounts/trading-account.ts';
export type * from './credentials/credential.ts';
export type * from './orders/order.ts';
export type * from './portfolios/balance.ts';
export type * from './subscriptions/subscription.ts';
export type * from './instruments/instrument.ts';
export * from './orders/status-machine.ts';
