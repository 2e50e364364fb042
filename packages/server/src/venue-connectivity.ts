/**
 * @module venue-connectivity
 * Whether each configured venue can be reached, as the server sees it while it uses them — for `/health` and
 * `/metrics`. Live venues connect only when a subscription or an account needs them, so nothing is probed: every
 * call through the Venue port is watched, and so are the feed UP/DOWN reports venues send to the market-data sink.
 *
 * A live venue is
 * - `idle` until it is first used (reachable as far as anyone knows),
 * - `down` from a call that got no answer (network failure, timeout, 5xx) until a later call is answered, and while
 *   any of its feeds is down (a lost socket, a book being resynchronised),
 * - `up` otherwise. The venue's refusal (bad key, unknown order) is an answer: the venue is up.
 * In-process venues (PAPER, MOCK) are always reachable.
 */
import type { MarketDataSink, MarketStreamKey, Venue } from '@cadenza/domain';

export type VenueReach = 'in-process' | 'idle' | 'up' | 'down';

interface Track {
  live: boolean;
  /** When the first call of the current outage got no answer. */
  failedAt?: number;
  answered: boolean;
  feedsDown: Map<string, number>;
  /** Streams subscribed per symbol: a symbol's DOWN is forgotten when its last stream is unsubscribed. */
  streams: Map<string, Set<string>>;
}

/** Venue port methods that talk to the venue. */
const CALLS = new Set(['listInstruments', 'subscribeMarket', 'unsubscribeMarket', 'getKlines', 'submitOrder', 'cancelOrder', 'queryOrder', 'fetchBalances', 'verifyCredential']);
/** Of those, the ones whose success is an answer from the venue (a subscription only registers a stream: its feed
 * reports UP when data flows). */
const ANSWERED_BY_VENUE = new Set(['listInstruments', 'getKlines', 'submitOrder', 'cancelOrder', 'queryOrder', 'fetchBalances', 'verifyCredential']);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);

/** Whether a failed call means the venue did not answer (rather than refused). */
export function isUnanswered(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 8; depth++) {
    const o = e as { kind?: unknown; code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
    if (o.kind === 'network' || o.kind === 'unknown-outcome') return true;
    if (typeof o.code === 'string' && (NETWORK_CODES.has(o.code) || o.code.startsWith('UND_ERR_'))) return true;
    if (o.name === 'AbortError' || o.name === 'TimeoutError') return true;
    if (o.name === 'TypeError' && o.message === 'fetch failed') return true;
    e = o.cause;
  }
  return false;
}

export class VenueConnectivity {
  private readonly tracks = new Map<string, Track>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The venue as the domain should see it: the same object, its calls watched (live venues only). */
  watch(venue: Venue): Venue {
    const live = venue.capabilities.ledger === 'venue';
    const track = this.track(venue.id);
    track.live = live;
    if (!live) return venue;
    return new Proxy(venue, {
      get: (target, prop, receiver) => {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function' || typeof prop !== 'string' || !CALLS.has(prop)) return typeof value === 'function' ? value.bind(target) : value;
        return (...args: unknown[]) => {
          if (prop === 'subscribeMarket') this.streamOf(track, args[0] as MarketStreamKey, true);
          const answers = ANSWERED_BY_VENUE.has(prop);
          let result: unknown;
          try {
            result = (value as (...a: unknown[]) => unknown).apply(target, args);
          } catch (err) {
            this.failed(track, err);
            throw err;
          }
          if (prop === 'unsubscribeMarket') this.streamOf(track, args[0] as MarketStreamKey, false);
          if (result instanceof Promise) {
            return result.then(
              (v) => {
                if (answers) this.answered(track);
                return v;
              },
              (err: unknown) => {
                this.failed(track, err);
                throw err;
              },
            );
          }
          if (answers) this.answered(track);
          return result;
        };
      },
    });
  }

  /** The market-data sink venues report to, with their feed UP/DOWN noted here first. */
  sink(inner: MarketDataSink): MarketDataSink {
    return {
      onBookChanged: (venue, symbol) => inner.onBookChanged(venue, symbol),
      onTrade: (t) => inner.onTrade(t),
      onTicker: (t) => inner.onTicker(t),
      onKline: (k) => inner.onKline(k),
      onMarkPrice: (m) => inner.onMarkPrice?.(m),
      onFunding: (f) => inner.onFunding?.(f),
      onFeedStatus: (venue, symbol, status, reason) => {
        const track = this.track(venue);
        if (status === 'DOWN') {
          if (!track.feedsDown.has(symbol)) track.feedsDown.set(symbol, this.now());
        } else {
          track.feedsDown.delete(symbol);
          this.answered(track);
        }
        inner.onFeedStatus?.(venue, symbol, status, reason);
      },
    };
  }

  reach(venueId: string): { reach: VenueReach; since?: number } {
    const t = this.tracks.get(venueId);
    if (!t || !t.live) return { reach: 'in-process' };
    const downSince = [t.failedAt, ...t.feedsDown.values()].filter((x): x is number => x !== undefined);
    if (downSince.length > 0) return { reach: 'down', since: Math.min(...downSince) };
    return { reach: t.answered ? 'up' : 'idle' };
  }

  venueIds(): string[] {
    return [...this.tracks.keys()];
  }

  private track(id: string): Track {
    let t = this.tracks.get(id);
    if (!t) {
      t = { live: false, answered: false, feedsDown: new Map(), streams: new Map() };
      this.tracks.set(id, t);
    }
    return t;
  }

  /** The venue answered: whatever failed before has recovered. */
  private answered(track: Track): void {
    track.failedAt = undefined;
    track.answered = true;
  }

  /**
   * Only a call that got no answer marks the venue down; the venue's own refusal (`kind: 'rejected'`) is an answer.
   * Anything else (a request our own rate budget held back, a local check) says nothing about the venue.
   */
  private failed(track: Track, err: unknown): void {
    if (isUnanswered(err)) track.failedAt ??= this.now();
    else if ((err as { kind?: unknown } | null)?.kind === 'rejected') this.answered(track);
  }

  private streamOf(track: Track, key: MarketStreamKey, subscribed: boolean): void {
    const symbol = key.symbol;
    const id = JSON.stringify(key);
    const set = track.streams.get(symbol) ?? new Set<string>();
    if (subscribed) {
      set.add(id);
      track.streams.set(symbol, set);
      return;
    }
    set.delete(id);
    if (set.size > 0) return;
    track.streams.delete(symbol);
    track.feedsDown.delete(symbol);
  }
}
