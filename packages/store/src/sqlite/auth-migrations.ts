/**
 * @module sqlite/auth-migrations
 * Schema of the auth store (its own file, `<dataDir>/auth.db`, and its own `auth_migrations` table), as an
 * ordered list of migrations. Append only: never edit an applied one. A migration is SQL, optionally followed by a
 * data step in code (`backfill`) run in the same transaction.
 */
import type Database from 'better-sqlite3';
import { emailSkeleton } from '@cadenza/auth';

export interface AuthMigration {
  version: number;
  name: string;
  sql: string;
  backfill?: (db: Database.Database) => void;
}

export const authMigrations: AuthMigration[] = [
  {
    version: 1,
    name: 'users, identities, sessions, refresh tokens',
    sql: `
CREATE TABLE auth_users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL COLLATE NOCASE UNIQUE,
  password_hash TEXT,
  role TEXT NOT NULL,
  aud TEXT NOT NULL,
  email_confirmed_at INTEGER,
  last_sign_in_at INTEGER,
  banned_until INTEGER,
  app_metadata TEXT NOT NULL,
  user_metadata TEXT NOT NULL,
  is_anonymous INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE auth_identities (
  identity_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  provider TEXT NOT NULL,
  provider_id TEXT NOT NULL,
  identity_data TEXT NOT NULL,
  email TEXT,
  last_sign_in_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (provider, provider_id)
);
CREATE INDEX auth_identities_user ON auth_identities (user_id);

CREATE TABLE auth_sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  aal TEXT NOT NULL,
  amr TEXT NOT NULL,
  user_agent TEXT,
  ip TEXT,
  created_at INTEGER NOT NULL,
  refreshed_at INTEGER
);
CREATE INDEX auth_sessions_user ON auth_sessions (user_id);

CREATE TABLE auth_refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  parent_hash TEXT,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX auth_refresh_tokens_session ON auth_refresh_tokens (session_id);
CREATE INDEX auth_refresh_tokens_parent ON auth_refresh_tokens (parent_hash);
`,
  },
  {
    version: 2,
    name: 'revocation log: every deleted session, by any process',
    // A trigger, not the store's code, writes the log, so sessions ended by any connection (the admin CLI, another
    // server instance, a cascade from a deleted user, an operator's sqlite3 shell) are seen by every running watch.
    // AUTOINCREMENT keeps ids rising after old entries are pruned, so a watch cursor never misses a new one.
    // The time is the wall clock in epoch ms without unixepoch() (SQLite 3.42+), so older sqlite3 shells work too.
    sql: `
CREATE TABLE auth_revocations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  revoked_at INTEGER NOT NULL
);
CREATE INDEX auth_revocations_time ON auth_revocations (revoked_at);
CREATE TRIGGER auth_sessions_log_revocation AFTER DELETE ON auth_sessions
BEGIN
  INSERT INTO auth_revocations (session_id, user_id, revoked_at)
  VALUES (OLD.id, OLD.user_id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
`,
  },
  {
    version: 3,
    name: 'pending password recoveries (one per user), so they survive restarts and are shared by instances',
    sql: `
CREATE TABLE auth_recovery_tokens (
  user_id TEXT PRIMARY KEY REFERENCES auth_users (id) ON DELETE CASCADE,
  link_hash TEXT NOT NULL UNIQUE,
  otp_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
`,
  },
  {
    version: 4,
    name: 'email skeletons (look-alike addresses) and pending reauthentication nonces',
    sql: `
ALTER TABLE auth_users ADD COLUMN email_skeleton TEXT NOT NULL DEFAULT '';
CREATE INDEX auth_users_email_skeleton ON auth_users (email_skeleton);
ALTER TABLE auth_users ADD COLUMN reauthentication_hash TEXT;
ALTER TABLE auth_users ADD COLUMN reauthentication_sent_at INTEGER;
`,
    // Rows written before this migration get their skeleton here; the service writes it from then on.
    backfill(db) {
      const rows = db.prepare("SELECT id, email FROM auth_users WHERE email_skeleton = ''").all() as Array<{ id: string; email: string }>;
      const set = db.prepare('UPDATE auth_users SET email_skeleton = ? WHERE id = ?');
      for (const r of rows) set.run(emailSkeleton(r.email), r.id);
    },
  },
  {
    version: 5,
    name: 'wrong tries at a mailed code counted in the database, so every process sharing it counts them together',
    sql: `
ALTER TABLE auth_users ADD COLUMN reauthentication_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE auth_recovery_tokens ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
`,
  },
];
