import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { QuoteRecord } from '../model/fermata.ts';
import { toQuote } from './fermata-models.ts';

const record = (createdAt: number, updatedAt: number, expireAt: number): QuoteRecord => ({
  quoteId: 'q', userId: 'u', dealerAccountId: 'd', instrumentId: 'FERMATA:BTC/USDT', symbol: 'BTC/USDT', baseAsset: 'BTC', quoteAsset: 'USDT', side: 'BUY',
  quantityType: 'BASE', quantity: '1', quoteQuantity: '100', price: '100', status: 'CREATED', pricingProfileId: 'p', createdAt, updatedAt, expireAt,
});

test("property: a quote's ISO times are its instants', whatever instants came before (remembered texts never answer for another instant)", () => {
  const start = Date.UTC(2026, 11, 2, 12);
  // Instants near each other (the same millisecond, and others a remembered slot apart) and far apart.
  const instant = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 8 }).map((k) => k * 512), fc.integer({ min: 0, max: 400_000_000 })).map((d) => start + d);
  fc.assert(
    fc.property(fc.array(fc.tuple(instant, instant, fc.integer({ min: 1, max: 300_000 })), { minLength: 1, maxLength: 40 }), (quotes) => {
      for (const [created, updated, ttl] of quotes) {
        const q = toQuote(record(created, updated, created + ttl));
        assert.deepEqual([q.createdAtDateTime, q.updatedAtDateTime, q.expireAtDateTime], [created, updated, created + ttl].map((ms) => new Date(ms).toISOString()));
      }
    }),
    { numRuns: 300 },
  );
});
