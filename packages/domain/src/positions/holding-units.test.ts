import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { ZERO, dec, str } from '../model/decimal.ts';
import type { Position } from '../model/position.ts';
import { textOf, unitsOf } from '../model/money-units.ts';
import { holdingTrade, holdingTradeUnits } from './position-math.ts';
import { POSITION_FIELDS, coreOf, holdingUnitsOf, openingPosition, withCore, withUnits } from './position-records.ts';

const seed = Number(process.env.FC_SEED ?? 3131);

const opening = (n: number): Position =>
  openingPosition(
    { positionId: `p${n}`, tradingAccountId: 'a', instrumentId: 'PAPER:BTC/USDT', securitySymbol: 'BTC', kind: 'HOLDING', mode: 'NETTING', side: 'LONG', terms: { contractSize: '1', settleAsset: 'USDT', priceDecimals: 2, amountDecimals: 8 } },
    0,
  );

/** A decimal of `digits` at `places`. */
const decimal = (digits: number, places: number): string => str(dec(digits).div(dec(10).pow(places)));

const spot = fc.record({
  side: fc.constantFrom('BUY' as const, 'SELL' as const),
  qty: fc.integer({ min: 0, max: 3_000_000 }),
  qtyPlaces: fc.integer({ min: 0, max: 8 }),
  px: fc.integer({ min: 1, max: 9_000_000 }),
  pxPlaces: fc.integer({ min: 0, max: 8 }),
  feeBps: fc.integer({ min: 0, max: 25 }),
  feeIn: fc.constantFrom('BTC', 'USDT', 'BNB'),
});

describe('holdings in units', () => {
  test('property: every trade books the record Dec books, to the character (partial sells, sells past the holding, fees in either asset)', () => {
    let inUnits = 0;
    let steps = 0;
    fc.assert(
      fc.property(fc.array(spot, { minLength: 1, maxLength: 40 }), (seq) => {
        let n = 0;
        let byDec = opening(n);
        let byUnits = opening(n);
        for (const [i, s] of seq.entries()) {
          const quantity = decimal(s.qty, s.qtyPlaces);
          const price = decimal(s.px, s.pxPlaces);
          // A fee as venues charge it: a share of the trade, cut to 8 places, in the asset the venue chose.
          const fee = str(dec(s.side === 'BUY' && s.feeIn === 'BTC' ? quantity : dec(quantity).mul(price)).mul(s.feeBps).div(10_000).toDecimalPlaces(8, 1));
          const baseFee = s.feeIn === 'BTC' ? fee : '0';
          const quoteFee = s.feeIn === 'USDT' ? fee : '0';
          const now = i + 1;
          const step = holdingTrade(byDec.status === 'OPEN' ? coreOf(byDec) : undefined, { side: s.side, quantity: dec(quantity), price: dec(price), baseFee: dec(baseFee), quoteFee: dec(quoteFee) });
          const open = byUnits.status === 'OPEN' ? holdingUnitsOf(byUnits) : undefined;
          const after = holdingTradeUnits(open, { side: s.side, quantity: unitsOf(quantity)!, price: unitsOf(price)!, baseFee: unitsOf(baseFee)!, quoteFee: unitsOf(quoteFee)! });
          steps++;
          if (after === 'off-grid') continue; // the ledger books this one with Dec
          if ((step === undefined) !== (after === 'untouched')) return false;
          if (step === undefined || after === 'untouched') continue;
          inUnits++;
          byDec = withCore(byDec, step.after, now);
          byUnits = withUnits(byUnits, open, after, now);
          // Field for field (the order of keys is not the record's meaning: the store keeps JSON, read back by name).
          if (!isDeepStrictEqual(byDec, byUnits)) return false;
          // What the next trade reads from the record made in units is what Dec reads from its text.
          // (a copy is not among the records withUnits remembers: it is parsed from its text)
          const reread = holdingUnitsOf({ ...byUnits });
          const remembered = holdingUnitsOf(byUnits);
          if (!reread || !remembered) return false;
          for (const k of ['quantity', 'cost', 'realizedPnl', 'fees', 'funding'] as const) if (textOf(reread[k]) !== byDec[k] || remembered[k] !== reread[k]) return false;
          if (byDec.status === 'CLOSED') {
            n++;
            byDec = opening(n);
            byUnits = opening(n);
          }
        }
        return true;
      }),
      { seed, numRuns: 400 },
    );
    // Fills on the venues' grids stay in integers (the rest is the Dec reference's, and checked as it).
    assert.ok(inUnits > steps / 2, `${inUnits} of ${steps} steps booked in units`);
  });

  test('withUnits carries every field of the record it does not set (a position with all of them)', () => {
    const full: Position = {
      ...opening(0), exitPrice: '1.5', entryPrice: '2', leverage: 3, marginMode: 'CROSS', isolatedMargin: '0', fundedUntil: 4, externalPositionId: 'x', closedAt: 5,
      quantity: '1', cost: '10',
    };
    assert.deepEqual(Object.keys(full).sort(), Object.keys(POSITION_FIELDS).sort(), 'the test sets every field');
    const next = withUnits(full, holdingUnitsOf(full), { quantity: unitsOf('2')!, cost: unitsOf('21')!, realizedPnl: 0n, fees: 0n, funding: 0n }, 9);
    for (const [k, how] of Object.entries(POSITION_FIELDS)) {
      if (how === 'copied') assert.deepEqual(next[k as keyof Position], full[k as keyof Position], k);
    }
    assert.equal(next.exitPrice, '1.5', 'a trade that reduces nothing keeps the exit price');
    assert.equal(next.quantity, '2');
    assert.equal(next.updatedAt, 9);
  });

  test('a sell of part of a holding realises the pro-rata cost to 20 places, as Dec does', () => {
    const open = { quantity: unitsOf('3')!, cost: unitsOf('100')!, realizedPnl: 0n, fees: 0n, funding: 0n };
    const after = holdingTradeUnits(open, { side: 'SELL', quantity: unitsOf('1')!, price: unitsOf('40')!, baseFee: 0n, quoteFee: 0n });
    assert.ok(typeof after === 'object');
    const ref = holdingTrade({ side: 'LONG', quantity: dec(3), cost: dec(100), realizedPnl: ZERO, fees: ZERO, funding: ZERO }, { side: 'SELL', quantity: dec(1), price: dec(40), baseFee: ZERO, quoteFee: ZERO })!;
    assert.equal(textOf(after.cost), str(ref.after.cost));
    assert.equal(textOf(after.cost), '66.66666666666666666667');
    assert.equal(textOf(after.realizedPnl), '6.66666666666666666667');
  });

  test('selling what no holding holds leaves it untouched; a figure off the grid is left to Dec', () => {
    assert.equal(holdingTradeUnits(undefined, { side: 'SELL', quantity: unitsOf('0.5')!, price: unitsOf('64000')!, baseFee: 0n, quoteFee: 0n }), 'untouched');
    // 0.12345678901 × 0.0000000012345 has 26 places: off the grid.
    assert.equal(holdingTradeUnits(undefined, { side: 'BUY', quantity: unitsOf('0.12345678901')!, price: unitsOf('0.0000000012345')!, baseFee: 0n, quoteFee: 0n }), 'off-grid');
  });
});
