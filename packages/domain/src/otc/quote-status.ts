/**
 * @module otc/quote-status
 * A quote's life: CREATED until it is accepted (once), expires, is rejected (the dealer paused or archived) or is
 * replaced by the trader's next quote for the same dealer, pair and side. Every other status is final.
 */
import type { QuoteStatusValue } from '../model/fermata.ts';

export type QuoteEvent = 'ACCEPT' | 'EXPIRE' | 'REJECT' | 'REPLACE';

const next: Record<QuoteEvent, QuoteStatusValue> = { ACCEPT: 'ACCEPTED', EXPIRE: 'EXPIRED', REJECT: 'REJECTED', REPLACE: 'REPLACED' };

/** The status `event` leads to, or undefined when the quote is no longer open. */
export function quoteTransition(status: QuoteStatusValue, event: QuoteEvent): QuoteStatusValue | undefined {
  return status === 'CREATED' ? next[event] : undefined;
}

export function isOpenQuote(status: QuoteStatusValue): boolean {
  return status === 'CREATED';
}
