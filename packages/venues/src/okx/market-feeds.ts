/**
 * @module okx/market-feeds
 * Live OKX market state per symbol: books kept by OKX's integrity rules (book-sync.ts: REST snapshot + seqId chain,
 * checksum where sent), last trades, tickers and forming candles. Books, trades and tickers ride the public socket
 * (`/ws/v5/public`), candles the business one (`/ws/v5/business`), both through kit channel pools, so a channel
 * runs only while subscribed and a socket closes with its last channel. While a book is being (re)synchronised
 * `getBook` answers undefined and the feed is reported DOWN, then UP.
 */
import type { BookSnapshot, KlineUpdate, MarketDataSink, MarketStreamKey, TickerSnapshot, VenueDeps } from '@cadenza/domain';
import { ChannelPool, type PoolSocket } from '../kit/channel-pool.ts';
import { errorText } from '../kit/venue-error.ts';
import { FeedStatus } from '../kit/feed-status.ts';
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

interface SymbolFeed {
  readonly ref: InstrumentRef;
  readonly instId: string;
  book: BookFeed | undefined;
  ticker: TickerSnapshot | undefined;
  readonly klines: Map<string, KlineUpdate | undefined>;
}

type Channel = { feed: SymbolFeed; kind: MarketStreamKey['kind']; interval?: string };

export class OkxMarketFeeds {
  private readonly feeds = new Map<string, SymbolFeed>();
  private readonly channels = new Map<string, Channel>();
  private readonly publicPool: ChannelPool;
  private readonly businessPool: ChannelPool;
  private readonly status: FeedStatus;
  private stopped = false;

  constructor(private readonly options: OkxFeedsOptions) {
    this.status = new FeedStatus(options.venueId, options.market);
    const common = {
      log: options.log,
      capacity: 100,
      subscribeFrames: (chs: string[]) => [{ op: 'subscribe', args: chs.map(argOf) }],
      unsubscribeFrames: (chs: string[]) => [{ op: 'unsubscribe', args: chs.map(argOf) }],
      onMessage: (_s: PoolSocket, text: string) => this.onMessage(text),
      onDown: (chs: ReadonlySet<string>, reason: string) => this.onDown(chs, reason),
      onOpen: (socket: PoolSocket) => this.onOpen(socket),
      beforeConnect: () => options.rest.budgets.acquireNow(['ws:connect'], 5000),
      reconnectDelayMs: options.reconnectDelayMs,
      idleTimeoutMs: options.idleTimeoutMs,
      pingIntervalMs: options.pingIntervalMs,
      pingFrame: 'ping',
    };
    this.publicPool = new ChannelPool({ ...common, name: `${options.venueId} public`, url: `${options.wsBaseUrl}/ws/v5/public` });
    this.businessPool = new ChannelPool({ ...common, name: `${options.venueId} business`, url: `${options.wsBaseUrl}/ws/v5/business` });
  }

  /** Channels currently wanted, as `channel:instId` (diagnostics, tests). */
  activeChannels(): string[] {
    return [...this.publicPool.channels, ...this.businessPool.channels];
  }

  get socketCount(): number {
    return this.publicPool.socketCount + this.businessPool.socketCount;
  }

  subscribe(key: MarketStreamKey, instId: string): void {
    if (this.stopped) return;
    const feed = this.feedFor(key.symbol, instId);
    const name = channelName(key, instId);
    if (this.channels.has(name)) return;
    const ch: Channel = { feed, kind: key.kind, ...(key.interval ? { interval: key.interval } : {}) };
    this.channels.set(name, ch);
    if (key.kind === 'orderbook') feed.book = this.bookFeed(feed);
    if (key.kind === 'kline') feed.klines.set(key.interval!, undefined);
    this.poolOf(key).add(name);
  }

  unsubscribe(key: MarketStreamKey): void {
    const feed = this.feeds.get(key.symbol);
    if (!feed) return;
    const name = channelName(key, feed.instId);
    if (!this.channels.delete(name)) return;
    this.poolOf(key).remove(name);
    if (key.kind === 'orderbook') {
      feed.book?.snapshot.stop();
      feed.book = undefined;
    }
    if (key.kind === 'ticker') feed.ticker = undefined;
    if (key.kind === 'kline') feed.klines.delete(key.interval!);
    if (![...this.channels.values()].some((c) => c.feed === feed)) {
      this.feeds.delete(key.symbol);
      this.status.forget(key.symbol);
    }
  }

  getBook(symbol: string, depth: number): BookSnapshot | undefined {
    const feed = this.feeds.get(symbol);
    const sync = feed?.book?.sync;
    if (!feed || !sync?.isSynced) return undefined;
    return { ...feed.ref, bids: sync.book.top('bid', depth), asks: sync.book.top('ask', depth), timestamp: sync.updatedTime };
  }

  getTicker(symbol: string): TickerSnapshot | undefined {
    return this.feeds.get(symbol)?.ticker;
  }

  liveKline(symbol: string, interval: string): KlineUpdate | undefined {
    return this.feeds.get(symbol)?.klines.get(interval);
  }

  /** Drops every market socket (they reconnect and resubscribe; books resynchronise). */
  reconnectAll(reason: string): void {
    this.publicPool.reconnectAll(reason);
    this.businessPool.reconnectAll(reason);
  }

  stop(): void {
    this.stopped = true;
    for (const f of this.feeds.values()) f.book?.snapshot.stop();
    this.feeds.clear();
    this.channels.clear();
    this.publicPool.close();
    this.businessPool.close();
  }

  private poolOf(key: MarketStreamKey): ChannelPool {
    return key.kind === 'kline' ? this.businessPool : this.publicPool;
  }

  private feedFor(symbol: string, instId: string): SymbolFeed {
    let feed = this.feeds.get(symbol);
    if (!feed) {
      feed = { ref: { instrumentId: `${this.options.venueId}:${symbol}`, venue: this.options.venueId, symbol }, instId, book: undefined, ticker: undefined, klines: new Map()};
      this.feeds.set(symbol, feed);
    }
    return feed;
  }

  private onMessage(text: string): void {
    if (text === 'pong' || this.stopped) return;
    let msg: { arg?: { channel?: unknown; instId?: unknown }; action?: unknown; data?: unknown; event?: unknown; code?: unknown; msg?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return;
    }
    if (msg.event === 'error') {
      this.options.log.warn({ code: msg.code, msg: msg.msg }, 'OKX refused a market subscription');
      return;
    }
    if (msg.event === 'subscribe' && msg.arg?.channel === 'books') {
      // Subscribed: fetch the snapshot now, so a book that does not move is shown too.
      const ch = this.channels.get(`books:${String(msg.arg.instId)}`);
      const book = ch?.feed.book;
      if (ch && book) this.onBookResult(ch.feed, book, book.sync.begin());
      return;
    }
    if (msg.event !== undefined || !msg.arg || !Array.isArray(msg.data)) return;
    const name = `${String(msg.arg.channel)}:${String(msg.arg.instId)}`;
    const ch = this.channels.get(name);
    if (!ch) return;
    try {
      for (const row of msg.data) this.onRow(ch, msg.action, row);
    } catch (err) {
      this.options.log.warn({ channel: name, err: errorText(err) }, 'dropped a malformed OKX push');
    }
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

  private onBookResult(feed: SymbolFeed, book: BookFeed, result: OkxBookResult): void {
    switch (result.type) {
      case 'applied':
        this.options.market.onBookChanged(this.options.venueId, feed.ref.symbol);
        return;
      case 'synced':
        book.snapshot.succeeded();
        this.status.setUp(feed.ref.symbol);
        this.options.market.onBookChanged(this.options.venueId, feed.ref.symbol);
        return;
      case 'request-snapshot':
        book.snapshot.request();
        return;
      case 'gap':
        this.options.log.warn({ symbol: feed.ref.symbol, expected: result.expectedPrevSeqId, received: result.receivedPrevSeqId }, 'OKX book sequence break; resnapshotting');
        this.status.setDown(feed.ref.symbol, `book sequence break: expected prevSeqId ${result.expectedPrevSeqId}, got ${result.receivedPrevSeqId}`);
        this.options.market.onBookChanged(this.options.venueId, feed.ref.symbol);
        book.snapshot.request();
        return;
      case 'checksum-mismatch':
        this.options.log.warn({ symbol: feed.ref.symbol, expected: result.expected, computed: result.computed }, 'OKX book checksum mismatch; resnapshotting');
        this.status.setDown(feed.ref.symbol, 'book checksum mismatch');
        this.options.market.onBookChanged(this.options.venueId, feed.ref.symbol);
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
  private bookFeed(feed: SymbolFeed): BookFeed {
    const book: BookFeed = {
      sync: new OkxBookSync(),
      snapshot: new SnapshotFetch({
        load: () => this.options.rest.publicGet('/api/v5/market/books', [['instId', feed.instId], ['sz', String(this.options.bookSnapshotDepth)]]),
        onSnapshot: (data) => this.onBookResult(feed, book, book.sync.handleSnapshot(parseBookSnapshot(data))),
        onFailure: (err, retryInMs) => {
          this.options.log.warn({ symbol: feed.ref.symbol, err: errorText(err), retryInMs }, 'OKX book snapshot failed');
          this.status.setDown(feed.ref.symbol, 'book snapshot failed');
        },
        backoff: { min: 250, max: 30_000 },
      }),
    };
    return book;
  }

  /** A socket came (back) up: its non-book feeds are live again at once; books wait for their resync. */
  private onOpen(socket: PoolSocket): void {
    for (const name of socket.channels) {
      const ch = this.channels.get(name);
      if (ch && !ch.feed.book) this.status.setUp(ch.feed.ref.symbol);
    }
  }

  private onDown(names: ReadonlySet<string>, reason: string): void {
    for (const name of names) {
      const ch = this.channels.get(name);
      if (!ch) continue;
      if (ch.kind === 'orderbook' && ch.feed.book) {
        ch.feed.book.sync.reset();
        this.options.market.onBookChanged(this.options.venueId, ch.feed.ref.symbol);
      }
      this.status.setDown(ch.feed.ref.symbol, reason);
    }
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

