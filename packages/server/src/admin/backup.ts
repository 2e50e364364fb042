/**
 * @module admin/backup
 * `backup <file>` and `restore <file>` of the admin CLI.
 *
 * A backup is one gzipped tar, written owner-only (0600), holding everything a server needs to start again where it
 * was: an online SQLite backup of each database (`cadenza.db`, the domain; `auth.db`, users and sessions) taken with
 * SQLite's backup API — a consistent copy while the server keeps writing — plus the signing keys, the HMAC key
 * (`keys/`) and `master.key` when the credentials' master key is kept in the data directory, and a `manifest.json`.
 * It therefore holds secrets: keep it like the data directory itself. A master key given by `CADENZA_MASTER_KEY`
 * is not in the backup; keep it with it.
 *
 * Restore unpacks a backup into a data directory that has no databases (the server stopped; `--force` replaces the
 * ones there, their `-wal`/`-shm` included, so a stale journal is never replayed onto the restored file).
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import * as tar from 'tar';

export const DATABASES = ['cadenza.db', 'auth.db'] as const;
const MANIFEST = 'manifest.json';
const FORMAT = 'cadenza-backup';

export interface BackupResult {
  file: string;
  entries: string[];
}

/** Writes a backup of `dataDir` to `file` (see the module note). */
export async function backupDataDir(dataDir: string, file: string, now: () => number = Date.now): Promise<BackupResult> {
  const target = resolve(file);
  const stage = mkdtempSync(join(dirname(target), '.cadenza-backup-'));
  chmodSync(stage, 0o700);
  try {
    const entries: string[] = [];
    for (const name of DATABASES) {
      const source = join(dataDir, name);
      if (!existsSync(source)) continue;
      const db = new Database(source, { fileMustExist: true });
      try {
        db.pragma('busy_timeout = 5000');
        await db.backup(join(stage, name));
      } finally {
        db.close();
      }
      entries.push(name);
    }
    if (entries.length === 0) throw new Error(`no database in ${dataDir}: nothing to back up`);
    const keys = join(dataDir, 'keys');
    if (existsSync(keys)) {
      mkdirSync(join(stage, 'keys'), { mode: 0o700 });
      for (const name of readdirSync(keys)) {
        if (name.endsWith('.tmp') || !statSync(join(keys, name)).isFile()) continue;
        copyFileSync(join(keys, name), join(stage, 'keys', name));
        entries.push(`keys/${name}`);
      }
    }
    if (existsSync(join(dataDir, 'master.key'))) {
      copyFileSync(join(dataDir, 'master.key'), join(stage, 'master.key'));
      entries.push('master.key');
    }
    const manifest = { format: FORMAT, version: 1, createdAt: new Date(now()).toISOString(), files: [...entries] };
    writeFileSync(join(stage, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    // Written inside the owner-only stage (same directory, so the rename is atomic), never at a name beside the
    // target: there anyone who can write to the directory could open the file while it is still readable, or plant
    // a link the write would follow.
    const partial = join(stage, 'backup.partial');
    await tar.c({ gzip: true, file: partial, cwd: stage, portable: true, mode: 0o600 } as tar.TarOptionsWithAliasesAsyncFile, [MANIFEST, ...entries]);
    chmodSync(partial, 0o600);
    renameSync(partial, target);
    return { file: target, entries: [MANIFEST, ...entries] };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** Unpacks a backup into `dataDir` (see the module note). Returns the restored entries. */
export async function restoreDataDir(dataDir: string, file: string, options: { force: boolean }): Promise<string[]> {
  const source = resolve(file);
  if (!existsSync(source)) throw new Error(`no backup at ${source}`);
  const listed: string[] = [];
  await tar.t({ file: source, onReadEntry: (e) => listed.push(e.path) });
  if (!listed.includes(MANIFEST) || !listed.some((p) => (DATABASES as readonly string[]).includes(p))) {
    throw new Error(`${source} is not a Cadenza backup (no ${MANIFEST} or database in it)`);
  }
  const present = DATABASES.filter((d) => existsSync(join(dataDir, d)));
  if (present.length > 0 && !options.force) {
    throw new Error(`${dataDir} already has ${present.join(' and ')}: stop the server and restore into an empty data directory, or pass --force to replace them`);
  }
  for (const d of DATABASES) for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, d + suffix), { force: true });
  if (listed.some((p) => p.startsWith('keys/'))) rmSync(join(dataDir, 'keys'), { recursive: true, force: true });
  await tar.x({ file: source, cwd: dataDir, strict: true, filter: (path) => path !== MANIFEST });
  const restored = listed.filter((p) => p !== MANIFEST && !p.endsWith('/'));
  if (existsSync(join(dataDir, 'keys'))) chmodSync(join(dataDir, 'keys'), 0o700);
  for (const p of restored) chmodSync(join(dataDir, p), 0o600);
  return restored;
}
