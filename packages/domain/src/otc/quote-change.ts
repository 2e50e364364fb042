/**
 * @module otc/quote-change
 * A quote's next state as a new record, built as one object literal. `{ ...q, ...fields }` made the same record, but
 * V8 (Node 20) takes a slow path when a spread copy gains a property its source lacks (an accepted quote gains
 * `tradeOrderId`): ~1.5 µs a record against ~30 ns for a literal (docs/benchmarks.md, seventh pass).
 */
import type { QuoteRecord, QuoteStatusValue } from '../model/fermata.ts';

/** What a quote's transition may set besides its status. */
export type QuoteChange = Pick<QuoteRecord, 'tradeOrderId' | 'traderAccountId' | 'rejectReason'>;

/** `q` moved to `status` at `updatedAt`, with `change`'s fields (set ones win, as a spread of `change` after `q`). */
export function changedQuote(q: QuoteRecord, change: QuoteChange, status: QuoteStatusValue, updatedAt: number): QuoteRecord {
  const next: QuoteRecord = {
    quoteId: q.quoteId,
    userId: q.userId,
    dealerAccountId: q.dealerAccountId,
    instrumentId: q.instrumentId,
    symbol: q.symbol,
    baseAsset: q.baseAsset,
    quoteAsset: q.quoteAsset,
    side: q.side,
    quantityType: q.quantityType,
    quantity: q.quantity,
    quoteQuantity: q.quoteQuantity,
    price: q.price,
    status,
    pricingProfileId: q.pricingProfileId,
    createdAt: q.createdAt,
    updatedAt,
    expireAt: q.expireAt,
  };
  if (q.quoteRequestId !== undefined) next.quoteRequestId = q.quoteRequestId;
  if (q.hedgeInstrumentId !== undefined) next.hedgeInstrumentId = q.hedgeInstrumentId;
  const traderAccountId = change.traderAccountId ?? q.traderAccountId;
  if (traderAccountId !== undefined) next.traderAccountId = traderAccountId;
  const rejectReason = change.rejectReason ?? q.rejectReason;
  if (rejectReason !== undefined) next.rejectReason = rejectReason;
  const tradeOrderId = change.tradeOrderId ?? q.tradeOrderId;
  if (tradeOrderId !== undefined) next.tradeOrderId = tradeOrderId;
  return next;
}
