/**
 * Sessions ended outside the running service — by the admin CLI or another instance on the same database — reach
 * its `onRevoked` listeners and its verifier through the revocation watch; each session is announced once however
 * it was ended; `close()` stops the watch.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { SqliteAuthStore } from '@cadenza/store/sqlite-auth';
import { createAuthService, type SessionsRevokedEvent } from '../src/index.ts';
import { RevocationWatch } from '../src/revocation-watch.ts';
import type { RevocationLog, RevocationRecord } from '../src/auth-store.ts';
import { silentLogger } from '../src/auth-logger.ts';
import { call, startHarness, type Harness } from './harness.ts';

const POLL_MS = 25;
const PASSWORD = 'watch-password';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-auth-watch-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Collects a service's revocation events; `next(match)` resolves with the first (past or future) event matching. */
function recorder(h: Harness) {
  const events: SessionsRevokedEvent[] = [];
  const waiters: Array<{ match: (e: SessionsRevokedEvent) => boolean; resolve: (e: SessionsRevokedEvent) => void }> = [];
  h.auth.sessions.onRevoked((e) => {
    events.push(e);
    for (const w of waiters.splice(0)) {
      if (w.match(e)) w.resolve(e);
      else waiters.push(w);
    }
  });
  return {
    events,
    /** Rejects after `ms` so a missing announcement fails the test instead of hanging it. */
    next(match: (e: SessionsRevokedEvent) => boolean, ms = 20_000): Promise<SessionsRevokedEvent> {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching revocation within ${ms} ms`)), ms);
        waiters.push({ match, resolve: (e) => (clearTimeout(timer), resolve(e)) });
      });
    },
    /** How many announcements named this session. */
    count(sessionId: string): number {
      return events.filter((e) => e.sessionIds.includes(sessionId)).length;
    },
  };
}

async function signIn(h: Harness, email: string) {
  const r = await call(h.auth, 'POST', '/auth/v1/token?grant_type=password', { email, password: PASSWORD });
  assert.equal(r.status, 200);
  const accessToken = r.body.access_token as string;
  return { accessToken, refreshToken: r.body.refresh_token as string, sessionId: decodeJwt(accessToken).session_id as string };
}

/**
 * Resolves once a reference watch polling every `intervalMs` has read its log `count` times: the time in which a
 * watch with the same interval would have polled as often — an awaited event instead of a fixed sleep.
 */
async function referencePolls(count: number, intervalMs: number): Promise<void> {
  let reads = 0;
  let done: () => void = () => undefined;
  const reached = new Promise<void>((resolve) => (done = resolve));
  const keepAlive = setInterval(() => undefined, 1000); // the watch's timer is unref'd
  const watch = new RevocationWatch({
    log: {
      latestRevocationId: async () => 0,
      revocationsAfter: async () => {
        if (++reads === count) done();
        return [];
      },
    },
    intervalMs,
    onRevoked: () => undefined,
    logger: silentLogger,
  });
  await watch.start();
  try {
    await reached;
  } finally {
    clearInterval(keepAlive);
    await watch.stop();
  }
}

/** What the admin CLI does: another process opens the same database and ends a user's sessions there. */
async function revokeFromAnotherProcess(dir: string, email: string): Promise<void> {
  const store = new SqliteAuthStore(join(dir, 'auth.db'));
  const other = await createAuthService({ store, dataDir: dir, bcryptCost: 4, revocationPollMs: 0 });
  try {
    const user = await other.users.findByEmail(email);
    assert.ok(user);
    await other.sessions.revokeUserSessions(user.id);
  } finally {
    await other.close();
    store.close();
  }
}

describe('revocation watch', () => {
  test('revoke-sessions from the admin CLI reaches the running service: listeners get the user and both sessions, tokens are refused at once', async (t) => {
    const dir = tempDir(t);
    const h = await startHarness({ revocationPollMs: POLL_MS }, dir);
    t.after(() => h.close());
    const user = await h.auth.users.createUser({ email: 'cli@example.com', password: PASSWORD });
    const a = await signIn(h, 'cli@example.com');
    const b = await signIn(h, 'cli@example.com');
    await h.auth.verifier.verify(a.accessToken); // cached as active
    const heard = recorder(h);

    await revokeFromAnotherProcess(dir, 'cli@example.com');
    const event = await heard.next((e) => e.userId === user.id);

    assert.deepEqual(event.sessionIds.sort(), [a.sessionId, b.sessionId].sort());
    // no clock advance: the watch cleared the verifier's cached "active"
    await assert.rejects(h.auth.verifier.verify(a.accessToken), { reason: 'revoked' });
    await assert.rejects(h.auth.verifier.verify(b.accessToken), { reason: 'revoked' });
    assert.equal(heard.events.length, 1);
  });

  test('two instances on one database: a logout on one is announced at once there and by the watch on the other', async (t) => {
    const dir = tempDir(t);
    const one = await startHarness({ revocationPollMs: POLL_MS }, dir);
    t.after(() => one.close());
    const two = await startHarness({ revocationPollMs: POLL_MS }, dir);
    t.after(() => two.close());
    const user = await one.auth.users.createUser({ email: 'multi@example.com', password: PASSWORD });
    const s = await signIn(two, 'multi@example.com');
    const heardOne = recorder(one);
    const heardTwo = recorder(two);

    const out = await call(one.auth, 'POST', '/auth/v1/logout?scope=global', undefined, { authorization: `Bearer ${s.accessToken}` });
    assert.equal(out.status, 204);
    assert.deepEqual(heardOne.events, [{ userId: user.id, sessionIds: [s.sessionId] }], 'the logging-out instance announces before answering');
    const there = await heardTwo.next((e) => e.userId === user.id);
    assert.deepEqual(there.sessionIds, [s.sessionId]);
    await assert.rejects(two.auth.verifier.verify(s.accessToken), { reason: 'revoked' });
  });

  test('HTTP logout and refresh-token reuse are announced once, not a second time when the watch reads them back', async (t) => {
    const dir = tempDir(t);
    const h = await startHarness({ revocationPollMs: POLL_MS }, dir);
    t.after(() => h.close());
    await h.auth.users.createUser({ email: 'once@example.com', password: PASSWORD });
    const marker = await h.auth.users.createUser({ email: 'marker@example.com', password: PASSWORD });
    const loggedOut = await signIn(h, 'once@example.com');
    const reused = await signIn(h, 'once@example.com');
    await signIn(h, 'marker@example.com');
    const heard = recorder(h);

    const out = await call(h.auth, 'POST', '/auth/v1/logout?scope=local', undefined, { authorization: `Bearer ${loggedOut.accessToken}` });
    assert.equal(out.status, 204);
    assert.equal(heard.count(loggedOut.sessionId), 1, 'announced before the answer');
    const rotated = await call(h.auth, 'POST', '/auth/v1/token?grant_type=refresh_token', { refresh_token: reused.refreshToken });
    assert.equal(rotated.status, 200);
    h.clock.advance(11); // past the reuse interval: presenting the used token again is theft
    await call(h.auth, 'POST', '/auth/v1/token?grant_type=refresh_token', { refresh_token: rotated.body.refresh_token });
    const stolen = await call(h.auth, 'POST', '/auth/v1/token?grant_type=refresh_token', { refresh_token: reused.refreshToken });
    assert.equal(stolen.body.error_code, 'refresh_token_already_used');
    assert.equal(heard.count(reused.sessionId), 1);

    // The log is read in order, so once the watch announces this later CLI revocation it has read the two above.
    await revokeFromAnotherProcess(dir, 'marker@example.com');
    await heard.next((e) => e.userId === marker.id);
    assert.equal(heard.count(loggedOut.sessionId), 1);
    assert.equal(heard.count(reused.sessionId), 1);
    assert.equal(heard.events.length, 3);
  });

  test('close() stops the watch: no more log reads, no timer kept alive while it runs', async (t) => {
    const dir = tempDir(t);
    let reads = 0;
    let readsSeen: (() => void) | undefined;
    class CountingStore extends SqliteAuthStore {
      override async revocationsAfter(afterId: number, limit: number): Promise<RevocationRecord[]> {
        if (++reads === 3) readsSeen?.();
        return super.revocationsAfter(afterId, limit);
      }
    }
    const store = new CountingStore(join(dir, 'auth.db'));
    t.after(() => store.close());
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const auth = await createAuthService({ store, dataDir: dir, bcryptCost: 4, revocationPollMs: 5 });
    const timersAfter = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    assert.equal(timersAfter, timersBefore, 'the watch timer is unref\'d');
    // The test holds the event loop open itself (the watch does not), failing if the watch never reads.
    await new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error('the watch did not poll')), 20_000);
      readsSeen = () => (clearTimeout(timeout), resolve());
    });
    await auth.close();
    const atClose = reads;
    await referencePolls(20, 5); // a watch still running at the same interval polled twenty times meanwhile
    assert.equal(reads, atClose);
  });

  test('revocationPollMs 0 (the admin CLI setting) runs no watch; a negative interval is refused', async (t) => {
    const dir = tempDir(t);
    let reads = 0;
    class CountingStore extends SqliteAuthStore {
      override async revocationsAfter(afterId: number, limit: number): Promise<RevocationRecord[]> {
        reads++;
        return super.revocationsAfter(afterId, limit);
      }
    }
    const store = new CountingStore(join(dir, 'auth.db'));
    t.after(() => store.close());
    const auth = await createAuthService({ store, dataDir: dir, bcryptCost: 4, revocationPollMs: 0 });
    await referencePolls(10, 5);
    await auth.close();
    assert.equal(reads, 0);
    await assert.rejects(createAuthService({ store, dataDir: dir, revocationPollMs: -1 }), /revocationPollMs/);
  });
});

describe('RevocationWatch', () => {
  /** An in-memory log whose reads can be made to fail. */
  function memoryLog(): RevocationLog & { entries: RevocationRecord[]; failNext: boolean } {
    return {
      entries: [],
      failNext: false,
      async latestRevocationId() {
        return this.entries.at(-1)?.id ?? 0;
      },
      async revocationsAfter(afterId, limit) {
        if (this.failNext) {
          this.failNext = false;
          throw new Error('database is locked');
        }
        return this.entries.filter((e) => e.id > afterId).slice(0, limit);
      },
    };
  }
  const entry = (id: number, userId: string, sessionId: string): RevocationRecord => ({ id, userId, sessionId, revokedAt: id });

  test('starts after the newest entry, reads past full batches in one poll, groups per user, retries a failed read from the same place', async () => {
    const log = memoryLog();
    log.entries.push(entry(1, 'u-old', 's-old'));
    const calls: Array<[string, string[]]> = [];
    const warnings: string[] = [];
    const watch = new RevocationWatch({
      log,
      intervalMs: 60_000, // polled by hand below
      batchSize: 2,
      onRevoked: (userId, ids) => calls.push([userId, ids]),
      logger: { ...silentLogger, warn: (_o, msg) => warnings.push(msg ?? '') },
    });
    await watch.start();
    try {
      log.entries.push(entry(2, 'u1', 's1'), entry(3, 'u2', 's2'), entry(4, 'u1', 's3'), entry(5, 'u1', 's4'));
      await watch.poll();
      // batches of two: [2,3] then [4,5] then an empty read
      assert.deepEqual(calls, [['u1', ['s1']], ['u2', ['s2']], ['u1', ['s3', 's4']]]);
      calls.length = 0;
      log.entries.push(entry(6, 'u3', 's5'));
      log.failNext = true;
      await watch.poll();
      assert.deepEqual(calls, []);
      assert.equal(warnings.length, 1);
      await watch.poll();
      assert.deepEqual(calls, [['u3', ['s5']]]);
      await watch.poll();
      assert.equal(calls.length, 1, 'nothing is reported twice');
    } finally {
      await watch.stop();
    }
  });

  test('a throwing listener is logged and does not stop the others or the cursor', async () => {
    const log = memoryLog();
    const calls: string[] = [];
    const errors: string[] = [];
    const watch = new RevocationWatch({
      log,
      intervalMs: 60_000,
      onRevoked: (userId) => {
        calls.push(userId);
        if (userId === 'bad') throw new Error('listener bug');
      },
      logger: { ...silentLogger, error: (_o, msg) => errors.push(msg ?? '') },
    });
    await watch.start();
    try {
      log.entries.push(entry(1, 'bad', 's1'), entry(2, 'good', 's2'));
      await watch.poll();
      await watch.poll();
      assert.deepEqual(calls, ['bad', 'good']);
      assert.equal(errors.length, 1);
    } finally {
      await watch.stop();
    }
  });
});
