/**
 * @module model/subscription
 * A server-side data subscription of one user (market stream or trading-account stream).
 */
import type { SubscriptionStatus } from '@cadenza/contract';

export interface Subscription {
  subscriptionId: string;
  userId: string;
  /** Set for TRADING_ACCOUNT.* subscriptions. */
  tradingAccountId?: string;
  venue: string;
  /** Set for per-instrument market subscriptions. */
  instrumentId?: string;
  /** A `SubscriptionType` value. */
  subscriptionType: string;
  /** KlineInterval for MARKET.SUBSCRIPTION.KLINE. */
  interval?: string;
  status: SubscriptionStatus;
  createdAt: number;
  updatedAt: number;
}
