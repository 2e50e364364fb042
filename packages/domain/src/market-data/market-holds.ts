/**
 * @module market-data/market-holds
 * The domain's own holds on a venue's market streams, for the orders Cadenza emulates (a trailing stop, an order
 * list's held stop-loss: orders/trailing-stop-emulator.ts, orders/order-lists.ts). A live venue streams an
 * instrument's trades and book only while someone holds them, and those orders act on its trades and fire as MARKET
 * orders priced from its book: while one is armed, its instrument's `trade` and `orderbook` streams are held through
 * the same reference-counted feeds market subscriptions hold (subscriptions/feed-registry.ts), and let go with the
 * last of them. PAPER and MOCK run their markets regardless; a hold there only counts.
 *
 * A hold is per holder (an order, by id): holding twice counts once, letting go of what is not held does nothing, so
 * the callers can hold on every change of an armed order and let go on every change of one that is not.
 *
 * A stream the venue will not start (`subscribeMarket` rejects: FEED_UNAVAILABLE — its instrument list unreachable,
 * the venue down) is tried again while it is held: after a capped exponential back-off (`marketHoldRetryMs`), each
 * wait jittered to between half and all of it so holds refused together do not come back together, and not after
 * the last holder lets go. An outage is logged once at warn when it starts and once at info when it ends, and
 * `failing()` counts the streams in one (the server's `cadenza_market_holds_failing` gauge). A refusal the venue
 * sends after `subscribeMarket` resolved (an error answer on its socket, a rate limit) is the connector's to retry
 * (kit/channel-pool.ts in @cadenza/venues), and a lost socket resubscribes what it carried.
 */
import type { DomainContext } from '../context.ts';
import type { BookSnapshot, MarketStreamKey } from '../model/market-data.ts';
import type { FeedRegistry } from '../subscriptions/feed-registry.ts';

/** What the order code asks of the market (the composition root gives it a MarketHolds). */
export interface MarketStreamHolds {
  /** `holder` needs the instrument's trades (and book) until it lets go. */
  hold(holder: string, venue: string, symbol: string): void;
  letGo(holder: string): void;
  /**
   * Resolves once the venue has a book of the symbol — at once when it has one; otherwise the book is held and
   * waited for (at most `marketWaitMs`), and kept until the end of this event-loop turn, so an order made from it
   * can take its own hold without the stream stopping in between. Resolves without a book when none came.
   */
  bookReady(venue: string, symbol: string): Promise<void>;
}

const STREAMS: ReadonlyArray<MarketStreamKey['kind']> = ['trade', 'orderbook'];

interface Waiter {
  changed(): void;
  finish(): void;
}

/** One stream of a held instrument, and where its acquisition stands. */
interface HeldStream {
  readonly kind: MarketStreamKey['kind'];
  /** Counted in the feed registry (so it is released with the hold). */
  acquired: boolean;
  /** Refusals in the current outage (0: none). */
  failures: number;
  retry: ReturnType<typeof setTimeout> | undefined;
}

interface Held {
  readonly venue: string;
  readonly symbol: string;
  holders: Set<string>;
  streams: HeldStream[];
  /** Set when the last holder let go: acquisitions still under way release what they get. */
  released: boolean;
}

export interface MarketHoldsOptions {
  /** Jitter source in [0, 1) (tests). */
  random?: () => number;
}

export class MarketHolds implements MarketStreamHolds {
  /** Held instruments by `${venue}|${symbol}`. */
  private readonly held = new Map<string, Held>();
  /** What each holder holds. */
  private readonly byHolder = new Map<string, string>();
  /** Waiters for a book, by `${venue}|${symbol}`. */
  private readonly waiting = new Map<string, Set<Waiter>>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private serial = 0;
  private stopped = false;

  constructor(
    private readonly ctx: DomainContext,
    private readonly feeds: FeedRegistry,
    private readonly options: MarketHoldsOptions = {},
  ) {}

  /** Held streams the venue has not started yet (an outage being retried). */
  failing(): number {
    let n = 0;
    for (const h of this.held.values()) for (const st of h.streams) if (st.failures > 0) n++;
    return n;
  }

  hold(holder: string, venue: string, symbol: string): void {
    const key = `${venue}|${symbol}`;
    const before = this.byHolder.get(holder);
    if (before === key) return;
    if (before !== undefined) this.letGo(holder);
    const v = this.ctx.venues.get(venue);
    if (!v) return;
    this.byHolder.set(holder, key);
    const h = this.held.get(key);
    if (h) {
      h.holders.add(holder);
      return;
    }
    const held: Held = { venue, symbol, holders: new Set([holder]), streams: STREAMS.map((kind) => ({ kind, acquired: false, failures: 0, retry: undefined })), released: false };
    this.held.set(key, held);
    for (const st of held.streams) this.acquire(held, st);
  }

  letGo(holder: string): void {
    const key = this.byHolder.get(holder);
    if (key === undefined) return;
    this.byHolder.delete(holder);
    const h = this.held.get(key);
    if (!h) return;
    h.holders.delete(holder);
    if (h.holders.size > 0) return;
    this.held.delete(key);
    h.released = true;
    for (const st of h.streams) {
      clearTimeout(st.retry);
      st.retry = undefined;
      if (st.acquired) this.release(h, st);
    }
  }

  /** Asks the feed registry for the stream; on refusal, asks again after the back-off while it is held. */
  private acquire(h: Held, st: HeldStream): void {
    const v = this.ctx.venues.get(h.venue);
    if (!v) return;
    const stream = { kind: st.kind, symbol: h.symbol };
    this.feeds.acquire(v, stream).then(
      () => {
        st.acquired = true;
        if (h.released) return this.release(h, st);
        if (st.failures > 0) this.ctx.log.info({ venue: h.venue, symbol: h.symbol, kind: st.kind, refusals: st.failures }, 'a market stream held for emulated orders is running again');
        st.failures = 0;
      },
      (err: unknown) => {
        if (h.released || this.stopped) return;
        if (st.failures === 0) this.ctx.log.warn({ err, venue: h.venue, symbol: h.symbol, kind: st.kind }, 'the venue did not start a market stream emulated orders hold; trying again with back-off');
        const { min, max } = this.ctx.config.marketHoldRetryMs;
        const delay = Math.min(max, min * 2 ** Math.min(st.failures++, 20)) * (0.5 + (this.options.random ?? Math.random)() / 2);
        st.retry = setTimeout(() => {
          st.retry = undefined;
          if (!h.released) this.acquire(h, st);
        }, delay);
      },
    );
  }

  private release(h: Held, st: HeldStream): void {
    const v = this.ctx.venues.get(h.venue);
    st.acquired = false;
    if (v) void this.feeds.release(v, { kind: st.kind, symbol: h.symbol });
  }

  async bookReady(venue: string, symbol: string): Promise<void> {
    const v = this.ctx.venues.get(venue);
    if (!v || v.getBook(symbol, 1)) return;
    const holder = `\u0000book-wait-${++this.serial}`;
    const key = `${venue}|${symbol}`;
    this.hold(holder, venue, symbol);
    try {
      await new Promise<void>((resolve) => {
        let waiters = this.waiting.get(key);
        if (!waiters) this.waiting.set(key, (waiters = new Set()));
        const finish = (): void => {
          clearTimeout(timer);
          this.timers.delete(timer);
          const ws = this.waiting.get(key);
          ws?.delete(waiter);
          if (ws?.size === 0) this.waiting.delete(key);
          resolve();
        };
        const waiter: Waiter = { changed: () => (v.getBook(symbol, 1) ? finish() : undefined), finish };
        const timer = setTimeout(finish, this.ctx.config.marketWaitMs);
        this.timers.add(timer);
        waiters.add(waiter);
      });
    } finally {
      const later = setTimeout(() => {
        this.timers.delete(later);
        this.letGo(holder);
      }, 0);
      this.timers.add(later);
    }
  }

  /** A venue's book changed (the composition root forwards its market sink's notices): wakes who waits for it. */
  onBookChanged(venue: string, symbol: string): void {
    if (this.waiting.size === 0) return;
    const ws = this.waiting.get(`${venue}|${symbol}`);
    if (ws) for (const w of [...ws]) w.changed();
  }

  /** Answers every wait now and drops the timers (the domain is stopping). */
  stop(): void {
    for (const ws of [...this.waiting.values()]) for (const w of [...ws]) w.finish();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.stopped = true;
    for (const h of this.held.values()) for (const st of h.streams) clearTimeout(st.retry);
  }
}
