/**
 * The domain decides on memory loaded at start and writes through (ports/store.ts): a change that fails leaves
 * memory as it was, a restart rebuilds memory from the store, and closed orders stay in memory for a while so a
 * fill that raced the cancel is still booked.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '@cadenza/store';
import { alice, testCadenza } from '@cadenza/testkit';
import { dec, str, type Store } from '@cadenza/domain';

const BTC = 'PAPER:BTC/USDT';
const free = (t: Awaited<ReturnType<typeof testCadenza>>, id: string, asset: string) =>
  t.cadenza.portfolios.get(alice, id).balances!.find((b) => b.securitySymbol === asset)?.free;

describe('memory and store', () => {
  test('a change the store refuses leaves memory and events as they were', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    let refuse = false;
    // The store refuses the order's insert: the balance lock written before it in the same unit must not stick.
    const refusing = new Proxy(store, {
      get(target, key) {
        if (key === 'insertOrder' && refuse) return () => { throw new Error('disk full'); };
        const v = Reflect.get(target, key, target) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as Store;
    const t = await testCadenza({ store: refusing });
    const a = t.cadenza.tradingAccounts.create(alice, { venue: 'PAPER' });
    const before = t.events.events.length;
    refuse = true;
    await assert.rejects(
      t.cadenza.orders.submit(alice, { tradingAccountId: a.tradingAccountId, tradeOrder: { instrumentId: BTC, orderSide: 'BUY', orderType: 'LIMIT', quantity: '1', limitPrice: '100' } }),
      /disk full/,
    );
    assert.equal(free(t, a.tradingAccountId, 'USDT'), '100000', 'the lock was undone');
    assert.equal(t.cadenza.orders.openOrderCount(), 0);
    assert.equal(t.events.events.length, before, 'no event of the failed change went out');
    refuse = false;
    const o = await t.cadenza.orders.submit(alice, {
      tradingAccountId: a.tradingAccountId,
      tradeOrder: { instrumentId: BTC, orderSide: 'BUY', orderType: 'LIMIT', quantity: '1', limitPrice: '100' },
      idempotencyKey: 'k',
    });
    assert.equal(o.status, 'ACCEPTED', 'the next order goes through');
    assert.equal(free(t, a.tradingAccountId, 'USDT'), str100000minus(o.lockedAmount));
    await t.cadenza.stop();
  });

  test('a restart rebuilds accounts, credentials, balances, open orders and subscriptions from the store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cadenza-memory-'));
    try {
      const path = join(dir, 'domain.db');
      const t1 = await testCadenza({ store: new SqliteStore({ path }) });
      const a = t1.cadenza.tradingAccounts.create(alice, { venue: 'PAPER', nickname: 'kept' });
      const b = t1.cadenza.tradingAccounts.create(alice, { venue: 'PAPER' });
      t1.cadenza.tradingAccounts.delete(alice, b.tradingAccountId);
      const o = await t1.cadenza.orders.submit(alice, { tradingAccountId: a.tradingAccountId, tradeOrder: { instrumentId: BTC, orderSide: 'BUY', orderType: 'LIMIT', quantity: '1', limitPrice: '100' } });
      const sub = t1.cadenza.subscriptions.subscribeAccount(alice, { tradingAccountId: a.tradingAccountId, subscriptionType: 'TRADING_ACCOUNT.SUBSCRIPTION.USER_DATA' });
      await t1.cadenza.stop();
      await t1.store.close();

      const t2 = await testCadenza({ store: new SqliteStore({ path }) });
      assert.equal(t2.cadenza.accounts.find(a.tradingAccountId)?.nickname, 'kept');
      assert.equal(t2.cadenza.accounts.find(b.tradingAccountId), undefined, 'deleted accounts are not loaded');
      assert.equal(t2.cadenza.orders.hasOpenOrders(a.tradingAccountId), true);
      assert.equal(free(t2, a.tradingAccountId, 'USDT'), str100000minus(o.lockedAmount), 'the lock survived');
      assert.equal(
        t2.cadenza.subscriptions.subscribeAccount(alice, { tradingAccountId: a.tradingAccountId, subscriptionType: 'TRADING_ACCOUNT.SUBSCRIPTION.USER_DATA' }).subscriptionId,
        sub.subscriptionId,
        'the active subscription was loaded',
      );
      await t2.cadenza.stop();
      await t2.store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a fill that raced the cancel is booked while the order is held; one reported after closedOrderMemoryMs is not', async () => {
    const t = await testCadenza({ config: { closedOrderMemoryMs: 60_000 } });
    const a = t.cadenza.tradingAccounts.create(alice, { venue: 'PAPER' });
    const submit = (key: string) =>
      t.cadenza.orders.submit(alice, { tradingAccountId: a.tradingAccountId, tradeOrder: { instrumentId: BTC, orderSide: 'BUY', orderType: 'LIMIT', quantity: '1', limitPrice: '100' }, idempotencyKey: key });
    const fill = (tradeOrderId: string, tradeId: string) =>
      t.cadenza.execution.onExecution({
        type: 'filled', tradeOrderId, tradingAccountId: a.tradingAccountId, tradeId, price: '100', quantity: '0.4', fee: '0', feeAsset: 'USDT', liquidity: 'MAKER', timestamp: t.clock.now(),
      });
    const o1 = await submit('one');
    await t.cadenza.orders.cancel(alice, { tradingAccountId: a.tradingAccountId, tradeOrderId: o1.tradeOrderId });
    fill(o1.tradeOrderId, 'late-1');
    const booked = await t.cadenza.orders.get(alice, { tradeOrderId: o1.tradeOrderId });
    assert.deepEqual([booked.status, booked.executedQuantity], ['CANCELLED', '0.4']);
    assert.equal(free(t, a.tradingAccountId, 'BTC'), '1.4');

    const o2 = await submit('two');
    await t.cadenza.orders.cancel(alice, { tradingAccountId: a.tradingAccountId, tradeOrderId: o2.tradeOrderId });
    t.clock.advance(61_000);
    await submit('three'); // memory lets go of orders closed longer ago than closedOrderMemoryMs as others close
    await t.cadenza.orders.cancel(alice, { tradingAccountId: a.tradingAccountId, clientOrderId: (await submit('four')).clientOrderId });
    fill(o2.tradeOrderId, 'late-2');
    const old = await t.cadenza.orders.get(alice, { tradeOrderId: o2.tradeOrderId });
    assert.deepEqual([old.status, old.executedQuantity], ['CANCELLED', '0'], 'read from the store, unchanged');
    assert.equal(free(t, a.tradingAccountId, 'BTC'), '1.4');
    await t.cadenza.stop();
  });

  test('closedOrderLimit bounds the closed orders held; a repeat of one let go of, and look-ups by venue id, still answer', async () => {
    const t = await testCadenza({ config: { closedOrderMemoryMs: 3_600_000, closedOrderLimit: 1 } });
    const a = t.cadenza.tradingAccounts.create(alice, { venue: 'PAPER' });
    const tradingAccountId = a.tradingAccountId;
    const order = { instrumentId: BTC, orderSide: 'BUY', orderType: 'LIMIT', quantity: '1', limitPrice: '100' } as const;
    const submit = (key: string, awaitClosed = false) => t.cadenza.orders.submit(alice, { tradingAccountId, tradeOrder: order, idempotencyKey: key, ...(awaitClosed ? { awaitClosed } : {}) });
    const cancelled = async (key: string) => {
      const o = await submit(key);
      await t.cadenza.orders.cancel(alice, { tradingAccountId, tradeOrderId: o.tradeOrderId });
      return o;
    };
    const fill = (tradeOrderId: string, tradeId: string) =>
      t.cadenza.execution.onExecution({
        type: 'filled', tradeOrderId, tradingAccountId, tradeId, price: '100', quantity: '0.1', fee: '0', feeAsset: 'USDT', liquidity: 'MAKER', timestamp: t.clock.now(),
      });
    const o1 = await cancelled('one');
    const o2 = await cancelled('two');
    fill(o1.tradeOrderId, 'late-1'); // over the limit, but closed within the last minute: still held and booked
    assert.equal((await t.cadenza.orders.get(alice, { tradeOrderId: o1.tradeOrderId })).executedQuantity, '0.1');

    t.clock.advance(61_000);
    const o3 = await cancelled('three'); // the limit lets go of o1 and o2 now
    fill(o2.tradeOrderId, 'late-2');
    fill(o3.tradeOrderId, 'late-3');
    assert.equal((await t.cadenza.orders.get(alice, { tradeOrderId: o2.tradeOrderId })).executedQuantity, '0', 'let go of: not booked');
    assert.equal((await t.cadenza.orders.get(alice, { tradeOrderId: o3.tradeOrderId })).executedQuantity, '0.1', 'held: booked');

    // A repeated submit of an order memory let go of answers it from the store, as it does while held.
    for (const awaitClosed of [false, true]) {
      const again = await submit('one', awaitClosed);
      assert.deepEqual([again.tradeOrderId, again.status, again.executedQuantity], [o1.tradeOrderId, 'CANCELLED', '0.1']);
    }
    for (const o of [o1, o3]) {
      const ext = (await t.cadenza.orders.get(alice, { tradeOrderId: o.tradeOrderId })).externalOrderId;
      assert.ok(ext, 'PAPER names its orders');
      const byExt = await t.cadenza.orders.get(alice, { tradingAccountId, externalOrderId: ext });
      assert.equal(byExt.tradeOrderId, o.tradeOrderId);
    }
    await t.cadenza.stop();
  });
});

function str100000minus(locked: string): string {
  return str(dec('100000').sub(locked));
}
