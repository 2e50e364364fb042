import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeContract, sampleAccount, sampleFill, sampleOrder, samplePosition, preparedBy } from '@cadenza/testkit';
import type { Balance, Order } from '@cadenza/domain';
import Database from 'better-sqlite3';
import { SqliteStore } from './sqlite-store.ts';
import { migrations } from './migrations.ts';

storeContract('SqliteStore (:memory:)', () => new SqliteStore({ path: ':memory:' }));
storeContract('SqliteStore (group commit)', () => new SqliteStore({ path: ':memory:', groupCommit: true }));

test('group commit: writes of one turn commit together; afterCommit runs after the commit; a failed unit is undone alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-group-'));
  try {
    const path = join(dir, 'g.db');
    const s = new SqliteStore(path);
    const reader = new SqliteStore({ path });
    const order: string[] = [];
    s.transaction(() => s.insertOrder(sampleOrder()));
    assert.throws(() => s.transaction(() => {
      s.insertOrder(sampleOrder({ tradeOrderId: '10000000-0000-4000-8000-000000000002', clientOrderId: 'c-2' }));
      throw new Error('unit fails');
    }));
    const visible = new Promise<Order | undefined>((resolve) => s.afterCommit(() => resolve(reader.getOrder(sampleOrder().tradeOrderId))));
    assert.equal(await reader.getOrder(sampleOrder().tradeOrderId), undefined, 'not committed within the turn');
    await new Promise((r) => setImmediate(r));
    assert.equal((await visible)?.clientOrderId, 'c-1', 'visible to another connection once afterCommit runs');
    assert.equal(await reader.getOrder('10000000-0000-4000-8000-000000000002'), undefined, 'the failed unit was rolled back');
    let ran = false;
    s.afterCommit(() => (ran = true));
    assert.equal(ran, true, 'nothing pending: runs at once');
    s.transaction(() => s.updateOrder(sampleOrder({ status: 'FILLED' })));
    await s.flush();
    assert.equal((await reader.getOrder(sampleOrder().tradeOrderId))?.status, 'FILLED', 'flush commits now');
    await s.close();
    await reader.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a reopened file keeps committed data and does not re-run migrations', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-store-'));
  try {
    const path = join(dir, 'domain.db');
    const a = new SqliteStore({ path });
    assert.equal(a.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(a.db.pragma('temp_store', { simple: true }), 2, 'savepoint sub-journals in memory');
    a.insertOrder(sampleOrder());
    await a.close();
    const b = new SqliteStore({ path });
    assert.equal((await b.getOrder(sampleOrder().tradeOrderId))?.clientOrderId, 'c-1');
    await b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an order inserted and moved on within one transaction is written once, in its last state', async () => {
  const s = new SqliteStore({ path: ':memory:' });
  let pending: Promise<Order | undefined> | undefined;
  let byExternal: Promise<Order | undefined> | undefined;
  s.transaction(() => {
    s.insertOrder(sampleOrder({ status: 'SUBMITTED' }));
    pending = s.getOrder(sampleOrder().tradeOrderId);
    s.transaction(() => s.updateOrder(sampleOrder({ status: 'ACCEPTED', externalOrderId: 'x-1' })));
    byExternal = s.findOrderByExternalOrderId(sampleOrder().tradingAccountId, 'x-1');
    assert.equal((s.db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n, 0, 'nothing written before the call ends');
  });
  assert.equal((await pending)?.status, 'SUBMITTED', 'a pending order is visible to point lookups');
  assert.equal((await byExternal)?.status, 'ACCEPTED');
  const rows = s.db.prepare('SELECT status, external_order_id, is_open FROM orders').all();
  assert.deepEqual(rows, [{ status: 'ACCEPTED', external_order_id: 'x-1', is_open: 1 }]);
  assert.equal((await s.getOrder(sampleOrder().tradeOrderId))?.status, 'ACCEPTED');
  await s.close();
});

test('a failing nested block restores the pending order as it was; a failing outer block leaves no row', async () => {
  const s = new SqliteStore({ path: ':memory:', groupCommit: true });
  const id = sampleOrder().tradeOrderId;
  let afterInner: Promise<Order | undefined> | undefined;
  s.transaction(() => {
    s.insertOrder(sampleOrder({ status: 'SUBMITTED' }));
    assert.throws(() => s.transaction(() => {
      s.updateOrder(sampleOrder({ status: 'FILLED' }));
      throw new Error('inner fails');
    }));
    afterInner = s.getOrder(id);
    s.transaction(() => s.updateOrder(sampleOrder({ status: 'ACCEPTED' })));
  });
  assert.equal((await afterInner)?.status, 'SUBMITTED');
  assert.equal((await s.getOrder(id))?.status, 'ACCEPTED');
  const second = sampleOrder({ tradeOrderId: '10000000-0000-4000-8000-000000000009', clientOrderId: 'c-9' });
  assert.throws(() => s.transaction(() => {
    s.insertOrder(second);
    s.updateOrder({ ...second, status: 'ACCEPTED' });
    throw new Error('outer fails');
  }));
  assert.equal(await s.getOrder(second.tradeOrderId), undefined);
  await s.flush();
  assert.equal((s.db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n, 1);
  await s.close();
});

test('held balances: written once per group in their last state; a failing call undoes its held rows and its direct writes alone', async () => {
  const s = new SqliteStore({ path: ':memory:', groupCommit: true });
  const count = (table: string) => (s.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const balance = (locked: string): Balance => ({ balanceId: 'b-1', tradingAccountId: sampleOrder().tradingAccountId, asset: 'USDT', free: '100', locked, createdAt: 1, updatedAt: 1 });
  s.transaction(() => {
    s.insertOrder(sampleOrder());
    s.upsertBalance(balance('5'));
  });
  s.transaction(() => s.upsertBalance(balance('10')));
  assert.throws(() => s.transaction(() => {
    s.upsertBalance(balance('99'));
    // A direct write in a nested call: its savepoint and its parent's open now, and roll back with them.
    s.transaction(() => s.insertTradingAccount(sampleAccount()));
    throw new Error('unit fails');
  }));
  // A call whose one statement is its order row writes it without a savepoint: a refused row (its id taken) fails the
  // call alone.
  assert.throws(() => s.transaction(() => s.insertOrder(sampleOrder({ clientOrderId: 'c-other' }))), /UNIQUE/);
  assert.equal(count('balances'), 0, 'held until the group commits');
  assert.equal(count('trading_accounts'), 0, 'the failed call wrote nothing');
  assert.deepEqual((await s.loadBalances()).map((b) => b.locked), ['10'], 'loading sees the held state');
  await s.flush();
  assert.deepEqual((s.db.prepare('SELECT body FROM balances').all() as Array<{ body: string }>).map((r) => (JSON.parse(r.body) as Balance).locked), ['10']);
  assert.equal(count('orders'), 1);
  assert.equal(count('trading_accounts'), 0);
  await s.close();
});

test('an order filled at once: its row, its fill and its position are written when the call ends, without a savepoint', async () => {
  const s = new SqliteStore({ path: ':memory:', groupCommit: true });
  const count = (table: string) => (s.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const account = sampleOrder().tradingAccountId;
  const prepared = preparedBy(s.db);
  // As the ledger books a PAPER MARKET order: the order's unit, the fill's nested unit inside it.
  s.transaction(() => {
    s.insertOrder(sampleOrder({ orderType: 'MARKET', status: 'SUBMITTED' }));
    s.updateOrder(sampleOrder({ orderType: 'MARKET', status: 'ACCEPTED' }));
    s.transaction(() => {
      assert.equal(s.insertFill(sampleFill()), true);
      s.updateOrder(sampleOrder({ orderType: 'MARKET', status: 'FILLED' }));
      s.upsertPosition(samplePosition({ tradingAccountId: account, quantity: '0.1' }));
    });
    assert.equal(count('fills') + count('trading_positions') + count('orders'), 0, 'nothing written before the call ends');
  });
  assert.deepEqual(prepared.filter((t) => t.startsWith('SAVEPOINT')), [], 'no savepoint');
  assert.equal(count('orders'), 1);
  assert.equal(count('fills'), 1);
  assert.deepEqual((await s.loadPositions()).map((p) => p.quantity), ['0.1']);
  // A call that writes a statement of its own still takes its savepoint (and the spy sees it).
  s.transaction(() => {
    s.insertOrder(sampleOrder({ tradeOrderId: '10000000-0000-4000-8000-00000000000e', clientOrderId: 'c-e' }));
    s.insertTradingAccount(sampleAccount());
  });
  assert.deepEqual(prepared.filter((t) => t.startsWith('SAVEPOINT')), ['SAVEPOINT sp1']);
  await s.close();
});

test('held rows written without a savepoint: when the last one fails, the new rows before it are deleted and the call fails alone', async () => {
  const s = new SqliteStore({ path: ':memory:', groupCommit: true });
  const count = (table: string) => (s.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const account = sampleOrder().tradingAccountId;
  s.transaction(() => s.upsertPosition(samplePosition({ tradingAccountId: account, positionId: 'open-1' })));
  s.transaction(() => s.insertOrder(sampleOrder()));
  const filled = sampleOrder({ tradeOrderId: '10000000-0000-4000-8000-00000000000f', clientOrderId: 'c-f', status: 'FILLED' });
  // A second OPEN position in the same slot breaks the open-slot index: the row written last is refused.
  assert.throws(() => s.transaction(() => {
    s.insertOrder(filled);
    s.insertFill(sampleFill({ tradeOrderId: filled.tradeOrderId }));
    s.upsertPosition(samplePosition({ tradingAccountId: account, positionId: 'open-2' }));
  }), /UNIQUE/);
  assert.equal(await s.getOrder(filled.tradeOrderId), undefined);
  await s.flush();
  assert.equal(count('orders'), 1, 'the earlier call of the group is kept');
  assert.equal(count('fills'), 0);
  assert.deepEqual((await s.loadPositions()).map((p) => p.positionId), ['open-1']);
  assert.equal(s.insertFill(sampleFill({ tradeOrderId: filled.tradeOrderId })), true, 'the fill can come again');
  await s.close();
});

test('a duplicate client order id still fails its transaction, and takes the other writes of that call with it', async () => {
  const s = new SqliteStore({ path: ':memory:' });
  s.transaction(() => s.insertOrder(sampleOrder()));
  const dup = sampleOrder({ tradeOrderId: '10000000-0000-4000-8000-00000000000a' });
  const balance = { tradingAccountId: dup.tradingAccountId, asset: 'USDT', free: '1', locked: '0', total: '1' } as never;
  assert.throws(() => s.transaction(() => {
    s.upsertBalance(balance);
    s.insertOrder(dup);
  }), /duplicate clientOrderId/);
  assert.equal(await s.getOrder(dup.tradeOrderId), undefined);
  assert.deepEqual(await s.loadBalances(), []);
  s.transaction(() => s.insertOrder(sampleOrder({ tradeOrderId: '10000000-0000-4000-8000-00000000000b', clientOrderId: 'c-b' })));
  assert.ok(await s.getOrder('10000000-0000-4000-8000-00000000000b'), 'the store carries on');
  await s.close();
});

test('migration 3: fills written before it get their order\'s instrument and an executionId of their own', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-migrate-'));
  try {
    const path = join(dir, 'm.db');
    const old = new Database(path);
    old.exec('CREATE TABLE domain_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    old.exec(migrations[0]!.sql);
    old.prepare('INSERT INTO domain_migrations VALUES (1, ?, 0)').run(migrations[0]!.name);
    const o = sampleOrder();
    old.prepare('INSERT INTO orders (trade_order_id, trading_account_id, client_order_id, instrument_id, side, order_type, status, is_open, created_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)')
      .run(o.tradeOrderId, o.tradingAccountId, o.clientOrderId, o.instrumentId, o.side, o.orderType, o.status, o.createdAt, JSON.stringify(o));
    for (const tradeId of ['t-1', 't-2']) {
      const body = { tradeOrderId: o.tradeOrderId, tradingAccountId: o.tradingAccountId, venue: 'PAPER', tradeId, side: 'BUY', price: '1', quantity: '1', fee: '0', feeAsset: 'BTC', liquidity: 'TAKER', timestamp: 5 };
      old.prepare('INSERT INTO fills (trade_order_id, trade_id, trading_account_id, timestamp, body) VALUES (?, ?, ?, 5, ?)').run(o.tradeOrderId, tradeId, o.tradingAccountId, JSON.stringify(body));
    }
    old.close();
    const s = new SqliteStore({ path });
    const fills = await s.listFills(o.tradeOrderId);
    assert.deepEqual(fills.map((f) => f.instrumentId), [o.instrumentId, o.instrumentId]);
    for (const f of fills) assert.match(f.executionId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(fills[0]!.executionId, fills[1]!.executionId);
    assert.equal((await s.listExecutions({ instrumentId: o.instrumentId }, { offset: 0, limit: 10 })).total, 2);
    await s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an account's clientOrderId is taken once, checked without an index: among held orders, after a reopen, and free again when the call that wrote its order fails", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-client-ids-'));
  const path = join(dir, 'cadenza.db');
  const dup = /duplicate clientOrderId/;
  const order = (n: number, clientOrderId: string, over: Partial<Order> = {}) => sampleOrder({ tradeOrderId: `10000000-0000-4000-8000-00000000001${n}`, clientOrderId, ...over });
  try {
    for (const groupCommit of [true, false]) {
      rmSync(path, { force: true });
      let s = new SqliteStore({ path, groupCommit });
      assert.equal(s.db.prepare("SELECT name FROM sqlite_master WHERE name = 'orders_client_order_id'").get(), undefined, 'no index');
      s.transaction(() => s.insertOrder(order(1, 'c-1')));
      assert.throws(() => s.transaction(() => s.insertOrder(order(2, 'c-1'))), dup);
      assert.throws(() => s.transaction(() => {
        s.insertOrder(order(2, 'c-2'));
        s.insertOrder(order(3, 'c-2'));
      }), dup, 'two held orders of one call');
      s.transaction(() => s.insertOrder(order(4, 'c-1', { tradingAccountId: '00000000-0000-4000-8000-0000000000b2' })));
      // Written when the call ends, before a later row of the call that is refused (a position without its account):
      // the order's row is gone again, and so is its clientOrderId.
      assert.throws(() => s.transaction(() => {
        s.insertOrder(order(5, 'c-5'));
        s.upsertPosition(samplePosition({ positionId: 'p-5', tradingAccountId: null as never }));
      }), /NOT NULL/);
      s.transaction(() => s.insertOrder(order(6, 'c-5')));
      await s.close();
      s = new SqliteStore({ path, groupCommit });
      assert.throws(() => s.transaction(() => s.insertOrder(order(7, 'c-1'))), dup, 'read back from the table');
      assert.throws(() => s.transaction(() => s.insertOrder(order(7, 'c-5'))), dup);
      s.transaction(() => s.insertOrder(order(7, 'c-2')));
      assert.deepEqual((await s.loadOrderKeys()).map((k) => k.clientOrderId).sort(), ['c-1', 'c-1', 'c-2', 'c-5']);
      await s.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
