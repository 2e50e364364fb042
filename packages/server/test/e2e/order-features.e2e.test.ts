/**
 * The order features this server adds to the contract (docs/extensions.md), through the real server and the official
 * centrifuge client with its default options (5 s RPC timeout).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dec } from '@cadenza/domain';
import { harness, type Harness, type Client } from './rpc-harness.ts';

const h: Harness = await harness();
const trader: Client = await h.user('features');
const BTC = 'PAPER:BTC/USDT';

async function paperAccount(): Promise<string> {
  return (await trader.ok('command.trading_account.create', { tradingAccount: { venue: 'PAPER' } })).tradingAccountId;
}

test('awaitClosed on an order that does not close answers its current state before the client\'s default 5 s timeout', async () => {
  const id = await paperAccount();
  const started = performance.now();
  // The client's own timeout is the default (5 s): were the server to hold the reply longer, this rejects.
  const order = await trader.ok('command.trade_order.submit', {
    tradingAccountId: id,
    tradeOrder: { instrumentId: BTC, orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.001', limitPrice: '10000' },
    idempotencyKey: 'await-1',
    awaitClosed: true,
  });
  assert.equal(order.status, 'ACCEPTED');
  assert.ok(performance.now() - started >= 2_900, 'the server held the reply for its awaitClosed window');
  const again = await trader.ok('command.trade_order.submit', {
    tradingAccountId: id,
    tradeOrder: { instrumentId: BTC, orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.001', limitPrice: '10000' },
    idempotencyKey: 'await-1',
    awaitClosed: true,
  });
  assert.equal(again.tradeOrderId, order.tradeOrderId, 'waiting longer: the same key returns the same order and waits again');
});

test('fills: every execution is recorded and listed by account, order, instrument and time', async () => {
  const id = await paperAccount();
  const order = await trader.ok('command.trade_order.submit', {
    tradingAccountId: id,
    tradeOrder: { instrumentId: BTC, orderSide: 'BUY', orderType: 'MARKET', quantity: '0.05' },
    awaitClosed: true,
  });
  assert.equal(order.status, 'FILLED');
  const r = await trader.rpc('query.trade_order.execution.list', { tradingAccountId: id, instrumentId: BTC, pagination: { limit: 100 } });
  assert.equal(r.error, undefined);
  const fills = r.data as any[];
  assert.ok(fills.length >= 1);
  assert.equal(r.pagination.total, fills.length);
  assert.ok(fills.every((f) => f.tradeOrderId === order.tradeOrderId && f.instrumentId === BTC && f.orderSide === 'BUY'));
  assert.equal(fills.reduce((s, f) => s.add(f.executedQuantity), dec(0)).toString(), dec(order.executedQuantity).toString(), 'the fills add up to the order');
  assert.equal(fills.reduce((s, f) => s.add(f.executedCost), dec(0)).toString(), dec(order.executedCost).toString());
  assert.equal(new Set(fills.map((f) => f.executionId)).size, fills.length);
  const at = fills[0].executedAt;
  assert.equal((await trader.ok('query.trade_order.execution.list', { tradingAccountId: id, startTime: new Date(Date.parse(at) + 1).toISOString() })).length, 0);
  const stranger = await h.user('stranger');
  assert.equal((await stranger.rpc('query.trade_order.execution.list', { tradingAccountId: id })).error?.code, 12001);
  assert.deepEqual(await stranger.ok('query.trade_order.execution.list', {}), []);
});
