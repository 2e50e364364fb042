/**
 * @module subscription
 * One connection's subscription to one channel: how it was granted (flags, channel info), whether it is live yet,
 * and — for positioned subscriptions — where in the channel's stream its client stands. Kept small: thousands of
 * these exist per node.
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

/** What fan-out does with a publication for one subscriber (see `Subscription.take`). */
export const Take = {
  /** Write it to the client. */
  deliver: 0,
  /** Nothing now: held while subscribing, or already delivered (a repeat). */
  skip: 1,
  /** Publications were lost on the way to this node, or the stream was reset: the client must recover. */
  lost: 2,
} as const;
export type Take = (typeof Take)[keyof typeof Take];

export class Subscription {
  /** SubFlag bits, fixed once the subscription is granted. */
  flags = 0;
  chanInfo: RawJson | undefined = undefined;
  /**
   * Live publications that arrived while the subscribe reply was being built; null once live. While it is set the
   * subscription is "subscribing" and gets no pushes directly.
   */
  #buffer: BrokerPublication[] | null = [];
  /**
   * Positioned subscriptions: offset of the last publication this client was given (0 = none yet). The next one must
   * be exactly one more; anything else means a publication never reached this node (a broker's pub/sub is at most
   * once), and the client is sent to recover it from history.
   */
  #offset = 0;
  /** The stream generation `offset` belongs to ('' = not known yet). */
  #epoch = '';

  constructor(readonly ns: ResolvedNamespace) {}

  get live(): boolean {
    return this.#buffer === null;
  }

  get positioned(): boolean {
    return (this.flags & SubFlag.positioned) !== 0;
  }

  get offset(): number {
    return this.#offset;
  }

  get epoch(): string {
    return this.#epoch;
  }

  /** Decides what happens to a live publication for this subscriber, advancing its position when delivered. */
  take(pub: BrokerPublication): Take {
    if (this.#buffer !== null) {
      this.#buffer.push(pub);
      return Take.skip;
    }
    if (pub.offset > 0 && (this.flags & SubFlag.positioned) !== 0) {
      // Another epoch: the stream was reset (storage lost), the client's position means nothing any more.
      if (pub.epoch && this.#epoch && pub.epoch !== this.#epoch) return Take.lost;
      if (this.#offset > 0 && pub.offset !== this.#offset + 1) return pub.offset > this.#offset ? Take.lost : Take.skip;
      this.#offset = pub.offset;
      if (pub.epoch) this.#epoch = pub.epoch;
    }
    return Take.deliver;
  }

  /**
   * Ends the subscribing phase: the position the client was answered (`upTo`, `epoch`) becomes the subscription's,
   * and the publications held meanwhile are returned for the caller to merge and deliver.
   */
  goLive(upTo: number | undefined, epoch: string | undefined): BrokerPublication[] {
    const held = this.#buffer ?? [];
    this.#buffer = null;
    if (upTo !== undefined) this.#offset = upTo;
    if (epoch) this.#epoch = epoch;
    return held;
  }

  /** The client was given publications up to `offset` after going live (the merged ones). */
  advancedTo(offset: number): void {
    if (offset > this.#offset) this.#offset = offset;
  }
}
