/**
 * @module sqlite/auth-migrations
 * Schema of the auth store (its own file, `<dataDir>/auth.db`, and its own `auth_migrations` table), as an
 * ordered list of migrations. Append only: never edit an applied one.
 */
export interface AuthMigration {
  version: number;
  name: string;
  sql: string;
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
];
