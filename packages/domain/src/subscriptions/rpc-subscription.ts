/**
 * @module subscriptions/rpc-subscription
 */
import type { RpcSubscription } from '@cadenza/contract';
import { toIso } from '../model/time.ts';
import type { Subscription } from '../model/subscription.ts';

export function toRpcSubscription(s: Subscription): RpcSubscription {
  const out: RpcSubscription = {
    subscriptionId: s.subscriptionId,
    venue: s.venue as RpcSubscription['venue'],
    subscriptionType: s.subscriptionType as RpcSubscription['subscriptionType'],
    status: s.status,
    createdAt: toIso(s.createdAt),
    updatedAt: toIso(s.updatedAt),
  };
  if (s.instrumentId !== undefined) out.instrumentId = s.instrumentId;
  return out;
}
