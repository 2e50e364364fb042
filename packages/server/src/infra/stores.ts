/**
 * @module infra/stores
 * Which database holds the domain and the auth service: the embedded SQLite files in the data directory (default), or
 * PostgreSQL when `CADENZA_DATABASE_URL` is set — both stores in that one database (docs/storage.md). On PostgreSQL
 * every server opens the auth store at start; the domain store is opened by the server that holds the domain lease,
 * when it takes it (cluster/domain-seat.ts).
 */
import { join } from 'node:path';
import type { AuthStore } from '@cadenza/auth';
import type { Logger, Store } from '@cadenza/domain';
import { SqliteStore } from '@cadenza/store';
import { SqliteAuthStore } from '@cadenza/store/sqlite-auth';
import { PgAuthStore, describeUrl } from '@cadenza/store/postgres';

export interface AuthStoreHandle {
  authStore: AuthStore;
  /** Where the data lives, for the start-up banner (never a password). */
  where: string;
  close(): Promise<void>;
}

export interface DomainStoreHandle {
  store: Store;
  /** False while the database does not answer: `/health` says so and commands are refused (rpc/store-gate.ts). */
  available(): boolean;
  /** Domain writes accepted but not yet committed (PostgreSQL's write-behind queue; SQLite commits in the turn: 0). */
  queuedWrites(): number;
  /** Commits what is pending, then releases the database. */
  close(): Promise<void>;
}

export async function openAuthStore(config: { dataDir: string; databaseUrl?: string }, log: Logger): Promise<AuthStoreHandle> {
  if (config.databaseUrl) {
    const authStore = await PgAuthStore.open({ url: config.databaseUrl, log });
    return { authStore, where: `PostgreSQL ${describeUrl(config.databaseUrl)}`, close: () => authStore.close() };
  }
  const authStore = new SqliteAuthStore(join(config.dataDir, 'auth.db'));
  return { authStore, where: `SQLite in ${config.dataDir}`, close: async () => authStore.close() };
}

/** The embedded domain store (`<dataDir>/cadenza.db`); `log` hears from its WAL checkpointer thread. */
export function openSqliteDomainStore(dataDir: string, log?: Logger): DomainStoreHandle {
  const store = new SqliteStore({ path: join(dataDir, 'cadenza.db'), groupCommit: true, ...(log ? { log } : {}) });
  return { store, available: () => store.isHealthy(), queuedWrites: () => 0, close: () => store.close() };
}
