/**
 * @module @cadenza/store
 * Implementations of the domain's `Store` port. The SQLite auth store is exported separately
 * (`@cadenza/store/sqlite-auth`).
 */
export { SqliteStore, openSqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.ts';
export { migrations } from './sqlite/migrations.ts';
