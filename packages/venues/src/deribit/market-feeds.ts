/**
 * @module deribit/market-feeds
 * Live Deribit market state per instrument over the public WebSocket (kit channel pool: a channel runs only while
 * subscribed; the socket closes with its last channel):
 *  - books from `book.<instrument>.100ms`, kept by the change_id chain (book-sync.ts); a break — or a book that comes
 *    out crossed — discards the book and subscribes the channel again, which makes Deribit send a fresh snapshot
 *    (asked again if none comes). While resynchronising the book is withheld and the feed is DOWN, then UP;
 *  - trades from `trades.<instrument>.100ms`, tickers (with mark, index, funding, open interest, IV and greeks) from
 *    `ticker.<instrument>.100ms`, forming bars from `chart.trades.<instrument>.<resolution>`;
 *  - heartbeats: every connection asks for them (`public/set_heartbeat`) and answers each `test_request`.
 */
import type { BookSnapshot, MarketDataSink, MarketStreamKey, MarkPriceUpdate, VenueDeps } from '@cadenza/domain';
import { ChannelPool, type PoolSocket } from '../kit/channel-pool.ts';
import { FeedTable, type FeedChannel, type SymbolFeed } from '../kit/feed-table.ts';
import { PooledMarketFeeds, syncedBookSnapshot } from '../kit/pooled-market-feeds.ts';
import { errorText } from '../kit/venue-error.ts';
import { DeribitBookSync, type DeribitBookResult } from './book-sync.ts';
import { DERIBIT_RESOLUTIONS, parseBookMessage, parseChartBar, parseTicker, parseTrade, type DeribitInstrument, type DeribitMark, type InstrumentRef } from './parse.ts';
import { readFrame, requestFrame } from './rpc.ts';

export interface DeribitFeedsOptions {
  venueId: string;
  wsUrl: string;
  market: MarketDataSink;
  log: VenueDeps['log'];
  clock: { now(): number };
  heartbeatSeconds: number;
  idleTimeoutMs: number;
  reconnectDelayMs: { min: number; max: number };
  /** Subscribe again when no snapshot followed a resubscription for this long. Default 5 s. */
  snapshotTimeoutMs?: number;
  beforeConnect(): Promise<unknown>;
  /** The listed instrument of a symbol (the venue loads the catalogue before subscribing). */
  instrument(symbol: string): DeribitInstrument | undefined;
}

/** A mark-price report (`MarketDataSink.onMarkPrice`). */
export type MarkReport = MarkPriceUpdate;

interface BookFeed {
  readonly sync: DeribitBookSync;
  /** A resubscription was asked and its snapshot has not come yet. */
  resyncTimer: NodeJS.Timeout | undefined;
}

interface InstrumentFeed extends SymbolFeed<BookFeed> {
  readonly ref: InstrumentRef;
  readonly instrument: DeribitInstrument;
  mark: MarkReport | undefined;
}

type Channel = FeedChannel<InstrumentFeed>;

let frameId = 1_000_000_000;

export class DeribitMarketFeeds extends PooledMarketFeeds<BookFeed, InstrumentFeed> {
  protected readonly table: FeedTable<BookFeed, InstrumentFeed>;
  private readonly pool: ChannelPool;

  constructor(private readonly o: DeribitFeedsOptions) {
    super(o.venueId);
    this.pool = new ChannelPool({
      name: `${o.venueId} public`,
      url: o.wsUrl,
      log: o.log,
      capacity: 200,
      greeting: () => [requestFrame(frameId++, 'public/set_heartbeat', { interval: o.heartbeatSeconds })],
      subscribeFrames: (chs) => {
        const id = frameId++;
        this.pool.expectAnswer(id, chs);
        return [requestFrame(id, 'public/subscribe', { channels: chs })];
      },
      unsubscribeFrames: (chs) => [requestFrame(frameId++, 'public/unsubscribe', { channels: chs })],
      onMessage: (socket, text) => this.onMessage(socket, text),
      onOpen: (socket) => this.table.opened(socket.channels),
      onConfirmed: (channel) => this.table.confirmed(channel),
      onDown: (chs, reason) => this.table.down(chs, reason),
      beforeConnect: o.beforeConnect,
      reconnectDelayMs: o.reconnectDelayMs,
      idleTimeoutMs: o.idleTimeoutMs,
      controlIntervalMs: 50,
    });
    this.table = new FeedTable<BookFeed, InstrumentFeed>({
      venueId: o.venueId,
      market: o.market,
      channelName: (key, feed) => channelName(key, feed.instrument.spec.externalSymbol),
      poolOf: () => this.pool,
      newBook: () => ({ sync: new DeribitBookSync(), resyncTimer: undefined }),
      resetBook: (book) => {
        clearTimeout(book.resyncTimer);
        book.resyncTimer = undefined;
        book.sync.reset();
      },
      dropBook: (book) => clearTimeout(book.resyncTimer),
      bookInSync: (book) => book.sync.isSynced,
      onUnsubscribed: (feed, key) => {
        if (key.kind === 'ticker') feed.mark = undefined;
      },
    });
  }

  protected pools(): readonly ChannelPool[] {
    return [this.pool];
  }

  subscribe(key: MarketStreamKey): void {
    this.wantListed(key, this.o.instrument(key.symbol), (instrument) => ({ instrument, mark: undefined }));
  }

  getBook(symbol: string, depth: number): BookSnapshot | undefined {
    return syncedBookSnapshot(this.table.feed(symbol), depth);
  }

  /** The last mark price (with index, funding, IV, greeks) of a ticker feed. */
  getMark(symbol: string): MarkReport | undefined {
    return this.table.feed(symbol)?.mark;
  }

  private onMessage(socket: PoolSocket, text: string): void {
    if (this.table.isStopped) return;
    const frame = readFrame(text);
    if (!frame) return;
    if (frame.kind === 'heartbeat') {
      if (frame.type === 'test_request') socket.send(requestFrame(frameId++, 'public/test', {}));
      return;
    }
    if (frame.kind === 'response' && frame.error) {
      // A refused subscribe (10028 too_many_requests, …) is sent again with back-off while wanted (kit/channel-pool.ts).
      if (this.pool.answered(frame.id, `${frame.error.code} ${frame.error.message}`).length === 0) this.o.log.warn({ code: frame.error.code, message: frame.error.message }, 'Deribit refused a market request');
      return;
    }
    if (frame.kind === 'response') {
      // Deribit answers the channels it subscribed; one it left out was refused.
      const got = new Set(Array.isArray(frame.result) ? frame.result : []);
      this.pool.answered(frame.id, (ch) => (got.has(ch) ? undefined : 'left out of Deribit\'s subscribe answer'));
      return;
    }
    if (frame.kind !== 'notification') return;
    const ch = this.table.channel(frame.channel);
    if (!ch) return;
    try {
      this.onData(ch, frame.channel, frame.data);
    } catch (err) {
      this.o.log.warn({ channel: frame.channel, err: errorText(err) }, 'dropped a malformed Deribit notification');
    }
  }

  private onData(ch: Channel, name: string, data: unknown): void {
    const { feed } = ch;
    const size = feed.instrument.contractSize;
    switch (ch.kind) {
      case 'orderbook': {
        const book = feed.book;
        if (book) this.onBookResult(feed, book, name, book.sync.handle(parseBookMessage(data, size)));
        return;
      }
      case 'trade':
        for (const t of Array.isArray(data) ? data : [data]) this.o.market.onTrade(parseTrade(t, feed.ref, size));
        return;
      case 'ticker': {
        const { ticker, mark } = parseTicker(data, feed.ref, size);
        feed.ticker = ticker;
        this.o.market.onTicker(ticker);
        if (mark) {
          feed.mark = { ...feed.ref, ...mark };
          this.o.market.onMarkPrice?.(feed.mark);
        }
        return;
      }
      case 'kline': {
        const k = parseChartBar(data, feed.ref, ch.interval!, this.o.clock.now());
        if (!feed.klines.has(k.interval)) return;
        const prev = feed.klines.get(k.interval);
        // A bar that began after the one we hold closes it.
        if (prev && prev.candle.openTime < k.candle.openTime && !prev.isClosed) this.o.market.onKline({ ...prev, isClosed: true });
        feed.klines.set(k.interval, k);
        this.o.market.onKline(k);
        return;
      }
    }
  }

  private onBookResult(feed: InstrumentFeed, book: BookFeed, name: string, result: DeribitBookResult): void {
    const symbol = feed.ref.symbol;
    switch (result.type) {
      case 'synced':
        clearTimeout(book.resyncTimer);
        book.resyncTimer = undefined;
        this.table.bookSynced(feed);
        this.table.bookChanged(feed);
        return;
      case 'applied':
        this.table.bookChanged(feed);
        return;
      case 'ignored':
        return;
      case 'gap':
      case 'crossed':
        if (book.resyncTimer) return; // already resubscribing: changes before the new snapshot are expected
        this.o.log.warn({ symbol, ...(result.type === 'gap' ? { expected: result.expectedPrevChangeId, received: result.receivedPrevChangeId } : {}) }, `Deribit book ${result.type === 'gap' ? 'change_id chain broken' : 'crossed'}; resubscribing`);
        this.table.status.setDown(symbol, result.type === 'gap' ? `book chain broken: expected prev_change_id ${result.expectedPrevChangeId ?? '(a snapshot)'}, got ${result.receivedPrevChangeId ?? 'none'}` : 'book crossed');
        this.table.bookChanged(feed);
        this.resubscribe(book, name);
        return;
    }
  }

  /** Subscribes the book channel again (Deribit answers with a fresh snapshot), and again if none comes. */
  private resubscribe(book: BookFeed, name: string): void {
    clearTimeout(book.resyncTimer);
    book.resyncTimer = setTimeout(() => {
      book.resyncTimer = undefined;
      if (!this.table.isStopped && this.table.has(name) && !book.sync.isSynced) this.resubscribe(book, name);
    }, this.o.snapshotTimeoutMs ?? 5000);
    this.pool.resubscribe(name);
  }
}

function channelName(key: MarketStreamKey, name: string): string {
  switch (key.kind) {
    case 'orderbook':
      return `book.${name}.100ms`;
    case 'trade':
      return `trades.${name}.100ms`;
    case 'ticker':
      return `ticker.${name}.100ms`;
    case 'kline':
      return `chart.trades.${name}.${DERIBIT_RESOLUTIONS[key.interval!]}`;
  }
}
