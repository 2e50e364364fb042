import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFixed, parseFixed, normalizeDecimal, subtractDecimal, toScaled, decimalPlaces } from './fixed-decimal.ts';
import { InstrumentRules, type RulesSpec } from './instrument-rules.ts';

const BTC: RulesSpec = { tickSize: '0.01', lotSize: '0.00001', minQuantity: '0.0001', maxQuantity: '100', minNotional: '5', basePrecision: 8, quotePrecision: 8 };
const btc = new InstrumentRules(BTC);

describe('decimal parsing', () => {
  test('parses plain decimals exactly and refuses anything else', () => {
    assert.deepEqual(parseFixed('0.1'), { units: 1n, scale: 1 });
    assert.deepEqual(parseFixed('12.3400'), { units: 1234n, scale: 2 });
    assert.deepEqual(parseFixed('7'), { units: 7n, scale: 0 });
    for (const bad of ['', '-1', '1e5', '1.', '.5', ' 1', '0x10', 'NaN', '1,5']) assert.equal(parseFixed(bad), undefined, bad);
  });

  test('formats with a fixed number of fraction digits', () => {
    assert.equal(formatFixed(123n, 2), '1.23');
    assert.equal(formatFixed(5n, 8), '0.00000005');
    assert.equal(formatFixed(-5n, 2), '-0.05');
    assert.equal(formatFixed(42n, 0), '42');
  });
});

describe('InstrumentRules: ticks and lots', () => {
  test('converts prices to ticks and back', () => {
    assert.deepEqual(btc.priceToTicks('64123.45'), { ok: true, value: 6_412_345 });
    assert.deepEqual(btc.priceToTicks('64123.4'), { ok: true, value: 6_412_340 });
    assert.equal(btc.ticksToPrice(6_412_340), '64123.40');
  });

  test('explains a price off the tick grid', () => {
    assert.deepEqual(btc.priceToTicks('100.001'), { ok: false, reason: 'price 100.001 is not a multiple of tick size 0.01' });
  });

  test('explains a quantity off the lot grid, zero and garbage', () => {
    assert.deepEqual(btc.quantityToLots('0.000015'), { ok: false, reason: 'quantity 0.000015 is not a multiple of lot size 0.00001' });
    assert.deepEqual(btc.quantityToLots('0'), { ok: false, reason: 'quantity must be greater than zero' });
    assert.equal(btc.quantityToLots('-1').ok, false);
    assert.equal(btc.quantityToLots('1e3').ok, false);
  });

  test('handles tick sizes that are not powers of ten', () => {
    const s = new InstrumentRules({ ...BTC, tickSize: '0.05', lotSize: '0.5' });
    assert.deepEqual(s.priceToTicks('1.15'), { ok: true, value: 23 });
    assert.equal(s.priceToTicks('1.17').ok, false);
    assert.equal(s.ticksToPrice(23), '1.15');
    assert.equal(s.lotsToQuantity(3), '1.5');
  });

  test('refuses values that would not be safe integers', () => {
    assert.match((btc.priceToTicks('900719925474099.93') as { reason: string }).reason, /too large/);
  });

  test('computes notional exactly, beyond 2^53 units', () => {
    // 90,000,000.00 × 9,000.00000 = 810,000,000,000 USDT; in 10^-7 units that is 8.1e18, past Number precision.
    const n = btc.notional(9_000_000_000, 900_000_000);
    assert.equal(n.units, 8_100_000_000_000_000_000n);
    assert.equal(btc.formatNotional(9_000_000_000, 900_000_000), '810000000000.00000000');
    assert.equal(btc.formatNotional(6_412_345, 3), '1.92370350');
  });

  test('turns quote amounts into tick-lot budgets and lots, rounding down', () => {
    assert.equal(btc.quoteToTickLots(parseFixed('1')!), 10_000_000n);
    assert.equal(btc.quoteToTickLots(parseFixed('0.00000015')!), 1n);
    // 1000 USDT at 64,123.45 buys 0.01559 BTC (0.015594… rounded down to the lot).
    assert.equal(btc.lotsForQuote(parseFixed('1000')!, 6_412_345), 1559);
  });

  test('says whether ticks and lots convert exactly to asset units (what an engine booking fills needs)', () => {
    assert.equal(btc.exactInUnits, true);
    assert.equal(new InstrumentRules({ ...BTC, quotePrecision: 6 }).exactInUnits, false, 'quote precision cannot hold price × quantity');
    assert.equal(new InstrumentRules({ ...BTC, basePrecision: 4 }).exactInUnits, false, 'base precision finer than the lot');
  });
});

describe('InstrumentRules: the rules', () => {
  const fx = (s: string) => parseFixed(s)!;

  test('prices on the tick grid, quantities on the lot grid, at any scale', () => {
    assert.equal(btc.onTick(fx('64123.45')), true);
    assert.equal(btc.onTick(fx('64123.450000')), true);
    assert.equal(btc.onTick(fx('64123.455')), false);
    assert.equal(btc.onLot(fx('0.00002')), true);
    assert.equal(btc.onLot(fx('0.000025')), false);
    const odd = new InstrumentRules({ ...BTC, tickSize: '0.05' });
    assert.equal(odd.onTick(fx('1.15')), true);
    assert.equal(odd.onTick(fx('1.17')), false);
  });

  test('quantity and notional ranges; a maximum of 0 or none means no maximum', () => {
    assert.equal(btc.quantityBreach(fx('0.00009')), 'BELOW_MIN');
    assert.equal(btc.quantityBreach(fx('0.0001')), undefined);
    assert.equal(btc.quantityBreach(fx('100.00001')), 'ABOVE_MAX');
    assert.equal(btc.notionalBreach(fx('4.99999999')), 'BELOW_MIN');
    assert.equal(btc.notionalBreach(fx('1000000000')), undefined, 'no maxNotional');
    const capped = new InstrumentRules({ ...BTC, maxQuantity: '0', maxNotional: '1000' });
    assert.equal(capped.quantityBreach(fx('1000000')), undefined, 'maxQuantity 0 = none');
    assert.equal(capped.notionalBreach(fx('1000.01')), 'ABOVE_MAX');
    assert.equal(new InstrumentRules({ ...BTC, maxNotional: '0' }).notionalBreach(fx('1000000000')), undefined, 'maxNotional 0 = none');
  });

  test('explains a broken rule in words a client can act on', () => {
    assert.equal(btc.checkBase(5, undefined), 'quantity 0.00005 is below the minimum quantity 0.0001');
    assert.equal(btc.checkBase(10_000_001, undefined), 'quantity 100.00001 is above the maximum quantity 100');
    assert.equal(btc.checkBase(10, 100, 'the current price'), 'notional 0.00010000 (the current price × quantity) is below the minimum notional 5');
    assert.equal(btc.checkBase(10, 6_412_345), undefined);
    assert.equal(btc.checkQuoteAmount(fx('4'), '4'), 'quote quantity 4 is below the minimum notional 5');
    assert.equal(btc.checkQuoteAmount(fx('5'), '5'), undefined);
  });

  test('refuses an invalid spec at once', () => {
    assert.throws(() => new InstrumentRules({ ...BTC, tickSize: '-0.01' }), /tick size/);
    assert.throws(() => new InstrumentRules({ ...BTC, minNotional: '1e3' }), /minimum notional/);
  });
});

describe('decimal text', () => {
  test('normalises, compares at 18 places and subtracts exactly', () => {
    assert.equal(normalizeDecimal('004.00000200'), '4.000002');
    assert.equal(normalizeDecimal('0.000'), '0');
    assert.equal(toScaled('1.5'), 1_500_000_000_000_000_000n);
    assert.throws(() => toScaled('1e5'));
    assert.equal(subtractDecimal('0.3', '0.5'), '-0.2');
    assert.equal(subtractDecimal('1', '0.99999999'), '0.00000001');
    assert.equal(decimalPlaces('0.00100000'), 3);
  });
});

