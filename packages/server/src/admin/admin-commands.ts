/**
 * @module admin/admin-commands
 * The operator commands behind `npm run admin -- <command>`. A composition root of its own: it opens the data
 * directory's SQLite stores and an auth service on them, like the server does (`USAGE` lists the commands).
 *
 * Promises: every command first says which data directory it works on (stderr, so `list-users --json` stays pure
 * JSON on stdout); passwords are never taken from the command line (a prompt, or the first line of stdin —
 * `password-input.ts`); changes reach a running server through the database: new tokens carry a new role after
 * their next refresh; ended sessions (`revoke-sessions`, `set-password`, `revoke-admin`, `delete-user`) are seen by
 * the server's revocation watch within its poll interval (1 s), which refuses their tokens and cuts their live
 * connections. Exit code 0 on success, 1 on a refused command, 2 on bad usage.
 */
import { join } from 'node:path';
import { AuthError, boundedText, createAuthService, type AuthService } from '@cadenza/auth';
import { SqliteAuthStore } from '@cadenza/store/sqlite-auth';
import { prepareDataDir } from '../infra/data-dir.ts';
import { backupDataDir, restoreDataDir } from './backup.ts';
import { PasswordInputError } from './password-input.ts';

export const USAGE = `usage: npm run admin -- <command> [--data-dir <dir>]   (default $CADENZA_DATA_DIR or ./data)
  list-users [--json]                 every account: email, id, admin, created, last sign-in
  create-user <email> [--admin]       a confirmed account; the password is asked for (or read from stdin)
  set-password <email>                a new password (asked for, or read from stdin); ends the user's sessions
  delete-user <email> --yes           deletes the account and everything of it; ends its sessions
  grant-admin <email>                 app_metadata.role = "admin" (from the user's next token)
  revoke-admin <email>                removes the role and ends the user's sessions
  revoke-sessions <email>             ends every session of the user
  rotate-key                          stages a new signing key: the server signs with it from its next start
  backup <file>                       online backup of both databases and the keys, one owner-only .tar.gz
  restore <file> [--force]            unpacks a backup into the data dir (server stopped; --force replaces data)
Passwords are never taken from the command line: type them at the prompt, or pipe them on stdin
  printf '%s\\n' "$PASSWORD" | npm run admin -- set-password alice@example.com`;

export interface AdminIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
  /** Asks for a password (a prompt on a terminal, else the first stdin line). */
  readPassword(prompt: string): Promise<string>;
}

interface Parsed {
  command: string;
  args: string[];
  dataDir: string;
  flags: Set<string>;
}

/** Commands, their positional arguments, and the flags each accepts. */
const COMMANDS: Record<string, { args: number; flags: string[] }> = {
  'list-users': { args: 0, flags: ['--json'] },
  'create-user': { args: 1, flags: ['--admin'] },
  'set-password': { args: 1, flags: [] },
  'delete-user': { args: 1, flags: ['--yes'] },
  'grant-admin': { args: 1, flags: [] },
  'revoke-admin': { args: 1, flags: [] },
  'revoke-sessions': { args: 1, flags: [] },
  'rotate-key': { args: 0, flags: [] },
  backup: { args: 1, flags: [] },
  restore: { args: 1, flags: ['--force'] },
};

/** Runs one admin command; returns the process exit code. */
export async function runAdmin(argv: string[], io: AdminIo): Promise<number> {
  const parsed = parse(argv, io);
  if (typeof parsed === 'number') return parsed;
  const { command, args, flags } = parsed;
  const prepared = prepareDataDir(parsed.dataDir);
  const dir = prepared.path;
  io.err(`data dir: ${dir}`);
  if (prepared.warning) io.err(`warning: ${prepared.warning}`);
  try {
    if (command === 'backup') {
      const r = await backupDataDir(dir, args[0]!);
      io.out(`backup written to ${r.file} (${r.entries.join(', ')})`);
      return 0;
    }
    if (command === 'restore') {
      const restored = await restoreDataDir(dir, args[0]!, { force: flags.has('--force') });
      io.out(`restored ${restored.join(', ')} into ${dir}`);
      return 0;
    }
    return await withAuth(dir, io, (auth) => runAuthCommand(auth, parsed, io));
  } catch (err) {
    if (err instanceof AuthError || err instanceof PasswordInputError) {
      io.err(`refused: ${err.message}`);
      return 1;
    }
    if (err instanceof Error && (command === 'backup' || command === 'restore')) {
      io.err(`${command} failed: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

async function runAuthCommand(auth: AuthService, { command, args, flags }: Parsed, io: AdminIo): Promise<number> {
  const email = args[0] ?? '';
  switch (command) {
    case 'list-users':
      listUsers(await allUsers(auth), flags.has('--json'), io);
      return 0;
    case 'create-user': {
      const password = await io.readPassword(`Password for ${email}: `);
      const user = await auth.users.createUser({ email, password, ...(flags.has('--admin') ? { appMetadata: { role: 'admin' } } : {}) });
      io.out(`created ${user.email} (${user.id})${flags.has('--admin') ? ' as admin' : ''}`);
      return 0;
    }
    case 'set-password': {
      if (!(await auth.users.findByEmail(email))) throw new AuthError('userNotFound', `No user with email ${boundedText(email)}`);
      const user = await auth.users.setPassword(email, await io.readPassword(`New password for ${email}: `));
      io.out(`password of ${user.email} changed; its sessions were ended`);
      return 0;
    }
    case 'delete-user': {
      if (!flags.has('--yes')) {
        io.err(`delete-user removes ${email} and everything of it for good: run it again with --yes`);
        return 2;
      }
      const user = await auth.users.deleteUser(email);
      io.out(`deleted ${user.email} (${user.id}); its sessions were ended`);
      return 0;
    }
    case 'grant-admin': {
      const user = await auth.users.grantAdmin(email);
      io.out(`${user.email} is now an admin (effective on the user's next token refresh or sign-in)`);
      return 0;
    }
    case 'revoke-admin': {
      const user = await auth.users.revokeAdmin(email);
      io.out(`${user.email} is no longer an admin; their sessions were ended`);
      return 0;
    }
    case 'revoke-sessions': {
      const user = await auth.users.findByEmail(email);
      if (!user) throw new AuthError('userNotFound', `No user with email ${boundedText(email)}`);
      const ids = await auth.sessions.revokeUserSessions(user.id);
      io.out(`ended ${ids.length} session(s) of ${user.email}`);
      return 0;
    }
    case 'rotate-key':
      io.out(`staged signing key ${await auth.stageSigningKey()}: restart the server to sign with it`);
      return 0;
  }
  return 2;
}

async function allUsers(auth: AuthService) {
  const users = [];
  for (let page = await auth.users.list({ limit: 500 }); page.length > 0; page = await auth.users.list({ limit: 500, afterEmail: page.at(-1)!.email })) {
    users.push(...page);
  }
  return users;
}

function listUsers(users: Awaited<ReturnType<typeof allUsers>>, json: boolean, io: AdminIo): void {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const rows = users.map((u) => ({
    id: u.id,
    email: u.email,
    admin: u.appMetadata.role === 'admin',
    createdAt: iso(u.createdAt),
    lastSignInAt: iso(u.lastSignInAt),
  }));
  if (json) {
    io.out(JSON.stringify(rows, null, 2));
    return;
  }
  for (const r of rows) io.out([r.email, r.id, r.admin ? 'admin' : '-', r.createdAt, r.lastSignInAt ?? 'never signed in'].join('  '));
  io.err(`${rows.length} user(s)`);
}

/** The auth service on the data dir's `auth.db`, closed after `run`. */
async function withAuth(dir: string, io: AdminIo, run: (auth: AuthService) => Promise<number>): Promise<number> {
  const store = new SqliteAuthStore(join(dir, 'auth.db'));
  // Same lifetime as the server (its env), so pruning here never drops a retired key the server still needs.
  const ttl = Number(io.env.CADENZA_ACCESS_TOKEN_TTL || 3600);
  const accessTokenTtlSeconds = Number.isInteger(ttl) && ttl >= 30 ? ttl : 3600;
  const hmacSecret = io.env.CADENZA_AUTH_HMAC_SECRET || undefined;
  const auth = await createAuthService({ store, dataDir: dir, accessTokenTtlSeconds, revocationPollMs: 0, ...(hmacSecret ? { hmacSecret } : {}) });
  try {
    return await run(auth);
  } finally {
    await auth.close();
    store.close();
  }
}

function parse(argv: string[], io: AdminIo): Parsed | number {
  const args: string[] = [];
  const flags = new Set<string>();
  let dataDir = io.env.CADENZA_DATA_DIR || './data';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--data-dir') {
      const v = argv[++i];
      if (!v) return usage(io, '--data-dir needs a value');
      dataDir = v;
    } else if (a.startsWith('--data-dir=')) dataDir = a.slice('--data-dir='.length);
    else if (a === '--help' || a === '-h') return usage(io);
    else if (a.startsWith('--')) flags.add(a);
    else args.push(a);
  }
  const [command, ...rest] = args;
  const spec = command ? COMMANDS[command] : undefined;
  if (!command || !spec) return usage(io, command ? `unknown command ${boundedText(command)}` : undefined);
  const unknown = [...flags].find((f) => !spec.flags.includes(f));
  if (unknown) return usage(io, `${command} does not take ${boundedText(unknown)}`);
  if ((command === 'create-user' || command === 'set-password') && rest.length === 2) {
    return usage(io, 'passwords are never taken from the command line (they would show in ps and the shell history): type it at the prompt or pipe it on stdin');
  }
  if (rest.length !== spec.args) return usage(io, `${command} takes ${spec.args} argument(s)`);
  return { command, args: rest, dataDir, flags };
}

function usage(io: AdminIo, problem?: string): number {
  if (problem) io.err(problem);
  io.err(USAGE);
  return problem ? 2 : 0;
}
