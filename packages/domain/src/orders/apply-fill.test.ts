import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Order } from '../model/order.ts';
import { applyFill, type FillReport } from './apply-fill.ts';

const order = (over: Partial<Order> = {}): Order => ({
  tradeOrderId: 'o1', tradingAccountId: 'a1', userId: 'u', venue: 'PAPER', instrumentId: 'PAPER:BTC/USDT', symbol: 'BTC/USDT',
  externalSymbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', clientOrderId: 'c1', orderType: 'LIMIT', side: 'BUY', quantityType: 'BASE',
  quantity: '1', limitPrice: '100', timeInForce: 'GTC', status: 'ACCEPTED', executedQuantity: '0', executedCost: '0', fees: {},
  lockAsset: 'USDT', lockedAmount: '100.1', createdAt: 1, updatedAt: 1, ...over,
});
const fill = (over: Partial<FillReport> = {}): FillReport => ({
  type: 'filled', tradeOrderId: 'o1', tradingAccountId: 'a1', tradeId: 't1', price: '99', quantity: '0.4', fee: '0.0004', feeAsset: 'BTC',
  liquidity: 'MAKER', timestamp: 50, ...over,
});

describe('applyFill', () => {
  test('a partial fill: amounts add up, the lock shrinks by what was paid, nothing is released yet', () => {
    const r = applyFill(order(), fill(), {}, 60, 'e1');
    assert.ok(r.ok);
    assert.deepEqual([r.next.status, r.next.executedQuantity, r.next.executedCost, r.next.lockedAmount], ['PARTIALLY_FILLED', '0.4', '39.6', '60.5']);
    assert.deepEqual(r.next.fees, { BTC: '0.0004' });
    assert.equal(r.release.toString(), '0');
    assert.deepEqual(r.deltas.map((d) => [d.asset, d.free.toString(), d.locked.toString()]).sort(), [['BTC', '0.3996', '0'], ['USDT', '0', '-39.6']]);
    assert.deepEqual([r.fill.tradeId, r.next.lastExecutionAt, r.next.updatedAt], ['t1', 50, 60]);
  });

  test('the completing fill closes the order and releases what the lock still holds', () => {
    const r = applyFill(order({ status: 'PARTIALLY_FILLED', executedQuantity: '0.4', executedCost: '39.6', lockedAmount: '60.5' }), fill({ tradeId: 't2', quantity: '0.6', price: '100', fee: '0' }), {}, 70, 'e1');
    assert.ok(r.ok);
    assert.deepEqual([r.next.status, r.next.executedQuantity, r.next.lockedAmount, r.release.toString()], ['FILLED', '1', '0', '0.5']);
  });

  test("a venue's final flag ends a QUOTE order whose amounts stop short of its quantity", () => {
    const quote = order({ orderType: 'MARKET', quantityType: 'QUOTE', quantity: '100', lockedAmount: '100.1' });
    const r = applyFill(quote, fill({ quantity: '1.01', price: '99', final: true }), {}, 70, 'e1');
    assert.ok(r.ok);
    assert.equal(r.next.status, 'FILLED');
    const open = applyFill(quote, fill({ quantity: '1.01', price: '99' }), {}, 70, 'e1');
    assert.ok(open.ok);
    assert.equal(open.next.status, 'PARTIALLY_FILLED');
  });

  test('a fill after the cancel is booked; nothing for an empty fill or a status that cannot take one', () => {
    const late = applyFill(order({ status: 'CANCELLED', lockedAmount: '0' }), fill(), {}, 80, 'e1');
    assert.ok(late.ok);
    assert.equal(late.next.status, 'CANCELLED');
    assert.deepEqual(applyFill(order(), fill({ quantity: '0' }), {}, 80, 'e1'), { ok: false, reason: 'EMPTY' });
    assert.deepEqual(applyFill(order({ status: 'REJECTED' }), fill(), {}, 80, 'e1'), { ok: false, reason: 'ILLEGAL' });
  });
});
