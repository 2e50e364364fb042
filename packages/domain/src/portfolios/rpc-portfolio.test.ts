import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dec, str } from '../model/decimal.ts';
import type { Position } from '../model/position.ts';
import { LaterPortfolio, toRpcPortfolio, type PortfolioView } from './rpc-portfolio.ts';
import { toRpcPosition } from './rpc-portfolio.ts';

const seed = Number(process.env.FC_SEED ?? 4343);

/** A decimal of `digits` at `places` (signed). */
const decimal = (digits: bigint, places: number, negative = false): string => str(dec(`${negative ? '-' : ''}${digits}`).div(dec(10).pow(places)));
const amount = fc.record({ digits: fc.bigInt({ min: 0n, max: 10n ** 16n }), places: fc.integer({ min: 0, max: 24 }), negative: fc.boolean() });

const holding = fc.record({
  open: fc.boolean(),
  quantity: amount,
  cost: amount,
  realized: amount,
  exit: fc.option(amount),
  entry: fc.option(amount),
  /** Cost as quantity × an entry price one digit finer than shown, ending in 5: the entry rounds from a tie. */
  tie: fc.option(fc.bigInt({ min: 0n, max: 10n ** 9n })),
  priceDecimals: fc.integer({ min: 0, max: 20 }),
  amountDecimals: fc.integer({ min: 0, max: 20 }),
  mark: fc.option(fc.record({ digits: fc.bigInt({ min: 1n, max: 10n ** 12n }), places: fc.integer({ min: 0, max: 22 }) })),
});

describe('positions in the contract shape', () => {
  test('property: a holding worked in units shows the text Dec shows (entry, exit, realised, current, unrealised)', () => {
    fc.assert(
      fc.property(holding, (h) => {
        const p: Position = {
          positionId: 'p', tradingAccountId: 'a', instrumentId: 'PAPER:BTC/USDT', securitySymbol: 'BTC', kind: 'HOLDING', mode: 'NETTING', side: 'LONG',
          status: h.open ? 'OPEN' : 'CLOSED',
          quantity: h.open ? decimal(h.quantity.digits, h.quantity.places) : '0',
          cost: h.open ? decimal(h.cost.digits, h.cost.places) : '0',
          realizedPnl: decimal(h.realized.digits, h.realized.places, h.realized.negative),
          fees: '0', funding: '0',
          terms: { contractSize: '1', settleAsset: 'USDT', priceDecimals: h.priceDecimals, amountDecimals: h.amountDecimals },
          createdAt: 1, updatedAt: 2,
        };
        if (h.open && h.tie !== null) p.cost = str(dec(p.quantity).mul(decimal(h.tie * 10n + 5n, h.priceDecimals + 1)));
        if (h.exit) p.exitPrice = decimal(h.exit.digits, h.exit.places);
        if (!h.open && h.entry) p.entryPrice = decimal(h.entry.digits, h.entry.places);
        const mark = h.mark ? dec(decimal(h.mark.digits, h.mark.places)) : undefined;
        // The same figures as a linear contract of size 1 go through Dec alone: the reference.
        const reference = toRpcPosition({ ...p, kind: 'DERIVATIVE' }, mark);
        return JSON.stringify(toRpcPosition(p, mark)) === JSON.stringify(reference);
      }),
      { seed, numRuns: 3_000 },
    );
  });

  test('a holding bought at three prices shows its average entry rounded half up', () => {
    const p: Position = {
      positionId: 'p', tradingAccountId: 'a', instrumentId: 'PAPER:BTC/USDT', securitySymbol: 'BTC', kind: 'HOLDING', mode: 'NETTING', side: 'LONG', status: 'OPEN',
      quantity: '3', cost: '200.005', realizedPnl: '-0.125', fees: '0', funding: '0', exitPrice: '70.125',
      terms: { contractSize: '1', settleAsset: 'USDT', priceDecimals: 2, amountDecimals: 2 }, createdAt: 1, updatedAt: 2,
    };
    const r = toRpcPosition(p, dec('70.005'));
    assert.equal(r.entryPrice, '66.67');
    assert.equal(r.exitPrice, '70.13');
    assert.equal(r.realizedPnl, '-0.13');
    assert.equal(r.currentPrice, '70.01');
    assert.equal(r.unrealizedPnl, '10.01');
  });
});

describe('a portfolio shaped when serialised', () => {
  test('serialises to what the portfolio built at once serialises to, and builds nothing before', () => {
    const p: Position = {
      positionId: 'p', tradingAccountId: 'a', instrumentId: 'FERMATA:BTC/USDT', securitySymbol: 'BTC', kind: 'HOLDING', mode: 'NETTING', side: 'LONG', status: 'OPEN',
      quantity: '0.5', cost: '30000.125', realizedPnl: '0', fees: '0', funding: '0',
      terms: { contractSize: '1', settleAsset: 'USDT', priceDecimals: 2, amountDecimals: 8 }, createdAt: 1_700_000_000_000, updatedAt: 1_700_000_000_001,
    };
    const view: PortfolioView = {
      tradingAccountId: 'a',
      balances: [
        { balanceId: 'b1', tradingAccountId: 'a', asset: 'USDT', free: '-30000.125', locked: '0', createdAt: 1_700_000_000_000, updatedAt: 1_700_000_000_001 },
        { balanceId: 'b2', tradingAccountId: 'a', asset: 'BTC', free: '0.5', locked: '0', createdAt: 1_700_000_000_000, updatedAt: 1_700_000_000_001 },
      ],
      positions: [p],
      updateMode: 'DELTA',
      updatedAt: 1_700_000_000_002,
    };
    let shaped = 0;
    const counted = new Proxy(view, { get: (t, k) => (k === 'balances' && shaped++, Reflect.get(t, k)) });
    const later = new LaterPortfolio(counted);
    assert.equal(shaped, 0);
    const event = { type: 'event.portfolio.updated', data: later, timestamp: 3 };
    assert.equal(JSON.stringify(event), JSON.stringify({ ...event, data: toRpcPortfolio(view) }));
    assert.equal(shaped, 1);
    assert.equal(JSON.parse(JSON.stringify(later)).positions[0].entryPrice, '60000.25');
  });
});
