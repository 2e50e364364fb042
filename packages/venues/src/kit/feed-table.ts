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
 *  - a symbol is UP exactly when none of its non-book channels is down and its book, if it has one, is in sync
 *    (`bookInSync`). A channel goes down with its socket or when the venue refuses it (`down`: a book is reset with
 *    `resetBook` and reported changed), and is live again when its socket (re)opens (`opened`) or the venue confirms
 *    it (`confirmed`, wired to the pool's `onConfirmed`); a book coming back in sync says so with `bookSynced`. So a
 *    channel the venue refused and then took brings its symbol back UP on every connector alike, and a symbol whose
 *    book syncs while another of its channels is still refused stays DOWN.
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
  /** The book is in sync with the venue (what it shows is true). */
  bookInSync(book: B): boolean;
  /** A channel was unsubscribed (after the table's own clean-up): clear what the connector keeps beside it. */
  onUnsubscribed?(feed: F, key: MarketStreamKey): void;
}

export class FeedTable<B, F extends SymbolFeed<B>> {
  readonly status: FeedStatus;
  private readonly feeds = new Map<string, F>();
  private readonly channels = new Map<string, FeedChannel<F>>();
  /** Non-book channels that are down (socket lost, refused), by symbol; a symbol is UP only with none. */
  private readonly downChannels = new Map<string, Set<string>>();
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
    this.markLive(key.symbol, name);
    if (![...this.channels.values()].some((c) => c.feed === feed)) {
      this.feeds.delete(key.symbol);
      this.status.forget(key.symbol);
    } else {
      // The channel that kept the symbol DOWN (refused, say) may be the one let go.
      this.refresh(feed);
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

  /** A socket carrying `names` came (back) up: its channels are live; each symbol is UP if its book is in sync. */
  opened(names: Iterable<string>): void {
    const touched = new Set<F>();
    for (const name of names) {
      const ch = this.channels.get(name);
      if (!ch) continue;
      this.markLive(ch.feed.ref.symbol, name);
      touched.add(ch.feed);
    }
    for (const feed of touched) this.refresh(feed);
  }

  /** The venue confirmed the channel's subscription (the pool's `onConfirmed`): live, as on a socket that opened. */
  confirmed(name: string): void {
    this.opened([name]);
  }

  /** The feed's book came (back) in sync: the symbol is UP unless another of its channels is down. */
  bookSynced(feed: F): void {
    this.refresh(feed);
  }

  /** The channels lost their socket (or the venue refused them): books reset, feeds DOWN until they are live again. */
  down(names: Iterable<string>, reason: string): void {
    for (const name of names) {
      const ch = this.channels.get(name);
      if (!ch) continue;
      const symbol = ch.feed.ref.symbol;
      if (ch.kind === 'orderbook') {
        // A book channel is live again when its book is in sync: nothing else to track.
        if (ch.feed.book !== undefined) {
          this.o.resetBook(ch.feed.book);
          this.bookChanged(ch.feed);
        }
      } else {
        let down = this.downChannels.get(symbol);
        if (!down) this.downChannels.set(symbol, (down = new Set()));
        down.add(name);
      }
      this.status.setDown(symbol, reason);
    }
  }

  private markLive(symbol: string, name: string): void {
    const down = this.downChannels.get(symbol);
    if (!down?.delete(name) || down.size > 0) return;
    this.downChannels.delete(symbol);
  }

  private refresh(feed: F): void {
    if (this.downChannels.has(feed.ref.symbol)) return;
    if (feed.book === undefined || this.o.bookInSync(feed.book)) this.status.setUp(feed.ref.symbol);
  }

  /** Forgets everything; later subscriptions are ignored. The connector closes its pools. */
  stop(): void {
    this.stopped = true;
    for (const f of this.feeds.values()) if (f.book !== undefined) this.o.dropBook?.(f.book);
    this.feeds.clear();
    this.channels.clear();
    this.downChannels.clear();
  }
}
