/**
 * @module contracts/auth-store
 * The shared test suite every `AuthStore` implementation must pass (SQLite today, PostgreSQL next). Call
 * `authStoreContract(name, factory)` once from the implementation's own test file. The factory gives a fresh, empty
 * store, and — when the implementation can — a second connection to the same database (`another`), standing for the
 * admin CLI or another server instance. The optional capabilities (`RevocationLog`, `RecoveryTokenStore`) are
 * checked when the store has them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthStore, RecoveryTokenStore, RevocationLog } from '@cadenza/auth';
import { sampleAuthUser as user, sampleIdentity as identity, sampleRefreshToken as token, sampleSession as session } from '../builders/auth-records.ts';

export interface OpenedAuthStore {
  store: AuthStore;
  /** A second connection to the same database, if the implementation has such a thing. */
  another?: () => Promise<AuthStore>;
  close(): Promise<void> | void;
}

type Ctx = { after(fn: () => Promise<void> | void): void };

function hasLog(s: AuthStore): s is AuthStore & RevocationLog {
  return typeof (s as Partial<RevocationLog>).revocationsAfter === 'function';
}
function hasRecovery(s: AuthStore): s is AuthStore & RecoveryTokenStore {
  return typeof (s as Partial<RecoveryTokenStore>).putRecoveryToken === 'function';
}

export function authStoreContract(name: string, open: () => Promise<OpenedAuthStore>): void {
  async function fresh(t: Ctx): Promise<OpenedAuthStore> {
    const opened = await open();
    t.after(() => opened.close());
    return opened;
  }

  /** A fresh store with one user, and a second connection to it (the store itself when there is none). */
  async function withUser(t: Ctx, email: string) {
    const opened = await fresh(t);
    const { store } = opened;
    const other = opened.another ? await opened.another() : store;
    const u = user(email);
    await store.insertUser(u, identity(u));
    return { store, other, u };
  }

  describe(`AuthStore contract: ${name}`, () => {
    test('users round-trip; emails are unique case-insensitively and a duplicate stores nothing', async (t) => {
      const { store } = await fresh(t);
      const u = user('a@example.com');
      assert.equal(await store.insertUser(u, identity(u)), true);
      assert.deepEqual(await store.getUserById(u.id), u);
      assert.deepEqual(await store.getUserByEmail('a@example.com'), u);
      const dup = user('a@example.com', { email: 'A@example.com' });
      assert.equal(await store.insertUser(dup, identity(dup)), false);
      assert.equal(await store.getUserById(dup.id), undefined);
      assert.deepEqual(await store.listIdentities(dup.id), []);
    });

    test("updateUser refuses another user's email; identities update; recordSignIn stamps user and identity", async (t) => {
      const { store } = await fresh(t);
      const a = user('a@example.com');
      const b = user('b@example.com');
      const ia = identity(a);
      await store.insertUser(a, ia);
      await store.insertUser(b, identity(b));
      assert.equal(await store.updateUser({ ...b, email: 'a@example.com' }), false);
      assert.equal(await store.updateUser({ ...b, userMetadata: { x: 1 }, updatedAt: 2 }), true);
      const b2 = await store.getUserById(b.id);
      assert.deepEqual([b2?.userMetadata, b2?.updatedAt], [{ x: 1 }, 2]);
      await store.updateIdentity({ ...ia, email: 'a2@example.com', identityData: { sub: a.id, email: 'a2@example.com' } });
      assert.equal((await store.listIdentities(a.id))[0]?.email, 'a2@example.com');
      await store.recordSignIn(a.id, 'email', 99);
      assert.equal((await store.getUserById(a.id))?.lastSignInAt, 99);
      assert.equal((await store.listIdentities(a.id))[0]?.lastSignInAt, 99);
    });

    test('the pending reauthentication: started once per interval, cleared by compare-and-clear exactly once, never revived by updateUser', async (t) => {
      const { store, other, u } = await withUser(t, 'reauth@example.com');
      assert.equal(await store.startReauthentication(u.id, 'h1', 1000, 400), true, 'none was pending');
      const stale = (await store.getUserById(u.id))!;
      assert.deepEqual([stale.reauthenticationHash, stale.reauthenticationSentAt], ['h1', 1000]);
      assert.equal(await other.startReauthentication(u.id, 'h2', 1500, 900), false, 'one was sent within the interval');
      assert.equal((await other.getUserById(u.id))?.reauthenticationHash, 'h1');

      assert.equal(await store.clearReauthentication(u.id, 'not-h1', 0), false, 'another digest');
      assert.equal(await store.clearReauthentication(u.id, 'h1', 1001), false, 'sent before its lifetime began');
      assert.equal(await store.clearReauthentication('no-such-user', 'h1', 0), false);
      const cleared = await Promise.all([store.clearReauthentication(u.id, 'h1', 1000), other.clearReauthentication(u.id, 'h1', 1000)]);
      assert.deepEqual([...cleared].sort(), [false, true], 'two connections clearing one nonce: exactly one does');
      assert.equal(await store.clearReauthentication(u.id, 'h1', 0), false, 'used once');

      assert.equal(await other.updateUser({ ...stale, userMetadata: { y: 2 }, updatedAt: 3 }), true);
      const now = await store.getUserById(u.id);
      assert.deepEqual([now?.userMetadata, now?.reauthenticationHash, now?.reauthenticationSentAt], [{ y: 2 }, null, 1000], 'a stale copy written back does not revive the nonce');
      assert.equal(await store.clearReauthentication(u.id, 'h1', 0), false);

      const started = await Promise.all([store.startReauthentication(u.id, 'h3', 2000, 1400), other.startReauthentication(u.id, 'h4', 2000, 1400)]);
      assert.deepEqual([...started].sort(), [false, true], 'two connections starting within one interval: exactly one does');
      assert.equal((await store.getUserById(u.id))?.reauthenticationHash, started[0] ? 'h3' : 'h4');
    });

    test('wrong reauthentication tries count on every connection against the pending nonce; the last one clears it', async (t) => {
      const { store, other, u } = await withUser(t, 'guess@example.com');
      assert.equal(await store.countWrongReauthentication(u.id, 'h1', 3), false, 'nothing pending: nothing counted');
      await store.startReauthentication(u.id, 'h1', 1000, 400);
      assert.equal(await store.countWrongReauthentication(u.id, 'h1', 3), false);
      assert.equal(await other.countWrongReauthentication(u.id, 'not-h1', 3), false, 'a try at another nonce counts nothing');
      const last = await Promise.all([store.countWrongReauthentication(u.id, 'h1', 3), other.countWrongReauthentication(u.id, 'h1', 3)]);
      assert.deepEqual([...last].sort(), [false, true], 'the third try on either connection clears it');
      assert.equal((await store.getUserById(u.id))?.reauthenticationHash, null);
      assert.equal(await store.clearReauthentication(u.id, 'h1', 0), false, 'a voided nonce passes no more');

      await other.startReauthentication(u.id, 'h2', 2000, 1400);
      assert.equal(await store.countWrongReauthentication(u.id, 'h2', 3), false, 'a new nonce starts the count again');
      assert.equal(await other.countWrongReauthentication(u.id, 'h2', 3), false);
      assert.equal(await store.clearReauthentication(u.id, 'h2', 2000), true);
    });

    test('look-alike addresses are found by their skeleton, in creation order', async (t) => {
      const { store } = await fresh(t);
      const latin = user('demo@example.com', { createdAt: 1 });
      const cyrillic = user('dеmo@example.com', { createdAt: 2 }); // Cyrillic е
      const other = user('other@example.com');
      for (const u of [latin, cyrillic, other]) assert.equal(await store.insertUser(u, identity(u)), true);
      assert.equal(latin.emailSkeleton, cyrillic.emailSkeleton);
      assert.deepEqual((await store.getUsersByEmailSkeleton(latin.emailSkeleton)).map((u) => u.id), [latin.id, cyrillic.id]);
      assert.deepEqual(await store.getUsersByEmailSkeleton('nobody'), []);
    });

    test('listUsers pages by email', async (t) => {
      const { store } = await fresh(t);
      for (const e of ['c@x.io', 'a@x.io', 'd@x.io', 'b@x.io']) {
        const u = user(e);
        await store.insertUser(u, identity(u));
      }
      const first = await store.listUsers({ limit: 3 });
      assert.deepEqual(first.map((u) => u.email), ['a@x.io', 'b@x.io', 'c@x.io']);
      const rest = await store.listUsers({ limit: 3, afterEmail: first.at(-1)!.email });
      assert.deepEqual(rest.map((u) => u.email), ['d@x.io']);
      assert.deepEqual(await store.listUsers({ limit: 0 }), []);
    });

    test('deleteUser takes identities, sessions and refresh tokens with it; unknown ids answer false', async (t) => {
      const { store } = await fresh(t);
      const u = user('gone@example.com');
      const keep = user('kept@example.com');
      await store.insertUser(u, identity(u));
      await store.insertUser(keep, identity(keep));
      const s = session(u);
      const t0 = token(s);
      await store.insertSession(s, t0);
      const ks = session(keep);
      await store.insertSession(ks, token(ks));
      assert.equal(await store.deleteUser(u.id), true);
      assert.equal(await store.deleteUser(u.id), false);
      assert.equal(await store.getUserById(u.id), undefined);
      assert.equal(await store.getUserByEmail(u.email), undefined);
      assert.deepEqual(await store.listIdentities(u.id), []);
      assert.equal(await store.getSession(s.id), undefined);
      assert.equal(await store.getRefreshToken(t0.tokenHash), undefined);
      assert.deepEqual(await store.listSessionIds(keep.id), [ks.id]);
    });

    test('rotation is single-use, also when two rotations of one token run at once; children are listed oldest first', async (t) => {
      const { store } = await fresh(t);
      const u = user('r@example.com');
      await store.insertUser(u, identity(u));
      const s = session(u);
      const t0 = token(s);
      await store.insertSession(s, t0);
      const t1 = token(s, t0.tokenHash, 50);
      const t1b = token(s, t0.tokenHash, 50);
      const won = await Promise.all([store.rotateRefreshToken(t0.tokenHash, t1, 50), store.rotateRefreshToken(t0.tokenHash, t1b, 50)]);
      assert.deepEqual([...won].sort(), [false, true]);
      const winner = won[0] ? t1 : t1b;
      const loser = won[0] ? t1b : t1;
      assert.equal(await store.getRefreshToken(loser.tokenHash), undefined, 'the losing rotation inserted nothing');
      assert.equal((await store.getRefreshToken(t0.tokenHash))?.revokedAt, 50);
      assert.equal((await store.getSession(s.id))?.refreshedAt, 50);
      const sibling = token(s, t0.tokenHash, 60);
      await store.insertRefreshToken(sibling, 60);
      assert.equal((await store.getSession(s.id))?.refreshedAt, 60);
      const children = await store.listChildTokens(t0.tokenHash);
      assert.deepEqual(children.map((c) => [c.tokenHash, c.revokedAt]), [[winner.tokenHash, null], [sibling.tokenHash, null]]);
      assert.deepEqual(await store.listChildTokens(sibling.tokenHash), []);
    });

    test('deleting sessions deletes their refresh tokens and ignores unknown ids', async (t) => {
      const { store } = await fresh(t);
      const u = user('s@example.com');
      await store.insertUser(u, identity(u));
      const s1 = session(u, 1);
      const s2 = session(u, 2);
      const t1 = token(s1);
      const t2 = token(s2);
      await store.insertSession(s1, t1);
      await store.insertSession(s2, t2);
      assert.deepEqual(await store.listSessionIds(u.id), [s1.id, s2.id]);
      await store.deleteSessions([s1.id, 'no-such-session']);
      assert.equal(await store.getSession(s1.id), undefined);
      assert.equal(await store.getRefreshToken(t1.tokenHash), undefined);
      assert.ok(await store.getRefreshToken(t2.tokenHash));
      assert.deepEqual(await store.getSession(s2.id), s2);
    });

    test('revocation log (if kept): each session ended by any connection once, user deletions included, with rising ids', async (t) => {
      const opened = await fresh(t);
      const { store } = opened;
      if (!hasLog(store)) return;
      const other = opened.another ? await opened.another() : store;
      if (!hasLog(other)) throw new Error('a second connection must keep the same capabilities');
      const u = user('log@example.com');
      const v = user('gone@example.com');
      await store.insertUser(u, identity(u));
      await store.insertUser(v, identity(v));
      const [s1, s2, s3] = [session(u), session(u), session(v)];
      for (const s of [s1, s2, s3]) await store.insertSession(s, token(s));
      const start = await store.latestRevocationId();
      await other.deleteSessions([s1.id, 'no-such-session']);
      await other.deleteSessions([s1.id]); // already gone: nothing new
      await other.deleteUser(v.id); // its session goes too
      await store.deleteSessions([s2.id]);
      const log = await store.revocationsAfter(start, 10);
      assert.deepEqual(log.map((r) => [r.userId, r.sessionId]), [[u.id, s1.id], [v.id, s3.id], [u.id, s2.id]]);
      assert.ok(log[0]!.id < log[1]!.id && log[1]!.id < log[2]!.id);
      assert.equal(await store.latestRevocationId(), log[2]!.id);
      assert.deepEqual(await store.revocationsAfter(log[0]!.id, 1), [log[1]]);
      assert.deepEqual(await store.revocationsAfter(log[2]!.id, 10), []);
    });

    test('pending recoveries (if kept): one per user, found by user and link, consumed exactly once, void after the last wrong code, gone with the user', async (t) => {
      const opened = await fresh(t);
      const { store: a } = opened;
      if (!hasRecovery(a)) return;
      const other = opened.another ? await opened.another() : a;
      if (!hasRecovery(other)) throw new Error('a second connection must keep the same capabilities');
      const u = user('recover@example.com');
      await a.insertUser(u, identity(u));
      const first = { userId: u.id, linkHash: 'l1', otpHash: 'o1', createdAt: 1, expiresAt: 2 };
      await a.putRecoveryToken(first);
      assert.deepEqual(await other.getRecoveryTokenByLink('l1'), first);
      await a.putRecoveryToken({ ...first, linkHash: 'l2', otpHash: 'o2' });
      assert.equal(await a.getRecoveryTokenByLink('l1'), undefined, 'the new one replaced it');
      assert.equal((await other.getRecoveryTokenByUser(u.id))?.otpHash, 'o2');
      assert.equal(await a.consumeRecoveryToken(u.id, 'l1'), false, 'a replaced link consumes nothing');
      const both = await Promise.all([a.consumeRecoveryToken(u.id, 'l2'), other.consumeRecoveryToken(u.id, 'l2')]);
      assert.deepEqual([...both].sort(), [false, true]);
      await a.putRecoveryToken({ ...first, linkHash: 'l3' });
      assert.equal(await a.countWrongRecoveryCode(u.id, 'l3', 3), false);
      assert.equal(await other.countWrongRecoveryCode(u.id, 'l2', 3), false, 'a consumed link counts nothing');
      const third = await Promise.all([
        other.countWrongRecoveryCode(u.id, 'l3', 3),
        a.countWrongRecoveryCode(u.id, 'l3', 3),
        other.consumeRecoveryToken(u.id, 'l3'),
      ]);
      assert.equal(third.filter(Boolean).length, 1, `the third wrong code or the consume, never both: ${third.join(', ')}`);
      assert.equal(await a.getRecoveryTokenByUser(u.id), undefined);
      await a.putRecoveryToken({ ...first, linkHash: 'l4' });
      assert.equal(await other.countWrongRecoveryCode(u.id, 'l4', 2), false, 'a new token starts the count again');
      assert.equal(await a.countWrongRecoveryCode(u.id, 'l4', 2), true, 'the last wrong code voids it');
      assert.equal(await other.consumeRecoveryToken(u.id, 'l4'), false);
      await a.putRecoveryToken({ ...first, linkHash: 'l5' });
      await a.deleteUser(u.id);
      assert.equal(await other.getRecoveryTokenByLink('l5'), undefined, 'deleting the user deletes its token');
    });
  });
}
