/**
 * @module postgres/migrator
 * Versioned migrations applied at start, recorded in `cadenza_migrations (component, version, name, checksum,
 * applied_at)`. Policy (docs/storage.md):
 *
 * - **Append only.** A migration is never edited once released; its checksum is recorded and a mismatch stops the
 *   start (the code and the database disagree about the schema).
 * - **Safe to run twice, safe when several servers start at once.** The whole run holds a session advisory lock;
 *   whoever gets it second finds everything applied. Each migration commits in its own transaction with its record.
 * - **Safe across a rolling restart.** A database migrated by a newer release (versions this code does not know)
 *   is used as it is, with a warning: migrations only add (tables, columns with defaults, indexes), so the previous
 *   release keeps working beside the next; removing something takes a later release, once nothing reads it.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';

export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

export interface MigrationReport {
  applied: number[];
  /** Versions present in the database that this code does not know (a newer release migrated it). */
  unknown: number[];
}

/** The advisory lock key of migrations (any constant; "cadenza" in ASCII). */
const LOCK_KEY = 0x63_61_64_65_6e_7a_61n;

const checksum = (m: PgMigration) => createHash('sha256').update(m.sql).digest('hex').slice(0, 16);

/** Applies the migrations of `component` that the database lacks, under the migration lock. */
export async function migrate(pool: pg.Pool, component: string, migrations: readonly PgMigration[]): Promise<MigrationReport> {
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version <= migrations[i - 1]!.version) throw new Error(`${component} migrations out of order at version ${migrations[i]!.version}`);
  }
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY.toString()]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS cadenza_migrations (
        component text NOT NULL,
        version integer NOT NULL,
        name text NOT NULL,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (component, version))`);
      const rows = (await client.query<{ version: number; checksum: string; name: string }>(
        'SELECT version, checksum, name FROM cadenza_migrations WHERE component = $1', [component],
      )).rows;
      const done = new Map(rows.map((r) => [r.version, r]));
      for (const m of migrations) {
        const have = done.get(m.version);
        if (have && have.checksum !== checksum(m)) {
          throw new Error(`${component} migration ${m.version} (${m.name}) differs from the one applied to this database (${have.name}); migrations are append-only`);
        }
      }
      const applied: number[] = [];
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO cadenza_migrations (component, version, name, checksum) VALUES ($1, $2, $3, $4)', [component, m.version, m.name, checksum(m)]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new Error(`${component} migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, { cause: err });
        }
        applied.push(m.version);
      }
      const known = new Set(migrations.map((m) => m.version));
      return { applied, unknown: rows.map((r) => r.version).filter((v) => !known.has(v)).sort((a, b) => a - b) };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY.toString()]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}
