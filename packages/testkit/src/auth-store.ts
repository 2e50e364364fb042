/**
 * @module @cadenza/testkit/auth-store
 * The `AuthStore` port's shared suite and record builders (a separate entry, so domain tests do not load the auth
 * package).
 */
export * from './contracts/auth-store.contract.ts';
export * from './builders/auth-records.ts';
