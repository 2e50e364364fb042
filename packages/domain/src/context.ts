/**
 * @module context
 * What every service of one Cadenza instance shares: ports, config, the venue registry and the event publisher.
 */
import { channels } from '@cadenza/contract';
import type { CadenzaConfig } from './config.ts';
import { DomainError } from './errors.ts';
import type { Cipher } from './ports/cipher.ts';
import type { Clock } from './ports/clock.ts';
import type { EventSink } from './ports/event-sink.ts';
import type { IdSource } from './ports/id-source.ts';
import type { Logger } from './ports/logger.ts';
import type { Store } from './ports/store.ts';
import type { Venue } from './ports/venue.ts';

export class VenueRegistry {
  private readonly byId = new Map<string, Venue>();
  constructor(venues: Venue[]) {
    for (const v of venues) this.byId.set(v.id, v);
  }
  get(id: string): Venue | undefined {
    return this.byId.get(id);
  }
  /** The adapter of `id`, or VENUE_NOT_CONFIGURED. */
  require(id: string): Venue {
    const v = this.byId.get(id);
    if (!v) throw new DomainError('VENUE_NOT_CONFIGURED', `venue ${id} is not available on this server`);
    return v;
  }
  ids(): string[] {
    return [...this.byId.keys()];
  }
  all(): Venue[] {
    return [...this.byId.values()];
  }
}

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
  /**
   * Runs `fn` holding back every event it publishes; they go out, in order, only if `fn` returns (its
   * transaction committed), and are dropped if it throws. Nested batches join the outer one.
   */
  batch<T>(fn: () => T): T {
    if (this.held) return fn();
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

export interface DomainContext {
  store: Store;
  /** Resolves once everything written so far is committed (immediately for stores that commit per transaction). */
  durable(): Promise<void>;
  /** Commits pending writes now; a no-op for stores that commit per transaction. */
  flush(): void;
  venues: VenueRegistry;
  clock: Clock;
  ids: IdSource;
  cipher: Cipher;
  publish: Publisher;
  log: Logger;
  config: CadenzaConfig;
}
