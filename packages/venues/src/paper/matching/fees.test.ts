import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FeeSchedule } from './fees.ts';
import { testScale as btc } from '../../../test/support/engine-fixture.ts';

describe('FeeSchedule', () => {
  test('the fast path and the BigInt path agree, including past 2^53', async () => {
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
