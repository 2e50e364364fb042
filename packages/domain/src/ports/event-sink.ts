/**
 * @module ports/event-sink
 * Where the domain publishes account events, after the change they describe is committed.
 */
import type { AccountEvent } from '@cadenza/contract';

export interface EventSink {
  /**
   * Publishes `event` (`{type, data, timestamp}`, docs/architecture.md, decision 2) on `channel`
   * (`tradingAccount:{id}` or `user:{userId}`). Must not throw; delivery failures are the sink's to log.
   * Events of one channel are published in the order of the changes. One event meant for several readers (a quote,
   * on its trader's and its dealer's channel) comes as the same object for each channel, one call after the other,
   * and is never changed once published: a sink may serialise it once for all of them.
   */
  publish(channel: string, event: AccountEvent): void;
}
