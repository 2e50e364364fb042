import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Dec, dec, str, ZERO } from '../model/decimal.ts';
import { fillEffects } from './fill-effects.ts';

const byAsset = (deltas: { asset: string; free: Dec; locked: Dec }[]) =>
  Object.fromEntries(deltas.map((d) => [d.asset, { free: str(d.free), locked: str(d.locked) }]));

describe('fill effects', () => {
  test('a BUY fill pays quote from the lock and receives base minus a base fee', () => {
    const e = fillEffects({
      side: 'BUY', baseAsset: 'BTC', quoteAsset: 'USDT', price: dec('100'), quantity: dec('0.5'), fee: dec('0.0005'), feeAsset: 'BTC',
      lockAsset: 'USDT', lockedRemaining: dec('50.05'),
    });
    assert.deepEqual(byAsset(e.deltas), { USDT: { free: '0', locked: '-50' }, BTC: { free: '0.4995', locked: '0' } });
    assert.equal(str(e.lockConsumed), '50');
  });

  test('a SELL fill with a quote fee consumes the base lock and credits quote net of fee', () => {
    const e = fillEffects({
      side: 'SELL', baseAsset: 'BTC', quoteAsset: 'USDT', price: dec('200'), quantity: dec('0.25'), fee: dec('0.05'), feeAsset: 'USDT',
      lockAsset: 'BTC', lockedRemaining: dec('0.25'),
    });
    assert.deepEqual(byAsset(e.deltas), { BTC: { free: '0', locked: '-0.25' }, USDT: { free: '49.95', locked: '0' } });
  });

  test('a BUY costing more than its lock takes the rest from free', () => {
    const e = fillEffects({
      side: 'BUY', baseAsset: 'BTC', quoteAsset: 'USDT', price: dec('110'), quantity: dec('1'), fee: dec('0.11'), feeAsset: 'USDT',
      lockAsset: 'USDT', lockedRemaining: dec('100'),
    });
    assert.deepEqual(byAsset(e.deltas), { USDT: { free: '-10.11', locked: '-100' }, BTC: { free: '1', locked: '0' } });
  });

  test('a fee in a third asset is debited from that asset', () => {
    const e = fillEffects({
      side: 'BUY', baseAsset: 'BTC', quoteAsset: 'USDT', price: dec('10'), quantity: dec('1'), fee: dec('0.01'), feeAsset: 'BNB',
      lockAsset: 'USDT', lockedRemaining: dec('20'),
    });
    assert.deepEqual(byAsset(e.deltas).BNB, { free: '-0.01', locked: '0' });
  });

  test('property: every asset changes by exactly traded amount minus fee', () => {
    const amount = fc.integer({ min: 1, max: 10_000_000 }).map((n) => dec(n).div(10_000));
    fc.assert(
      fc.property(fc.constantFrom('BUY' as const, 'SELL' as const), amount, amount, amount, fc.constantFrom('BTC', 'USDT', 'BNB'), amount, (side, price, qty, fee, feeAsset, lock) => {
        const e = fillEffects({ side, baseAsset: 'BTC', quoteAsset: 'USDT', price, quantity: qty, fee, feeAsset, lockAsset: side === 'BUY' ? 'USDT' : 'BTC', lockedRemaining: lock });
        const total = (a: string) => e.deltas.filter((d) => d.asset === a).reduce((s, d) => s.add(d.free).add(d.locked), ZERO);
        const feeIn = (a: string) => (feeAsset === a ? fee : ZERO);
        const cost = price.mul(qty);
        const wantBase = (side === 'BUY' ? qty : qty.neg()).sub(feeIn('BTC'));
        const wantQuote = (side === 'BUY' ? cost.neg() : cost).sub(feeIn('USDT'));
        return total('BTC').eq(wantBase) && total('USDT').eq(wantQuote) && total('BNB').eq(feeIn('BNB').neg()) && e.lockConsumed.lte(lock);
      }),
      { seed: 4242, numRuns: 300 },
    );
  });
});
