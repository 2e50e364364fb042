/**
 * @module ports/event-sink
 * Where the domain publishes account events, after the change they describe is committed.
 */
import type { AccountEvent } from '@cadenza/contract';

export interface EventSink {
  /**
   * Publishes `event` (`{type, data, timestamp}`, docs/architecture.md, decision 2) on `channel`
   * (`tradingAccount:{id}` or `user:{userId}`). Must not throw; delivery failures are the sink's to log.
   * Events of one channel are published in the order of the changes.
   */
  publish(channel: string, event: AccountEvent): void;
}
