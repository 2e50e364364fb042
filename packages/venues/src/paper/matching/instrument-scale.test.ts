import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFixed, parseFixed } from './decimal.ts';
import { InstrumentScale } from './instrument-scale.ts';

const btc = new InstrumentScale({ tickSize: '0.01', lotSize: '0.00001', basePrecision: 8, quotePrecision: 8 });

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

describe('InstrumentScale', () => {
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
    const s = new InstrumentScale({ tickSize: '0.05', lotSize: '0.5', basePrecision: 8, quotePrecision: 8 });
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

  test('rejects instruments whose quote precision cannot hold price × quantity', () => {
    assert.throws(() => new InstrumentScale({ tickSize: '0.01', lotSize: '0.00001', basePrecision: 8, quotePrecision: 6 }), /quote precision/);
  });
});

describe('FeeSchedule', () => {
  test('the fast path and the BigInt path agree, including past 2^53', async () => {
    const { FeeSchedule } = await import('./fees.ts');
    const fees = new FeeSchedule(btc, '0.0008', '0.001');
    const slow = (side: 'BUY' | 'SELL', maker: boolean, ticks: number, lots: number): bigint => {
      const received = side === 'BUY' ? BigInt(lots) * 1000n : BigInt(ticks) * BigInt(lots) * 10n;
      return maker ? (received * 8n) / 10_000n : received / 1000n;
    };
    const cases: Array<[number, number]> = [[1, 1], [6_412_345, 3], [6_412_345, 123_457], [9_000_000_000, 900_000_000], [99_999_999, 99_999]];
    const fc = (await import('fast-check')).default;
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
    console.log(`[property] fee paths: fast-check seed ${seed}`);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 1, max: 2 ** 40 }), fc.boolean(), fc.boolean(), (ticks, lots, buy, maker) => {
        const side = buy ? 'BUY' : 'SELL';
        assert.equal(fees.fee(side, maker, ticks, lots), slow(side, maker, ticks, lots));
      }),
      { seed, numRuns: 2000 },
    );
    for (const [ticks, lots] of cases) {
      for (const side of ['BUY', 'SELL'] as const) {
        for (const maker of [true, false]) assert.equal(fees.fee(side, maker, ticks, lots), slow(side, maker, ticks, lots), `${side} ${maker} ${ticks}×${lots}`);
      }
    }
  });
});
