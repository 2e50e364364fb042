/**
 * Mailed one-time codes hold across servers (issue 20). Two auth servers share one PostgreSQL database and the
 * signing keys, as two instances behind a load balancer do; the real supabase-js talks to both. A reauthentication
 * nonce is single use: when two changes carrying it race, exactly one goes through and the other is refused with
 * `reauthentication_not_valid`. Five wrong tries void a nonce or a recovery code however they are spread over the
 * servers (counted in the database, not per process).
 *
 * The first test makes the race certain instead of likely: a third connection (an operator's psql, a long
 * transaction) holds the user's row lock, so both servers have read the user and checked the nonce before either
 * can write; a consume that reads, compares and then writes lets both through, a compare-and-clear lets one.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { UserResponse } from '@supabase/supabase-js';
import { PgAuthStore } from '@cadenza/store/postgres';
import { startPostgres, type TestPostgres } from '@cadenza/testkit/services/postgres-server';
import { CapturingMailer, startHarness, type Harness } from './harness.ts';

const PASSWORD = 'owner password';
const mailer = new CapturingMailer();
let server: TestPostgres;
let url: string;
let dataDir: string;
let one: Harness;
let two: Harness;
const stores: PgAuthStore[] = [];
let seq = 0;

async function instance(): Promise<Harness> {
  const store = await PgAuthStore.open({ url });
  stores.push(store);
  const h = await startHarness({ store, mailer, revocationPollMs: 0, rateLimits: { signUpPerIp: { burst: 1000, perSecond: 100 } } }, dataDir);
  await h.listen();
  return h;
}

before(async () => {
  server = await startPostgres();
  url = await server.createDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'cadenza-auth-race-'));
  one = await instance();
  two = await instance(); // same data dir: same signing keys and code secret
});
after(async () => {
  for (const h of [one, two]) await h?.close();
  for (const s of stores) await s.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  await server?.stop();
});

/** A user signed in on server one, a nonce mailed to them, and a client for each server holding that session. */
async function pendingNonce() {
  const email = `race-${++seq}@example.com`;
  await one.auth.users.createUser({ email, password: PASSWORD });
  const a = one.supabase();
  const { data, error } = await a.auth.signInWithPassword({ email, password: PASSWORD });
  assert.equal(error, null);
  const b = two.supabase();
  assert.equal((await b.auth.setSession({ access_token: data.session!.access_token, refresh_token: data.session!.refresh_token })).error, null);
  assert.equal((await a.auth.reauthenticate()).error, null);
  return { a, b, email, userId: data.user!.id, nonce: mailer.lastCode(email) };
}

function outcome(r: UserResponse): 'changed' | string {
  return r.error ? String(r.error.code) : 'changed';
}

test('an email change on one server and a password change on the other with one nonce: exactly one goes through', async () => {
  const { a, b, email, userId, nonce } = await pendingNonce();
  const newEmail = `moved-${seq}@example.com`;
  const lock = new pg.Client(url);
  await lock.connect();
  let settled = 0;
  let changes: Promise<UserResponse[]>;
  try {
    await lock.query('BEGIN');
    await lock.query('SELECT 1 FROM auth_users WHERE id = $1 FOR UPDATE', [userId]);
    const track = (p: Promise<UserResponse>) => p.finally(() => settled++);
    changes = Promise.all([
      track(a.auth.updateUser({ email: newEmail, nonce })),
      track(b.auth.updateUser({ password: 'password set by the other tab', nonce })),
    ]);
    // Both servers have read the user and checked the nonce once both wait on the row to write.
    for (;;) {
      const waiting = await lock.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
      if (waiting.rows[0].n >= 2) break;
      if (settled === 2) break; // nothing waited: the outcome below says what happened
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    await lock.query('COMMIT');
    await lock.end();
  }
  const results = (await changes).map(outcome);
  assert.deepEqual([...results].sort(), ['changed', 'reauthentication_not_valid'], `one nonce, two changes: ${results.join(', ')}`);

  // Only the winner's change was made.
  const emailWon = results[0] === 'changed';
  const user = await one.auth.users.findById(userId);
  assert.equal(user?.email, emailWon ? newEmail : email);
  const signIn = await one.supabase().auth.signInWithPassword({ email: user!.email, password: emailWon ? PASSWORD : 'password set by the other tab' });
  assert.equal(signIn.error, null);
  assert.equal(user?.reauthenticationHash, null, 'the nonce is used up');
});

test('six changes with one nonce at once, spread over both servers: exactly one goes through', async () => {
  const { a, b, nonce } = await pendingNonce();
  const results = (
    await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? b : a).auth.updateUser(i % 2 ? { password: `parallel password ${i}`, nonce } : { email: `parallel-${seq}-${i}@example.com`, nonce })),
    )
  ).map(outcome);
  assert.equal(results.filter((r) => r === 'changed').length, 1, results.join(', '));
  assert.equal(results.filter((r) => r === 'reauthentication_not_valid').length, 5, results.join(', '));
});

/** Wrong codes alternate between the servers: three on one, two on the other. */
const spread = <T>(i: number, x: T, y: T): T => (i % 2 ? y : x);

test('five wrong nonces spread over both servers void the nonce: the right one is refused after', async () => {
  const { a, b, nonce } = await pendingNonce();
  const wrong = nonce === '123456' ? '654321' : '123456';
  for (let i = 0; i < 5; i++) {
    const r = await spread(i, a, b).auth.updateUser({ email: `guess-${seq}@example.com`, nonce: wrong });
    assert.equal(outcome(r), 'reauthentication_not_valid');
  }
  assert.equal(outcome(await a.auth.updateUser({ email: `guess-${seq}@example.com`, nonce })), 'reauthentication_not_valid', 'void after five wrong tries');
  assert.equal((await a.auth.reauthenticate()).error?.code, 'over_email_send_rate_limit', 'a new nonce only after the interval');
});

test('five wrong recovery codes spread over both servers void the recovery: the right code is refused after', async () => {
  const email = `recover-${++seq}@example.com`;
  await one.auth.users.createUser({ email, password: PASSWORD });
  assert.equal((await one.supabase().auth.resetPasswordForEmail(email)).error, null);
  const code = mailer.lastCode(email);
  const wrong = code === '123456' ? '654321' : '123456';
  for (let i = 0; i < 5; i++) {
    const { error } = await spread(i, one, two).supabase().auth.verifyOtp({ email, token: wrong, type: 'recovery' });
    assert.equal(error?.code, 'otp_expired');
  }
  const right = await two.supabase().auth.verifyOtp({ email, token: code, type: 'recovery' });
  assert.equal(right.error?.code, 'otp_expired', 'void after five wrong codes');
  assert.equal(right.data.session, null);
});
