/**
 * @module bitfinex/rate-limits
 * Bitfinex's documented request budgets: each REST endpoint allows 10–90 requests per minute per IP (the figure is on
 * the endpoint's reference page); going over blocks the IP on that endpoint for 60 s (HTTP 429,
 * `["error", 11010, "ratelimit: error"]`). WebSocket connections: 20 per minute on the public host, 5 per 15 s on
 * the authenticated one; at most 25 public channels per connection.
 */
import type { Budget } from '../kit/rate-budget.ts';

const MIN = 60_000;

export const BITFINEX_BUDGETS: Readonly<Record<string, Budget>> = {
  'GET conf/pub:info:pair': { limit: 90, windowMs: MIN },
  'GET conf/pub:list:pair:exchange': { limit: 90, windowMs: MIN },
  'GET tickers': { limit: 30, windowMs: MIN },
  'GET candles': { limit: 30, windowMs: MIN },
  'POST auth/w/order/submit': { limit: 90, windowMs: MIN },
  'POST auth/w/order/cancel': { limit: 90, windowMs: MIN },
  'POST auth/r/orders': { limit: 90, windowMs: MIN },
  'POST auth/r/orders/hist': { limit: 90, windowMs: MIN },
  'POST auth/r/order/trades': { limit: 90, windowMs: MIN },
  'POST auth/r/wallets': { limit: 90, windowMs: MIN },
  'ws:public': { limit: 20, windowMs: MIN },
  'ws:auth': { limit: 5, windowMs: 15_000 },
};

/** How long Bitfinex blocks an IP that went over an endpoint's limit. */
export const BLOCK_MS = 60_000;

/** Public channels per connection. */
export const CHANNELS_PER_CONNECTION = 25;
