import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScriptedVenue, alice, bob, admin, testCadenza, type TestCadenza } from '@cadenza/testkit';
import { DomainError, toRpcTradeExecution } from '@cadenza/domain';

const BTC = 'PAPER:BTC/USDT';
const page = { offset: 0, limit: 50 };

test('every fill is recorded as an execution; the query filters by account, order, instrument and time, pages, and shows only the caller\'s', async () => {
  let clockOf: TestCadenza | undefined;
  const t = (clockOf = await testCadenza({ venues: [new ScriptedVenue({ now: () => clockOf!.clock.now() })] }));
  const a = await t.cadenza.tradingAccounts.create(alice, { venue: 'PAPER', nickname: 'a' });
  const b = await t.cadenza.tradingAccounts.create(bob, { venue: 'PAPER', nickname: 'b' });
  const rest = await t.cadenza.orders.submit(alice, { tradingAccountId: a.tradingAccountId, tradeOrder: { instrumentId: BTC, orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '40000' } });
  t.venue.fillResting(rest.tradeOrderId, '0.004');
  t.clock.advance(1_000);
  t.venue.fillResting(rest.tradeOrderId, '0.006');
  t.clock.advance(1_000);
  await t.cadenza.orders.submit(alice, { tradingAccountId: a.tradingAccountId, tradeOrder: { instrumentId: 'PAPER:ETH/USDT', orderSide: 'BUY', orderType: 'MARKET', quantity: '0.1' }, awaitClosed: true });
  await t.cadenza.orders.submit(bob, { tradingAccountId: b.tradingAccountId, tradeOrder: { instrumentId: BTC, orderSide: 'BUY', orderType: 'MARKET', quantity: '0.01' }, awaitClosed: true });
  await t.cadenza.durable();

  const mine = await t.cadenza.orders.executions(alice, {}, page);
  assert.equal(mine.total, 3, 'two fills of the limit order and one of the market order; none of bob\'s');
  assert.deepEqual(mine.items.map((f) => f.instrumentId), ['PAPER:ETH/USDT', BTC, BTC], 'newest first');
  const first = mine.items[2]!;
  assert.equal(first.tradeOrderId, rest.tradeOrderId);
  assert.equal(first.quantity, '0.004');
  const rpc = toRpcTradeExecution(first);
  assert.equal(rpc.executedCost, '160', '40000 × 0.004');
  assert.match(rpc.executionId, /^[0-9a-f-]{36}$/);
  assert.equal(rpc.executedAt, new Date(first.timestamp).toISOString());
  assert.deepEqual((await t.cadenza.orders.executions(alice, { instrumentId: BTC, ascending: true }, page)).items.map((f) => f.quantity), ['0.004', '0.006']);
  assert.equal((await t.cadenza.orders.executions(alice, { tradeOrderId: rest.tradeOrderId }, page)).total, 2);
  const from = new Date(first.timestamp + 1).toISOString();
  assert.equal((await t.cadenza.orders.executions(alice, { startTime: from }, page)).total, 2);
  assert.equal((await t.cadenza.orders.executions(alice, { endTime: new Date(first.timestamp).toISOString() }, page)).total, 1);
  const paged = await t.cadenza.orders.executions(alice, {}, { offset: 1, limit: 1 });
  assert.equal(paged.total, 3);
  assert.equal(paged.items.length, 1);
  assert.equal((await t.cadenza.orders.executions(admin, {}, page)).total, 4, 'an admin sees everyone\'s');
  await assert.rejects(t.cadenza.orders.executions(bob, { tradingAccountId: a.tradingAccountId }, page), (e: unknown) => e instanceof DomainError && e.code === 12001);
});

test("a fill's amounts are written as its order writes them: a venue's fixed-scale text loses its trailing zeros", () => {
  const fill = {
    executionId: '00000000-0000-4000-8000-000000000001', tradeOrderId: '00000000-0000-4000-8000-000000000002', instrumentId: BTC,
    tradingAccountId: '00000000-0000-4000-8000-000000000003', venue: 'PAPER', tradeId: 'BTCUSDT-1', side: 'SELL' as const,
    price: '64266.50', quantity: '0.03000', fee: '1.54239600', feeAsset: 'USDT', liquidity: 'MAKER' as const, timestamp: 1_764_612_000_000,
  };
  const rpc = toRpcTradeExecution(fill);
  assert.equal(rpc.executedQuantity, '0.03');
  assert.equal(rpc.executedPrice, '64266.5');
  assert.deepEqual(rpc.fees, [{ asset: 'USDT', quantity: '1.542396' }]);
  assert.equal(rpc.executedCost, '1927.995');
  const whole = toRpcTradeExecution({ ...fill, price: '64266.00', quantity: '1.00000', fee: '100' });
  assert.deepEqual([whole.executedPrice, whole.executedQuantity, whole.fees![0]!.quantity], ['64266', '1', '100']);
});
