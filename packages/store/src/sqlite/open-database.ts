/**
 * @module sqlite/open-database
 * Opens the domain store's SQLite file: owner-only (owner-only-file.ts), WAL journal, the chosen durability.
 *
 * Durability: `synchronous = NORMAL` in WAL mode — a committed transaction survives a crash of the process (the WAL
 * is in the OS page cache and replayed on open), but a power loss or OS crash may lose the last transactions
 * committed before the WAL was synced; 'full' is `synchronous = FULL` (an fsync per commit).
 */
import Database from 'better-sqlite3';
import { prepareOwnerOnlyDatabase } from './owner-only-file.ts';

export function openDomainDatabase(path: string, durability: 'normal' | 'full'): Database.Database {
  prepareOwnerOnlyDatabase(path);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  // SQLite's default threshold (1000 pages, ~4 MB of WAL), used when no checkpointer thread runs (wal-checkpointer.ts
  // turns it off): the commit that crosses it checkpoints on the event loop. Measured with bench:orders: 10000 pages
  // gave p99 26-32 ms, 1000 pages 16 ms, at the same throughput.
  db.pragma('wal_autocheckpoint = 1000');
  db.pragma('mmap_size = 268435456');
  // Savepoints' sub-journals (and sorts, temporary tables) in memory, not in temporary files: a call that writes
  // several statements (a fill: order, fill, position) runs in a savepoint, whose sub-journal copied every page it first
  // changed to a file — ~29 pwrite calls per MARKET order, 50–70 µs of CPU (bench:orders-domain, docs/benchmarks.md).
  // Durability is the WAL's, untouched: a sub-journal only undoes a failed savepoint.
  db.pragma('temp_store = MEMORY');
  return db;
}
