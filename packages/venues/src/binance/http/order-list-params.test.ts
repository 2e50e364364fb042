import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VenueOrder, VenueOrderList } from '@cadenza/domain';
import { buildOrderListParams } from './order-list-params.ts';

const leg = (role: VenueOrderList['legs'][number]['role'], o: Partial<VenueOrder>): VenueOrderList['legs'][number] => ({
  tradeOrderId: `t-${role}`, clientOrderId: `c-${role}`, tradingAccountId: 'a', instrumentId: 'BINANCE:BTC/USDT', symbol: 'BTC/USDT',
  side: 'BUY', orderType: 'LIMIT', timeInForce: 'GTC', quantityType: 'BASE', quantity: '0.01', role, ...o,
});
const list = (contingencyType: VenueOrderList['contingencyType'], legs: VenueOrderList['legs']): VenueOrderList => ({ orderListId: '0193-ab', contingencyType, tradingAccountId: 'a', symbol: 'BTC/USDT', legs });
const params = (l: VenueOrderList) => {
  const r = buildOrderListParams(l, 'BTCUSDT');
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return { path: r.path, ...Object.fromEntries(r.params) };
};

test('a BUY OCO puts the stop-loss above and the take-profit (post-only) below', () => {
  const p = params(list('OCO', [leg('TAKE_PROFIT', { limitPrice: '60000' }), leg('STOP_LOSS', { orderType: 'STOP_LOSS', stopPrice: '70000' })]));
  assert.deepEqual(p, {
    path: '/api/v3/orderList/oco', symbol: 'BTCUSDT', listClientOrderId: '0193ab', side: 'BUY', quantity: '0.01',
    aboveType: 'STOP_LOSS', aboveStopPrice: '70000', aboveClientOrderId: 'c-STOP_LOSS', belowType: 'LIMIT_MAKER', belowPrice: '60000', belowClientOrderId: 'c-TAKE_PROFIT', newOrderRespType: 'FULL',
  });
});

test('an OTO: the LIMIT entry works, its one exit is pending (a take-profit stays LIMIT there)', () => {
  const p = params(list('OTO', [leg('ENTRY', { limitPrice: '60000' }), leg('TAKE_PROFIT', { side: 'SELL', limitPrice: '65000', timeInForce: 'IOC' })]));
  assert.deepEqual(p, {
    path: '/api/v3/orderList/oto', symbol: 'BTCUSDT', listClientOrderId: '0193ab',
    workingType: 'LIMIT', workingPrice: '60000', workingTimeInForce: 'GTC', workingSide: 'BUY', workingClientOrderId: 'c-ENTRY', workingQuantity: '0.01',
    pendingType: 'LIMIT', pendingPrice: '65000', pendingTimeInForce: 'IOC', pendingClientOrderId: 'c-TAKE_PROFIT', pendingSide: 'SELL', pendingQuantity: '0.01', newOrderRespType: 'FULL',
  });
});

test('what Binance would refuse is refused before sending', () => {
  const refusal = (l: VenueOrderList) => {
    const r = buildOrderListParams(l, 'BTCUSDT');
    return r.ok ? 'sent' : r.reason;
  };
  assert.match(refusal(list('OTO', [leg('ENTRY', { orderType: 'MARKET' }), leg('STOP_LOSS', { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: '1' })])), /LIMIT or LIMIT_MAKER/);
  assert.match(refusal(list('OCO', [leg('TAKE_PROFIT', { limitPrice: '1' }), leg('STOP_LOSS', { orderType: 'STOP_LOSS', stopPrice: '2', quantity: '0.02' })])), /share their side and quantity/);
  assert.match(refusal(list('OCO', [leg('TAKE_PROFIT', { limitPrice: '1', timeInForce: 'GTX' }), leg('STOP_LOSS', { orderType: 'STOP_LOSS_LIMIT', stopPrice: '2', limitPrice: '2', timeInForce: 'GTX' })])), /time in force GTX/);
  assert.match(refusal(list('OCO', [leg('TAKE_PROFIT', { limitPrice: '1', quantityType: 'QUOTE' }), leg('STOP_LOSS', { orderType: 'STOP_LOSS', stopPrice: '2', quantityType: 'QUOTE' })])), /base quantity/);
});
