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

test('an order inserted and moved on within one transaction is written once, in its last state', () => {
  const s = new SqliteStore({ path: ':memory:' });
  s.transaction(() => {
    s.insertOrder(sampleOrder({ status: 'SUBMITTED' }));
    assert.equal(s.getOrder(sampleOrder().tradeOrderId)?.status, 'SUBMITTED', 'a pending order is visible to point lookups');
    s.transaction(() => s.updateOrder(sampleOrder({ status: 'ACCEPTED', externalOrderId: 'x-1' })));
    assert.equal(s.findOrderByExternalOrderId(sampleOrder().tradingAccountId, 'x-1')?.status, 'ACCEPTED');
    assert.equal((s.db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n, 0, 'nothing written before the call ends');
  });
  const rows = s.db.prepare('SELECT status, external_order_id, is_open FROM orders').all();
  assert.deepEqual(rows, [{ status: 'ACCEPTED', external_order_id: 'x-1', is_open: 1 }]);
  assert.equal(s.findOrderByClientOrderId(sampleOrder().tradingAccountId, sampleOrder().clientOrderId)?.status, 'ACCEPTED');
  s.close();
});

test('a failing nested block restores the pending order as it was; a failing outer block leaves no row', () => {
  const s = new SqliteStore({ path: ':memory:', groupCommit: true });
  const id = sampleOrder().tradeOrderId;
  s.transaction(() => {
    s.insertOrder(sampleOrder({ status: 'SUBMITTED' }));
    assert.throws(() => s.transaction(() => {
      s.updateOrder(sampleOrder({ status: 'FILLED' }));
      throw new Error('inner fails');
    }));
    assert.equal(s.getOrder(id)?.status, 'SUBMITTED');
    s.transaction(() => s.updateOrder(sampleOrder({ status: 'ACCEPTED' })));
  });
  assert.equal(s.getOrder(id)?.status, 'ACCEPTED');
  const second = sampleOrder({ tradeOrderId: '10000000-0000-4000-8000-000000000009', clientOrderId: 'c-9' });
  assert.throws(() => s.transaction(() => {
    s.insertOrder(second);
    s.updateOrder({ ...second, status: 'ACCEPTED' });
    throw new Error('outer fails');
  }));
  assert.equal(s.getOrder(second.tradeOrderId), undefined);
  s.flush();
  assert.equal((s.db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n, 1);
  s.close();
});

test('a duplicate client order id still fails its transaction, and takes the other writes of that call with it', () => {
  const s = new SqliteStore({ path: ':memory:' });
  s.transaction(() => s.insertOrder(sampleOrder()));
  const dup = sampleOrder({ tradeOrderId: '10000000-0000-4000-8000-00000000000a' });
  const balance = { tradingAccountId: dup.tradingAccountId, asset: 'USDT', free: '1', locked: '0', total: '1' } as never;
  assert.throws(() => s.transaction(() => {
    s.upsertBalance(balance);
    s.insertOrder(dup);
  }), /UNIQUE/);
  assert.equal(s.getOrder(dup.tradeOrderId), undefined);
  assert.deepEqual(s.listBalances(dup.tradingAccountId), []);
  s.transaction(() => s.insertOrder(sampleOrder({ tradeOrderId: '10000000-0000-4000-8000-00000000000b', clientOrderId: 'c-b' })));
  assert.ok(s.getOrder('10000000-0000-4000-8000-00000000000b'), 'the store carries on');
  s.close();
});
