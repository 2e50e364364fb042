/**
 * @module okx/rate-limits
 * OKX's documented request budgets (v5 "Rate Limit" of each endpoint; all windows are 2 seconds), keyed by endpoint.
 * Keys used at runtime add the rule's scope after '|' — the API key for per-user limits, and the instrument for
 * per-instrument ones — so `POST /api/v5/trade/order|<apiKey>|BTC-USDT` counts against the 60-per-2-s budget of that
 * user and instrument.
 */
import type { Budget } from '../kit/rate-budget.ts';

const TWO_S = 2000;

export const OKX_BUDGETS: Readonly<Record<string, Budget>> = {
  // Public (rule: IP; instruments: IP + instType)
  'GET /api/v5/public/instruments': { limit: 20, windowMs: TWO_S },
  'GET /api/v5/public/time': { limit: 10, windowMs: TWO_S },
  'GET /api/v5/market/books': { limit: 40, windowMs: TWO_S },
  'GET /api/v5/market/candles': { limit: 40, windowMs: TWO_S },
  'GET /api/v5/market/ticker': { limit: 20, windowMs: TWO_S },
  // Private (rule: user ID, + instrument ID for order endpoints)
  'POST /api/v5/trade/order': { limit: 60, windowMs: TWO_S },
  'POST /api/v5/trade/cancel-order': { limit: 60, windowMs: TWO_S },
  'GET /api/v5/trade/order': { limit: 60, windowMs: TWO_S },
  'GET /api/v5/trade/fills': { limit: 60, windowMs: TWO_S },
  'GET /api/v5/trade/fills-history': { limit: 10, windowMs: TWO_S },
  'GET /api/v5/account/balance': { limit: 10, windowMs: TWO_S },
  // WebSocket: 3 connection requests per second per IP; login/subscribe/unsubscribe 480 per hour per connection.
  'ws:connect': { limit: 3, windowMs: 1000 },
};

/** Endpoints whose limit is per user and instrument (the rest of the private ones are per user). */
export const PER_INSTRUMENT: ReadonlySet<string> = new Set(['POST /api/v5/trade/order', 'POST /api/v5/trade/cancel-order', 'GET /api/v5/trade/order']);

/** OKX's "too many requests" answers: 50011 (rate limit reached), 50061 (sub-account order rate limit). */
export const RATE_LIMIT_CODES: ReadonlySet<string> = new Set(['50011', '50061']);
