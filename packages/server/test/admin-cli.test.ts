/**
 * The admin CLI's commands on a data directory that a running auth service uses at the same time: users created,
 * listed, made admin, given a new password (from the prompt, never argv) and deleted, with the running service
 * hearing of every ended session; an online backup of both databases and the keys, and its restore.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuthService, type SessionsRevokedEvent } from '@cadenza/auth';
import { SqliteAuthStore } from '@cadenza/store/sqlite-auth';
import { SqliteStore } from '@cadenza/store';
import { sampleAccount } from '@cadenza/testkit';
import { runAdmin, type AdminIo } from '../src/admin/admin-commands.ts';
import { backupDataDir } from '../src/admin/backup.ts';

function tempDir(t: { after(fn: () => void): void }, tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), `cadenza-admin-${tag}-`));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Captures output; `passwords` answer the prompts in order. */
function io(dataDir: string, passwords: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  const prompts: string[] = [];
  const value: AdminIo = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: { CADENZA_DATA_DIR: dataDir },
    async readPassword(prompt) {
      prompts.push(prompt);
      const next = passwords.shift();
      if (next === undefined) throw new Error('no password left for the prompt');
      return next;
    },
  };
  return { io: value, out, err, prompts };
}

/** The running server's auth service on the same data dir, its revocation watch on. */
async function runningAuth(t: { after(fn: () => Promise<void>): void }, dir: string) {
  const store = new SqliteAuthStore(join(dir, 'auth.db'));
  const auth = await createAuthService({ store, dataDir: dir, bcryptCost: 4, revocationPollMs: 20 });
  const events: SessionsRevokedEvent[] = [];
  const waiters: Array<() => void> = [];
  auth.sessions.onRevoked((e) => {
    events.push(e);
    for (const w of waiters.splice(0)) w();
  });
  t.after(async () => {
    await auth.close();
    store.close();
  });
  /** The user's revoked sessions once at least `count` were announced; fails after 10 s rather than hanging. */
  const heard = async (userId: string, count = 1) => {
    const ids = () => events.filter((e) => e.userId === userId).flatMap((e) => e.sessionIds);
    const deadline = Date.now() + 10_000;
    while (ids().length < count) {
      if (Date.now() > deadline) assert.fail(`the running service heard ${ids().length} revocation(s) of ${userId}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000); // keeps the loop alive while the (unref'd) watch polls
        waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
    return ids();
  };
  const signIn = async (email: string, password: string) => {
    const res = await auth.app.request('/auth/v1/token?grant_type=password', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    return { status: res.status, body: (await res.json()) as { access_token?: string } };
  };
  return { auth, heard, signIn };
}

test('users: create (password from the prompt, never argv), list, grant admin, new password and delete, heard by a running service', async (t) => {
  const dir = tempDir(t, 'users');
  const a = io(dir, ['boss-password', 'trader-password']);
  assert.equal(await runAdmin(['create-user', 'Boss@Example.com', '--admin'], a.io), 0);
  assert.equal(a.err[0], `data dir: ${dir}`, 'every command says which data dir it uses');
  assert.deepEqual(a.prompts, ['Password for Boss@Example.com: ']);
  assert.equal(await runAdmin(['create-user', 'trader@example.com'], a.io), 0);

  const argv = io(dir);
  assert.equal(await runAdmin(['create-user', 'leak@example.com', 'on-the-command-line'], argv.io), 2);
  assert.match(argv.err.join('\n'), /never taken from the command line/);
  assert.equal(await runAdmin(['set-password', 'trader@example.com', 'on-the-command-line'], argv.io), 2);

  const ghost = io(dir);
  assert.equal(await runAdmin(['grant-admin', 'ghost@example.com'], ghost.io), 1);
  assert.match(ghost.err.join('\n'), /No user with email ghost@example.com/);
  assert.equal(await runAdmin(['grant-admin', 'trader@example.com'], io(dir).io), 0);

  const listed = io(dir);
  assert.equal(await runAdmin(['list-users', '--json'], listed.io), 0);
  const users = JSON.parse(listed.out.join('\n')) as Array<{ email: string; admin: boolean; id: string }>;
  assert.deepEqual(users.map((u) => [u.email, u.admin]), [['boss@example.com', true], ['trader@example.com', true]]);
  const plain = io(dir);
  assert.equal(await runAdmin(['list-users'], plain.io), 0);
  assert.equal(plain.out.length, 2);
  assert.match(plain.out[1]!, /^trader@example\.com {2}\S+ {2}admin {2}/);

  const server = await runningAuth(t, dir);
  const trader = users.find((u) => u.email === 'trader@example.com')!;
  assert.equal((await server.signIn('trader@example.com', 'trader-password')).status, 200);
  assert.equal(await runAdmin(['set-password', 'trader@example.com'], io(dir, ['new-trader-password']).io), 0);
  assert.equal((await server.heard(trader.id)).length, 1, 'the running service cut the session');
  assert.equal((await server.signIn('trader@example.com', 'trader-password')).status, 400);
  const signedIn = await server.signIn('trader@example.com', 'new-trader-password');
  assert.equal(signedIn.status, 200);

  const unconfirmed = io(dir);
  assert.equal(await runAdmin(['delete-user', 'trader@example.com'], unconfirmed.io), 2);
  assert.match(unconfirmed.err.join('\n'), /--yes/);
  const deleted = io(dir);
  assert.equal(await runAdmin(['delete-user', 'trader@example.com', '--yes'], deleted.io), 0);
  assert.match(deleted.out.join('\n'), /deleted trader@example\.com/);
  assert.equal((await server.heard(trader.id, 2)).length, 2);
  await assert.rejects(server.auth.verifier.verify(signedIn.body.access_token!), { reason: 'revoked' });
  assert.equal((await server.signIn('trader@example.com', 'new-trader-password')).status, 400);
  const after = io(dir);
  await runAdmin(['list-users', '--json'], after.io);
  assert.deepEqual((JSON.parse(after.out.join('\n')) as unknown[]).length, 1);

  const rotated = io(dir);
  assert.equal(await runAdmin(['rotate-key'], rotated.io), 0);
  assert.match(rotated.out[0]!, /^staged signing key \S+: restart the server/);
});

test('backup while the databases are in use, and restore into an empty data dir (refused over existing data without --force)', async (t) => {
  const dir = tempDir(t, 'live');
  const elsewhere = tempDir(t, 'backups');
  const domain = new SqliteStore(join(dir, 'cadenza.db'));
  t.after(() => domain.db.close());
  const account = sampleAccount({ tradingAccountId: '00000000-0000-4000-8000-00000000b0c0' });
  domain.transaction(() => domain.insertTradingAccount(account));
  assert.equal(await runAdmin(['create-user', 'kept@example.com'], io(dir, ['kept-password']).io), 0);
  const server = await runningAuth(t, dir);
  assert.equal((await server.signIn('kept@example.com', 'kept-password')).status, 200);

  const file = join(elsewhere, 'cadenza-backup.tar.gz');
  const b = io(dir);
  assert.equal(await runAdmin(['backup', file], b.io), 0, b.err.join('\n'));
  assert.equal(statSync(file).mode & 0o777, 0o600, 'the backup holds secrets: owner-only');
  assert.match(b.out[0]!, /cadenza\.db, auth\.db, keys\/.+\.json/);
  await server.auth.users.createUser({ email: 'later@example.com', password: 'later-password' });

  const target = join(elsewhere, 'restored');
  const r = io(target);
  assert.equal(await runAdmin(['restore', file], r.io), 0, r.err.join('\n'));
  assert.equal(statSync(target).mode & 0o777, 0o700);
  for (const f of ['cadenza.db', 'auth.db', 'master.key'].filter((n) => existsSync(join(target, n)))) {
    assert.equal(statSync(join(target, f)).mode & 0o777, 0o600, f);
  }
  const restoredAuth = new SqliteAuthStore(join(target, 'auth.db'));
  const restoredDomain = new SqliteStore(join(target, 'cadenza.db'));
  try {
    assert.ok(await restoredAuth.getUserByEmail('kept@example.com'));
    assert.equal(await restoredAuth.getUserByEmail('later@example.com'), undefined, 'the backup is the state when it was taken');
    assert.deepEqual((await restoredDomain.loadTradingAccounts()).find((a) => a.tradingAccountId === account.tradingAccountId), account);
  } finally {
    restoredAuth.close();
    restoredDomain.db.close();
  }
  // the restored data dir serves: its keys verify tokens signed before the backup
  const again = io(target);
  assert.equal(await runAdmin(['restore', file], again.io), 1);
  assert.match(again.err.join('\n'), /already has cadenza\.db and auth\.db.*--force/);
  assert.equal(await runAdmin(['restore', file, '--force'], io(target).io), 0);
});

test('a backup is written where no one else can open or redirect it: a planted <file>.partial link is not followed', async (t) => {
  const dir = tempDir(t, 'planted');
  const shared = tempDir(t, 'shared');
  const domain = new SqliteStore(join(dir, 'cadenza.db'));
  domain.db.close();
  // Someone who can write to the backup's directory (a shared /tmp, say) links the name the backup used to write to
  // before renaming it into place: the backup must neither write through the link nor hand its secrets to its reader.
  const victim = join(shared, 'victim.txt');
  writeFileSync(victim, 'keep me\n', { mode: 0o644 });
  const file = join(shared, 'cadenza-backup.tar.gz');
  symlinkSync(victim, `${file}.partial`);
  await backupDataDir(dir, file);
  assert.equal(readFileSync(victim, 'utf8'), 'keep me\n', 'the link was followed');
  assert.equal(statSync(victim).mode & 0o777, 0o644);
  assert.ok(lstatSync(file).isFile(), 'the backup is a file of its own, not the planted link');
  assert.equal(statSync(file).mode & 0o777, 0o600);
});
