/**
 * Migrations 6 and 8 rebuild the OTC ledger (6: rowid `seq`, the wallet index without the asset; 8: no index but the
 * rowid): a ledger written under an earlier migration reads back entry for entry, in order, with the same balances;
 * new entries follow the old ones; the entries stay immutable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { LedgerEntry } from '@cadenza/domain';
import { migrations } from '../src/sqlite/migrations.ts';
import { SqliteStore } from '../src/sqlite/sqlite-store.ts';

const entry = (entryId: string, walletId: string, asset: string, amount: string, balanceAfter: string, createdAt: number): LedgerEntry => ({
  entryId, walletId, asset, amount, balanceAfter, kind: 'TRANSFER', referenceId: `t-${entryId}`, counterpartyWalletId: walletId === 'w-1' ? 'w-2' : 'w-1', createdAt,
});

/** A database migrated up to `version` (the release that wrote it), holding `written`; its path. */
function ledgerUnder(t: { after(fn: () => void): void }, version: number, written: LedgerEntry[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-ledger-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'cadenza.db');
  const old = new Database(path);
  old.exec('CREATE TABLE domain_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  for (const m of migrations.filter((m) => m.version <= version)) {
    old.exec(m.sql);
    old.prepare('INSERT INTO domain_migrations (version, name, applied_at) VALUES (?, ?, 1)').run(m.version, m.name);
  }
  const insert = old.prepare(`INSERT INTO fermata_ledger_entries (entry_id, wallet_id, asset, amount, balance_after, kind, reference_id, counterparty_wallet_id, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  for (const e of written) insert.run(e.entryId, e.walletId, e.asset, e.amount, e.balanceAfter, e.kind, e.referenceId, e.counterpartyWalletId, e.createdAt);
  old.close();
  return path;
}

test('a ledger written before migration 6 keeps its entries, order and balances; new entries follow', async (t) => {
  const written = [
    entry('e1', 'w-2', 'USDT', '-100', '-100', 1),
    entry('e2', 'w-1', 'USDT', '100', '100', 1),
    entry('e3', 'w-1', 'BTC', '0.5', '0.5', 2),
    entry('e4', 'w-1', 'USDT', '-40.25', '59.75', 3),
  ];
  const path = ledgerUnder(t, 5, written);
  const store = new SqliteStore({ path });
  try {
    assert.deepEqual(await store.otc.listLedgerEntries('w-1'), written.filter((e) => e.walletId === 'w-1'));
    assert.deepEqual((await store.otc.listLedgerEntries('w-1', 'USDT')).map((e) => e.entryId), ['e2', 'e4']);
    assert.deepEqual((await store.otc.loadWalletBalances()).map((b) => `${b.walletId} ${b.asset} ${b.balance}`), ['w-1 BTC 0.5', 'w-1 USDT 59.75', 'w-2 USDT -100']);
    store.transaction(() => store.otc.appendLedgerEntries([entry('e5', 'w-1', 'USDT', '0.25', '60', 4)]));
    assert.deepEqual((await store.otc.listLedgerEntries('w-1', 'USDT')).map((e) => e.entryId), ['e2', 'e4', 'e5']);
    assert.equal((await store.otc.loadWalletBalances()).find((b) => b.walletId === 'w-1' && b.asset === 'USDT')?.balance, '60');
    assert.throws(() => store.db.prepare("UPDATE fermata_ledger_entries SET amount = '1' WHERE entry_id = 'e1'").run(), /immutable/);
    assert.throws(() => store.db.prepare("DELETE FROM fermata_ledger_entries WHERE entry_id = 'e1'").run(), /immutable/);
  } finally {
    await store.close();
  }
});

test('a ledger written before migration 8 keeps its entries, order and balances; the table keeps no index but its rowid', async (t) => {
  const written = [
    entry('e1', 'w-2', 'USDT', '-100', '-100', 1),
    entry('e2', 'w-1', 'USDT', '100', '100', 1),
    entry('e3', 'w-1', 'BTC', '0.5', '0.5', 2),
    entry('e4', 'w-2', 'BTC', '-0.5', '-0.5', 2),
    entry('e5', 'w-1', 'USDT', '-40.25', '59.75', 3),
  ];
  const path = ledgerUnder(t, 7, written);
  const store = new SqliteStore({ path });
  try {
    assert.deepEqual(await store.otc.listLedgerEntries('w-1'), written.filter((e) => e.walletId === 'w-1'));
    assert.deepEqual(await store.otc.listLedgerEntries('w-2', 'BTC'), [written[3]]);
    assert.deepEqual((await store.otc.loadWalletBalances()).map((b) => `${b.walletId} ${b.asset} ${b.balance}`), ['w-1 BTC 0.5', 'w-1 USDT 59.75', 'w-2 BTC -0.5', 'w-2 USDT -100']);
    assert.deepEqual(store.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'fermata_ledger_entries'").all(), []);
    store.transaction(() => store.otc.appendLedgerEntries([entry('e6', 'w-1', 'USDT', '0.25', '60', 4), entry('e7', 'w-2', 'USDT', '-0.25', '-100.25', 4)]));
    assert.deepEqual((await store.otc.listLedgerEntries('w-1', 'USDT')).map((e) => e.entryId), ['e2', 'e5', 'e6']);
    assert.equal((await store.otc.loadWalletBalances()).find((b) => b.walletId === 'w-2' && b.asset === 'USDT')?.balance, '-100.25');
    assert.throws(() => store.db.prepare("UPDATE fermata_ledger_entries SET amount = '1' WHERE entry_id = 'e1'").run(), /immutable/);
    assert.throws(() => store.db.prepare("DELETE FROM fermata_ledger_entries WHERE entry_id = 'e6'").run(), /immutable/);
  } finally {
    await store.close();
  }
});
