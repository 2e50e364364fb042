import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeContract, sampleOrder } from '@cadenza/testkit';
import { SqliteStore } from './sqlite-store.ts';

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
    s.afterCommit(() => order.push(reader.getOrder(sampleOrder().tradeOrderId) ? 'visible' : 'missing'));
    assert.equal(reader.getOrder(sampleOrder().tradeOrderId), undefined, 'not committed within the turn');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(order, ['visible']);
    assert.equal(reader.getOrder('10000000-0000-4000-8000-000000000002'), undefined, 'the failed unit was rolled back');
    let ran = false;
    s.afterCommit(() => (ran = true));
    assert.equal(ran, true, 'nothing pending: runs at once');
    s.transaction(() => s.updateOrder(sampleOrder({ status: 'FILLED' })));
    s.flush();
    assert.equal(reader.getOrder(sampleOrder().tradeOrderId)?.status, 'FILLED', 'flush commits now');
    s.close();
    reader.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

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
