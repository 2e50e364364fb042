import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QuoteRecord } from '../model/fermata.ts';
import { changedQuote } from './quote-change.ts';

// Every field set (`Required`: a field added to QuoteRecord fails to compile here until this sample has it, and the
// comparison below then fails until changedQuote copies it).
const full: Required<QuoteRecord> = {
  quoteId: 'q-1', quoteRequestId: 'r-1', userId: 'u-1', dealerAccountId: 'd-1', traderAccountId: 't-1', instrumentId: 'FERMATA:BTC/USDT',
  symbol: 'BTC/USDT', baseAsset: 'BTC', quoteAsset: 'USDT', side: 'SELL', quantityType: 'QUOTE', quantity: '0.5', quoteQuantity: '25000.5',
  price: '50001', status: 'CREATED', rejectReason: 'r', pricingProfileId: 'p', hedgeInstrumentId: 'PAPER:BTC/USDT', tradeOrderId: 'o-0',
  createdAt: 1, updatedAt: 2, expireAt: 3,
};
const { quoteRequestId: _r, traderAccountId: _t, rejectReason: _x, hedgeInstrumentId: _h, tradeOrderId: _o, ...bare } = full;

test('a changed quote is the record spread with its change, a new status and time', () => {
  const cases: Array<[QuoteRecord, Parameters<typeof changedQuote>[1]]> = [
    [full, {}],
    [full, { tradeOrderId: 'o-1', traderAccountId: 't-2', rejectReason: 'why' }],
    [bare, {}],
    [bare, { tradeOrderId: 'o-1' }],
    [bare, { tradeOrderId: 'o-1', traderAccountId: 't-2' }],
    [bare, { rejectReason: 'paused' }],
  ];
  for (const [q, change] of cases) {
    const next = changedQuote(q, change, 'ACCEPTED', 9);
    assert.deepEqual(next, { ...q, ...change, status: 'ACCEPTED', updatedAt: 9 });
    assert.notEqual(next, q);
  }
  assert.equal(full.status, 'CREATED', 'the record itself is left as it was');
});
