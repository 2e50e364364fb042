/**
 * @module publisher
 * Account and user events, held until the change that caused them is committed.
 */
import { channels, type AccountEvent } from '@cadenza/contract';
import { accountChannel, userChannel } from './channel-names.ts';
import type { Clock } from './ports/clock.ts';
import type { EventSink } from './ports/event-sink.ts';
import type { Logger } from './ports/logger.ts';

/** An event held back by `batch`: its channel (or channels), type and data. */
type Held = [string | readonly string[], string, unknown];

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
    this.emit(accountChannel(tradingAccountId), type, data);
  }
  /**
   * One event for several readers (a quote, on its trader's and its dealer's channel): the sink gets the same event
   * object for each channel, in the order given, and may serialise it once for all of them.
   */
  toEach(channelNames: readonly string[], type: string, data: unknown): void {
    this.emit(channelNames, type, data);
  }
  toUser(userId: string, type: string, data: unknown): void {
    this.emit(userChannel(userId), type, data);
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
    const held: Held[] = [];
    this.held = held;
    let out: T;
    try {
      out = fn();
    } finally {
      this.held = undefined;
    }
    if (held.length > 0) this.release(held);
    return out;
  }

  private held: Held[] | undefined;

  /**
   * A committed batch's events, as `emit` would send them one by one, at one time read once and behind one
   * `afterCommit` callback (the accept's unit publishes five to seven events: a clock read and a callback each).
   */
  private release(held: Held[]): void {
    const timestamp = this.clock.now();
    const events: AccountEvent[] = new Array<AccountEvent>(held.length);
    for (let i = 0; i < held.length; i++) events[i] = { type: held[i]![1], data: held[i]![2], timestamp };
    this.afterCommit(() => {
      for (let i = 0; i < held.length; i++) {
        const to = held[i]![0];
        if (typeof to === 'string') this.send(to, events[i]!);
        else for (const channel of to) this.send(channel, events[i]!);
      }
    });
  }

  private emit(to: string | readonly string[], type: string, data: unknown): void {
    if (this.held) {
      this.held.push([to, type, data]);
      return;
    }
    const event = { type, data, timestamp: this.clock.now() };
    this.afterCommit(() => {
      if (typeof to === 'string') this.send(to, event);
      else for (const channel of to) this.send(channel, event);
    });
  }

  private send(channel: string, event: AccountEvent): void {
    try {
      this.sink.publish(channel, event);
    } catch (err) {
      this.log.error({ err, channel, type: event.type }, 'event sink threw');
    }
  }
}
