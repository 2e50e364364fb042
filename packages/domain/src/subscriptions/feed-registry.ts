/**
 * @module subscriptions/feed-registry
 * Reference-counted venue market feeds: the first ACTIVE subscription that needs a stream starts it on the
 * venue, the last one to end stops it. Listeners learn every start and stop (the server uses this to know which
 * market channels carry data).
 */
import { DomainError } from '../errors.ts';
import type { Logger } from '../ports/logger.ts';
import type { MarketStreamKey } from '../model/market-data.ts';
import type { Venue } from '../ports/venue.ts';

export interface FeedChange {
  venue: string;
  stream: MarketStreamKey;
  active: boolean;
}

interface Entry {
  venue: string;
  stream: MarketStreamKey;
  count: number;
  ready: Promise<void>;
}

export function feedKey(venue: string, s: MarketStreamKey): string {
  return `${venue}|${s.kind}|${s.symbol}|${s.interval ?? ''}`;
}

export class FeedRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(c: FeedChange) => void>();

  constructor(private readonly log: Logger) {}

  /** Counts one more user of the stream; starts the venue feed on the first. FEED_UNAVAILABLE when it cannot start. */
  async acquire(venue: Venue, stream: MarketStreamKey): Promise<void> {
    const k = feedKey(venue.id, stream);
    const e = this.entries.get(k);
    if (e) {
      e.count++;
      return e.ready;
    }
    const entry: Entry = { venue: venue.id, stream, count: 1, ready: Promise.resolve() };
    entry.ready = venue.subscribeMarket(stream).then(
      () => this.emit({ venue: venue.id, stream, active: true }),
      (err: unknown) => {
        this.entries.delete(k);
        throw new DomainError('FEED_UNAVAILABLE', `venue ${venue.id} could not start the ${stream.kind} feed of ${stream.symbol}`, { cause: err });
      },
    );
    this.entries.set(k, entry);
    return entry.ready;
  }

  /** Counts one user less; stops the venue feed after the last. */
  async release(venue: Venue, stream: MarketStreamKey): Promise<void> {
    const k = feedKey(venue.id, stream);
    const e = this.entries.get(k);
    if (!e) return;
    if (--e.count > 0) return;
    this.entries.delete(k);
    try {
      await venue.unsubscribeMarket(stream);
    } catch (err) {
      this.log.warn({ err, venue: venue.id, stream }, 'venue failed to stop a feed');
    }
    this.emit({ venue: venue.id, stream, active: false });
  }

  /** Streams with at least one user. */
  active(): Array<{ venue: string; stream: MarketStreamKey; count: number }> {
    return [...this.entries.values()].map((e) => ({ venue: e.venue, stream: e.stream, count: e.count }));
  }

  count(venue: string, stream: MarketStreamKey): number {
    return this.entries.get(feedKey(venue, stream))?.count ?? 0;
  }

  onChange(listener: (c: FeedChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(c: FeedChange): void {
    for (const l of this.listeners) {
      try {
        l(c);
      } catch (err) {
        this.log.error({ err }, 'feed listener threw');
      }
    }
  }
}
