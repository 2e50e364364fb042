import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dec, str } from '../model/decimal.ts';
import type { Order } from '../model/order.ts';
import { toRpcTradeOrder } from './rpc-order.ts';

const seed = Number(process.env.FC_SEED ?? 5151);

const order = (quantityType: 'BASE' | 'QUOTE', quantity: string, executedQuantity: string, executedCost: string): Order => ({
  tradeOrderId: 't', tradingAccountId: 'a', userId: 'u', venue: 'PAPER', instrumentId: 'PAPER:BTC/USDT', symbol: 'BTC/USDT', baseAsset: 'BTC', quoteAsset: 'USDT',
  clientOrderId: 'c', orderType: 'MARKET', side: 'BUY', quantityType, quantity, timeInForce: 'GTC', status: 'PARTIALLY_FILLED',
  executedQuantity, executedCost, fees: {}, lockAsset: 'USDT', lockedAmount: '0', createdAt: 1, updatedAt: 2,
});

/** A positive decimal of `digits` at `places`. */
const decimal = fc.record({ digits: fc.bigInt({ min: 1n, max: 10n ** 15n }), places: fc.integer({ min: 0, max: 24 }) }).map(({ digits, places }) => str(dec(digits.toString()).div(dec(10).pow(places))));

describe('orders in the contract shape', () => {
  test('property: the filled share and the average price are the text Dec gives (4 places down, 12 places half up)', () => {
    fc.assert(
      fc.property(fc.constantFrom('BASE' as const, 'QUOTE' as const), decimal, decimal, decimal, fc.boolean(), (type, quantity, executed, cost, whole) => {
        // Half the cases fill the order exactly (the share is then 100).
        const o = order(type, whole ? (type === 'BASE' ? executed : cost) : quantity, executed, cost);
        const r = toRpcTradeOrder(o);
        const share = str(dec(type === 'QUOTE' ? cost : executed).mul(100).div(o.quantity).toDecimalPlaces(4, 1));
        const price = str(dec(cost).div(executed).toDecimalPlaces(12, 4));
        return r.executedPercentage === share && r.executedPrice === price;
      }),
      { seed, numRuns: 3_000 },
    );
  });

  test('an order with nothing executed shows 0 % and no price; a whole fill 100 %', () => {
    const none = toRpcTradeOrder(order('BASE', '0.5', '0', '0'));
    assert.equal(none.executedPercentage, '0');
    assert.equal(none.executedPrice, undefined);
    const all = toRpcTradeOrder(order('BASE', '0.0003', '0.0003', '19.200015'));
    assert.equal(all.executedPercentage, '100');
    assert.equal(all.executedPrice, '64000.05');
    assert.equal(toRpcTradeOrder(order('BASE', '3', '1', '2')).executedPercentage, '33.3333');
    assert.equal(toRpcTradeOrder(order('BASE', '3', '1', '2')).executedPrice, '2');
    assert.equal(toRpcTradeOrder(order('BASE', '3', '2', '1')).executedPrice, '0.5');
    assert.equal(toRpcTradeOrder(order('BASE', '3', '3', '2')).executedPrice, '0.666666666667');
  });
});
