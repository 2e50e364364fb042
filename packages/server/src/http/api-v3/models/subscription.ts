/**
 * @module http/api-v3/models/subscription
 * `RpcSubscription` → the REST `Subscription`; the account of an account-stream subscription comes from the
 * request that named it (the RPC model has no account field).
 */
import type { RpcSubscription, Subscription, Venue } from '@cadenza/contract';
import { restTime } from './rest-time.ts';

export function toRestSubscription(s: RpcSubscription, tradingAccountId?: string): Subscription {
  const out: Subscription = {
    subscriptionId: s.subscriptionId!,
    venue: s.venue as Venue,
    subscriptionType: s.subscriptionType!,
    status: s.status!,
    ...restTime('createdAt', s.createdAt),
    ...restTime('updatedAt', s.updatedAt),
  };
  if (tradingAccountId !== undefined) out.tradingAccountId = tradingAccountId;
  if (s.instrumentId !== undefined) out.instrumentId = s.instrumentId;
  return out;
}
