import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeContract, sampleOrder } from '@cadenza/testkit';
import type { Order } from '@cadenza/domain';
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

test('a duplicate client order id still fails its transaction, and takes the other writes of that call with it', async () => {
  const s = new SqliteStore({ path: ':memory:' });
  s.transaction(() => s.insertOrder(sampleOrder()));
  const dup = sampleOrder({ tradeOrderId: '10000000-0000-4000-8000-00000000000a' });
  const balance = { tradingAccountId: dup.tradingAccountId, asset: 'USDT', free: '1', locked: '0', total: '1' } as never;
  assert.throws(() => s.transaction(() => {
    s.upsertBalance(balance);
    s.insertOrder(dup);
  }), /UNIQUE/);
  assert.equal(await s.getOrder(dup.tradeOrderId), undefined);
  assert.deepEqual(await s.loadBalances(), []);
  s.transaction(() => s.insertOrder(sampleOrder({ tradeOrderId: '10000000-0000-4000-8000-00000000000b', clientOrderId: 'c-b' })));
  assert.ok(await s.getOrder('10000000-0000-4000-8000-00000000000b'), 'the store carries on');
  await s.close();
});
