import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createValidator } from '../src/validation.ts';
import { ValidationError } from '../src/errors.ts';

const v = createValidator();

test('accepts contract-shaped params and tolerates unknown fields', () => {
  v.params('query.instrument.list', { venue: 'PAPER', limit: 10, somethingNew: true });
  v.params('command.trade_order.submit', {
    tradingAccountId: '0b9b2f4e-3f2a-4b8e-9d6a-2a1f4c1e9f00',
    tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '100', timeInForce: 'GTC' },
  });
});

test('refuses wrong enums, types, formats and missing required fields with readable issues', () => {
  assert.throws(
    () => v.params('query.instrument.list', { venue: 'NASDAQ', limit: 'ten' }),
    (e: unknown) => e instanceof ValidationError && e.direction === 'params' && e.issues.some((i) => i.startsWith('/venue')) && e.issues.some((i) => i.startsWith('/limit')),
  );
  assert.throws(() => v.params('command.trade_order.cancel', { tradeOrderId: 'x' }), /must have required property 'tradingAccountId'/);
  assert.throws(() => v.params('query.portfolio.get', { tradingAccountId: 'not-a-uuid' }), /must match format "uuid"/);
});

test('checks result envelopes and market payloads', () => {
  v.result('query.venue.list', { data: ['PAPER', 'MOCK'] });
  assert.throws(() => v.result('query.venue.list', { data: ['MARS'] }), (e: unknown) => e instanceof ValidationError && e.direction === 'result');
  v.model('OrderBook', { updateType: 'SNAPSHOT', instrumentId: 'PAPER:BTC/USDT', venue: 'PAPER', symbol: 'BTC/USDT', orderBookType: 'L2', columns: ['price', 'quantity'], bids: [['1', '2']], asks: [], timestamp: 1 });
  assert.throws(() => v.model('OrderBook', { updateType: 'SNAPSHOT', venue: 'PAPER', symbol: 'BTC/USDT', orderBookType: 'L2', columns: [], bids: [['1']], asks: [], timestamp: 1 }), /fewer than 2 items/);
});

test('what the client receives must carry the fields the server always sends; what it sends need not', () => {
  const order = { tradeOrderId: '7d7f7b0e-0f7c-4e43-9a4a-1c2b3d4e5f60', instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'MARKET', quantity: '0.01' };
  // A draft in params: the contract leaves every RpcTradeOrder field optional.
  v.params('command.trade_order.submit', { tradingAccountId: '0b9b2f4e-3f2a-4b8e-9d6a-2a1f4c1e9f00', tradeOrder: order });
  // The same order as a result lacks status, createdAt…, which Received.RpcTradeOrder promises.
  assert.throws(
    () => v.result('query.trade_order.get', { data: order }),
    (e: unknown) => e instanceof ValidationError && e.issues.some((i) => /required property 'status'/.test(i)),
  );
});

test('methods without a schema pass through', () => {
  v.params('command.subscription.mc.create', { anything: 1 });
});

test('the OTC methods are checked with the schemas the server decided', () => {
  v.params('command.quote.rfq', { dealerAccountId: '0b9b2f4e-3f2a-4b8e-9d6a-2a1f4c1e9f00', orderSide: 'BUY', quantity: '0.5' });
  assert.throws(() => v.params('command.quote.rfq', { orderSide: 'BUY' }), (e: unknown) => e instanceof ValidationError && e.issues.some((i) => /dealerAccountId/.test(i)));
});
