/**
 * @module venues/test/support/engine-fixture
 * Builders shared by the engine's tests and bench: a BTC/USDT-like scale (tick 0.01, lot 0.00001) and an engine.
 */
import { InstrumentRules } from '@cadenza/domain';
import type { StpMode, SubmitOrder } from '../../src/paper/matching/engine-messages.ts';
import { FeeSchedule } from '../../src/paper/matching/fees.ts';
import { MatchingEngine } from '../../src/paper/matching/matching-engine.ts';

/** BTC/USDT-like scale: tick 0.01, lot 0.00001, 8-decimal base and quote. */
export const testScale = new InstrumentRules({ tickSize: '0.01', lotSize: '0.00001', minQuantity: '0.00001', maxQuantity: '1000', minNotional: '0', basePrecision: 8, quotePrecision: 8 });

/** An engine on `testScale` with the given STP mode and fee rates. */
export function testEngine(stpMode: StpMode = 'EXPIRE_MAKER', maker = '0.0008', taker = '0.001'): MatchingEngine {
  return new MatchingEngine({ fees: new FeeSchedule(testScale, maker, taker), stpMode });
}

let nextId = 1;
/** A GTC limit order with a fresh id; override any field. */
export function limit(side: 'BUY' | 'SELL', priceTicks: number, lots: number, extra: Partial<SubmitOrder> = {}): SubmitOrder {
  return { id: nextId++, owner: 1, side, type: 'LIMIT', timeInForce: 'GTC', lots, priceTicks, ...extra };
}

/** A MARKET IOC order with a fresh id (owner 2 unless overridden). */
export function market(side: 'BUY' | 'SELL', lots: number, extra: Partial<SubmitOrder> = {}): SubmitOrder {
  return { id: nextId++, owner: 2, side, type: 'MARKET', timeInForce: 'IOC', lots, ...extra };
}
