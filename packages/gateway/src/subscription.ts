/**
 * @module subscription
 * One client's subscription to one channel. Kept small: thousands of these exist per node.
 */
import type { RawJson } from '@cadenza/protocol';
import type { BrokerPublication } from './broker/broker.ts';
import type { ResolvedNamespace } from './channel-rules.ts';

/** Flag bits of a subscription. */
export const SubFlag = {
  joinLeave: 1,
  serverSide: 2,
  recoverable: 4,
  positioned: 8,
} as const;

export class Subscription {
  /** SubFlag bits. */
  flags = 0;
  /**
   * Live publications that arrived while the subscribe reply was being built; null once live. While it is set the
   * subscription is "subscribing" and gets no pushes directly.
   */
  buffer: BrokerPublication[] | null = [];
  /** Unix seconds when the subscription expires (token expiry); 0 = never. */
  expireAt = 0;
  chanInfo: RawJson | undefined = undefined;
  /**
   * Positioned subscriptions: offset of the last publication this client was given (0 = none yet). The next one must
   * be exactly one more; anything else means a publication never reached this node (a broker's pub/sub is at most
   * once), and the client is sent to recover it from history.
   */
  offset = 0;
  /** The stream generation `offset` belongs to ('' = not known yet). */
  epoch = '';
  constructor(readonly ns: ResolvedNamespace) {}
}
