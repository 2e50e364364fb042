/**
 * @module sqlite/auth-statements
 * Every statement of the SQLite auth store, prepared once per connection.
 */
import type Database from 'better-sqlite3';

export function prepareAuthStatements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql);
  return {
    insertUser: p(`INSERT INTO auth_users (email, email_skeleton, password_hash, role, aud, email_confirmed_at, last_sign_in_at,
      banned_until, app_metadata, user_metadata, is_anonymous, reauthentication_hash, reauthentication_sent_at, created_at,
      updated_at, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    // Not the pending reauthentication: only the conditional statements below write it.
    updateUser: p(`UPDATE auth_users SET email = ?, email_skeleton = ?, password_hash = ?, role = ?, aud = ?, email_confirmed_at = ?,
      last_sign_in_at = ?, banned_until = ?, app_metadata = ?, user_metadata = ?, is_anonymous = ?, created_at = ?, updated_at = ?
      WHERE id = ?`),
    startReauthentication: p(`UPDATE auth_users SET reauthentication_hash = ?, reauthentication_sent_at = ?, reauthentication_failures = 0
      WHERE id = ? AND (reauthentication_sent_at IS NULL OR reauthentication_sent_at <= ?)`),
    clearReauthentication: p(`UPDATE auth_users SET reauthentication_hash = NULL
      WHERE id = ? AND reauthentication_hash = ? AND reauthentication_sent_at >= ?`),
    countWrongReauthentication: p(`UPDATE auth_users SET reauthentication_failures = reauthentication_failures + 1,
      reauthentication_hash = CASE WHEN reauthentication_failures + 1 >= ? THEN NULL ELSE reauthentication_hash END
      WHERE id = ? AND reauthentication_hash = ? RETURNING reauthentication_hash IS NULL AS voided`),
    userById: p('SELECT * FROM auth_users WHERE id = ?'),
    userByEmail: p('SELECT * FROM auth_users WHERE email = ?'),
    usersBySkeleton: p('SELECT * FROM auth_users WHERE email_skeleton = ? ORDER BY created_at, id'),
    usersFirst: p('SELECT * FROM auth_users ORDER BY email LIMIT ?'),
    usersAfter: p('SELECT * FROM auth_users WHERE email > ? ORDER BY email LIMIT ?'),
    deleteUser: p('DELETE FROM auth_users WHERE id = ?'),
    insertIdentity: p(`INSERT INTO auth_identities (user_id, provider, provider_id, identity_data, email, last_sign_in_at, created_at,
      updated_at, identity_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    updateIdentity: p(`UPDATE auth_identities SET user_id = ?, provider = ?, provider_id = ?, identity_data = ?, email = ?,
      last_sign_in_at = ?, created_at = ?, updated_at = ? WHERE identity_id = ?`),
    identities: p('SELECT * FROM auth_identities WHERE user_id = ? ORDER BY created_at, identity_id'),
    signInUser: p('UPDATE auth_users SET last_sign_in_at = ? WHERE id = ?'),
    signInIdentity: p('UPDATE auth_identities SET last_sign_in_at = ? WHERE user_id = ? AND provider = ?'),
    insertSession: p(
      'INSERT INTO auth_sessions (id, user_id, aal, amr, user_agent, ip, created_at, refreshed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    session: p('SELECT * FROM auth_sessions WHERE id = ?'),
    sessionIds: p('SELECT id FROM auth_sessions WHERE user_id = ? ORDER BY created_at, id'),
    deleteSession: p('DELETE FROM auth_sessions WHERE id = ?'),
    touchSession: p('UPDATE auth_sessions SET refreshed_at = ? WHERE id = ?'),
    insertToken: p(
      'INSERT INTO auth_refresh_tokens (token_hash, session_id, user_id, parent_hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    token: p('SELECT * FROM auth_refresh_tokens WHERE token_hash = ?'),
    children: p('SELECT * FROM auth_refresh_tokens WHERE parent_hash = ? ORDER BY created_at, rowid'),
    revokeToken: p('UPDATE auth_refresh_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL'),
    latestRevocation: p('SELECT COALESCE(MAX(id), 0) AS id FROM auth_revocations'),
    revocationsAfter: p('SELECT id, user_id, session_id, revoked_at FROM auth_revocations WHERE id > ? ORDER BY id LIMIT ?'),
    pruneRevocations: p('DELETE FROM auth_revocations WHERE revoked_at < ?'),
    putRecovery: p(`INSERT INTO auth_recovery_tokens (user_id, link_hash, otp_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (user_id) DO UPDATE SET link_hash = excluded.link_hash, otp_hash = excluded.otp_hash,
      created_at = excluded.created_at, expires_at = excluded.expires_at, failures = 0`),
    recoveryByUser: p('SELECT * FROM auth_recovery_tokens WHERE user_id = ?'),
    recoveryByLink: p('SELECT * FROM auth_recovery_tokens WHERE link_hash = ?'),
    consumeRecovery: p('DELETE FROM auth_recovery_tokens WHERE user_id = ? AND link_hash = ?'),
    countWrongRecovery: p('UPDATE auth_recovery_tokens SET failures = failures + 1 WHERE user_id = ? AND link_hash = ? RETURNING failures'),
  };
}

export type AuthStatements = ReturnType<typeof prepareAuthStatements>;
