/**
 * Migration 11 drops the positions' slot index, and the start-up load ranks each slot's positions in one pass instead:
 * a database written before it upgrades in place and loads the same positions, in the same order, as the previous
 * query read them through the index — every OPEN position and each slot's latest (the one opened last, ties by id),
 * open ones last; positions written after the upgrade join them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { positionSlot, type Position } from '@cadenza/domain';
import { samplePosition } from '@cadenza/testkit';
import { LOAD_POSITIONS } from '../src/load-positions.ts';
import { migrations } from '../src/sqlite/migrations.ts';
import { SqliteStore } from '../src/sqlite/sqlite-store.ts';

const pos = (positionId: string, over: Partial<Position>): Position => samplePosition({ positionId, ...over });

// Slots with one position, with several closed and one open, flat ones whose latest was opened last but changed
// earlier (so `updatedAt` alone would pick another), HEDGE sides apart, and a tie of opening times.
const written: Position[] = [
  pos('p01', { tradingAccountId: 'a1', status: 'CLOSED', quantity: '0', createdAt: 1, updatedAt: 9, closedAt: 9 }),
  pos('p02', { tradingAccountId: 'a1', status: 'CLOSED', quantity: '0', createdAt: 3, updatedAt: 4, closedAt: 4 }),
  pos('p03', { tradingAccountId: 'a1', instrumentId: 'PAPER:ETH/USDT', status: 'CLOSED', quantity: '0', createdAt: 2, updatedAt: 3, closedAt: 3 }),
  pos('p04', { tradingAccountId: 'a1', instrumentId: 'PAPER:ETH/USDT', status: 'OPEN', createdAt: 5, updatedAt: 6 }),
  pos('p05', { tradingAccountId: 'a2', status: 'OPEN', createdAt: 4, updatedAt: 4 }),
  pos('p06', { tradingAccountId: 'a2', instrumentId: 'PAPER:SOL/USDT', mode: 'HEDGE', side: 'LONG', status: 'CLOSED', quantity: '0', createdAt: 1, updatedAt: 2, closedAt: 2 }),
  pos('p07', { tradingAccountId: 'a2', instrumentId: 'PAPER:SOL/USDT', mode: 'HEDGE', side: 'SHORT', status: 'OPEN', createdAt: 2, updatedAt: 7 }),
  pos('p08', { tradingAccountId: 'a3', status: 'CLOSED', quantity: '0', createdAt: 6, updatedAt: 6, closedAt: 6 }),
  pos('p09', { tradingAccountId: 'a3', status: 'CLOSED', quantity: '0', createdAt: 6, updatedAt: 5, closedAt: 5 }),
];

/** A database migrated up to migration 10 (the release before this one), holding `written`; its path. */
function positionsUnder10(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-positions-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'cadenza.db');
  const old = new Database(path);
  old.exec('CREATE TABLE domain_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  for (const m of migrations.filter((m) => m.version <= 10)) {
    old.exec(m.sql);
    old.prepare('INSERT INTO domain_migrations (version, name, applied_at) VALUES (?, ?, 1)').run(m.version, m.name);
  }
  const insert = old.prepare(`INSERT INTO trading_positions (position_id, trading_account_id, instrument_id, slot, status, created_at, updated_at, body)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  for (const p of written) insert.run(p.positionId, p.tradingAccountId, p.instrumentId, positionSlot(p), p.status, p.createdAt, p.updatedAt, JSON.stringify(p));
  old.close();
  return path;
}

test('positions written before migration 11 load as the slot index read them; new ones join them', async (t) => {
  const path = positionsUnder10(t);
  const before = new Database(path, { readonly: true });
  const throughIndex = (before.prepare(LOAD_POSITIONS).all() as Array<{ body: string }>).map((r) => JSON.parse(r.body) as Position);
  before.close();
  assert.deepEqual(throughIndex.map((p) => p.positionId), ['p06', 'p02', 'p09', 'p05', 'p04', 'p07'], 'the previous query, for the record');

  const store = new SqliteStore({ path });
  try {
    assert.deepEqual(await store.loadPositions(), throughIndex);
    assert.equal(store.db.prepare("SELECT name FROM sqlite_schema WHERE name = 'trading_positions_slot'").get(), undefined, 'no slot index');
    // a1's BTC slot opens again (its latest now the open one), a2's BTC position closes (still its slot's latest).
    store.transaction(() => {
      store.upsertPosition(pos('p10', { tradingAccountId: 'a1', status: 'OPEN', createdAt: 10, updatedAt: 10 }));
      store.upsertPosition(pos('p05', { tradingAccountId: 'a2', status: 'CLOSED', quantity: '0', createdAt: 4, updatedAt: 11, closedAt: 11 }));
    });
    assert.deepEqual((await store.loadPositions()).map((p) => `${p.positionId} ${p.status}`), ['p06 CLOSED', 'p09 CLOSED', 'p05 CLOSED', 'p04 OPEN', 'p07 OPEN', 'p10 OPEN']);
    // The open-slot index still refuses a second OPEN position in a slot.
    assert.throws(() => store.transaction(() => store.upsertPosition(pos('p11', { tradingAccountId: 'a1', status: 'OPEN', createdAt: 12, updatedAt: 12 }))), /UNIQUE/);
  } finally {
    await store.close();
  }
});

test('the one-pass load and the previous query agree on random books (opening-time ties included)', async () => {
  let seed = 7;
  const next = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  for (let round = 0; round < 5; round++) {
    const store = new SqliteStore({ path: ':memory:' });
    const open = new Set<string>();
    store.transaction(() => {
      for (let i = 0; i < 300; i++) {
        const mode = next(3) === 0 ? 'HEDGE' : 'NETTING';
        const p = pos(`p${round}-${String(next(1000)).padStart(3, '0')}-${i}`, {
          tradingAccountId: `a${next(6)}`, instrumentId: `PAPER:C${next(4)}/USDT`, mode, side: next(2) === 0 ? 'LONG' : 'SHORT', createdAt: next(40), updatedAt: next(80),
        });
        const slot = `${p.tradingAccountId} ${p.instrumentId} ${positionSlot(p)}`;
        const status = !open.has(slot) && next(3) === 0 ? 'OPEN' : 'CLOSED';
        if (status === 'OPEN') open.add(slot);
        store.upsertPosition({ ...p, status });
      }
    });
    const previous = (store.db.prepare(LOAD_POSITIONS).all() as Array<{ body: string }>).map((r) => JSON.parse(r.body) as Position);
    assert.ok(previous.length > 20);
    assert.deepEqual(await store.loadPositions(), previous);
    await store.close();
  }
});
