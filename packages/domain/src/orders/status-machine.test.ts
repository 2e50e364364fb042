import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OrderStatusValues, type OrderStatus } from '@cadenza/contract';
import { isTerminal, legalTransitions, transition, type OrderEventKind } from './status-machine.ts';

const events: OrderEventKind[] = [
  'SUBMIT', 'ACCEPT', 'PARTIAL_FILL', 'FILL', 'CANCEL_REQUEST', 'CANCEL_REJECTED', 'CANCEL_REJECTED_AFTER_FILL', 'CANCEL', 'REJECT', 'EXPIRE',
];

describe('order status machine', () => {
  test('walks the happy path CREATED → SUBMITTED → ACCEPTED → PARTIALLY_FILLED → FILLED', () => {
    let s: OrderStatus = 'CREATED';
    for (const [e, want] of [['SUBMIT', 'SUBMITTED'], ['ACCEPT', 'ACCEPTED'], ['PARTIAL_FILL', 'PARTIALLY_FILLED'], ['FILL', 'FILLED']] as const) {
      const r = transition(s, e);
      assert.ok(r.ok, `${s} + ${e}`);
      s = r.status;
      assert.equal(s, want);
    }
  });

  test('refuses to cancel or fill a rejected order, and to accept a filled one', () => {
    assert.equal(transition('REJECTED', 'CANCEL').ok, false);
    assert.equal(transition('REJECTED', 'FILL').ok, false);
    assert.equal(transition('FILLED', 'ACCEPT').ok, false);
    assert.equal(transition('FILLED', 'CANCEL_REQUEST').ok, false);
    assert.equal(transition('EXPIRED', 'PARTIAL_FILL').ok, false);
  });

  test('a refused cancel returns the order to ACCEPTED or PARTIALLY_FILLED', () => {
    assert.deepEqual(transition('PENDING_CANCEL', 'CANCEL_REJECTED'), { ok: true, status: 'ACCEPTED' });
    assert.deepEqual(transition('PENDING_CANCEL', 'CANCEL_REJECTED_AFTER_FILL'), { ok: true, status: 'PARTIALLY_FILLED' });
  });

  test('a late fill after a cancel is booked: partial stays CANCELLED, complete becomes FILLED', () => {
    assert.deepEqual(transition('CANCELLED', 'PARTIAL_FILL'), { ok: true, status: 'CANCELLED' });
    assert.deepEqual(transition('CANCELLED', 'FILL'), { ok: true, status: 'FILLED' });
  });

  test('only the listed pairs are legal', () => {
    const legal = new Set(legalTransitions().map((t) => `${t.from}/${t.event}`));
    for (const s of OrderStatusValues) {
      for (const e of events) assert.equal(transition(s, e).ok, legal.has(`${s}/${e}`), `${s} + ${e}`);
    }
  });

  test('property: from CREATED, any event sequence stays within legal moves and never leaves FILLED, REJECTED or EXPIRED', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...events), { maxLength: 30 }), (seq) => {
        let s: OrderStatus = 'CREATED';
        for (const e of seq) {
          const r = transition(s, e);
          if (!r.ok) continue; // refused: the status must not change
          if (s === 'FILLED' || s === 'REJECTED' || s === 'EXPIRED') return false;
          s = r.status;
        }
        return (OrderStatusValues as readonly string[]).includes(s);
      }),
      { seed: 724, numRuns: 500 },
    );
  });

  test('property: terminal statuses accept nothing but the late-fill pairs of CANCELLED', () => {
    fc.assert(
      fc.property(fc.constantFrom(...OrderStatusValues), fc.constantFrom(...events), (s, e) => {
        if (!isTerminal(s)) return true;
        const r = transition(s, e);
        return !r.ok || (s === 'CANCELLED' && (e === 'PARTIAL_FILL' || e === 'FILL'));
      }),
      { seed: 725, numRuns: 300 },
    );
  });
});
