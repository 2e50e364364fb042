import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QuoteRecord } from '../model/fermata.ts';
import { silentLogger } from '../ports/logger.ts';
import { Publisher } from '../publisher.ts';
import { UnitOfWork } from '../unit-of-work.ts';
import { changedQuote } from './quote-change.ts';
import { QuoteMemory } from './quote-memory.ts';
import { QuoteSlots } from './quote-slots.ts';

const memory = () => {
  const store = { transaction: <T>(fn: () => T): T => fn() };
  const unit = new UnitOfWork(store as never, new Publisher({ publish() {} }, { now: () => 0 }, silentLogger));
  const ctx = { unit, config: { closedOrderMemoryMs: 3_600_000, closedQuoteLimit: 100 } };
  return { unit, m: new QuoteMemory(ctx as never) };
};

const quote = (quoteId: string, traderAccountId?: string): QuoteRecord => ({
  quoteId, userId: 'u', dealerAccountId: 'd', instrumentId: 'FERMATA:BTC/USDT', symbol: 'BTC/USDT', baseAsset: 'BTC', quoteAsset: 'USDT', side: 'BUY',
  quantityType: 'BASE', quantity: '1', quoteQuantity: '100', price: '100', status: 'CREATED', pricingProfileId: 'p', createdAt: 1, updatedAt: 1, expireAt: 2,
  ...(traderAccountId ? { traderAccountId } : {}),
});

test('a quote that closes leaves the slot it was held in, even when its change names the trading account; undone, it holds it again', () => {
  const { unit, m } = memory();
  const q = quote('q1');
  unit.run(() => m.holdNew(q));
  assert.equal(m.inSlot(q), q);
  // Accepted from an account the RFQ did not name: the closed record names another slot, which holds nothing.
  const accepted = changedQuote(q, { tradeOrderId: 'o1', traderAccountId: 't1' }, 'ACCEPTED', 3);
  assert.equal(m.inSlot(accepted), undefined);
  assert.throws(() =>
    unit.run(() => {
      m.hold(accepted);
      assert.equal(m.inSlot(q), undefined);
      assert.equal(m.openQuote('q1'), undefined);
      throw new Error('the unit failed');
    }),
  );
  assert.equal(m.inSlot(q), q, 'undone: open in its slot again');
  unit.run(() => m.hold(accepted));
  assert.equal(m.inSlot(q), undefined);
  assert.equal(m.find('q1'), accepted);
  // A new quote takes the slot, and is replaced in it.
  const next = quote('q2');
  unit.run(() => m.holdNew(next));
  assert.equal(m.inSlot(q), next);
  unit.run(() => m.hold(changedQuote(next, {}, 'REPLACED', 4)));
  assert.equal(m.inSlot(q), undefined);
  assert.equal(m.openCount, 0);
});

test('slots: each of user, trading account, dealer, pair and side names its own; emptied ones are kept a while, then swept out', () => {
  const base = { userId: 'u', dealerAccountId: 'd', symbol: 'BTC/USDT', side: 'BUY' as const };
  const variants = [base, { ...base, traderAccountId: 't' }, { ...base, userId: 'v' }, { ...base, dealerAccountId: 'e' }, { ...base, symbol: 'ETH/USDT' }, { ...base, side: 'SELL' as const }];
  for (const keepEmpty of [1_024, 1]) {
    const slots = new QuoteSlots(keepEmpty);
    variants.forEach((s, i) => slots.set(s, `q${i}`));
    variants.forEach((s, i) => assert.equal(slots.get(s), `q${i}`));
    // A slot named by the same strings, as other objects: the same slot.
    assert.equal(slots.get({ ...base, symbol: ['BTC', 'USDT'].join('/') }), 'q0');
    slots.set(base, 'q9');
    assert.equal(slots.get(base), 'q9');
    slots.delete(variants[5]!);
    assert.equal(slots.get(variants[5]!), undefined);
    assert.equal(slots.get(base), 'q9', 'the other side stays');
    variants.forEach((s) => slots.delete(s));
    variants.forEach((s) => assert.equal(slots.get(s), undefined));
    // Kept for the next RFQ while few; swept out once they outnumber keepEmpty and the slots held.
    assert.equal(slots.empty, keepEmpty === 1);
    slots.set(variants[2]!, 'q10');
    assert.equal(slots.get(variants[2]!), 'q10');
    slots.delete(variants[2]!);
    slots.delete(base);
  }
});
