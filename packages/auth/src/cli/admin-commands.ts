/**
 * @module cli/admin-commands
 * The operator commands behind `npm run admin -- <command>`, over the SQLite auth store at `<dataDir>/auth.db`:
 *
 *   create-user <email> <password> [--admin]   create a confirmed user (optionally an admin)
 *   grant-admin <email> | revoke-admin <email>  set or clear app_metadata.role = "admin" (revoking also ends
 *                                              the user's sessions)
 *   set-password <email> <password>            reset a password and end the user's sessions
 *   revoke-sessions <email>                    end every session of a user
 *   rotate-key                                 stage a new ES256 signing key: the server signs with it from its next
 *                                              start; the old key keeps verifying until its tokens expire
 *   --data-dir <dir>                           default $CADENZA_DATA_DIR or ./data
 *
 * Changes reach a running server through the database: new tokens carry a new role after their next refresh;
 * ended sessions are seen by the server's revocation watch within its poll interval (1 s), which refuses their
 * tokens and disconnects their live connections. Exit code 0 on success, 1 on a refused command, 2 on bad usage.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SqliteAuthStore } from '@cadenza/store/sqlite-auth';
import { createAuthService } from '../auth-service.ts';
import { AuthError } from '../errors.ts';
import { SigningKeys } from '../signing-keys.ts';

export const USAGE = `usage: npm run admin -- <command> [--data-dir <dir>]
  create-user <email> <password> [--admin]
  grant-admin <email>
  revoke-admin <email>
  set-password <email> <password>
  revoke-sessions <email>
  rotate-key`;

export interface AdminIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
}

/** Runs one admin command; returns the process exit code. */
export async function runAdmin(argv: string[], io: AdminIo): Promise<number> {
  const args: string[] = [];
  let dataDir = io.env.CADENZA_DATA_DIR ?? './data';
  let admin = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--data-dir') {
      const v = argv[++i];
      if (!v) return usage(io, '--data-dir needs a value');
      dataDir = v;
    } else if (a.startsWith('--data-dir=')) dataDir = a.slice('--data-dir='.length);
    else if (a === '--admin') admin = true;
    else if (a === '--help' || a === '-h') return usage(io);
    else if (a.startsWith('--')) return usage(io, `unknown option ${a}`);
    else args.push(a);
  }
  const [command, ...rest] = args;
  const arity: Record<string, number> = { 'create-user': 2, 'grant-admin': 1, 'revoke-admin': 1, 'set-password': 2, 'revoke-sessions': 1, 'rotate-key': 0 };
  if (!command || !(command in arity)) return usage(io, command ? `unknown command ${command}` : undefined);
  if (rest.length !== arity[command]) return usage(io, `${command} takes ${arity[command]} argument(s)`);

  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const store = new SqliteAuthStore(join(dir, 'auth.db'));
  // Same lifetime as the server (its env), so pruning here never drops a retired key the server still needs.
  const ttl = Number(io.env.CADENZA_ACCESS_TOKEN_TTL || 3600);
  const accessTokenTtlSeconds = Number.isInteger(ttl) && ttl >= 30 ? ttl : 3600;
  const auth = await createAuthService({ store, dataDir: dir, accessTokenTtlSeconds, revocationPollMs: 0 });
  try {
    const [a0 = '', a1 = ''] = rest;
    switch (command) {
      case 'create-user': {
        const user = await auth.users.createUser({ email: a0, password: a1, ...(admin ? { appMetadata: { role: 'admin' } } : {}) });
        io.out(`created ${user.email} (${user.id})${admin ? ' as admin' : ''}`);
        break;
      }
      case 'grant-admin': {
        const user = await auth.users.grantAdmin(a0);
        io.out(`${user.email} is now an admin (effective on the user's next token refresh or sign-in)`);
        break;
      }
      case 'revoke-admin': {
        const user = await auth.users.revokeAdmin(a0);
        io.out(`${user.email} is no longer an admin; their sessions were ended`);
        break;
      }
      case 'set-password': {
        const user = await auth.users.setPassword(a0, a1);
        io.out(`password of ${user.email} changed; its sessions were ended`);
        break;
      }
      case 'revoke-sessions': {
        const user = await auth.users.findByEmail(a0);
        if (!user) throw new AuthError('userNotFound', `No user with email ${a0.trim().toLowerCase()}`);
        const ids = await auth.sessions.revokeUserSessions(user.id);
        io.out(`ended ${ids.length} session(s) of ${user.email}`);
        break;
      }
      case 'rotate-key': {
        const keys = await SigningKeys.open({ dataDir: dir, retainSeconds: accessTokenTtlSeconds + 120, now: () => Date.now() });
        io.out(`staged signing key ${await keys.stage()}: restart the server to sign with it`);
        break;
      }
    }
    return 0;
  } catch (err) {
    if (err instanceof AuthError) {
      io.err(`refused: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await auth.close();
    store.close();
  }
}

function usage(io: AdminIo, problem?: string): number {
  if (problem) io.err(problem);
  io.err(USAGE);
  return problem ? 2 : 0;
}
