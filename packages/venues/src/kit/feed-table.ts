/**
 * @module kit/feed-table
 * The per-symbol bookkeeping every live market-data connector keeps: which channels are wanted, which symbol feed
 * each one serves, the last ticker and forming bars of a symbol, and its UP/DOWN status. A symbol's feed exists
 * while at least one of its channels is subscribed and is forgotten with the last one.
 *
 * The connector keeps what is its own: the channel names (the venue's wire names), the book (whatever keeps it in
 * sync with the venue), the sockets (`pool`), and the parsing of what arrives. The table promises:
 *  - a channel subscribed twice is added to the pool once; an unknown or already dropped one is not removed twice;
 *  - a feed's book exists exactly while its orderbook channel is subscribed, and is given up (`dropBook`) with it
 *    or on `stop`;
 *  - when a socket opens, its non-book feeds are UP at once (books report UP themselves when they are in sync);
 *    when it goes down, its books are reset (`resetBook`), reported changed, and its feeds DOWN.
 */
import type { KlineUpdate, MarketDataSink, MarketStreamKey, TickerSnapshot } from '@cadenza/domain';
import { FeedStatus } from './feed-status.ts';

/** Who a market-data message is about (the fields every published market event carries). */
export interface FeedRef {
  instrumentId: string;
  venue: string;
  symbol: string;
}

/** One symbol's live state; connectors extend it with their own fields (the venue's name of the instrument…). */
export interface SymbolFeed<B> {
  readonly ref: FeedRef;
  book: B | undefined;
  ticker: TickerSnapshot | undefined;
  readonly klines: Map<string, KlineUpdate | undefined>;
}

/** What a subscribed channel feeds. */
export interface FeedChannel<F> {
  readonly feed: F;
  readonly kind: MarketStreamKey['kind'];
  readonly interval?: string;
}

/** The sockets channels ride on (a kit ChannelPool). */
export interface FeedPool {
  add(channel: string): void;
  remove(channel: string): void;
}

export interface FeedTableOptions<B, F extends SymbolFeed<B>> {
  venueId: string;
  market: MarketDataSink;
  /** The venue's name of the channel carrying `key` for `feed`. */
  channelName(key: MarketStreamKey, feed: F): string;
  /** The pool that carries channels of this kind (OKX: candles ride another socket). */
  poolOf(key: MarketStreamKey): FeedPool;
  /** A fresh, unsynchronised book for a newly subscribed orderbook channel. */
  newBook(feed: F): B;
  /** The socket carrying the book went down: forget its state until it is in sync again. */
  resetBook(book: B): void;
  /** The book is given up (unsubscribed, stopped): cancel what it has pending. */
  dropBook?(book: B): void;
  /**
   * The book is in sync with the venue. Lets a non-book channel that comes back alone (a subscribe the venue refused,
   * then took) report its symbol UP when the symbol's book is fine; without it, such a symbol waits for its book.
   */
  bookInSync?(book: B): boolean;
  /** A channel was unsubscribed (after the table's own clean-up): clear what the connector keeps beside it. */
  onUnsubscribed?(feed: F, key: MarketStreamKey): void;
}

export class FeedTable<B, F extends SymbolFeed<B>> {
  readonly status: FeedStatus;
  private readonly feeds = new Map<string, F>();
  private readonly channels = new Map<string, FeedChannel<F>>();
  private stopped = false;

  constructor(private readonly o: FeedTableOptions<B, F>) {
    this.status = new FeedStatus(o.venueId, o.market);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /**
   * Wants the channel of `key`; `create` makes the symbol's feed when it has none yet (it may throw for a symbol
   * the venue does not list: nothing is changed then).
   */
  subscribe(key: MarketStreamKey, create: () => F): void {
    if (this.stopped) return;
    let feed = this.feeds.get(key.symbol);
    const created = feed === undefined;
    feed ??= create();
    const name = this.o.channelName(key, feed);
    if (this.channels.has(name)) return;
    if (created) this.feeds.set(key.symbol, feed);
    this.channels.set(name, { feed, kind: key.kind, ...(key.interval ? { interval: key.interval } : {}) });
    if (key.kind === 'orderbook') feed.book = this.o.newBook(feed);
    if (key.kind === 'kline') feed.klines.set(key.interval!, undefined);
    this.o.poolOf(key).add(name);
  }

  unsubscribe(key: MarketStreamKey): void {
    const feed = this.feeds.get(key.symbol);
    if (!feed) return;
    const name = this.o.channelName(key, feed);
    if (!this.channels.delete(name)) return;
    this.o.poolOf(key).remove(name);
    if (key.kind === 'orderbook') {
      if (feed.book !== undefined) this.o.dropBook?.(feed.book);
      feed.book = undefined;
    }
    if (key.kind === 'ticker') feed.ticker = undefined;
    if (key.kind === 'kline') feed.klines.delete(key.interval!);
    this.o.onUnsubscribed?.(feed, key);
    if (![...this.channels.values()].some((c) => c.feed === feed)) {
      this.feeds.delete(key.symbol);
      this.status.forget(key.symbol);
    }
  }

  feed(symbol: string): F | undefined {
    return this.feeds.get(symbol);
  }

  channel(name: string): FeedChannel<F> | undefined {
    return this.channels.get(name);
  }

  has(name: string): boolean {
    return this.channels.has(name);
  }

  getTicker(symbol: string): TickerSnapshot | undefined {
    return this.feeds.get(symbol)?.ticker;
  }

  liveKline(symbol: string, interval: string): KlineUpdate | undefined {
    return this.feeds.get(symbol)?.klines.get(interval);
  }

  /** Tells the sink the symbol's book changed (consumers pull it). */
  bookChanged(feed: F): void {
    this.o.market.onBookChanged(this.o.venueId, feed.ref.symbol);
  }

  /** A socket carrying `names` came (back) up: its non-book feeds are live at once; books wait for their sync. */
  opened(names: Iterable<string>): void {
    for (const name of names) {
      const ch = this.channels.get(name);
      if (!ch) continue;
      const book = ch.feed.book;
      if (book === undefined || (ch.kind !== 'orderbook' && this.o.bookInSync?.(book))) this.status.setUp(ch.feed.ref.symbol);
    }
  }

  /** The channels lost their socket (or the venue said they are down): books reset, feeds DOWN. */
  down(names: Iterable<string>, reason: string): void {
    for (const name of names) {
      const ch = this.channels.get(name);
      if (!ch) continue;
      if (ch.kind === 'orderbook' && ch.feed.book !== undefined) {
        this.o.resetBook(ch.feed.book);
        this.bookChanged(ch.feed);
      }
      this.status.setDown(ch.feed.ref.symbol, reason);
    }
  }

  /** Forgets everything; later subscriptions are ignored. The connector closes its pools. */
  stop(): void {
    this.stopped = true;
    for (const f of this.feeds.values()) if (f.book !== undefined) this.o.dropBook?.(f.book);
    this.feeds.clear();
    this.channels.clear();
  }
}
