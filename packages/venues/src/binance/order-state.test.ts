import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMyTrades, parseOrderReport } from './http/parse.ts';
import { toVenueOrderState } from './order-state.ts';
import { fixture, fixtureObject } from '@cadenza/testkit/venue-fakes/binance';

test('the documented query answer (NEW, nothing executed) is an OPEN order without fills', () => {
  const state = toVenueOrderState(parseOrderReport(fixture('query-order')), []);
  assert.deepEqual(state, { status: 'OPEN', externalOrderId: '1', executedQuantity: '0', executedCost: '0', fills: [], updatedAt: 1499827319559 });
});

test('a partly filled order cancelled on Binance: CANCELLED with its own trades (the documented myTrades row), oldest first', () => {
  const order = { ...fixtureObject('query-order'), orderId: 100234, status: 'CANCELED', executedQty: '24.0', cummulativeQuoteQty: '96.000024', updateTime: 1499865549999 };
  const trades = parseMyTrades(fixture('my-trades'));
  const later = { ...trades[0]!, tradeId: '28458', time: trades[0]!.time + 5, isMaker: true };
  const other = { ...trades[0]!, tradeId: '1', orderId: 7 };
  const state = toVenueOrderState(parseOrderReport(order), [later, other, trades[0]!]);
  assert.equal(state.status, 'CANCELLED');
  assert.equal(state.reason, 'CANCELED');
  assert.equal(state.externalOrderId, '100234');
  assert.equal(state.executedQuantity, '24');
  assert.equal(state.executedCost, '96.000024');
  assert.equal(state.updatedAt, 1499865549999);
  assert.deepEqual(
    state.fills.map((f) => [f.tradeId, f.price, f.quantity, f.fee, f.feeAsset, f.liquidity, f.timestamp]),
    [
      ['28457', '4.000001', '12', '10.1', 'BNB', 'TAKER', 1499865549590],
      ['28458', '4.000001', '12', '10.1', 'BNB', 'MAKER', 1499865549595],
    ],
    "another order's trade is left out",
  );
});

test('statuses map to the port: FILLED, EXPIRED and EXPIRED_IN_MATCH (reason kept), REJECTED, PENDING_CANCEL still OPEN', () => {
  const status = (s: string) => toVenueOrderState(parseOrderReport({ ...fixtureObject('query-order'), status: s }), []);
  assert.equal(status('FILLED').status, 'FILLED');
  assert.equal(status('FILLED').reason, undefined);
  assert.deepEqual([status('EXPIRED').status, status('EXPIRED').reason], ['EXPIRED', 'EXPIRED']);
  assert.deepEqual([status('EXPIRED_IN_MATCH').status, status('EXPIRED_IN_MATCH').reason], ['EXPIRED', 'EXPIRED_IN_MATCH']);
  assert.equal(status('REJECTED').status, 'REJECTED');
  assert.equal(status('PENDING_CANCEL').status, 'OPEN');
  assert.equal(status('PARTIALLY_FILLED').status, 'OPEN');
});

test('a negative cummulativeQuoteQty ("data not available") leaves the executed cost out', () => {
  const state = toVenueOrderState(parseOrderReport({ ...fixtureObject('query-order'), cummulativeQuoteQty: '-1.00000000' }), []);
  assert.equal(state.executedCost, undefined);
});
