/**
 * Every query of the orders, fills and positions tables walks an index (SQLite's EXPLAIN QUERY PLAN, on the real
 * statements and on the SQL the list queries build): which index serves which query, so that a migration dropping or
 * merging one (each costs WAL pages on every order, docs/benchmarks.md) learns here what would fall back to a scan.
 * The exception, by design: the positions' start-up load, one pass over the table. And what an update of an open
 * position writes: its row alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FillFilter, OrderFilter } from '@cadenza/domain';
import { samplePosition } from '@cadenza/testkit';
import { SqliteStore } from './sqlite-store.ts';
import { prepareStatements } from './statements.ts';

type PlanRow = { detail: string };

/** The plan's lines (the parameters bound to NULL: the plan does not depend on them). */
function explain(store: SqliteStore, sql: string): string[] {
  const params = Array<null>((sql.match(/\?/g) ?? []).length).fill(null);
  return (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as PlanRow[]).map((r) => r.detail);
}

/** The plan's lines that read `table`. */
function plan(store: SqliteStore, sql: string, table: string): string[] {
  return explain(store, sql).filter((d) => new RegExp(`^(SCAN|SEARCH) ${table}\\b`).test(d));
}

function assertIndexed(store: SqliteStore, sql: string, table: string, index: string | undefined): void {
  const lines = plan(store, sql, table);
  assert.ok(lines.length > 0, `no plan line reads ${table}: ${sql}`);
  for (const line of lines) {
    assert.match(line, /USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY/, `a full scan of ${table}: ${line}\n  for ${sql}`);
    if (index) assert.ok(line.includes(`INDEX ${index} `) || line.endsWith(`INDEX ${index}`), `expected ${index}, got: ${line}\n  for ${sql}`);
  }
}

/** The SQL texts `fn` makes the store prepare (its list queries are prepared on first use). */
async function preparedBy(store: SqliteStore, fn: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const db = store.db;
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    seen.push(sql);
    return prepare(sql);
  }) as typeof db.prepare;
  try {
    await fn();
  } finally {
    db.prepare = prepare;
  }
  return seen;
}

const A = '0193a000-0000-7000-8000-000000000001';
const B = '0193a000-0000-7000-8000-000000000002';
const page = { limit: 50, offset: 0 };

test('the fixed order statements: by id the primary key, by venue id orders_external, the open ones orders_open', () => {
  const store = new SqliteStore({ path: ':memory:' });
  const s = prepareStatements(store.db);
  assertIndexed(store, s.getOrder.source, 'orders', 'sqlite_autoindex_orders_1');
  assertIndexed(store, s.orderByExternalId.source, 'orders', 'orders_external');
  assertIndexed(store, s.openOrders.source, 'orders', 'orders_open');
  assertIndexed(store, s.listFills.source, 'fills', 'sqlite_autoindex_fills_1');
  void store.close();
});

const orderLists: Array<[string, OrderFilter, string | undefined]> = [
  ["one account's orders", { tradingAccountIds: [A] }, 'orders_account_created'],
  ["a user's accounts' orders, oldest first", { tradingAccountIds: [A, B], ascending: true }, 'orders_account_created'],
  ["an account's orders in a time range", { tradingAccountIds: [A], createdFrom: 1, createdTo: 2 }, 'orders_account_created'],
  // The admin's list: every order, newest first, or in a time range.
  ['every order', {}, undefined],
  ['every order in a time range', { createdFrom: 1, createdTo: 2 }, 'orders_created'],
  ['the legs of an order list', { tradingAccountIds: [A], orderListId: 'l-1' }, undefined],
  ['one order by id', { tradingAccountIds: [A], tradeOrderId: 'o-1' }, undefined],
];

for (const [what, filter, index] of orderLists) {
  test(`listOrders walks an index: ${what}`, async () => {
    const store = new SqliteStore({ path: ':memory:' });
    const sqls = await preparedBy(store, () => store.listOrders(filter, page));
    assert.equal(sqls.length, 2, 'a page and its count');
    for (const sql of sqls) assertIndexed(store, sql, 'orders', sql.includes('count(*)') ? undefined : index);
    await store.close();
  });
}

test('the admin list of every order reads its page in orders_created order (only ties of createdAt sorted)', async () => {
  const store = new SqliteStore({ path: ':memory:' });
  const [items] = await preparedBy(store, () => store.listOrders({}, page));
  const lines = explain(store, items!);
  assert.equal(lines[0], 'SCAN orders USING INDEX orders_created');
  assert.ok(!lines.includes('USE TEMP B-TREE FOR ORDER BY'), `a sort of every order: ${lines.join('; ')}`);
  await store.close();
});

const fillLists: Array<[string, FillFilter, string | undefined]> = [
  ["an account's executions", { tradingAccountIds: [A] }, 'fills_account_time'],
  ["an account's executions in a time range", { tradingAccountIds: [A], executedFrom: 1, executedTo: 2 }, 'fills_account_time'],
  ["some orders' executions", { tradingAccountIds: [A, B], tradeOrderIds: ['o-1', 'o-2'] }, undefined],
];

for (const [what, filter, index] of fillLists) {
  test(`listExecutions walks an index: ${what}`, async () => {
    const store = new SqliteStore({ path: ':memory:' });
    const sqls = await preparedBy(store, () => store.listExecutions(filter, page));
    for (const sql of sqls) assertIndexed(store, sql, 'fills', sql.includes('count(*)') ? undefined : index);
    await store.close();
  });
}

test('positions: the start-up load ranks each slot\'s positions in one pass over the table, no index per slot (migration 11)', () => {
  const store = new SqliteStore({ path: ':memory:' });
  const s = prepareStatements(store.db);
  const lines = explain(store, s.loadPositions.source);
  // One scan ranks every slot (its keys sorted once); the chosen rows' bodies are read by rowid; nothing per slot.
  assert.deepEqual(lines.filter((l) => /^(SCAN|SEARCH) (trading_positions|p)\b/.test(l)), ['SCAN trading_positions', 'SEARCH p USING INTEGER PRIMARY KEY (rowid=?)']);
  const indexes = (store.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'trading_positions' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
  assert.deepEqual(indexes, ['sqlite_autoindex_trading_positions_1', 'trading_positions_open'], 'the id and the open slot only');
  void store.close();
});

test('positions: an update of an open position writes its row alone (one WAL page); closing it, the row and its open-slot entry', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-positions-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = new SqliteStore({ path: join(dir, 'cadenza.db'), checkpoint: 'inline' });
  store.db.pragma('wal_autocheckpoint = 0');
  // Enough rows that the table and its indexes span several pages, as in a real account book.
  store.transaction(() => {
    for (let i = 0; i < 500; i++) store.upsertPosition(samplePosition({ positionId: `p${String(i).padStart(4, '0')}`, tradingAccountId: `a${i % 50}`, instrumentId: `PAPER:C${i}/USDT` }));
  });
  const framesOf = (write: () => void): number => {
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    write();
    return (store.db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]!.log;
  };
  const p = samplePosition({ positionId: 'p0123', tradingAccountId: 'a23', instrumentId: 'PAPER:C123/USDT' });
  assert.equal(framesOf(() => store.upsertPosition({ ...p, quantity: '2', updatedAt: 2 })), 1);
  assert.equal(framesOf(() => store.upsertPosition({ ...p, quantity: '3', updatedAt: 3 })), 1);
  assert.equal(framesOf(() => store.upsertPosition({ ...p, status: 'CLOSED', quantity: '0', updatedAt: 4, closedAt: 4 })), 2, 'the row, and its entry out of the open-slot index');
  assert.deepEqual((await store.loadPositions()).find((x) => x.positionId === 'p0123')?.status, 'CLOSED');
  // A slot never changes in practice; were it to, the row moves with it.
  store.upsertPosition({ ...p, mode: 'HEDGE', side: 'SHORT', status: 'CLOSED', quantity: '0', updatedAt: 5, closedAt: 5 });
  assert.equal((store.db.prepare("SELECT slot FROM trading_positions WHERE position_id = 'p0123'").get() as { slot: string }).slot, 'SHORT');
  await store.close();
});
