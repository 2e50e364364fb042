import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RpcInstrument } from '@cadenza/client';
import { checkTicket, nudge, snap, ticketTypes, timesInForce } from '../src/trading/ticket-rules.ts';
import { addDecimal, fixed, multiplyDecimal, roundToStep } from '../src/ui/decimal.ts';

const btc: RpcInstrument = {
  instrumentId: 'PAPER:BTC/USDT', venue: 'PAPER', symbol: 'BTC/USDT', baseAsset: 'BTC', quoteAsset: 'USDT',
  lotSize: '0.00001', pipSize: '0.01', minQuantity: '0.00001', maxQuantity: '9000', minNotional: '5',
  orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP', 'STOP_LIMIT'], timeInForceOptions: ['GTC', 'IOC', 'FOK', 'GTD'],
};
const limit = { type: 'LIMIT' as const, quantity: '0.01', price: '60000.00', stop: '', tif: 'GTC' as const };

test('decimals: exact sums, products and rounding to a step, no floats', () => {
  assert.equal(addDecimal('0.1', '0.2'), '0.3');
  assert.equal(addDecimal('64251.93', '-0.01'), '64251.92');
  assert.equal(multiplyDecimal('0.01', '64251.93'), '642.5193');
  assert.equal(roundToStep('0.123456', '0.00001', 'down'), '0.12345');
  assert.equal(roundToStep('64251.935', '0.01', 'nearest'), '64251.94');
  assert.equal(roundToStep('64251.934', '0.01', 'nearest'), '64251.93');
  assert.equal(roundToStep('12.5', '0.5', 'nearest'), '12.5');
  assert.equal(roundToStep('7', '5', 'down'), '5');
  assert.equal(fixed('1.5', 3), '1.500');
  assert.equal(fixed('1.23456', 2), '1.23');
});

test('a well-formed limit order passes and its value is exact', () => {
  const c = checkTicket(btc, limit);
  assert.deepEqual(c.errors, {});
  assert.equal(c.notional, '600.0000');
});

test('quantity off the lot, below the minimum or not a number is explained', () => {
  assert.match(checkTicket(btc, { ...limit, quantity: '0.000001' }).errors.quantity!, /multiple of 0.00001/);
  assert.match(checkTicket(btc, { ...limit, quantity: '' }).errors.quantity!, /Enter a quantity/);
  assert.match(checkTicket(btc, { ...limit, quantity: '1e-3' }).errors.quantity!, /positive number/);
  assert.match(checkTicket(btc, { ...limit, quantity: '-1' }).errors.quantity!, /positive number/);
  assert.match(checkTicket(btc, { ...limit, quantity: '10000' }).errors.quantity!, /Maximum quantity is 9000 BTC/);
  assert.match(checkTicket(btc, { ...limit, quantity: '0.00001', price: '100.00' }).errors.quantity!, /less than the minimum 5 USDT/);
});

test('prices off the tick are refused; stop orders need a stop, market orders no price', () => {
  assert.match(checkTicket(btc, { ...limit, price: '60000.005' }).errors.price!, /tick size 0.01/);
  assert.match(checkTicket(btc, { ...limit, type: 'STOP_LIMIT' }).errors.stop!, /Enter a stop price/);
  assert.deepEqual(checkTicket(btc, { ...limit, type: 'STOP_LIMIT', stop: '59000.00' }).errors, {});
  const market = checkTicket(btc, { ...limit, type: 'MARKET', price: '' }, '64000.005');
  assert.deepEqual(market.errors, {});
  assert.equal(market.notional, '640.00005');
});

test('snapping and arrow-key steps stay on the grid', () => {
  assert.equal(snap(btc, 'quantity', '0.123456'), '0.12345');
  assert.equal(snap(btc, 'price', '64251.937'), '64251.94');
  assert.equal(snap(btc, 'price', 'abc'), 'abc');
  assert.equal(snap(btc, 'quantity', '0.000001'), '0.000001', 'not rounded down to nothing');
  assert.equal(nudge(btc, 'price', '64251.93', 1), '64251.94');
  assert.equal(nudge(btc, 'quantity', '0.00001', -1), '0.00001');
  assert.equal(nudge(btc, 'quantity', '', 1), '0.00001');
});

test('the ticket offers the instrument’s order types and the resting times in force it knows', () => {
  assert.deepEqual(ticketTypes(btc).map((t) => t.label), ['Limit', 'Market', 'Stop limit', 'Stop market', 'Post only']);
  assert.deepEqual(ticketTypes({ ...btc, orderTypes: ['LIMIT', 'MARKET'] }).map((t) => t.value), ['LIMIT', 'MARKET']);
  assert.deepEqual(timesInForce(btc).map((t) => t.value), ['GTC', 'IOC', 'FOK']);
});
