/**
 * @module okx/market-feeds
 * Live OKX market state per symbol: books kept by OKX's integrity rules (book-sync.ts: REST snapshot + seqId chain,
 * checksum where sent), last trades, tickers and forming candles. Books, trades and tickers ride the public socket
 * (`/ws/v5/public`), candles the business one (`/ws/v5/business`), both through kit channel pools, so a channel
 * runs only while subscribed and a socket closes with its last channel. While a book is being (re)synchronised
 * `getBook` answers undefined and the feed is reported DOWN, then UP.
 *
 * Each subscribe frame carries an `id`; OKX names no channel in an error answer, only the id, so an error to a
 * subscribe (a rate limit, a channel it will not serve now) marks that frame's channels not yet confirmed as refused,
 * and the pool subscribes them again with back-off while they are wanted (kit/channel-pool.ts).
 */
import type { BookSnapshot, MarketDataSink, MarketStreamKey, VenueDeps } from '@cadenza/domain';
import { ChannelPool, type PoolSocket } from '../kit/channel-pool.ts';
import { errorText } from '../kit/venue-error.ts';
import { FeedTable, type FeedChannel, type SymbolFeed } from '../kit/feed-table.ts';
import { PooledMarketFeeds, syncedBookSnapshot } from '../kit/pooled-market-feeds.ts';
import { SnapshotFetch } from '../kit/snapshot-fetch.ts';
import { OkxBookSync, type OkxBookResult } from './book-sync.ts';
import { OKX_BARS, parseBookMessage, parseBookSnapshot, parseCandle, parseTicker, parseTrade, type InstrumentRef } from './parse.ts';
import type { OkxRestClient } from './rest-client.ts';

export interface OkxFeedsOptions {
  venueId: string;
  wsBaseUrl: string;
  rest: OkxRestClient;
  market: MarketDataSink;
  log: VenueDeps['log'];
  bookSnapshotDepth: number;
  snapshotRetryDelayMs: number;
  pingIntervalMs: number;
  idleTimeoutMs: number;
  reconnectDelayMs: { min: number; max: number };
}

interface BookFeed {
  readonly sync: OkxBookSync;
  readonly snapshot: SnapshotFetch<unknown[]>;
}

interface OkxSymbolFeed extends SymbolFeed<BookFeed> {
  readonly ref: InstrumentRef;
  readonly instId: string;
}

type Channel = FeedChannel<OkxSymbolFeed>;

export class OkxMarketFeeds extends PooledMarketFeeds<BookFeed, OkxSymbolFeed> {
  protected readonly table: FeedTable<BookFeed, OkxSymbolFeed>;
  private readonly publicPool: ChannelPool;
  private readonly businessPool: ChannelPool;
  private nextFrameId = 1;

  constructor(private readonly options: OkxFeedsOptions) {
    super(options.venueId);
    const common = {
      log: options.log,
      capacity: 100,
      subscribeFrames: (chs: string[]) => [{ id: this.track(chs), op: 'subscribe', args: chs.map(argOf) }],
      unsubscribeFrames: (chs: string[]) => [{ op: 'unsubscribe', args: chs.map(argOf) }],
      onMessage: (_s: PoolSocket, text: string) => this.onMessage(text),
      onDown: (chs: ReadonlySet<string>, reason: string) => this.table.down(chs, reason),
      onOpen: (socket: PoolSocket) => this.table.opened(socket.channels),
      onConfirmed: (channel: string) => this.table.confirmed(channel),
      beforeConnect: () => options.rest.budgets.acquireNow(['ws:connect'], 5000),
      reconnectDelayMs: options.reconnectDelayMs,
      idleTimeoutMs: options.idleTimeoutMs,
      pingIntervalMs: options.pingIntervalMs,
      pingFrame: 'ping',
    };
    this.publicPool = new ChannelPool({ ...common, name: `${options.venueId} public`, url: `${options.wsBaseUrl}/ws/v5/public` });
    this.businessPool = new ChannelPool({ ...common, name: `${options.venueId} business`, url: `${options.wsBaseUrl}/ws/v5/business` });
    this.table = new FeedTable<BookFeed, OkxSymbolFeed>({
      venueId: options.venueId,
      market: options.market,
      channelName: (key, feed) => channelName(key, feed.instId),
      poolOf: (key) => (key.kind === 'kline' ? this.businessPool : this.publicPool),
      newBook: (feed) => this.bookFeed(feed),
      resetBook: (book) => book.sync.reset(),
      dropBook: (book) => book.snapshot.stop(),
      bookInSync: (book) => book.sync.isSynced,
    });
  }

  /** Channels are named `channel:instId` in the pools. */
  protected pools(): readonly ChannelPool[] {
    return [this.publicPool, this.businessPool];
  }

  subscribe(key: MarketStreamKey, instId: string): void {
    this.want(key, { instId });
  }

  getBook(symbol: string, depth: number): BookSnapshot | undefined {
    return syncedBookSnapshot(this.table.feed(symbol), depth);
  }

  private onMessage(text: string): void {
    if (text === 'pong' || this.table.isStopped) return;
    let msg: { id?: unknown; arg?: { channel?: unknown; instId?: unknown }; action?: unknown; data?: unknown; event?: unknown; code?: unknown; msg?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return;
    }
    if (msg.event === 'error') {
      const refusal = `${String(msg.code)} ${String(msg.msg)}`;
      if (!this.pools().some((p) => p.answered(msg.id, refusal).length > 0)) this.options.log.warn({ code: msg.code, msg: msg.msg }, 'OKX refused a market request');
      return;
    }
    if (msg.event === 'subscribe' && msg.arg) {
      // OKX answers each channel of a frame it takes (and refuses a frame whole).
      const name = `${String(msg.arg.channel)}:${String(msg.arg.instId)}`;
      for (const pool of this.pools()) pool.confirmed(name);
    }
    if (msg.event === 'subscribe' && msg.arg?.channel === 'books') {
      // Subscribed: fetch the snapshot now, so a book that does not move is shown too.
      const ch = this.table.channel(`books:${String(msg.arg.instId)}`);
      const book = ch?.feed.book;
      if (ch && book) this.onBookResult(ch.feed, book, book.sync.begin());
      return;
    }
    if (msg.event !== undefined || !msg.arg || !Array.isArray(msg.data)) return;
    const name = `${String(msg.arg.channel)}:${String(msg.arg.instId)}`;
    const ch = this.table.channel(name);
    if (!ch) return;
    try {
      for (const row of msg.data) this.onRow(ch, msg.action, row);
    } catch (err) {
      this.options.log.warn({ channel: name, err: errorText(err) }, 'dropped a malformed OKX push');
    }
  }

  /** Names a subscribe frame (its `id`), for its pool to know what an error answer to it refuses. */
  private track(channels: string[]): string {
    const id = String(this.nextFrameId++);
    (this.pools().find((p) => channels.every((c) => p.has(c))) ?? this.publicPool).expectAnswer(id, channels);
    return id;
  }

  private onRow(ch: Channel, action: unknown, row: unknown): void {
    const { feed } = ch;
    switch (ch.kind) {
      case 'orderbook': {
        const book = feed.book;
        if (book) this.onBookResult(feed, book, book.sync.handleMessage(parseBookMessage(action, row)));
        return;
      }
      case 'trade':
        this.options.market.onTrade(parseTrade(row, feed.ref));
        return;
      case 'ticker': {
        const t = parseTicker(row, feed.ref);
        feed.ticker = t;
        this.options.market.onTicker(t);
        return;
      }
      case 'kline': {
        const k = parseCandle(row, feed.ref, ch.interval!);
        if (!feed.klines.has(k.interval)) return;
        feed.klines.set(k.interval, k);
        this.options.market.onKline(k);
        return;
      }
    }
  }

  private onBookResult(feed: OkxSymbolFeed, book: BookFeed, result: OkxBookResult): void {
    switch (result.type) {
      case 'applied':
        this.table.bookChanged(feed);
        return;
      case 'synced':
        book.snapshot.succeeded();
        this.table.bookSynced(feed);
        this.table.bookChanged(feed);
        return;
      case 'request-snapshot':
        book.snapshot.request();
        return;
      case 'gap':
        this.options.log.warn({ symbol: feed.ref.symbol, expected: result.expectedPrevSeqId, received: result.receivedPrevSeqId }, 'OKX book sequence break; resnapshotting');
        this.table.status.setDown(feed.ref.symbol, `book sequence break: expected prevSeqId ${result.expectedPrevSeqId}, got ${result.receivedPrevSeqId}`);
        this.table.bookChanged(feed);
        book.snapshot.request();
        return;
      case 'checksum-mismatch':
        this.options.log.warn({ symbol: feed.ref.symbol, expected: result.expected, computed: result.computed }, 'OKX book checksum mismatch; resnapshotting');
        this.table.status.setDown(feed.ref.symbol, 'book checksum mismatch');
        this.table.bookChanged(feed);
        book.snapshot.request();
        return;
      case 'snapshot-too-old':
        book.snapshot.request(this.options.snapshotRetryDelayMs);
        return;
      case 'buffered':
      case 'ignored':
        return;
    }
  }

  /** A book kept from the REST snapshot (`GET /api/v5/market/books`, fetched when the chain asks) and the pushes. */
  private bookFeed(feed: OkxSymbolFeed): BookFeed {
    const book: BookFeed = {
      sync: new OkxBookSync(),
      snapshot: new SnapshotFetch({
        load: () => this.options.rest.publicGet('/api/v5/market/books', [['instId', feed.instId], ['sz', String(this.options.bookSnapshotDepth)]]),
        onSnapshot: (data) => this.onBookResult(feed, book, book.sync.handleSnapshot(parseBookSnapshot(data))),
        onFailure: (err, retryInMs) => {
          this.options.log.warn({ symbol: feed.ref.symbol, err: errorText(err), retryInMs }, 'OKX book snapshot failed');
          this.table.status.setDown(feed.ref.symbol, 'book snapshot failed');
        },
        backoff: { min: 250, max: 30_000 },
      }),
    };
    return book;
  }
}

function channelName(key: MarketStreamKey, instId: string): string {
  switch (key.kind) {
    case 'orderbook':
      return `books:${instId}`;
    case 'trade':
      return `trades:${instId}`;
    case 'ticker':
      return `tickers:${instId}`;
    case 'kline':
      return `candle${OKX_BARS[key.interval!]}:${instId}`;
  }
}

function argOf(name: string): { channel: string; instId: string } {
  const i = name.indexOf(':');
  return { channel: name.slice(0, i), instId: name.slice(i + 1) };
}

