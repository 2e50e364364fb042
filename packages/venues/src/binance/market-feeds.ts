/**
 * @module binance/market-feeds
 * Live market state per symbol, fed by the combined stream: order books kept by the documented diff-depth
 * procedure (REST snapshot + buffered `@depth@100ms` events), last trades, 24 h tickers and forming klines.
 * A stream runs only while subscribed; books are reported to the sink as "changed" (consumers pull them).
 * While a book is being (re)synchronised `getBook` answers undefined and the feed status is DOWN.
 *
 * Streams ride combined-stream sockets (`<base>/stream?streams=a/b/c`) in a kit channel pool: at most
 * `maxStreamsPerConnection` a socket (Binance allows 1024; the initial list travels in the URL, so 200 by default),
 * live `SUBSCRIBE` / `UNSUBSCRIBE` spaced 250 ms apart (Binance closes a connection sending more than 5 messages a
 * second), Binance's pings answered by `ws`, and a socket replaced make-before-break before Binance's 24-hour cut
 * and on a `serverShutdown` event, so the feed does not go down (the depth synchroniser tolerates the seam:
 * overlapping events are stale, missing ones are a gap).
 */
import type { BookSnapshot, KlineUpdate, MarketDataSink, MarketStreamKey, TickerSnapshot, VenueDeps } from '@cadenza/domain';
import { DepthSync } from './ws/depth-sync.ts';
import { FeedStatus } from '../kit/feed-status.ts';
import { SnapshotFetch } from '../kit/snapshot-fetch.ts';
import { ChannelPool, type PoolSocket } from '../kit/channel-pool.ts';
import { errorText } from '../kit/venue-error.ts';
import { parseDepthDiff, parseKlineEvent, parseStreamMessage, parseTicker, parseTrade, type InstrumentRef } from './ws/parse.ts';
import { parseDepthSnapshot } from './http/parse.ts';
import type { BinanceRestClient } from './http/rest-client.ts';
import type { WireObject } from './wire.ts';

export interface MarketFeedsOptions {
  venueId: string;
  wsBaseUrl: string;
  rest: BinanceRestClient;
  market: MarketDataSink;
  log: VenueDeps['log'];
  clock: VenueDeps['clock'];
  depthSnapshotLimit: number;
  depthSpeed: '100ms' | '1000ms';
  snapshotRetryDelayMs: number;
  maxConnectionAgeMs?: number;
  idleTimeoutMs?: number;
  reconnectDelayMs?: { min: number; max: number };
  maxStreamsPerConnection?: number;
}

interface DepthFeed {
  readonly sync: DepthSync;
  readonly snapshot: SnapshotFetch<unknown>;
}

interface SymbolFeed {
  readonly ref: InstrumentRef;
  readonly external: string;
  depth: DepthFeed | undefined;
  trade: boolean;
  ticker: boolean;
  lastTicker: TickerSnapshot | undefined;
  readonly klines: Map<string, KlineUpdate | undefined>;
}

type StreamTarget = { feed: SymbolFeed; kind: 'depth' | 'trade' | 'ticker' | 'kline' };

/** Request weight of `GET /api/v3/depth` by limit (spot REST docs). */
export function depthWeight(limit: number): number {
  return limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
}

export class MarketFeeds {
  private readonly feeds = new Map<string, SymbolFeed>();
  private readonly targets = new Map<string, StreamTarget>();
  private readonly stream: ChannelPool;
  private readonly status: FeedStatus;
  private nextControlId = 1;
  private stopped = false;

  constructor(private readonly options: MarketFeedsOptions) {
    this.status = new FeedStatus(options.venueId, options.market);
    const control = (method: 'SUBSCRIBE' | 'UNSUBSCRIBE') => (streams: string[]) => {
      const id = this.nextControlId++;
      if (method === 'SUBSCRIBE') this.stream.expectAnswer(id, streams);
      return [{ method, params: streams, id }];
    };
    this.stream = new ChannelPool({
      name: `${options.venueId} market`,
      url: (streams) => `${options.wsBaseUrl}/stream?streams=${[...streams].join('/')}`,
      log: options.log,
      capacity: Math.max(1, Math.min(1024, options.maxStreamsPerConnection ?? 200)),
      subscribeFrames: control('SUBSCRIBE'),
      unsubscribeFrames: control('UNSUBSCRIBE'),
      controlIntervalMs: 250,
      onMessage: (socket, text) => this.onMessage(socket, text),
      onOpen: (socket) => this.onOpen(socket),
      onDown: (streams, reason) => this.onDown(streams, reason),
      maxAgeMs: options.maxConnectionAgeMs ?? 23.5 * 3600_000,
      idleTimeoutMs: options.idleTimeoutMs ?? 70_000,
      ...(options.reconnectDelayMs !== undefined ? { reconnectDelayMs: options.reconnectDelayMs } : {}),
    });
  }

  /** Market stream sockets carrying at least one stream. */
  get connectionCount(): number {
    return this.stream.socketCount;
  }

  subscribe(key: MarketStreamKey, external: string): void {
    if (this.stopped) return;
    const feed = this.feedFor(key.symbol, external);
    const name = this.streamName(feed, key);
    if (this.targets.has(name)) return;
    switch (key.kind) {
      case 'orderbook':
        feed.depth = this.depthFeed(feed);
        this.targets.set(name, { feed, kind: 'depth' });
        break;
      case 'trade':
        feed.trade = true;
        this.targets.set(name, { feed, kind: 'trade' });
        break;
      case 'ticker':
        feed.ticker = true;
        this.targets.set(name, { feed, kind: 'ticker' });
        break;
      case 'kline':
        feed.klines.set(key.interval!, undefined);
        this.targets.set(name, { feed, kind: 'kline' });
        break;
    }
    this.stream.add(name);
  }

  unsubscribe(key: MarketStreamKey): void {
    const feed = this.feeds.get(key.symbol);
    if (!feed) return;
    const name = this.streamName(feed, key);
    if (!this.targets.delete(name)) return;
    this.stream.remove(name);
    switch (key.kind) {
      case 'orderbook':
        feed.depth?.snapshot.stop();
        feed.depth = undefined;
        break;
      case 'trade':
        feed.trade = false;
        break;
      case 'ticker':
        feed.ticker = false;
        feed.lastTicker = undefined;
        break;
      case 'kline':
        feed.klines.delete(key.interval!);
        break;
    }
    if (!feed.depth && !feed.trade && !feed.ticker && feed.klines.size === 0) {
      this.feeds.delete(key.symbol);
      this.status.forget(key.symbol);
    }
  }

  getBook(symbol: string, depth: number): BookSnapshot | undefined {
    const sync = this.feeds.get(symbol)?.depth?.sync;
    if (!sync || !sync.isSynced) return undefined;
    const ref = this.feeds.get(symbol)!.ref;
    return { ...ref, bids: sync.book.top('bid', depth), asks: sync.book.top('ask', depth), timestamp: sync.updatedTime };
  }

  getTicker(symbol: string): TickerSnapshot | undefined {
    return this.feeds.get(symbol)?.lastTicker;
  }

  /** The forming bar from the kline stream, when subscribed. */
  liveKline(symbol: string, interval: string): KlineUpdate | undefined {
    return this.feeds.get(symbol)?.klines.get(interval);
  }

  /** Stream names currently wanted (diagnostics, tests). */
  activeStreams(): string[] {
    return [...this.stream.channels];
  }

  stop(): void {
    this.stopped = true;
    for (const feed of this.feeds.values()) feed.depth?.snapshot.stop();
    this.feeds.clear();
    this.targets.clear();
    this.stream.close();
  }

  private feedFor(symbol: string, external: string): SymbolFeed {
    let feed = this.feeds.get(symbol);
    if (!feed) {
      feed = {
        ref: { instrumentId: `${this.options.venueId}:${symbol}`, venue: this.options.venueId, symbol },
        external,
        depth: undefined,
        trade: false,
        ticker: false,
        lastTicker: undefined,
        klines: new Map(),
      };
      this.feeds.set(symbol, feed);
    }
    return feed;
  }

  private streamName(feed: SymbolFeed, key: MarketStreamKey): string {
    const s = feed.external.toLowerCase();
    switch (key.kind) {
      case 'orderbook':
        return this.options.depthSpeed === '100ms' ? `${s}@depth@100ms` : `${s}@depth`;
      case 'trade':
        return `${s}@trade`;
      case 'ticker':
        return `${s}@ticker`;
      case 'kline':
        return `${s}@kline_${key.interval}`;
    }
  }

  private onMessage(socket: PoolSocket, text: string): void {
    const msg = parseStreamMessage(text);
    switch (msg.kind) {
      case 'data':
        if (msg.data.e === 'serverShutdown') socket.rotate('serverShutdown');
        else this.onData(msg.stream, msg.data);
        return;
      case 'result':
        // Binance's answers name only the request id.
        for (const s of this.stream.answered(msg.id)) this.streamLive(s);
        return;
      case 'error':
        if (this.stream.answered(msg.id, `${msg.code} ${msg.msg}`).length === 0) this.options.log.warn({ code: msg.code, msg: msg.msg, id: msg.id }, 'Binance refused a stream control message');
        return;
      case 'unknown': {
        const raw = msg.raw;
        if (typeof raw === 'object' && raw !== null && (raw as WireObject).e === 'serverShutdown') socket.rotate('serverShutdown');
        return;
      }
    }
  }

  private onData(stream: string, data: WireObject): void {
    const target = this.targets.get(stream);
    if (!target || this.stopped) return;
    const { feed } = target;
    try {
      switch (target.kind) {
        case 'depth':
          this.onDepth(feed, data);
          return;
        case 'trade':
          this.options.market.onTrade(parseTrade(data, feed.ref));
          return;
        case 'ticker': {
          const t = parseTicker(data, feed.ref);
          feed.lastTicker = t;
          this.options.market.onTicker(t);
          return;
        }
        case 'kline': {
          const k = parseKlineEvent(data, feed.ref);
          if (!feed.klines.has(k.interval)) return;
          feed.klines.set(k.interval, k);
          this.options.market.onKline(k);
          return;
        }
      }
    } catch (err) {
      this.options.log.warn({ stream, err: errorText(err) }, 'dropped a malformed Binance stream event');
    }
  }

  private onDepth(feed: SymbolFeed, data: WireObject): void {
    const depth = feed.depth;
    if (!depth) return;
    const result = depth.sync.handleEvent(parseDepthDiff(data));
    switch (result.type) {
      case 'applied':
        this.options.market.onBookChanged(this.options.venueId, feed.ref.symbol);
        return;
      case 'request-snapshot':
        depth.snapshot.request();
        return;
      case 'gap':
        this.options.log.warn({ symbol: feed.ref.symbol, expected: result.expectedFirstId, received: result.receivedFirstId }, 'Binance depth gap; resynchronising the book');
        this.setDown(feed, `depth gap: expected update ${result.expectedFirstId}, got ${result.receivedFirstId}`);
        depth.snapshot.request();
        return;
      case 'buffered':
      case 'ignored':
      case 'synced':
      case 'snapshot-too-old':
        return;
    }
  }

  /** A book kept from the REST snapshot (`GET /api/v3/depth`, fetched when the synchroniser asks) and the diffs. */
  private depthFeed(feed: SymbolFeed): DepthFeed {
    const sync = new DepthSync();
    const snapshot: SnapshotFetch<unknown> = new SnapshotFetch({
      load: () =>
        this.options.rest.publicGet(
          '/api/v3/depth',
          [
            ['symbol', feed.external],
            ['limit', String(this.options.depthSnapshotLimit)],
          ],
          depthWeight(this.options.depthSnapshotLimit),
        ),
      onSnapshot: (body) => {
        const result = sync.handleSnapshot(parseDepthSnapshot(body));
        switch (result.type) {
          case 'synced':
            snapshot.succeeded();
            this.setUp(feed);
            this.options.market.onBookChanged(this.options.venueId, feed.ref.symbol);
            return;
          case 'snapshot-too-old':
          case 'gap':
            snapshot.request(this.options.snapshotRetryDelayMs);
            return;
          case 'ignored':
          case 'applied':
          case 'buffered':
          case 'request-snapshot':
            return;
        }
      },
      onFailure: (err, retryInMs) => {
        this.options.log.warn({ symbol: feed.ref.symbol, err: errorText(err), retryInMs }, 'Binance depth snapshot failed');
        this.setDown(feed, 'depth snapshot failed');
      },
      backoff: { min: 500, max: 30_000 },
    });
    return { sync, snapshot };
  }

  /**
   * A socket came (back) up: its non-depth feeds are live again at once; books wait for their resync, and take their
   * snapshot now rather than at their first event (a snapshot taken before a stream subscribed by message runs is
   * caught by the first event's gap check, and fetched again).
   */
  private onOpen(socket: PoolSocket): void {
    for (const s of socket.channels) {
      const target = this.targets.get(s);
      if (target && !target.feed.depth) this.setUp(target.feed);
      this.streamLive(s);
    }
  }

  /** A depth stream runs: a book with nothing received yet takes its snapshot now (ws/depth-sync.ts). */
  private streamLive(stream: string): void {
    const target = this.targets.get(stream);
    const depth = target?.kind === 'depth' ? target.feed.depth : undefined;
    if (depth && depth.sync.streamLive(this.options.clock.now()).type === 'request-snapshot') depth.snapshot.request();
  }

  private onDown(streams: ReadonlySet<string>, reason: string): void {
    const affected = new Set<SymbolFeed>();
    for (const s of streams) {
      const target = this.targets.get(s);
      if (target) affected.add(target.feed);
    }
    for (const feed of affected) {
      feed.depth?.sync.reset();
      this.setDown(feed, reason);
      if (feed.depth) this.options.market.onBookChanged(this.options.venueId, feed.ref.symbol);
    }
  }

  private setDown(feed: SymbolFeed, reason: string): void {
    this.status.setDown(feed.ref.symbol, reason);
  }

  private setUp(feed: SymbolFeed): void {
    this.status.setUp(feed.ref.symbol);
  }

}
