import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Dec, ZERO, dec, str, type Dec as D } from '../model/decimal.ts';
import {
  contractValue,
  entryPrice,
  fundingPayment,
  applyFunding,
  holdingTrade,
  increasingTrade,
  netTrade,
  quotient,
  reducingTrade,
  unrealizedPnl,
  type ContractMath,
  type PositionCore,
  type Trade,
} from './position-math.ts';

const LINEAR: ContractMath = { contractSize: dec('1'), inverse: false };
const INVERSE: ContractMath = { contractSize: dec('10'), inverse: true };
const seed = Number(process.env.FC_SEED ?? 1515);

const trade = fc.record({
  side: fc.constantFrom('BUY' as const, 'SELL' as const),
  lots: fc.integer({ min: 1, max: 5_000 }),
  ticks: fc.integer({ min: 50_000, max: 80_000 }),
  feeBps: fc.integer({ min: 0, max: 10 }),
});
const funding = fc.record({ rateMicros: fc.integer({ min: -750, max: 750 }), markTicks: fc.integer({ min: 50_000, max: 80_000 }) });
const event = fc.oneof({ weight: 4, arbitrary: trade.map((t) => ({ kind: 'trade' as const, ...t })) }, { weight: 1, arbitrary: funding.map((f) => ({ kind: 'funding' as const, ...f })) });

function toTrade(m: ContractMath, t: { side: 'BUY' | 'SELL'; lots: number; ticks: number; feeBps: number }): Trade {
  const quantity = dec(t.lots).div(1000);
  const price = dec(t.ticks).div(10);
  return { side: t.side, quantity, price, fee: contractValue(m, quantity, price).mul(t.feeBps).div(10_000) };
}

/**
 * The mark-to-market change of everything traded: what the net quantity is worth at `mark` less what the trades paid
 * for it (signed: a BUY pays its value, a SELL receives it), in the settle asset's PnL direction.
 */
function markToMarket(m: ContractMath, trades: Trade[], net: D, mark: D): D {
  const paid = trades.reduce((sum, t) => sum.add(t.side === 'BUY' ? contractValue(m, t.quantity, t.price) : contractValue(m, t.quantity, t.price).neg()), ZERO);
  const held = net.isNeg() ? contractValue(m, net.neg(), mark).neg() : contractValue(m, net, mark);
  const change = held.sub(paid);
  return m.inverse ? change.neg() : change;
}

const signedSize = (p: PositionCore | undefined): D => (!p ? ZERO : p.side === 'LONG' ? p.quantity : p.quantity.neg());

describe('position math', () => {
  test('netting: buys average the entry, a partial sell realises, a sell through zero closes and opens a short', () => {
    const buy = (q: string, p: string): Trade => ({ side: 'BUY', quantity: dec(q), price: dec(p), fee: ZERO });
    const sell = (q: string, p: string): Trade => ({ side: 'SELL', quantity: dec(q), price: dec(p), fee: ZERO });
    let [s] = netTrade(LINEAR, undefined, buy('1', '100'));
    [s] = netTrade(LINEAR, s!.after, buy('1', '200'));
    assert.equal(str(entryPrice(LINEAR, s!.after)!), '150');
    [s] = netTrade(LINEAR, s!.after, sell('0.5', '250'));
    assert.equal(str(s!.after.realizedPnl), '50');
    assert.equal(str(s!.after.quantity), '1.5');
    const flip = netTrade(LINEAR, s!.after, sell('2', '100'));
    assert.equal(flip.length, 2, 'the long closes and a short opens');
    assert.equal(str(flip[0]!.after.quantity), '0');
    assert.equal(str(flip[0]!.after.realizedPnl), '-25');
    assert.equal(flip[1]!.after.side, 'SHORT');
    assert.equal(str(flip[1]!.after.quantity), '0.5');
    assert.equal(str(entryPrice(LINEAR, flip[1]!.after)!), '100');
  });

  test('inverse contracts: a long gains in the base asset as the price rises', () => {
    const [s] = netTrade(INVERSE, undefined, { side: 'BUY', quantity: dec('100'), price: dec('50000'), fee: ZERO });
    // 100 contracts × 10 USD = 1000 USD: 0.02 BTC at 50000, 0.0125 BTC at 80000 → a gain of 0.0075 BTC.
    assert.equal(str(unrealizedPnl(INVERSE, s!.after, dec('80000'))), '0.0075');
    assert.equal(str(entryPrice(INVERSE, s!.after)!), '50000');
  });

  test('a long pays funding when the rate is positive, a short receives it', () => {
    const long: PositionCore = { side: 'LONG', quantity: dec('2'), cost: dec('200'), realizedPnl: ZERO, fees: ZERO, funding: ZERO };
    assert.equal(str(fundingPayment(LINEAR, long, dec('0.0001'), dec('100'))), '-0.02');
    assert.equal(str(fundingPayment(LINEAR, { ...long, side: 'SHORT' }, dec('0.0001'), dec('100'))), '0.02');
  });

  // Derivatives book money cut to the settle asset's digits (ContractMath.amountDecimals): the identity stays exact.
  const LINEAR_CUT: ContractMath = { ...LINEAR, amountDecimals: 2 };
  for (const [name, m] of [['linear', LINEAR], ['inverse', INVERSE], ['linear, cut to 2 decimals', LINEAR_CUT]] as const) {
    test(`property (${name}, netting): size is the signed sum of fills; realised + unrealised = MTM change − fees + funding`, () => {
      fc.assert(
        fc.property(fc.array(event, { minLength: 1, maxLength: 60 }), fc.integer({ min: 50_000, max: 80_000 }), (events, markTicks) => {
          const mark = dec(markTicks).div(10);
          let open: PositionCore | undefined;
          const closed: PositionCore[] = [];
          const trades: Trade[] = [];
          let fees = ZERO;
          let funded = ZERO;
          let size = ZERO;
          for (const e of events) {
            if (e.kind === 'funding') {
              if (!open) continue;
              const pay = fundingPayment(m, open, dec(e.rateMicros).div(1_000_000), dec(e.markTicks).div(10));
              open = applyFunding(open, pay);
              funded = funded.add(pay);
              continue;
            }
            const t = toTrade(m, e);
            trades.push(t);
            fees = fees.add(t.fee);
            size = size.add(t.side === 'BUY' ? t.quantity : t.quantity.neg());
            for (const s of netTrade(m, open, t)) {
              if (s.after.quantity.isZero()) {
                closed.push(s.after);
                open = undefined;
              } else open = s.after;
            }
            if (!signedSize(open).eq(size)) return false;
          }
          const realized = closed.concat(open ? [open] : []).reduce((sum, p) => sum.add(p.realizedPnl), ZERO);
          const total = realized.add(open ? unrealizedPnl(m, open, mark) : ZERO);
          const want = markToMarket(m, trades, size, mark).sub(fees).add(funded);
          // Linear: to the last digit. Inverse values are quotients cut at WORKING_DECIMALS, and a trade through zero is
          // valued in two parts (the close and the open), so each trade may differ by one unit in the last place.
          return m.inverse ? total.sub(want).abs().lte(dec(trades.length).mul('1e-20')) : total.eq(want);
        }),
        { seed, numRuns: 300 },
      );
    });
  }

  test('property (hedge): each side only grows by its own side and shrinks by named reductions; totals still reconcile', () => {
    const action = fc.record({ reduce: fc.boolean(), t: trade });
    fc.assert(
      fc.property(fc.array(action, { minLength: 1, maxLength: 60 }), fc.integer({ min: 50_000, max: 80_000 }), (actions, markTicks) => {
        const mark = dec(markTicks).div(10);
        const open: Record<'LONG' | 'SHORT', PositionCore | undefined> = { LONG: undefined, SHORT: undefined };
        const done: PositionCore[] = [];
        const trades: Trade[] = [];
        let fees = ZERO;
        for (const a of actions) {
          const t = toTrade(LINEAR, a.t);
          const own = t.side === 'BUY' ? 'LONG' : 'SHORT';
          const other = own === 'LONG' ? 'SHORT' : 'LONG';
          const target = open[other];
          if (a.reduce && target) {
            const q = Dec.min(t.quantity, target.quantity);
            const tt = { ...t, quantity: q, fee: quotient(t.fee.mul(q), t.quantity) };
            trades.push(tt);
            fees = fees.add(tt.fee);
            const s = reducingTrade(LINEAR, target, tt);
            if (s.after.quantity.isZero()) {
              done.push(s.after);
              open[other] = undefined;
            } else open[other] = s.after;
          } else {
            trades.push(t);
            fees = fees.add(t.fee);
            open[own] = increasingTrade(LINEAR, open[own], t).after;
          }
          if (open.LONG?.side === 'SHORT' || open.SHORT?.side === 'LONG') return false;
        }
        const live = [open.LONG, open.SHORT].filter((p): p is PositionCore => p !== undefined);
        const total = done.concat(live).reduce((s, p) => s.add(p.realizedPnl), ZERO).add(live.reduce((s, p) => s.add(unrealizedPnl(LINEAR, p, mark)), ZERO));
        const net = live.reduce((q, p) => q.add(p.side === 'LONG' ? p.quantity : p.quantity.neg()), ZERO);
        return total.eq(markToMarket(LINEAR, trades, net, mark).sub(fees));
      }),
      { seed, numRuns: 200 },
    );
  });

  test('property (spot): a holding is never short, and never more than the base the trades left on the account', () => {
    const spot = fc.record({ side: fc.constantFrom('BUY' as const, 'SELL' as const), lots: fc.integer({ min: 1, max: 20_000 }), ticks: fc.integer({ min: 900, max: 1_100 }) });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30_000 }), fc.array(spot, { minLength: 1, maxLength: 80 }), (fundedLots, seq) => {
        let base = dec(fundedLots).div(1000); // funded, with no cost known
        let holding: PositionCore | undefined;
        for (const s of seq) {
          const price = dec(s.ticks).div(10);
          let quantity = dec(s.lots).div(1000);
          if (s.side === 'SELL') quantity = Dec.min(quantity, base); // a spot account sells only what it has
          if (!quantity.gt(0)) continue;
          const baseFee = s.side === 'BUY' ? quantity.div(1000) : ZERO;
          const quoteFee = s.side === 'SELL' ? quantity.mul(price).div(1000) : ZERO;
          base = base.add(s.side === 'BUY' ? quantity.sub(baseFee) : quantity.neg());
          const step = holdingTrade(holding, { side: s.side, quantity, price, baseFee, quoteFee });
          if (step) holding = step.after.quantity.isZero() ? undefined : step.after;
          if (holding && (holding.side !== 'LONG' || holding.quantity.isNeg() || holding.quantity.gt(base))) return false;
        }
        return true;
      }),
      { seed, numRuns: 300 },
    );
  });

  test('selling the BTC an account was funded with touches no holding and opens no short', () => {
    assert.equal(holdingTrade(undefined, { side: 'SELL', quantity: dec('0.5'), price: dec('64000'), baseFee: ZERO, quoteFee: dec('32') }), undefined);
  });
});
