/**
 * @module kit/pooled-market-feeds
 * What a connector's market feeds built on a FeedTable and channel pools (Binance, OKX, Bitfinex, Deribit, Hyperliquid) hand
 * on to them unchanged — tickers and forming bars from the table, unsubscribing, the pools' sockets, reconnecting and
 * closing — and the feed a newly wanted symbol starts with. A connector keeps its own: the channel names and pools,
 * the book, the parsing, and what `subscribe` needs to name the instrument on the wire.
 */
import type { BookSnapshot, KlineUpdate, MarketStreamKey, TickerSnapshot } from '@cadenza/domain';
import type { ChannelPool } from './channel-pool.ts';
import type { FeedRef, FeedTable, SymbolFeed } from './feed-table.ts';
import type { LocalBook } from './price-levels.ts';

/** What the connector adds to a symbol's feed (the venue's name of the instrument, its terms, its mark…). */
export type OwnFeedFields<B, F extends SymbolFeed<B>> = Omit<F, keyof SymbolFeed<B>>;

export abstract class PooledMarketFeeds<B, F extends SymbolFeed<B>> {
  protected abstract readonly table: FeedTable<B, F>;

  protected constructor(protected readonly venueId: string) {}

  /** Every pool the connector's channels ride on. */
  protected abstract pools(): readonly ChannelPool[];

  abstract getBook(symbol: string, depth: number): BookSnapshot | undefined;

  /** Channels currently wanted, by their names in the pools (diagnostics, tests). */
  activeChannels(): string[] {
    return this.pools().flatMap((p) => [...p.channels]);
  }

  get socketCount(): number {
    return this.pools().reduce((n, p) => n + p.socketCount, 0);
  }

  unsubscribe(key: MarketStreamKey): void {
    this.table.unsubscribe(key);
  }

  getTicker(symbol: string): TickerSnapshot | undefined {
    return this.table.getTicker(symbol);
  }

  liveKline(symbol: string, interval: string): KlineUpdate | undefined {
    return this.table.liveKline(symbol, interval);
  }

  /** Drops every market socket (they reconnect and resubscribe; books resynchronise). */
  reconnectAll(reason: string): void {
    for (const p of this.pools()) p.reconnectAll(reason);
  }

  stop(): void {
    this.table.stop();
    for (const p of this.pools()) p.close();
  }

  /**
   * Wants the channel of `key`. The symbol's feed, when it has none yet, starts with nothing received, under
   * `instrumentId` (`{venue}:{symbol}` unless the venue names it otherwise), with the connector's `own` fields.
   */
  protected want(key: MarketStreamKey, own: OwnFeedFields<B, F>, instrumentId = `${this.venueId}:${key.symbol}`): void {
    const ref: FeedRef = { instrumentId, venue: this.venueId, symbol: key.symbol };
    this.table.subscribe(key, () => ({ ref, book: undefined, ticker: undefined, klines: new Map(), ...own }) as F);
  }

  /**
   * `want` for connectors whose feeds carry the venue's terms of the instrument (Deribit, Hyperliquid): refused for a
   * symbol the venue does not list (the venue lists it on demand before subscribing: kit/live-venue.ts).
   */
  protected wantListed<I extends { spec: { instrumentId: string } }>(key: MarketStreamKey, instrument: I | undefined, own: (instrument: I) => OwnFeedFields<B, F>): void {
    if (this.table.isStopped) return;
    if (!instrument) throw new Error(`${key.symbol} is not a listed instrument`);
    this.want(key, own(instrument), instrument.spec.instrumentId);
  }
}

/** A book some sync rule keeps in step with the venue (Binance's depth-sync, OKX, Deribit and Hyperliquid's book-sync). */
export interface SyncedBook {
  readonly isSynced: boolean;
  readonly book: LocalBook;
  readonly updatedTime: number;
}

/** The top `depth` levels of a feed's book, or undefined while it is not in sync (or not subscribed). */
export function syncedBookSnapshot(feed: { readonly ref: FeedRef; book: { readonly sync: SyncedBook } | undefined } | undefined, depth: number): BookSnapshot | undefined {
  const sync = feed?.book?.sync;
  if (!feed || !sync?.isSynced) return undefined;
  return { ...feed.ref, bids: sync.book.top('bid', depth), asks: sync.book.top('ask', depth), timestamp: sync.updatedTime };
}
