import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeContract, sampleOrder } from '@cadenza/testkit';
import { SqliteStore } from './sqlite-store.ts';

storeContract('SqliteStore (:memory:)', () => new SqliteStore({ path: ':memory:' }));

test('a reopened file keeps committed data and does not re-run migrations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-store-'));
  try {
    const path = join(dir, 'domain.db');
    const a = new SqliteStore({ path });
    assert.equal(a.db.pragma('journal_mode', { simple: true }), 'wal');
    a.insertOrder(sampleOrder());
    a.close();
    const b = new SqliteStore({ path });
    assert.equal(b.getOrder(sampleOrder().tradeOrderId)?.clientOrderId, 'c-1');
    b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
