import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExecutionEvent } from '@cadenza/domain';
import { OrderTracker } from './order-tracker.ts';
import { parseOrderReport } from './http/parse.ts';
import { fixture } from '@cadenza/testkit/venue-fakes/binance';

function setup() {
  const events: ExecutionEvent[] = [];
  const tracker = new OrderTracker({ onExecution: (e) => events.push(e) });
  const t = tracker.track({ tradeOrderId: 't1', clientOrderId: 'c1', tradingAccountId: 'a1', symbol: 'BTC/USDT' }, 'USDT');
  const base = { tradeOrderId: 't1', tradingAccountId: 'a1', externalOrderId: '28', timestamp: 1 };
  return { events, tracker, t, base };
}

const fill = (tradeId: string) => ({ type: 'filled' as const, tradeId, price: '1', quantity: '1', fee: '0', feeAsset: 'USDT', liquidity: 'TAKER' as const });

describe('OrderTracker: each fact reported once, in a legal order', () => {
  test('a FULL answer yields accepted then one fill per trade; the stream repeating them adds nothing', () => {
    const { events, tracker, t, base } = setup();
    tracker.emitReport(t, parseOrderReport(fixture('order-full')), 5);
    assert.deepEqual(events.map((e) => e.type), ['accepted', 'filled', 'filled', 'filled', 'filled', 'filled']);
    assert.equal(tracker.emit(t, { ...base, type: 'accepted' }), false);
    assert.equal(tracker.emit(t, { ...base, ...fill('57') }), false);
    assert.equal(events.length, 6);
  });

  test('a fill before the acceptance report brings an accepted first', () => {
    const { events, tracker, t, base } = setup();
    tracker.emit(t, { ...base, ...fill('1') });
    tracker.emit(t, { ...base, type: 'accepted' });
    assert.deepEqual(events.map((e) => e.type), ['accepted', 'filled']);
  });

  test('one terminal event; a fill racing a cancel is still reported; no rejection after acceptance', () => {
    const { events, tracker, t, base } = setup();
    tracker.emit(t, { ...base, type: 'cancelled', reason: 'CANCELED' });
    tracker.emit(t, { ...base, type: 'cancelled', reason: 'CANCELED' });
    tracker.emit(t, { ...base, type: 'expired' });
    tracker.emit(t, { ...base, ...fill('9') });
    tracker.emit(t, { ...base, type: 'rejected', reason: 'late' });
    assert.deepEqual(events.map((e) => e.type), ['accepted', 'cancelled', 'filled']);
  });

  test('a cancel answer reports cancelled; an ACK answer only accepted', () => {
    const a = setup();
    a.tracker.emitReport(a.t, parseOrderReport(fixture('cancel-order')), 5);
    assert.deepEqual(a.events.map((e) => e.type), ['accepted', 'cancelled']);
    const b = setup();
    b.tracker.emitReport(b.t, parseOrderReport(fixture('order-ack')), 5);
    assert.deepEqual(b.events.map((e) => e.type), ['accepted']);
    assert.equal(b.t.externalOrderId, '28');
  });
});
