import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ZERO, dec, str, type Dec as D } from '../model/decimal.ts';
import type { MarginModeValue } from '../model/position.ts';
import { derivativeFill, fundingSettlement, type HeldPosition } from '../positions/derivative-fill.ts';
import type { ContractMath } from '../positions/position-math.ts';
import { liquidations, marginState, type MarginState } from './margin-math.ts';

const LINEAR: ContractMath = { contractSize: dec('1'), inverse: false };
const MMR = dec('0.005');
const seed = Number(process.env.FC_SEED ?? 2727);

/** One account trading one perpetual, booked with the pure cores only. */
class Sim {
  free: D;
  locked = ZERO;
  open: HeldPosition | undefined;
  liquidated = 0;
  constructor(wallet: D, readonly marginMode: MarginModeValue, readonly leverage: number) {
    this.free = wallet;
  }

  get wallet(): D {
    return this.free.add(this.locked);
  }

  trade(side: 'BUY' | 'SELL', quantity: D, price: D, fee: D): { realized: D; fee: D } {
    const f = derivativeFill({
      math: LINEAR, settleAsset: 'USDT', mode: 'NETTING', leverage: this.leverage, marginMode: this.marginMode,
      open: this.open, trade: { side, quantity, price, fee, feeAsset: 'USDT' }, lockAsset: 'USDT', lockedRemaining: ZERO,
    });
    for (const d of f.deltas) {
      this.free = this.free.add(d.free);
      this.locked = this.locked.add(d.locked);
    }
    const last = f.steps[f.steps.length - 1]!;
    this.open = last.after.core.quantity.isZero() ? undefined : last.after;
    return { realized: f.steps.reduce((s, x) => s.add(x.step.realized), ZERO), fee };
  }

  state(mark: D): MarginState {
    return marginState({
      free: this.free, locked: this.locked,
      positions: this.open ? [{ positionId: 'p', math: LINEAR, core: this.open.core, mark, leverage: this.open.leverage, marginMode: this.open.marginMode, isolatedMargin: this.open.isolatedMargin, maintenanceRate: MMR }] : [],
    });
  }

  /** The margin a breach is measured on: the shared cross balance, or the isolated position's own equity. */
  margin(s: MarginState): D {
    const p = s.positions[0];
    return p?.marginMode === 'ISOLATED' ? p.equity! : s.crossEquity;
  }

  /** Liquidates at the mark when the decision says so; true when it did. */
  check(mark: D): boolean {
    if (!this.open || liquidations(this.state(mark)).length === 0) return false;
    this.trade(this.open.core.side === 'LONG' ? 'SELL' : 'BUY', this.open.core.quantity, mark, ZERO);
    this.liquidated++;
    return true;
  }
}

const opening = fc.record({
  side: fc.constantFrom('BUY' as const, 'SELL' as const),
  leverage: fc.integer({ min: 1, max: 50 }),
  marginMode: fc.constantFrom('CROSS' as const, 'ISOLATED' as const),
  usage: fc.integer({ min: 10, max: 100 }), // % of the wallet the initial margin takes
});

describe('margin', () => {
  test('a 5× cross long: initial and maintenance margin, equity, available', () => {
    const sim = new Sim(dec('10000'), 'CROSS', 5);
    sim.trade('BUY', dec('1'), dec('20000'), dec('10'));
    const s = sim.state(dec('21000'));
    assert.equal(str(s.wallet), '9990');
    assert.equal(str(s.unrealized), '1000');
    assert.equal(str(s.crossInitial), '4200');
    assert.equal(str(s.maintenance), '105');
    assert.equal(str(s.equity), '10990');
    assert.equal(str(s.available), '5790', 'free less cross initial margin; the unrealised profit funds nothing yet');
    assert.equal(str(sim.state(dec('19000')).available), '5190', 'an unrealised loss counts: 9990 − 3800 − 1000');
    assert.deepEqual(liquidations(s), []);
    assert.equal(liquidations(sim.state(dec('10000'))).length, 1, 'a 50 % fall leaves less than maintenance margin');
  });

  test('an isolated position stands on its collateral: the collateral is locked, released with realised PnL on close', () => {
    const sim = new Sim(dec('10000'), 'ISOLATED', 10);
    sim.trade('SELL', dec('2'), dec('1000'), ZERO);
    assert.equal(str(sim.locked), '200');
    assert.equal(str(sim.open!.isolatedMargin), '200');
    const s = sim.state(dec('1090'));
    assert.equal(str(s.positions[0]!.equity!), '20');
    assert.deepEqual(liquidations(s), []);
    assert.equal(liquidations(sim.state(dec('1095'))).length, 1, 'equity 10 is below maintenance margin 10.95');
  });

  test('property: the settle-asset total moves by realised PnL − fees + funding, nothing else', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('trade' as const), side: fc.constantFrom('BUY' as const, 'SELL' as const), lots: fc.integer({ min: 1, max: 3000 }), ticks: fc.integer({ min: 9_000, max: 11_000 }), feeBps: fc.integer({ min: 0, max: 10 }) }),
      fc.record({ kind: fc.constant('funding' as const), rateMicros: fc.integer({ min: -750, max: 750 }), ticks: fc.integer({ min: 9_000, max: 11_000 }) }),
    );
    fc.assert(
      fc.property(opening, fc.array(step, { minLength: 1, maxLength: 50 }), (o, steps) => {
        const sim = new Sim(dec('1000000'), o.marginMode, o.leverage);
        for (const s of steps) {
          const before = sim.wallet;
          const price = dec(s.ticks).div(10);
          if (s.kind === 'funding') {
            if (!sim.open) continue;
            const f = fundingSettlement(LINEAR, sim.open, 'USDT', dec(s.rateMicros).div(1e6), price, 8);
            sim.free = sim.free.add(f.delta.free);
            sim.locked = sim.locked.add(f.delta.locked);
            sim.open = f.after;
            if (!sim.wallet.sub(before).eq(f.payment)) return false;
            continue;
          }
          const qty = dec(s.lots).div(1000);
          const r = sim.trade(s.side, qty, price, qty.mul(price).mul(s.feeBps).div(10_000));
          if (!sim.wallet.sub(before).eq(r.realized.sub(r.fee))) return false;
          // Isolated collateral is exactly what the wallet holds locked for it.
          if (o.marginMode === 'ISOLATED' && !sim.locked.eq(sim.open?.isolatedMargin ?? ZERO)) return false;
          if (o.marginMode === 'CROSS' && !sim.locked.isZero()) return false;
        }
        return true;
      }),
      { seed, numRuns: 300 },
    );
  });

  test('property: with mark moves within the maintenance rate, margin never goes negative — liquidation comes first', () => {
    fc.assert(
      fc.property(opening, fc.array(fc.integer({ min: -100, max: 100 }), { minLength: 1, maxLength: 400 }), (o, moves) => {
        const wallet = dec('10000');
        const price = dec('20000');
        const qty = wallet.mul(o.usage).div(100).mul(o.leverage).div(price).toDecimalPlaces(3, 1);
        if (!qty.gt(0)) return true;
        const sim = new Sim(wallet, o.marginMode, o.leverage);
        sim.trade(o.side, qty, price, ZERO);
        let mark = price;
        for (const m of moves) {
          // Each step moves the mark by at most 0.5 % × |m|/100 ≤ the maintenance rate.
          mark = mark.mul(dec(1).add(MMR.mul(m).div(100))).toDecimalPlaces(2);
          sim.check(mark);
          if (sim.open && sim.margin(sim.state(mark)).isNeg()) return false;
          if (!sim.open) return sim.wallet.gte(0);
        }
        return true;
      }),
      { seed, numRuns: 300 },
    );
  });

  test('property: whatever the mark does, a negative margin is always a liquidation decision', () => {
    fc.assert(
      fc.property(opening, fc.integer({ min: 1_000, max: 60_000 }), (o, markUnits) => {
        const sim = new Sim(dec('10000'), o.marginMode, o.leverage);
        const qty = dec('10000').mul(o.usage).div(100).mul(o.leverage).div(20000).toDecimalPlaces(3, 1);
        if (!qty.gt(0)) return true;
        sim.trade(o.side, qty, dec('20000'), ZERO);
        const s = sim.state(dec(markUnits));
        return !sim.margin(s).isNeg() || liquidations(s).length === 1;
      }),
      { seed, numRuns: 500 },
    );
  });
});
