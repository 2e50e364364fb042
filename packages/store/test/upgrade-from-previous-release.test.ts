/**
 * Upgrading from the previous release (commit 979e1f0): databases built with that release's migrations
 * (fixtures/release-979e1f0, copied verbatim) and filled the way it wrote rows are opened by today's stores, which
 * run the newer migrations and read every row back — nothing lost, new columns filled.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { emailSkeleton } from '@cadenza/auth';
import { alice, sampleAccount, sampleOrder, testCadenza } from '@cadenza/testkit';
import { SqliteAuthStore } from '../src/sqlite/sqlite-auth-store.ts';
import { SqliteStore } from '../src/sqlite/sqlite-store.ts';
import { authMigrations as releasedAuth } from './fixtures/release-979e1f0/auth-migrations.ts';
import { migrations as releasedDomain } from './fixtures/release-979e1f0/migrations.ts';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-upgrade-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A database as the released store left it: its migrations applied and recorded in its migrations table. */
function releasedDatabase(path: string, table: string, list: Array<{ version: number; name: string; sql: string }>): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.exec(`CREATE TABLE ${table} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  for (const m of list) {
    db.exec(m.sql);
    db.prepare(`INSERT INTO ${table} (version, name, applied_at) VALUES (?, ?, ?)`).run(m.version, m.name, 1);
  }
  return db;
}

test('auth.db of the previous release: users, identities, sessions, refresh tokens and recoveries survive; skeletons are filled', async (t) => {
  const path = join(tempDir(t), 'auth.db');
  const old = releasedDatabase(path, 'auth_migrations', releasedAuth);
  const users = [
    { id: '11111111-1111-4111-8111-111111111111', email: 'demo@cadenza.dev' },
    { id: '22222222-2222-4222-8222-222222222222', email: 'dеmo@cadenza.dev' }, // a look-alike the old release let in
  ];
  for (const u of users) {
    old.prepare(`INSERT INTO auth_users (id, email, password_hash, role, aud, email_confirmed_at, last_sign_in_at, banned_until,
      app_metadata, user_metadata, is_anonymous, created_at, updated_at) VALUES (?, ?, '$2b$10$hash', 'authenticated', 'authenticated', 5, 6, NULL,
      '{"provider":"email","providers":["email"],"role":"admin"}', '{"name":"Demo"}', 0, 5, 7)`).run(u.id, u.email);
    old.prepare(`INSERT INTO auth_identities (identity_id, user_id, provider, provider_id, identity_data, email, last_sign_in_at, created_at, updated_at)
      VALUES (?, ?, 'email', ?, ?, ?, 6, 5, 5)`).run(`${u.id.slice(0, -1)}a`, u.id, u.id, JSON.stringify({ sub: u.id, email: u.email }), u.email);
  }
  const [demo] = users;
  old.prepare(`INSERT INTO auth_sessions (id, user_id, aal, amr, user_agent, ip, created_at, refreshed_at) VALUES ('s-1', ?, 'aal1', '[{"method":"password","timestamp":5}]', 'ua', '127.0.0.1', 5, NULL)`).run(demo!.id);
  old.prepare(`INSERT INTO auth_refresh_tokens (token_hash, session_id, user_id, parent_hash, created_at, revoked_at) VALUES ('t-0', 's-1', ?, NULL, 5, 8)`).run(demo!.id);
  old.prepare(`INSERT INTO auth_refresh_tokens (token_hash, session_id, user_id, parent_hash, created_at, revoked_at) VALUES ('t-1', 's-1', ?, 't-0', 8, NULL)`).run(demo!.id);
  old.prepare(`INSERT INTO auth_recovery_tokens (user_id, link_hash, otp_hash, created_at, expires_at) VALUES (?, 'link', 'otp', 5, 9)`).run(demo!.id);
  old.close();

  const store = new SqliteAuthStore(path);
  try {
    assert.deepEqual(
      store.db.prepare('SELECT version FROM auth_migrations ORDER BY version').all(),
      [1, 2, 3, 4, 5].map((version) => ({ version })),
    );
    const user = await store.getUserByEmail('demo@cadenza.dev');
    assert.deepEqual(user, {
      id: demo!.id,
      email: 'demo@cadenza.dev',
      emailSkeleton: emailSkeleton('demo@cadenza.dev'),
      passwordHash: '$2b$10$hash',
      role: 'authenticated',
      aud: 'authenticated',
      emailConfirmedAt: 5,
      lastSignInAt: 6,
      bannedUntil: null,
      appMetadata: { provider: 'email', providers: ['email'], role: 'admin' },
      userMetadata: { name: 'Demo' },
      isAnonymous: false,
      reauthenticationHash: null,
      reauthenticationSentAt: null,
      createdAt: 5,
      updatedAt: 7,
    });
    assert.deepEqual(
      (await store.getUsersByEmailSkeleton(emailSkeleton('demo@cadenza.dev'))).map((u) => u.id),
      users.map((u) => u.id),
      'both old look-alikes kept, and found by the new skeleton column',
    );
    assert.equal((await store.listIdentities(demo!.id))[0]?.email, 'demo@cadenza.dev');
    assert.deepEqual(await store.getSession('s-1'), { id: 's-1', userId: demo!.id, aal: 'aal1', amr: [{ method: 'password', timestamp: 5 }], userAgent: 'ua', ip: '127.0.0.1', createdAt: 5, refreshedAt: null });
    assert.deepEqual((await store.listChildTokens('t-0')).map((c) => [c.tokenHash, c.revokedAt]), [['t-1', null]]);
    assert.equal((await store.getRecoveryTokenByUser(demo!.id))?.linkHash, 'link');
    // the revocation trigger of the old schema still logs
    await store.deleteSessions(['s-1']);
    assert.deepEqual((await store.revocationsAfter(0, 10)).map((r) => r.sessionId), ['s-1']);
  } finally {
    store.close();
  }
});

test('cadenza.db of the previous release: accounts and orders read back through today\'s store', async (t) => {
  const path = join(tempDir(t), 'cadenza.db');
  const old = releasedDatabase(path, 'domain_migrations', releasedDomain);
  const account = sampleAccount();
  const order = sampleOrder({ status: 'ACCEPTED', externalOrderId: 'ex-1' } as Partial<ReturnType<typeof sampleOrder>>);
  old.prepare('INSERT INTO trading_accounts (trading_account_id, user_id, venue, status, created_at, deleted_at, body) VALUES (?, ?, ?, ?, ?, NULL, ?)')
    .run(account.tradingAccountId, account.userId, account.venue, account.status, account.createdAt, JSON.stringify(account));
  old.prepare(`INSERT INTO orders (trade_order_id, trading_account_id, client_order_id, external_order_id, idempotency_key, instrument_id, side,
    order_type, status, is_open, created_at, body) VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, 1, ?, ?)`)
    .run(order.tradeOrderId, order.tradingAccountId, order.clientOrderId, 'ex-1', order.instrumentId, order.side, order.orderType, order.status, order.createdAt, JSON.stringify(order));
  old.close();

  const store = new SqliteStore(path);
  try {
    const versions = (store.db.prepare('SELECT version FROM domain_migrations ORDER BY version').all() as Array<{ version: number }>).map((r) => r.version);
    assert.ok(versions.length >= releasedDomain.length && releasedDomain.every((m) => versions.includes(m.version)));
    assert.deepEqual((await store.loadTradingAccounts()).find((a) => a.tradingAccountId === account.tradingAccountId), account);
    assert.deepEqual(await store.getOrder(order.tradeOrderId), order);
  } finally {
    store.db.close();
  }
});

test('positions of the previous release: a long becomes an open holding at its entry, a spot "short" a closed one', async (t) => {
  const path = join(tempDir(t), 'cadenza.db');
  const old = releasedDatabase(path, 'domain_migrations', releasedDomain);
  const account = sampleAccount({ userId: alice.userId });
  old.prepare('INSERT INTO trading_accounts (trading_account_id, user_id, venue, status, created_at, deleted_at, body) VALUES (?, ?, ?, ?, ?, NULL, ?)')
    .run(account.tradingAccountId, account.userId, account.venue, account.status, account.createdAt, JSON.stringify(account));
  const legacy = (positionId: string, instrumentId: string, quantity: string, entryPrice: string) => ({
    positionId, tradingAccountId: account.tradingAccountId, instrumentId, securitySymbol: instrumentId.slice(6, 9), quantity, entryPrice,
    realizedPnl: '12.3456789012345678901234567890123456789', createdAt: 5, updatedAt: 6,
  });
  for (const p of [legacy('p-eth', 'PAPER:ETH/USDT', '2', '3000.123456789012345678901234567890123'), legacy('p-btc', 'PAPER:BTC/USDT', '-0.5', '64000')]) {
    old.prepare('INSERT INTO positions (trading_account_id, instrument_id, body) VALUES (?, ?, ?)').run(p.tradingAccountId, p.instrumentId, JSON.stringify(p));
  }
  old.close();

  const store = new SqliteStore(path);
  const w = await testCadenza({ store });
  try {
    const positions = w.cadenza.portfolios.get(alice, account.tradingAccountId).positions!;
    assert.deepEqual(
      positions.map((p) => [p.positionId, p.status, p.positionSide, p.quantity, p.entryPrice, p.realizedPnl]),
      [
        ['p-btc', 'CLOSED', 'LONG', '0', '64000', '12.3456789'],
        ['p-eth', 'OPEN', 'LONG', '2', '3000.12345679', '12.3456789'],
      ],
    );
  } finally {
    await w.cadenza.stop();
    store.db.close();
  }
});
