/**
 * @module postgres/auth-migrations
 * Schema of the auth store on PostgreSQL (component `auth` in `cadenza_migrations`). Append only.
 *
 * The revocation log is written by a trigger (as in SQLite), so sessions ended by any connection — another server,
 * the admin CLI, a cascade from a deleted user, an operator's psql — reach every revocation watch. The trigger takes
 * a transaction-level advisory lock before it draws an id: ids are drawn when a row is inserted but become visible
 * at commit, and a watch that saw id 7 must never find a 6 committed after it. Holding the lock to commit makes id
 * order commit order (session deletions are rare; they queue for each other, nothing else does).
 */
import type { PgMigration } from './migrator.ts';

export const authMigrations: PgMigration[] = [
  {
    version: 1,
    name: 'users, identities, sessions, refresh tokens, revocation log, recovery tokens',
    sql: `
CREATE TABLE auth_users (
  id text COLLATE "C" PRIMARY KEY,
  email text NOT NULL,
  email_skeleton text NOT NULL,
  password_hash text,
  role text NOT NULL,
  aud text NOT NULL,
  email_confirmed_at bigint,
  last_sign_in_at bigint,
  banned_until bigint,
  app_metadata json NOT NULL,
  user_metadata json NOT NULL,
  is_anonymous boolean NOT NULL DEFAULT false,
  reauthentication_hash text,
  reauthentication_sent_at bigint,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE UNIQUE INDEX auth_users_email ON auth_users (lower(email));
CREATE INDEX auth_users_email_order ON auth_users (email COLLATE "C");
CREATE INDEX auth_users_email_skeleton ON auth_users (email_skeleton);

CREATE TABLE auth_identities (
  identity_id text COLLATE "C" PRIMARY KEY,
  user_id text COLLATE "C" NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  provider text NOT NULL,
  provider_id text NOT NULL,
  identity_data json NOT NULL,
  email text,
  last_sign_in_at bigint,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  UNIQUE (provider, provider_id)
);
CREATE INDEX auth_identities_user ON auth_identities (user_id);

CREATE TABLE auth_sessions (
  id text COLLATE "C" PRIMARY KEY,
  user_id text COLLATE "C" NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  aal text NOT NULL,
  amr json NOT NULL,
  user_agent text,
  ip text,
  created_at bigint NOT NULL,
  refreshed_at bigint
);
CREATE INDEX auth_sessions_user ON auth_sessions (user_id);

CREATE TABLE auth_refresh_tokens (
  token_hash text COLLATE "C" PRIMARY KEY,
  session_id text COLLATE "C" NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
  user_id text COLLATE "C" NOT NULL,
  parent_hash text COLLATE "C",
  created_at bigint NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  revoked_at bigint
);
CREATE INDEX auth_refresh_tokens_session ON auth_refresh_tokens (session_id);
CREATE INDEX auth_refresh_tokens_parent ON auth_refresh_tokens (parent_hash);

CREATE TABLE auth_revocations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  session_id text NOT NULL,
  user_id text NOT NULL,
  revoked_at bigint NOT NULL
);
CREATE INDEX auth_revocations_time ON auth_revocations (revoked_at);
CREATE FUNCTION auth_log_revocation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7237416047133045297);
  INSERT INTO auth_revocations (session_id, user_id, revoked_at)
  VALUES (OLD.id, OLD.user_id, (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
  RETURN OLD;
END $$;
CREATE TRIGGER auth_sessions_log_revocation AFTER DELETE ON auth_sessions FOR EACH ROW EXECUTE FUNCTION auth_log_revocation();

CREATE TABLE auth_recovery_tokens (
  user_id text COLLATE "C" PRIMARY KEY REFERENCES auth_users (id) ON DELETE CASCADE,
  link_hash text COLLATE "C" NOT NULL UNIQUE,
  otp_hash text NOT NULL,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL
);
`,
  },
  {
    version: 2,
    name: 'wrong tries at a mailed code counted in the database, so every server counts them together',
    sql: `
ALTER TABLE auth_users ADD COLUMN reauthentication_failures integer NOT NULL DEFAULT 0;
ALTER TABLE auth_recovery_tokens ADD COLUMN failures integer NOT NULL DEFAULT 0;
`,
  },
];
