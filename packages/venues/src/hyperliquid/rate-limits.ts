/**
 * @module hyperliquid/rate-limits
 * Hyperliquid's documented IP limits ("Rate limits and user limits"), kept before anything is sent
 * (kit/credit-bucket.ts). Every REST request weighs against one budget of 1200 per minute per IP:
 *  - `/exchange` actions weigh 1 + floor(batch length / 40);
 *  - `/info` requests `l2Book`, `allMids`, `clearinghouseState`, `orderStatus`, `spotClearinghouseState` and
 *    `exchangeStatus` weigh 2, `userRole` 60, every other 20; `userFills`, `userFillsByTime`, `recentTrades`,
 *    `historicalOrders` … add 1 per 20 items answered and `candleSnapshot` 1 per 60 (charged after the answer).
 * The budget is a pool of 600 refilled at 10 a second, so no rolling minute sees more than 1200. WebSocket
 * connections are paced too (the docs allow 30 new connections a minute): a pool of 5, refilled every 2 s.
 * A 429 answer stops everything for `Retry-After` (else the configured back-off; Hyperliquid lets a throttled client
 * send one request every 10 s).
 */
import type { CreditPool } from '../kit/credit-bucket.ts';

export const HYPERLIQUID_POOLS: Readonly<Record<string, CreditPool>> = {
  ip: { capacity: 600, refillPerSecond: 10, margin: 20 },
  'ws:connect': { capacity: 5, refillPerSecond: 0.5 },
};

const LIGHT: ReadonlySet<string> = new Set(['l2Book', 'allMids', 'clearinghouseState', 'orderStatus', 'spotClearinghouseState', 'exchangeStatus']);
const PER_20: ReadonlySet<string> = new Set(['recentTrades', 'historicalOrders', 'userFills', 'userFillsByTime', 'fundingHistory', 'userFunding', 'nonUserFundingUpdates', 'twapHistory', 'userTwapSliceFills', 'userTwapSliceFillsByTime', 'delegatorHistory', 'delegatorRewards', 'validatorStats']);

/** The weight of an `/info` request before its answer. */
export function infoWeight(type: string): number {
  if (LIGHT.has(type)) return 2;
  if (type === 'userRole') return 60;
  return 20;
}

/** The extra weight an `/info` answer of `items` items costs. */
export function answerWeight(type: string, items: number): number {
  if (PER_20.has(type)) return Math.floor(items / 20);
  if (type === 'candleSnapshot') return Math.floor(items / 60);
  return 0;
}

/** The weight of an `/exchange` action batching `batch` orders or cancels. */
export function actionWeight(batch: number): number {
  return 1 + Math.floor(batch / 40);
}
