/**
 * @module contracts/store
 * The shared test suite every `Store` implementation must pass (the guarantees written in
 * packages/domain/src/ports/store.ts). Call `storeContract(name, factory)` once from the implementation's own test
 * file; `open` may be async (a networked store connects first) and must give an empty store.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Fill, Order, Position, Store, TradingAccount } from '@cadenza/domain';
import { otcStoreContract } from './otc-store.contract.ts';

export function sampleAccount(over: Partial<TradingAccount> = {}): TradingAccount {
  return {
    tradingAccountId: '00000000-0000-4000-8000-000000000001',
    userId: 'user-a',
    venue: 'PAPER',
    status: 'ACTIVE',
    accountType: 'SPOT',
    credentialIds: [],
    createdAt: 1_000,
    updatedAt: 1_000,
    ...over,
  };
}

export function samplePosition(over: Partial<Position> = {}): Position {
  return {
    positionId: 'p1',
    tradingAccountId: 'a',
    instrumentId: 'PAPER:BTC/USDT',
    securitySymbol: 'BTC',
    kind: 'HOLDING',
    mode: 'NETTING',
    side: 'LONG',
    status: 'OPEN',
    quantity: '1',
    cost: '10',
    realizedPnl: '0',
    fees: '0',
    funding: '0',
    terms: { contractSize: '1', settleAsset: 'USDT', priceDecimals: 8, amountDecimals: 8 },
    createdAt: 1,
    updatedAt: 1,
    ...over,
  };
}

export function sampleOrder(over: Partial<Order> = {}): Order {
  return {
    tradeOrderId: '10000000-0000-4000-8000-000000000001',
    tradingAccountId: '00000000-0000-4000-8000-000000000001',
    userId: 'user-a',
    venue: 'PAPER',
    instrumentId: 'PAPER:BTC/USDT',
    symbol: 'BTC/USDT',
    baseAsset: 'BTC',
    quoteAsset: 'USDT',
    clientOrderId: 'c-1',
    orderType: 'LIMIT',
    side: 'BUY',
    quantityType: 'BASE',
    quantity: '0.5',
    limitPrice: '100',
    timeInForce: 'GTC',
    status: 'SUBMITTED',
    executedQuantity: '0',
    executedCost: '0',
    fees: {},
    lockAsset: 'USDT',
    lockedAmount: '50.05',
    createdAt: 2_000,
    updatedAt: 2_000,
    ...over,
  };
}

export function sampleFill(over: Partial<Fill> = {}): Fill {
  return {
    executionId: '20000000-0000-4000-8000-000000000001',
    tradeOrderId: '10000000-0000-4000-8000-000000000001',
    instrumentId: 'PAPER:BTC/USDT',
    tradingAccountId: '00000000-0000-4000-8000-000000000001',
    venue: 'PAPER',
    tradeId: 't-1',
    side: 'BUY',
    price: '100',
    quantity: '0.1',
    fee: '0.0001',
    feeAsset: 'BTC',
    liquidity: 'TAKER',
    timestamp: 3_000,
    ...over,
  };
}

export function storeContract(name: string, open: () => Store | Promise<Store>): void {
  otcStoreContract(name, open);
  const page = { offset: 0, limit: 10 };
  describe(`Store contract: ${name}`, () => {
    test('round-trips a trading account; deleted ones leave lists and the start-up load', async () => {
      const s = await open();
      s.insertTradingAccount(sampleAccount());
      s.insertTradingAccount(sampleAccount({ tradingAccountId: '00000000-0000-4000-8000-000000000002', userId: 'user-b', tenantId: 'desk-1', createdAt: 1_001 }));
      assert.equal((await s.listTradingAccounts({}, page)).total, 2);
      assert.deepEqual((await s.listTradingAccounts({ userId: 'user-b' }, page)).items.map((a) => a.userId), ['user-b']);
      assert.deepEqual((await s.listTradingAccounts({ tenantId: 'desk-1' }, page)).items.map((a) => a.userId), ['user-b']);
      assert.equal((await s.listTradingAccounts({ tenantId: 'desk-2' }, page)).total, 0);
      s.updateTradingAccount(sampleAccount({ nickname: 'renamed' }));
      assert.equal((await s.loadTradingAccounts()).find((a) => a.userId === 'user-a')?.nickname, 'renamed');
      s.updateTradingAccount(sampleAccount({ deletedAt: 5 }));
      assert.equal((await s.listTradingAccounts({}, page)).total, 1);
      assert.deepEqual((await s.loadTradingAccounts()).map((a) => a.userId), ['user-b']);
      await s.close();
    });

    test('reads see every write made before them; afterCommit and flush report durability', async () => {
      const s = await open();
      const seen: string[] = [];
      s.transaction(() => s.insertOrder(sampleOrder()));
      const read = s.getOrder(sampleOrder().tradeOrderId);
      s.afterCommit(() => seen.push('first'));
      s.afterCommit(() => seen.push('second'));
      assert.equal((await read)?.clientOrderId, 'c-1');
      await s.flush();
      assert.deepEqual(seen, ['first', 'second'], 'callbacks run in order once committed');
      let ran = false;
      await s.flush();
      s.afterCommit(() => (ran = true));
      await s.flush();
      assert.equal(ran, true);
      await s.close();
    });

    test('a failed transaction writes nothing', async () => {
      const s = await open();
      assert.throws(() =>
        s.transaction(() => {
          s.insertTradingAccount(sampleAccount());
          throw new Error('boom');
        }),
      );
      assert.deepEqual(await s.loadTradingAccounts(), []);
      await s.close();
    });

    test('nested transactions join the outer one', async () => {
      const s = await open();
      s.transaction(() => {
        s.insertTradingAccount(sampleAccount());
        s.transaction(() => s.insertOrder(sampleOrder()));
      });
      assert.ok(await s.getOrder('10000000-0000-4000-8000-000000000001'));
      await s.close();
    });

    test('a failing nested block is undone alone; the outer transaction still commits', async () => {
      const s = await open();
      s.transaction(() => {
        s.insertTradingAccount(sampleAccount());
        assert.throws(() =>
          s.transaction(() => {
            s.insertOrder(sampleOrder());
            throw new Error('inner');
          }),
        );
      });
      assert.equal((await s.loadTradingAccounts()).length, 1);
      assert.equal(await s.getOrder('10000000-0000-4000-8000-000000000001'), undefined);
      await s.close();
    });

    test('orders: lookups, the open ones and the keys at start, filters and paging', async () => {
      const s = await open();
      s.insertOrder(sampleOrder());
      s.insertOrder(sampleOrder({ tradeOrderId: '10000000-0000-4000-8000-000000000002', clientOrderId: 'c-2', side: 'SELL', createdAt: 2_001, idempotencyKey: 'k-2' }));
      s.insertOrder(sampleOrder({ tradeOrderId: '10000000-0000-4000-8000-000000000003', clientOrderId: 'c-3', createdAt: 2_002 }));
      s.updateOrder(sampleOrder({ status: 'FILLED', externalOrderId: 'x-1' }));
      assert.equal((await s.getOrder('10000000-0000-4000-8000-000000000002'))?.side, 'SELL');
      assert.equal((await s.findOrderByExternalOrderId('00000000-0000-4000-8000-000000000001', 'x-1'))?.status, 'FILLED');
      assert.equal(await s.findOrderByExternalOrderId('00000000-0000-4000-8000-000000000002', 'x-1'), undefined, 'another account');
      assert.deepEqual((await s.loadOpenOrders()).map((o) => o.clientOrderId), ['c-2', 'c-3'], 'oldest first');
      const first = await s.listOrders({ tradingAccountIds: ['00000000-0000-4000-8000-000000000001'] }, { offset: 0, limit: 1 });
      assert.equal(first.total, 3);
      assert.deepEqual(first.items.map((o) => o.clientOrderId), ['c-3'], 'newest first');
      const oldest = await s.listOrders({ ascending: true }, { offset: 1, limit: 2 });
      assert.deepEqual(oldest.items.map((o) => o.clientOrderId), ['c-2', 'c-3'], 'oldest first with ascending');
      assert.equal((await s.listOrders({ side: 'BUY' }, page)).total, 2);
      assert.equal((await s.listOrders({ createdFrom: 2_001, createdTo: 2_001 }, page)).total, 1);
      assert.equal((await s.listOrders({ status: 'FILLED' }, page)).total, 1);
      assert.equal((await s.listOrders({ tradingAccountIds: [] }, page)).total, 0);
      const keys = await s.loadOrderKeys();
      assert.equal(keys.length, 3);
      assert.equal(keys.find((k) => k.clientOrderId === 'c-2')?.idempotencyKey, 'k-2');
      await s.close();
    });

    test('fills are unique per order and tradeId', async () => {
      const s = await open();
      assert.equal(s.insertFill(sampleFill()), true);
      assert.equal(s.insertFill(sampleFill({ price: '999' })), false);
      assert.equal(s.insertFill(sampleFill({ tradeOrderId: '10000000-0000-4000-8000-000000000002' })), true);
      assert.equal(s.insertFill(sampleFill({ tradeId: 't-2', timestamp: 3_001 })), true);
      assert.deepEqual((await s.listFills('10000000-0000-4000-8000-000000000001')).map((f) => f.tradeId), ['t-1', 't-2']);
      await s.close();
    });

    test('a fill of an order inserted in the same transaction: unique within it, written with it, undone with it', async () => {
      const s = await open();
      const second = { tradeOrderId: '10000000-0000-4000-8000-000000000002', clientOrderId: 'c-2' };
      s.transaction(() => {
        s.insertOrder(sampleOrder({ status: 'FILLED' }));
        s.transaction(() => assert.equal(s.insertFill(sampleFill()), true));
        assert.equal(s.insertFill(sampleFill({ price: '999' })), false, 'a repeat within the transaction');
      });
      assert.throws(() => s.transaction(() => {
        s.insertOrder(sampleOrder({ ...second, status: 'FILLED' }));
        assert.equal(s.insertFill(sampleFill({ tradeOrderId: second.tradeOrderId })), true);
        throw new Error('the unit fails');
      }));
      await s.flush();
      assert.equal(s.insertFill(sampleFill()), false, 'a repeat after the transaction');
      assert.deepEqual((await s.listFills(sampleOrder().tradeOrderId)).map((f) => f.price), ['100']);
      assert.deepEqual(await s.listFills(second.tradeOrderId), [], 'the failed unit wrote no fill');
      assert.equal(await s.getOrder(second.tradeOrderId), undefined);
      assert.equal(s.insertFill(sampleFill({ tradeOrderId: second.tradeOrderId })), true, 'nor remembered one');
      await s.close();
    });

    test('executions list by account, order, instrument and time, newest first unless ascending, paged', async () => {
      const s = await open();
      const a1 = '00000000-0000-4000-8000-000000000001';
      const a2 = '00000000-0000-4000-8000-000000000002';
      s.insertFill(sampleFill({ tradeId: 't-1', timestamp: 1_000 }));
      s.insertFill(sampleFill({ tradeId: 't-2', timestamp: 2_000, instrumentId: 'PAPER:ETH/USDT', tradeOrderId: '10000000-0000-4000-8000-000000000002' }));
      s.insertFill(sampleFill({ tradeId: 't-3', timestamp: 3_000 }));
      s.insertFill(sampleFill({ tradeId: 't-4', timestamp: 3_000, tradingAccountId: a2 }));
      await s.flush();
      const page = { offset: 0, limit: 50 };
      const ids = async (f: Parameters<Store['listExecutions']>[0], p = page) => (await s.listExecutions(f, p)).items.map((x) => x.tradeId);
      assert.deepEqual(await ids({ tradingAccountIds: [a1] }), ['t-3', 't-2', 't-1']);
      assert.deepEqual(await ids({ tradingAccountIds: [a1], ascending: true }), ['t-1', 't-2', 't-3']);
      assert.deepEqual(await ids({ tradingAccountIds: [a1], instrumentId: 'PAPER:BTC/USDT' }), ['t-3', 't-1']);
      assert.deepEqual(await ids({ tradeOrderId: '10000000-0000-4000-8000-000000000002' }), ['t-2']);
      assert.deepEqual(await ids({ executedFrom: 2_000, executedTo: 3_000, ascending: true }), ['t-2', 't-3', 't-4']);
      assert.deepEqual(await ids({ tradingAccountIds: [] }), []);
      const second = await s.listExecutions({ tradingAccountIds: [a1, a2] }, { offset: 1, limit: 2 });
      assert.equal(second.total, 4);
      assert.equal(second.items.length, 2);
      const one = (await s.listExecutions({ tradingAccountIds: [a2] }, page)).items[0]!;
      assert.equal(one.executionId, '20000000-0000-4000-8000-000000000001');
      assert.equal(one.instrumentId, 'PAPER:BTC/USDT');
      await s.close();
    });

    test('orders list by order list, oldest first when ascending', async () => {
      const s = await open();
      const list = '30000000-0000-4000-8000-000000000001';
      s.insertOrder(sampleOrder({ orderListId: list, contingencyType: 'OTO', orderListRole: 'ENTRY' }));
      s.insertOrder(sampleOrder({ tradeOrderId: '10000000-0000-4000-8000-000000000002', clientOrderId: 'c-2', createdAt: 2_001, orderListId: list, orderListRole: 'TAKE_PROFIT', status: 'CREATED' }));
      s.insertOrder(sampleOrder({ tradeOrderId: '10000000-0000-4000-8000-000000000003', clientOrderId: 'c-3', createdAt: 2_002 }));
      s.updateOrder(sampleOrder({ orderListId: list, contingencyType: 'OTO', orderListRole: 'ENTRY', externalOrderListId: 'x-list' }));
      await s.flush();
      const page = { offset: 0, limit: 50 };
      assert.deepEqual((await s.listOrders({ orderListId: list, ascending: true }, page)).items.map((o) => o.clientOrderId), ['c-1', 'c-2']);
      assert.deepEqual((await s.listOrders({ orderListId: list }, page)).items.map((o) => o.clientOrderId), ['c-2', 'c-1']);
      assert.deepEqual((await s.listOrders({ externalOrderListId: 'x-list' }, page)).items.map((o) => o.clientOrderId), ['c-1']);
      assert.equal((await s.listOrders({ orderListId: '30000000-0000-4000-8000-000000000009' }, page)).total, 0);
      await s.close();
    });

    test('balances upsert and replace; both load for every account', async () => {
      const s = await open();
      const b = { balanceId: 'b1', tradingAccountId: 'a', asset: 'USDT', free: '1', locked: '0', createdAt: 1, updatedAt: 1 };
      s.upsertBalance(b);
      s.upsertBalance({ ...b, free: '2' });
      s.upsertBalance({ ...b, balanceId: 'b3', tradingAccountId: 'z' });
      assert.deepEqual((await s.loadBalances()).map((x) => `${x.tradingAccountId}:${x.asset}:${x.free}`).sort(), ['a:USDT:2', 'z:USDT:1']);
      s.replaceBalances('a', [{ ...b, asset: 'BTC', balanceId: 'b2' }]);
      assert.deepEqual((await s.loadBalances()).map((x) => `${x.tradingAccountId}:${x.asset}`).sort(), ['a:BTC', 'z:USDT']);
      await s.close();
    });

    test('positions: upserted by id; load gives every open one and the latest of each flat slot, open ones last', async () => {
      const s = await open();
      const p = samplePosition();
      s.upsertPosition(p);
      s.upsertPosition({ ...p, quantity: '2', updatedAt: 2 });
      assert.deepEqual((await s.loadPositions()).map((x) => `${x.positionId}:${x.quantity}`), ['p1:2']);
      // The NET slot closes and reopens (a new id: the closed one is history now); a HEDGE account keeps a LONG and a
      // SHORT side by side.
      s.upsertPosition({ ...p, status: 'CLOSED', quantity: '0', updatedAt: 3, closedAt: 3 });
      s.upsertPosition({ ...p, positionId: 'p2', side: 'SHORT', quantity: '1', updatedAt: 4 });
      const hedge = { ...p, tradingAccountId: 'h', instrumentId: 'PAPER:BTC-PERP', kind: 'DERIVATIVE' as const, mode: 'HEDGE' as const };
      s.upsertPosition({ ...hedge, positionId: 'h-long', updatedAt: 5 });
      s.upsertPosition({ ...hedge, positionId: 'h-short', side: 'SHORT', updatedAt: 6 });
      // A slot that went flat twice keeps only its latest closed position in the load: the one opened last.
      s.upsertPosition({ ...p, tradingAccountId: 'z', positionId: 'z1', status: 'CLOSED', quantity: '0', createdAt: 7, updatedAt: 7 });
      s.upsertPosition({ ...p, tradingAccountId: 'z', positionId: 'z2', status: 'CLOSED', quantity: '0', createdAt: 8, updatedAt: 8 });
      // A row written again under its id takes the new state whatever the stored one was (closed → open here).
      s.upsertPosition({ ...p, tradingAccountId: 'r', positionId: 'r1', status: 'CLOSED', quantity: '0', updatedAt: 9 });
      s.upsertPosition({ ...p, tradingAccountId: 'r', positionId: 'r1', quantity: '3', updatedAt: 10 });
      s.upsertPosition({ ...p, tradingAccountId: 'r', positionId: 'r1', quantity: '4', updatedAt: 11 });
      assert.deepEqual(
        (await s.loadPositions()).map((x) => `${x.positionId}:${x.status}:${x.quantity}`),
        ['z2:CLOSED:0', 'p2:OPEN:1', 'h-long:OPEN:1', 'h-short:OPEN:1', 'r1:OPEN:4'],
      );
      await s.close();
    });

    test('credentials keep the ciphertext bytes and filter by ids', async () => {
      const s = await open();
      const c = {
        credentialId: 'c1', userId: 'u', venue: 'BINANCE', credentialType: 'API_KEY', status: 'CREATED' as const, apiKeyMasked: 'ab…yz',
        secretCiphertext: new Uint8Array([1, 2, 3]), createdAt: 1, updatedAt: 1,
      };
      s.insertCredential(c);
      s.insertCredential({ ...c, credentialId: 'c2', userId: 'v' });
      const byId = async (id: string) => (await s.loadCredentials()).find((x) => x.credentialId === id);
      assert.deepEqual([...((await byId('c1'))?.secretCiphertext ?? [])], [1, 2, 3]);
      assert.deepEqual((await s.listCredentials({ credentialIds: ['c2'] }, page)).items.map((x) => x.userId), ['v']);
      s.updateCredential({ ...c, status: 'REVOKED', secretCiphertext: new Uint8Array([9]) });
      assert.equal((await s.listCredentials({ status: 'REVOKED' }, page)).total, 1);
      assert.deepEqual([...((await byId('c1'))?.secretCiphertext ?? [])], [9]);
      await s.close();
    });

    test('subscriptions, operations, instruments and securities', async () => {
      const s = await open();
      const sub = { subscriptionId: 's1', userId: 'u', venue: 'PAPER', instrumentId: 'PAPER:BTC/USDT', subscriptionType: 'MARKET.SUBSCRIPTION.ORDERBOOK', status: 'ACTIVE' as const, createdAt: 1, updatedAt: 1 };
      s.insertSubscription(sub);
      s.insertSubscription({ ...sub, subscriptionId: 's2', subscriptionType: 'TRADING_ACCOUNT.SUBSCRIPTION.USER_DATA', tradingAccountId: 'a', instrumentId: undefined });
      assert.deepEqual((await s.listSubscriptions({ subscriptionTypePrefix: 'MARKET.' })).map((x) => x.subscriptionId), ['s1']);
      s.updateSubscription({ ...sub, status: 'TERMINATED' });
      assert.equal((await s.listSubscriptions({ status: 'ACTIVE' })).length, 1);
      assert.deepEqual((await s.listSubscriptions({ status: 'TERMINATED' })).map((x) => x.subscriptionId), ['s1']);
      assert.deepEqual((await s.loadSubscriptions()).map((x) => x.subscriptionId), ['s2'], 'the start-up load leaves TERMINATED out');

      s.appendOperation({ operationId: 'o1', tradingAccountId: 'a', timestamp: 5, operateBy: 'u', tags: [] });
      s.appendOperation({ operationId: 'o2', tradingAccountId: 'a', timestamp: 5, operateBy: 'u', tags: ['x'] });
      const ops = await s.listOperations('a', page);
      assert.equal(ops.total, 2);
      assert.equal(ops.items[0]?.operationId, 'o2', 'newest first');

      const spec = {
        instrumentId: 'PAPER:BTC/USDT', venue: 'PAPER', symbol: 'BTC/USDT', externalSymbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', status: 'ACTIVE' as const,
        tickSize: '0.01', lotSize: '0.0001', minQuantity: '0.0001', maxQuantity: '100', minNotional: '5', basePrecision: 8, quotePrecision: 8,
        orderTypes: ['LIMIT'], timeInForceOptions: ['GTC'], makerFee: '0.001', takerFee: '0.001', klineIntervals: ['1m'],
      };
      s.saveInstruments([{ spec, status: 'ACTIVE', createdAt: 1, updatedAt: 1 }]);
      s.saveInstruments([{ spec, status: 'DISABLED', createdAt: 1, updatedAt: 2 }]);
      assert.deepEqual((await s.loadInstruments()).map((i) => i.status), ['DISABLED']);
      assert.equal(s.deleteInstrument('PAPER:BTC/USDT'), true);
      assert.equal(s.deleteInstrument('PAPER:BTC/USDT'), false);
      assert.equal((await s.loadInstruments()).length, 0);
      s.saveSecurities([{ securityId: 'PAPER:BTC', venue: 'PAPER', symbol: 'BTC', externalSymbol: 'BTC' }]);
      assert.deepEqual((await s.loadSecurities()).map((x) => x.securityId), ['PAPER:BTC']);
      assert.equal(s.deleteSecurities(['PAPER:BTC', 'PAPER:NOPE']), 1);
      await s.close();
    });
  });
}
