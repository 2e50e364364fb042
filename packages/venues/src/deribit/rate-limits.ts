/**
 * @module deribit/rate-limits
 * Deribit's credit-based limits (docs: "Rate Limits"), kept before anything is sent (kit/credit-bucket.ts). Each
 * request costs credits from a pool that refills continuously; a request that finds the pool empty is answered
 * `too_many_requests` (10028) and Deribit ends the session. The default tier's figures:
 *  - non-matching-engine requests (everything but orders): 500 credits each, pool 50,000, refilled 10,000 a second —
 *    a burst of 100, then 20 a second; per sub-account (keyed by client id), and per IP for unauthenticated ones;
 *  - matching-engine requests (`private/buy`, `sell`, `edit`, `cancel`…): a burst of 20, then 5 a second, per
 *    sub-account.
 * Pools are keyed `<kind>|<scope>`: `matching|<clientId>`, `non-matching|<clientId>`, `non-matching|public`.
 */
import type { CreditPool } from '../kit/credit-bucket.ts';

export const NON_MATCHING_COST = 500;

export const DERIBIT_POOLS: Readonly<Record<string, CreditPool>> = {
  'non-matching': { capacity: 50_000, refillPerSecond: 10_000, margin: 500 },
  matching: { capacity: 20, refillPerSecond: 5, margin: 1 },
  /** Connection attempts: Deribit allows 32 connections per IP; reconnect storms are paced to 5 a second. */
  'ws:connect': { capacity: 5, refillPerSecond: 5 },
};

/** Methods the matching engine serves (cost 1 from the `matching` pool). */
export const MATCHING_METHODS: ReadonlySet<string> = new Set(['private/buy', 'private/sell', 'private/edit', 'private/cancel', 'private/cancel_all', 'private/cancel_by_label']);

/** Deribit's "too many requests" codes: 10028 too_many_requests, 10040 retry (the matching engine asks to retry later). */
export const RATE_LIMIT_CODES: ReadonlySet<number> = new Set([10028]);

/** The credit pool and cost of one request. */
export function creditOf(method: string, scope: string): { key: string; cost: number } {
  return MATCHING_METHODS.has(method) ? { key: `matching|${scope}`, cost: 1 } : { key: `non-matching|${scope}`, cost: NON_MATCHING_COST };
}
