/**
 * @module binance/market-feeds
 * Live market state per symbol, fed by the combined stream: order books kept by the documented diff-depth
 * procedure (REST snapshot + buffered `@depth@100ms` events), last trades, 24 h tickers and forming klines.
 * A stream runs only while subscribed; books are reported to the sink as "changed" (consumers pull them).
 * While a book is being (re)synchronised `getBook` answers undefined and the feed status is DOWN. Per-symbol state and
 * UP/DOWN are the kit FeedTable's, as on every pooled connector: a SUBSCRIBE Binance refuses (its error answer names
 * only the request id) is sent again with back-off, and its `result` answer brings the symbol back UP.
 *
 * Streams ride combined-stream sockets (`<base>/stream?streams=a/b/c`) in a kit channel pool: at most
 * `maxStreamsPerConnection` a socket (Binance allows 1024; the initial list travels in the URL, so 200 by default),
 * live `SUBSCRIBE` / `UNSUBSCRIBE` spaced 250 ms apart (Binance closes a connection sending more than 5 messages a
 * second), Binance's pings answered by `ws`, and a socket replaced make-before-break before Binance's 24-hour cut
 * and on a `serverShutdown` event, so the feed does not go down (the depth synchroniser tolerates the seam:
 * overlapping events are stale, missing ones are a gap).
 */
import type { BookSnapshot, MarketDataSink, MarketStreamKey, VenueDeps } from '@cadenza/domain';
import { DepthSync } from './ws/depth-sync.ts';
import { SnapshotFetch } from '../kit/snapshot-fetch.ts';
import { ChannelPool, type PoolSocket } from '../kit/channel-pool.ts';
import { FeedTable, type SymbolFeed } from '../kit/feed-table.ts';
import { PooledMarketFeeds, syncedBookSnapshot } from '../kit/pooled-market-feeds.ts';
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

interface BinanceSymbolFeed extends SymbolFeed<DepthFeed> {
  readonly ref: InstrumentRef;
  /** Binance's name of the symbol (`BTCUSDT`). */
  readonly external: string;
}

/** Request weight of `GET /api/v3/depth` by limit (spot REST docs). */
export function depthWeight(limit: number): number {
  return limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
}

export class MarketFeeds extends PooledMarketFeeds<DepthFeed, BinanceSymbolFeed> {
  protected readonly table: FeedTable<DepthFeed, BinanceSymbolFeed>;
  private readonly stream: ChannelPool;
  private nextControlId = 1;

  constructor(private readonly options: MarketFeedsOptions) {
    super(options.venueId);
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
      onOpen: (socket) => this.streamsLive(socket.channels),
      // Binance's answers name only the request id; the pool knows what it asked for.
      onConfirmed: (stream) => this.streamsLive([stream]),
      onDown: (streams, reason) => this.table.down(streams, reason),
      maxAgeMs: options.maxConnectionAgeMs ?? 23.5 * 3600_000,
      idleTimeoutMs: options.idleTimeoutMs ?? 70_000,
      ...(options.reconnectDelayMs !== undefined ? { reconnectDelayMs: options.reconnectDelayMs } : {}),
    });
    this.table = new FeedTable<DepthFeed, BinanceSymbolFeed>({
      venueId: options.venueId,
      market: options.market,
      channelName: (key, feed) => this.streamName(feed, key),
      poolOf: () => this.stream,
      newBook: (feed) => this.depthFeed(feed),
      resetBook: (depth) => depth.sync.reset(),
      dropBook: (depth) => depth.snapshot.stop(),
      bookInSync: (depth) => depth.sync.isSynced,
    });
  }

  protected pools(): readonly ChannelPool[] {
    return [this.stream];
  }

  subscribe(key: MarketStreamKey, external: string): void {
    this.want(key, { external });
  }

  getBook(symbol: string, depth: number): BookSnapshot | undefined {
    return syncedBookSnapshot(this.table.feed(symbol), depth);
  }

  private streamName(feed: BinanceSymbolFeed, key: MarketStreamKey): string {
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
        this.stream.answered(msg.id);
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
    const ch = this.table.channel(stream);
    if (!ch || this.table.isStopped) return;
    const { feed } = ch;
    try {
      switch (ch.kind) {
        case 'orderbook':
          this.onDepth(feed, data);
          return;
        case 'trade':
          this.options.market.onTrade(parseTrade(data, feed.ref));
          return;
        case 'ticker': {
          const t = parseTicker(data, feed.ref);
          feed.ticker = t;
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

  private onDepth(feed: BinanceSymbolFeed, data: WireObject): void {
    const depth = feed.book;
    if (!depth) return;
    const result = depth.sync.handleEvent(parseDepthDiff(data));
    switch (result.type) {
      case 'applied':
        this.table.bookChanged(feed);
        return;
      case 'request-snapshot':
        depth.snapshot.request();
        return;
      case 'gap':
        this.options.log.warn({ symbol: feed.ref.symbol, expected: result.expectedFirstId, received: result.receivedFirstId }, 'Binance depth gap; resynchronising the book');
        this.table.status.setDown(feed.ref.symbol, `depth gap: expected update ${result.expectedFirstId}, got ${result.receivedFirstId}`);
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
  private depthFeed(feed: BinanceSymbolFeed): DepthFeed {
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
            this.table.bookSynced(feed);
            this.table.bookChanged(feed);
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
        this.table.status.setDown(feed.ref.symbol, 'depth snapshot failed');
      },
      backoff: { min: 500, max: 30_000 },
    });
    return { sync, snapshot };
  }

  /**
   * Streams run (their socket came (back) up, or Binance answered their SUBSCRIBE): they are live in the table, and a
   * book with nothing received yet takes its snapshot now rather than at its first event (ws/depth-sync.ts; a snapshot
   * taken before a stream subscribed by message runs is caught by the first event's gap check, and fetched again).
   */
  private streamsLive(streams: Iterable<string>): void {
    const names = [...streams];
    this.table.opened(names);
    for (const s of names) {
      const ch = this.table.channel(s);
      const depth = ch?.kind === 'orderbook' ? ch.feed.book : undefined;
      if (depth && depth.sync.streamLive(this.options.clock.now()).type === 'request-snapshot') depth.snapshot.request();
    }
  }
}
