/**
 * @module @cadenza/domain
 * The trading model and services: accounts, credentials, orders, portfolios, instruments, subscriptions.
 * No I/O of its own: storage, venues, time, ids, encryption and event delivery come in through ports.
 */
export * from './errors.ts';
export * from './model/decimal.ts';
export * from './model/fixed-decimal.ts';
export * from './model/instrument-rules.ts';
export * from './model/time.ts';
export * from './model/caller.ts';
export type * from './model/primitives.ts';
export type * from './model/market-data.ts';
export type * from './model/venue-order.ts';
export type * from './ports/venue.ts';
export type * from './ports/store.ts';
export type * from './ports/event-sink.ts';
export type * from './ports/clock.ts';
export type * from './ports/id-source.ts';
export type * from './ports/cipher.ts';
export type { Logger } from './ports/logger.ts';
export { silentLogger } from './ports/logger.ts';
export type * from './model/trading-account.ts';
export type * from './model/credential.ts';
export type * from './model/order.ts';
export type * from './model/balance.ts';
export type * from './model/subscription.ts';
export type * from './model/instrument.ts';
export * from './orders/status-machine.ts';
export * from './config.ts';
export type { DomainContext } from './context.ts';
export { VenueRegistry } from './venue-registry.ts';
export { Publisher } from './publisher.ts';
export { UnitOfWork } from './unit-of-work.ts';
export * from './cadenza.ts';
export * from './channel-authorizer.ts';
export * from './market-data/converters.ts';
export * from './market-data/market-data-service.ts';
export * from './instruments/instrument-catalog.ts';
export * from './instruments/rpc-instrument.ts';
export * from './accounts/account-status.ts';
export * from './accounts/account-registry.ts';
export * from './accounts/rpc-account.ts';
export * from './accounts/trading-account-service.ts';
export * from './credentials/rpc-credential.ts';
export * from './credentials/credential-vault.ts';
export * from './credentials/credential-service.ts';
export * from './orders/order-draft.ts';
export * from './orders/pre-trade.ts';
export * from './orders/rpc-order.ts';
export * from './orders/order-service.ts';
export * from './orders/open-orders.ts';
export * from './portfolios/fill-effects.ts';
export * from './portfolios/portfolio-book.ts';
export * from './portfolios/portfolio-service.ts';
export * from './portfolios/rpc-portfolio.ts';
export * from './subscriptions/feed-registry.ts';
export * from './subscriptions/subscription-service.ts';
export * from './subscriptions/rpc-subscription.ts';
