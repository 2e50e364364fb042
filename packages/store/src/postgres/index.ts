/**
 * @module @cadenza/store/postgres
 * The PostgreSQL adapters: the domain `Store` (write-behind, group-committed) and the `AuthStore`, their schemas
 * and the migration runner. Selected by `CADENZA_DATABASE_URL=postgres://…`; see docs/storage.md.
 */
export { PgStore, type PgStoreOptions } from './pg-store.ts';
export { PgAuthStore, type PgAuthStoreOptions } from './pg-auth-store.ts';
export { migrate, type PgMigration, type MigrationReport } from './migrator.ts';
export { domainMigrations } from './domain-migrations.ts';
export { authMigrations } from './auth-migrations.ts';
export { describeUrl } from './connection.ts';
export { PgLease, type PgLeaseOptions, type LeaseState, type LeaseHolder } from './domain-lease.ts';
