/**
 * @module contracts/store
 * The shared test suite every `Store` implementation must pass. Call `storeContract(name, factory)` once from
 * the implementation's own test file.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Fill, Order, Store, TradingAccount } from '@cadenza/domain';

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

function sampleFill(over: Partial<Fill> = {}): Fill {
  return {
    tradeOrderId: '10000000-0000-4000-8000-000000000001',
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

export function storeContract(name: string, open: () => Store): void {
  describe(`Store contract: ${name}`, () => {
    test('round-trips a trading account and hides deleted ones from lists', () => {
      const s = open();
      s.insertTradingAccount(sampleAccount());
      s.insertTradingAccount(sampleAccount({ tradingAccountId: '00000000-0000-4000-8000-000000000002', userId: 'user-b', createdAt: 1_001 }));
      assert.equal(s.getTradingAccount('00000000-0000-4000-8000-000000000001')?.userId, 'user-a');
      assert.equal(s.listTradingAccounts({}, { offset: 0, limit: 10 }).total, 2);
      assert.deepEqual(s.listTradingAccounts({ userId: 'user-b' }, { offset: 0, limit: 10 }).items.map((a) => a.userId), ['user-b']);
      s.updateTradingAccount(sampleAccount({ deletedAt: 5 }));
      assert.equal(s.listTradingAccounts({}, { offset: 0, limit: 10 }).total, 1);
      assert.equal(s.getTradingAccount('00000000-0000-4000-8000-000000000001')?.deletedAt, 5);
      s.close();
    });

    test('a failed transaction writes nothing', () => {
      const s = open();
      assert.throws(() =>
        s.transaction(() => {
          s.insertTradingAccount(sampleAccount());
          throw new Error('boom');
        }),
      );
      assert.equal(s.getTradingAccount('00000000-0000-4000-8000-000000000001'), undefined);
      s.close();
    });

    test('nested transactions join the outer one', () => {
      const s = open();
      s.transaction(() => {
        s.insertTradingAccount(sampleAccount());
        s.transaction(() => s.insertOrder(sampleOrder()));
      });
      assert.ok(s.getOrder('10000000-0000-4000-8000-000000000001'));
      s.close();
    });

    test('a failing nested block is undone alone; the outer transaction still commits', () => {
      const s = open();
      s.transaction(() => {
        s.insertTradingAccount(sampleAccount());
        assert.throws(() =>
          s.transaction(() => {
            s.insertOrder(sampleOrder());
            throw new Error('inner');
          }),
        );
      });
      assert.ok(s.getTradingAccount('00000000-0000-4000-8000-000000000001'));
      assert.equal(s.getOrder('10000000-0000-4000-8000-000000000001'), undefined);
      s.close();
    });

    test('orders: lookups by client and external id, open list, filters and paging', () => {
      const s = open();
      s.insertOrder(sampleOrder());
      s.insertOrder(sampleOrder({ tradeOrderId: '10000000-0000-4000-8000-000000000002', clientOrderId: 'c-2', side: 'SELL', createdAt: 2_001, idempotencyKey: 'k-2' }));
      s.updateOrder(sampleOrder({ status: 'FILLED', externalOrderId: 'x-1' }));
      assert.equal(s.findOrderByClientOrderId('00000000-0000-4000-8000-000000000001', 'c-2')?.side, 'SELL');
      assert.equal(s.findOrderByExternalOrderId('00000000-0000-4000-8000-000000000001', 'x-1')?.status, 'FILLED');
      assert.deepEqual(s.listOpenOrders().map((o) => o.clientOrderId), ['c-2']);
      const page = s.listOrders({ tradingAccountIds: ['00000000-0000-4000-8000-000000000001'] }, { offset: 0, limit: 1 });
      assert.equal(page.total, 2);
      assert.deepEqual(page.items.map((o) => o.clientOrderId), ['c-2']);
      assert.equal(s.listOrders({ side: 'BUY' }, { offset: 0, limit: 10 }).total, 1);
      assert.equal(s.listOrders({ createdFrom: 2_001 }, { offset: 0, limit: 10 }).total, 1);
      assert.equal(s.listOrders({ tradingAccountIds: [] }, { offset: 0, limit: 10 }).total, 0);
      assert.deepEqual(s.listOrderKeys().find((k) => k.clientOrderId === 'c-2')?.idempotencyKey, 'k-2');
      assert.throws(() => s.insertOrder(sampleOrder({ tradeOrderId: '10000000-0000-4000-8000-000000000003' })), 'duplicate clientOrderId per account');
      s.close();
    });

    test('fills are unique per order and tradeId', () => {
      const s = open();
      assert.equal(s.insertFill(sampleFill()), true);
      assert.equal(s.insertFill(sampleFill({ price: '999' })), false);
      assert.equal(s.insertFill(sampleFill({ tradeOrderId: '10000000-0000-4000-8000-000000000002' })), true);
      assert.deepEqual(s.listFills('10000000-0000-4000-8000-000000000001').map((f) => f.price), ['100']);
      s.close();
    });

    test('balances upsert and replace; positions upsert', () => {
      const s = open();
      const b = { balanceId: 'b1', tradingAccountId: 'a', asset: 'USDT', free: '1', locked: '0', createdAt: 1, updatedAt: 1 };
      s.upsertBalance(b);
      s.upsertBalance({ ...b, free: '2' });
      assert.deepEqual(s.listBalances('a').map((x) => x.free), ['2']);
      s.replaceBalances('a', [{ ...b, asset: 'BTC', balanceId: 'b2' }]);
      assert.deepEqual(s.listBalances('a').map((x) => x.asset), ['BTC']);
      const p = { positionId: 'p', tradingAccountId: 'a', instrumentId: 'PAPER:BTC/USDT', securitySymbol: 'BTC', quantity: '1', entryPrice: '10', realizedPnl: '0', createdAt: 1, updatedAt: 1 };
      s.upsertPosition(p);
      s.upsertPosition({ ...p, quantity: '2' });
      assert.deepEqual(s.listPositions('a').map((x) => x.quantity), ['2']);
      s.close();
    });

    test('credentials keep the ciphertext bytes and filter by ids', () => {
      const s = open();
      const c = {
        credentialId: 'c1', userId: 'u', venue: 'BINANCE', credentialType: 'API_KEY', status: 'CREATED' as const, apiKeyMasked: 'ab…yz',
        secretCiphertext: new Uint8Array([1, 2, 3]), createdAt: 1, updatedAt: 1,
      };
      s.insertCredential(c);
      s.insertCredential({ ...c, credentialId: 'c2', userId: 'v' });
      assert.deepEqual([...(s.getCredential('c1')?.secretCiphertext ?? [])], [1, 2, 3]);
      assert.deepEqual(s.listCredentials({ credentialIds: ['c2'] }, { offset: 0, limit: 10 }).items.map((x) => x.userId), ['v']);
      s.updateCredential({ ...c, status: 'REVOKED', secretCiphertext: new Uint8Array([9]) });
      assert.equal(s.listCredentials({ status: 'REVOKED' }, { offset: 0, limit: 10 }).total, 1);
      assert.deepEqual([...(s.getCredential('c1')?.secretCiphertext ?? [])], [9]);
      s.close();
    });

    test('subscriptions, operations, instruments and securities', () => {
      const s = open();
      const sub = { subscriptionId: 's1', userId: 'u', venue: 'PAPER', instrumentId: 'PAPER:BTC/USDT', subscriptionType: 'MARKET.SUBSCRIPTION.ORDERBOOK', status: 'ACTIVE' as const, createdAt: 1, updatedAt: 1 };
      s.insertSubscription(sub);
      s.insertSubscription({ ...sub, subscriptionId: 's2', subscriptionType: 'TRADING_ACCOUNT.SUBSCRIPTION.USER_DATA', tradingAccountId: 'a', instrumentId: undefined });
      assert.deepEqual(s.listSubscriptions({ subscriptionTypePrefix: 'MARKET.' }).map((x) => x.subscriptionId), ['s1']);
      s.updateSubscription({ ...sub, status: 'TERMINATED' });
      assert.equal(s.listSubscriptions({ status: 'ACTIVE' }).length, 1);
      assert.equal(s.getSubscription('s1')?.status, 'TERMINATED');

      s.appendOperation({ operationId: 'o1', tradingAccountId: 'a', timestamp: 5, operateBy: 'u', tags: [] });
      s.appendOperation({ operationId: 'o2', tradingAccountId: 'a', timestamp: 5, operateBy: 'u', tags: ['x'] });
      const ops = s.listOperations('a', { offset: 0, limit: 10 });
      assert.equal(ops.total, 2);
      assert.equal(ops.items[0]?.operationId, 'o2', 'newest first');

      const spec = {
        instrumentId: 'PAPER:BTC/USDT', venue: 'PAPER', symbol: 'BTC/USDT', externalSymbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', status: 'ACTIVE' as const,
        tickSize: '0.01', lotSize: '0.0001', minQuantity: '0.0001', maxQuantity: '100', minNotional: '5', basePrecision: 8, quotePrecision: 8,
        orderTypes: ['LIMIT'], timeInForceOptions: ['GTC'], makerFee: '0.001', takerFee: '0.001', klineIntervals: ['1m'],
      };
      s.saveInstruments([{ spec, status: 'ACTIVE', createdAt: 1, updatedAt: 1 }]);
      s.saveInstruments([{ spec, status: 'DISABLED', createdAt: 1, updatedAt: 2 }]);
      assert.deepEqual(s.listInstruments().map((i) => i.status), ['DISABLED']);
      assert.equal(s.deleteInstrument('PAPER:BTC/USDT'), true);
      assert.equal(s.listInstruments().length, 0);
      s.saveSecurities([{ securityId: 'PAPER:BTC', venue: 'PAPER', symbol: 'BTC', externalSymbol: 'BTC' }]);
      assert.equal(s.deleteSecurities(['PAPER:BTC', 'PAPER:NOPE']), 1);
      s.close();
    });
  });
}
