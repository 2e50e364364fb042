import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { VenueOrder } from '@cadenza/domain';
import { buildOrderParams } from './order-params.ts';

const order = (patch: Partial<VenueOrder>): VenueOrder => ({
  tradeOrderId: 't1',
  clientOrderId: 'c-1',
  tradingAccountId: 'a1',
  instrumentId: 'BINANCE:BTC/USDT',
  symbol: 'BTC/USDT',
  side: 'BUY',
  orderType: 'LIMIT',
  timeInForce: 'GTC',
  quantityType: 'BASE',
  quantity: '0.01',
  limitPrice: '50000',
  ...patch,
});

const asMap = (r: ReturnType<typeof buildOrderParams>) => (r.ok ? Object.fromEntries(r.params) : r.reason);

describe('VenueOrder → POST /api/v3/order parameters', () => {
  test('LIMIT carries timeInForce, quantity, price and our client order id', () => {
    assert.deepEqual(asMap(buildOrderParams(order({}), 'BTCUSDT')), {
      symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '50000', newClientOrderId: 'c-1', newOrderRespType: 'FULL',
    });
  });

  test('MARKET by quote amount uses quoteOrderQty', () => {
    const m = asMap(buildOrderParams(order({ orderType: 'MARKET', quantityType: 'QUOTE', quantity: '100', limitPrice: undefined }), 'BTCUSDT'));
    assert.ok(typeof m === 'object' && m.quoteOrderQty === '100' && m.quantity === undefined && m.timeInForce === undefined);
  });

  test('stop and take-profit families map to Binance names', () => {
    const sl = asMap(buildOrderParams(order({ orderType: 'STOP_LIMIT', stopPrice: '49000', timeInForce: 'IOC' }), 'BTCUSDT'));
    assert.ok(typeof sl === 'object' && sl.type === 'STOP_LOSS_LIMIT' && sl.stopPrice === '49000' && sl.timeInForce === 'IOC');
    const stop = asMap(buildOrderParams(order({ orderType: 'STOP', stopPrice: '49000' }), 'BTCUSDT'));
    assert.ok(typeof stop === 'object' && stop.type === 'STOP_LOSS' && stop.price === undefined);
    const tp = asMap(buildOrderParams(order({ orderType: 'TAKE_PROFIT_LIMIT', stopPrice: '51000' }), 'BTCUSDT'));
    assert.ok(typeof tp === 'object' && tp.type === 'TAKE_PROFIT_LIMIT');
    const maker = asMap(buildOrderParams(order({ orderType: 'LIMIT_MAKER' }), 'BTCUSDT'));
    assert.ok(typeof maker === 'object' && maker.type === 'LIMIT_MAKER' && maker.timeInForce === undefined);
  });

  test('refusals: unsupported type or TIF, missing prices, quote quantity on limit, bad client id', () => {
    assert.match(String(asMap(buildOrderParams(order({ orderType: 'TRAILING_STOP' }), 'X'))), /not supported/);
    assert.match(String(asMap(buildOrderParams(order({ timeInForce: 'GTD' }), 'X'))), /GTD/);
    assert.match(String(asMap(buildOrderParams(order({ limitPrice: undefined }), 'X'))), /limit price/);
    assert.match(String(asMap(buildOrderParams(order({ orderType: 'STOP_LIMIT' }), 'X'))), /stop price/);
    assert.match(String(asMap(buildOrderParams(order({ quantityType: 'QUOTE' }), 'X'))), /base quantity/);
    assert.match(String(asMap(buildOrderParams(order({ clientOrderId: 'x'.repeat(37) }), 'X'))), /clientOrderId/);
  });
});
