/**
 * @module infra/stores
 * Which database holds the domain and the auth service: the embedded SQLite files in the data directory (default), or
 * PostgreSQL when `CADENZA_DATABASE_URL` is set — both stores in that one database (docs/storage.md).
 */
import { join } from 'node:path';
import type { AuthStore } from '@cadenza/auth';
import type { Logger, Store } from '@cadenza/domain';
import { SqliteStore } from '@cadenza/store';
import { SqliteAuthStore } from '@cadenza/store/sqlite-auth';
import { PgAuthStore, PgStore, describeUrl } from '@cadenza/store/postgres';

export interface Stores {
  store: Store;
  authStore: AuthStore;
  /** False while the database does not answer: `/health` says so and commands are refused (rpc/store-gate.ts). */
  available(): boolean;
  /** Domain writes accepted but not yet committed (PostgreSQL's write-behind queue; SQLite commits in the turn: 0). */
  queuedWrites(): number;
  /** Where the data lives, for the start-up banner (never a password). */
  where: string;
  /** Closes the domain store (committing what is pending), then the auth store. */
  close(): Promise<void>;
}

export async function openStores(config: { dataDir: string; databaseUrl?: string }, log: Logger): Promise<Stores> {
  if (config.databaseUrl) {
    const url = config.databaseUrl;
    const store = await PgStore.open({ url, log });
    let authStore: PgAuthStore;
    try {
      authStore = await PgAuthStore.open({ url, log });
    } catch (err) {
      await store.close();
      throw err;
    }
    return {
      store,
      authStore,
      available: () => store.isHealthy(),
      queuedWrites: () => store.backlog,
      where: `PostgreSQL ${describeUrl(url)}`,
      async close() {
        await store.close();
        await authStore.close();
      },
    };
  }
  const authStore = new SqliteAuthStore(join(config.dataDir, 'auth.db'));
  const store = new SqliteStore(join(config.dataDir, 'cadenza.db'));
  return {
    store,
    authStore,
    available: () => store.isHealthy(),
    queuedWrites: () => 0,
    where: `SQLite in ${config.dataDir}`,
    async close() {
      await store.close();
      authStore.close();
    },
  };
}
