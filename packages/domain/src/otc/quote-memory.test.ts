import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QuoteRecord } from '../model/fermata.ts';
import { silentLogger } from '../ports/logger.ts';
import { Publisher } from '../publisher.ts';
import { UnitOfWork } from '../unit-of-work.ts';
import { changedQuote } from './quote-change.ts';
import { QuoteMemory, replaceKey } from './quote-memory.ts';

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
  const slot = replaceKey(q);
  unit.run(() => m.holdNew(q, slot));
  assert.equal(m.inSlot(slot), q);
  // Accepted from an account the RFQ did not name: the closed record's own key would be another slot.
  const accepted = changedQuote(q, { tradeOrderId: 'o1', traderAccountId: 't1' }, 'ACCEPTED', 3);
  assert.notEqual(replaceKey(accepted), slot);
  assert.throws(() =>
    unit.run(() => {
      m.hold(accepted);
      assert.equal(m.inSlot(slot), undefined);
      assert.equal(m.openQuote('q1'), undefined);
      throw new Error('the unit failed');
    }),
  );
  assert.equal(m.inSlot(slot), q, 'undone: open in its slot again');
  unit.run(() => m.hold(accepted));
  assert.equal(m.inSlot(slot), undefined);
  assert.equal(m.find('q1'), accepted);
  // A new quote takes the slot, and is replaced in it.
  const next = quote('q2');
  unit.run(() => m.holdNew(next, slot));
  assert.equal(m.inSlot(slot), next);
  unit.run(() => m.hold(changedQuote(next, {}, 'REPLACED', 4), slot));
  assert.equal(m.inSlot(slot), undefined);
  assert.equal(m.openCount, 0);
});
