/**
 * @module sqlite/owner-only-file
 * Database files readable by their owner only. A SQLite file holds password hashes, session and recovery digests,
 * and the orders and encrypted credentials of every user, so it is created 0600 before SQLite opens it; SQLite
 * gives the `-wal` and `-shm` files it creates the database file's mode. Files left looser by an older version
 * (or a restore) are tightened on open.
 */
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';

const OWNER_ONLY = 0o600;

/** Creates `path` 0600 if missing and tightens it and its `-wal`/`-shm` to 0600. `:memory:` is left alone. */
export function prepareOwnerOnlyDatabase(path: string): void {
  if (path === ':memory:' || path === '') return;
  closeSync(openSync(path, 'a', OWNER_ONLY));
  for (const p of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(p)) chmodSync(p, OWNER_ONLY);
  }
}
