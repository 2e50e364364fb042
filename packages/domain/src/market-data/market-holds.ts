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

interface Held {
  holders: Set<string>;
  /** Per stream, whether its acquisition succeeded (only those are released). */
  acquired: Array<Promise<boolean>>;
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

  constructor(
    private readonly ctx: DomainContext,
    private readonly feeds: FeedRegistry,
  ) {}

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
    const acquired = STREAMS.map((kind) =>
      this.feeds.acquire(v, { kind, symbol }).then(
        () => true,
        (err: unknown) => {
          this.ctx.log.warn({ err, venue, symbol, kind }, 'could not hold a market stream for emulated orders');
          return false;
        },
      ),
    );
    this.held.set(key, { holders: new Set([holder]), acquired });
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
    const [venue, symbol] = splitKey(key);
    const v = this.ctx.venues.get(venue);
    if (!v) return;
    STREAMS.forEach((kind, i) => void h.acquired[i]!.then((ok) => (ok ? this.feeds.release(v, { kind, symbol }) : undefined)));
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
  }
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf('|');
  return [key.slice(0, i), key.slice(i + 1)];
}
