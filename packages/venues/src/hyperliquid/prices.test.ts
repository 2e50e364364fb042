/**
 * Hyperliquid's tick and lot rules as its docs state them: 5 significant figures (integers always allowed), at most
 * 6 − szDecimals decimals for perpetuals (8 − szDecimals for spot), sizes on 10^-szDecimals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { priceProblem, roundToTick, significantFigures, sizeProblem, tickAt } from './prices.ts';

test('significant figures', () => {
  assert.deepEqual(['64000.5', '0.0012345', '64000', '1.10', '0.5'].map(significantFigures), [6, 5, 2, 2, 1]);
});

test('prices: 5 significant figures unless an integer, and the decimals the asset allows', () => {
  assert.equal(priceProblem('64000', 1), undefined);
  assert.equal(priceProblem('123456', 1), undefined, 'integer prices are always allowed');
  assert.match(priceProblem('64000.5', 1)!, /significant figures/);
  assert.equal(priceProblem('3200.5', 2), undefined);
  assert.match(priceProblem('1.2345678', 6)!, /decimals/);
  assert.equal(priceProblem('0.0012345', 8), undefined);
  assert.match(priceProblem('0.00123456', 8)!, /significant figures/);
  assert.match(priceProblem('0', 2)!, /positive/);
});

test('sizes on the lot of szDecimals', () => {
  assert.equal(sizeProblem('0.00001', 5), undefined);
  assert.match(sizeProblem('0.000001', 5)!, /size decimals/);
  assert.equal(sizeProblem('3', 0), undefined);
  assert.match(sizeProblem('0.5', 0)!, /size decimals/);
});

test('the tick at a price, and prices moved onto it', () => {
  assert.deepEqual(['64000', '3200', '12.5', '0.2', '0.0012345'].map((p) => tickAt(p, 6)), ['1', '0.1', '0.001', '0.00001', '0.000001']);
  assert.equal(tickAt('0.0012345', 8), '0.0000001');
  assert.equal(tickAt('3200', 0), '1', 'never finer than the decimals allow');
  assert.equal(roundToTick('67210.5', 1, 'up'), '67211');
  assert.equal(roundToTick('60799.5', 1, 'down'), '60799');
  assert.equal(roundToTick('3360.04', 2, 'up'), '3360.1');
  assert.equal(roundToTick('64000', 1, 'up'), '64000', 'a price on the grid stays');
});
