/**
 * @module publisher
 * Account and user events, held until the change that caused them is committed.
 */
import { channels } from '@cadenza/contract';
import type { Clock } from './ports/clock.ts';
import type { EventSink } from './ports/event-sink.ts';
import type { Logger } from './ports/logger.ts';

/** Publishes `{type, data, timestamp}` events on account and user channels. */
export class Publisher {
  /** `afterCommit` defers each event until the writes before it are durable (group-commit stores). */
  constructor(
    private readonly sink: EventSink,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly afterCommit: (cb: () => void) => void = (cb) => cb(),
  ) {}
  toAccount(tradingAccountId: string, type: string, data: unknown): void {
    this.emit(channels.tradingAccount(tradingAccountId), type, data);
  }
  toUser(userId: string, type: string, data: unknown): void {
    this.emit(channels.user(userId), type, data);
  }
  /** A change of a venue's catalogue, on `market:instrument:{VENUE}` or `market:security:{VENUE}` (anyone may read). */
  toCatalogue(kind: 'instrument' | 'security', venue: string, type: string, data: unknown): void {
    this.emit(channels.catalogue(kind, venue), type, data);
  }
  /**
   * Runs `fn` holding back every event it publishes; they go out, in order, only if `fn` returns (its
   * transaction committed), and are dropped if it throws. Nested batches join the outer one (a failing nested
   * batch drops only its own events).
   */
  batch<T>(fn: () => T): T {
    if (this.held) {
      const mark = this.held.length;
      try {
        return fn();
      } catch (err) {
        this.held.length = mark;
        throw err;
      }
    }
    const held: Array<[string, string, unknown]> = [];
    this.held = held;
    let out: T;
    try {
      out = fn();
    } finally {
      this.held = undefined;
    }
    for (const [channel, type, data] of held) this.emit(channel, type, data);
    return out;
  }

  private held: Array<[string, string, unknown]> | undefined;

  private emit(channel: string, type: string, data: unknown): void {
    if (this.held) {
      this.held.push([channel, type, data]);
      return;
    }
    const event = { type, data, timestamp: this.clock.now() };
    this.afterCommit(() => {
      try {
        this.sink.publish(channel, event);
      } catch (err) {
        this.log.error({ err, channel, type }, 'event sink threw');
      }
    });
  }
}
