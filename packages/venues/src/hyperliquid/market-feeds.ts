/**
 * @module hyperliquid/market-feeds
 * Live Hyperliquid market state per instrument over the public WebSocket (kit channel pool: a subscription runs only
 * while wanted; the socket closes with its last one; `{"method":"ping"}` keeps it open — Hyperliquid closes a
 * connection that sent nothing for a minute):
 *  - books from `l2Book` snapshots under book-sync.ts's rules: a stale snapshot is ignored, a crossed one withholds the
 *    book and subscribes again; a lost socket withholds the book (feed DOWN) until the first snapshot after
 *    resubscribing — fetched over REST (`info` `l2Book`) when the stream has not sent one within `snapshotTimeoutMs`;
 *  - trades from `trades`, candles from `candle`, tickers and (perps) mark, oracle, funding and open interest from
 *    `activeAssetCtx`.
 * Subscriptions are named `<type>:<coin>[:<interval>]` inside the pool.
 */
import type { BookSnapshot, KlineUpdate, MarketDataSink, MarketStreamKey, MarkPriceUpdate, TickerSnapshot, VenueDeps } from '@cadenza/domain';
import { ChannelPool, type PoolSocket } from '../kit/channel-pool.ts';
import { FeedStatus } from '../kit/feed-status.ts';
import { errorText } from '../kit/venue-error.ts';
import { HyperliquidBookSync, type HyperliquidBookResult } from './book-sync.ts';
import { parseAssetCtx, parseCandle, parseL2Book, parseTrade, type HyperliquidInstrument, type InstrumentRef, type L2Snapshot } from './parse.ts';

export interface HyperliquidFeedsOptions {
  venueId: string;
  wsUrl: string;
  market: MarketDataSink;
  log: VenueDeps['log'];
  clock: { now(): number };
  pingIntervalMs: number;
  idleTimeoutMs: number;
  reconnectDelayMs: { min: number; max: number };
  snapshotTimeoutMs: number;
  beforeConnect(): Promise<unknown>;
  /** A REST `l2Book` snapshot of a coin (when the stream is slow to send one). */
  fetchBook(coin: string): Promise<L2Snapshot>;
  instrument(symbol: string): HyperliquidInstrument | undefined;
}

interface Feed {
  readonly ref: InstrumentRef;
  readonly instrument: HyperliquidInstrument;
  book: { sync: HyperliquidBookSync; timer: NodeJS.Timeout | undefined } | undefined;
  ticker: TickerSnapshot | undefined;
  mark: MarkPriceUpdate | undefined;
  readonly klines: Map<string, KlineUpdate | undefined>;
}

type Channel = { feed: Feed; kind: MarketStreamKey['kind']; interval?: string };

const TYPES: Record<MarketStreamKey['kind'], string> = { orderbook: 'l2Book', trade: 'trades', ticker: 'activeAssetCtx', kline: 'candle' };

/** The subscription object of a pool channel name. */
function subscription(name: string): Record<string, string> {
  const [type, coin, interval] = splitName(name);
  return interval ? { type, coin, interval } : { type, coin };
}

function splitName(name: string): [string, string, string | undefined] {
  const first = name.indexOf(':');
  const type = name.slice(0, first);
  const rest = name.slice(first + 1);
  if (type !== 'candle') return [type, rest, undefined];
  const last = rest.lastIndexOf(':');
  return [type, rest.slice(0, last), rest.slice(last + 1)];
}

export class HyperliquidMarketFeeds {
  private readonly feeds = new Map<string, Feed>();
  private readonly channels = new Map<string, Channel>();
  private readonly pool: ChannelPool;
  private readonly status: FeedStatus;
  private stopped = false;

  constructor(private readonly o: HyperliquidFeedsOptions) {
    this.status = new FeedStatus(o.venueId, o.market);
    this.pool = new ChannelPool({
      name: `${o.venueId} public`,
      url: o.wsUrl,
      log: o.log,
      // The docs cap subscriptions at 1000 per IP; 100 a socket keeps resubscription bursts small.
      capacity: 100,
      subscribeFrames: (chs) => chs.map((c) => ({ method: 'subscribe', subscription: subscription(c) })),
      unsubscribeFrames: (chs) => chs.map((c) => ({ method: 'unsubscribe', subscription: subscription(c) })),
      onMessage: (socket, text) => this.onMessage(socket, text),
      onOpen: (socket) => this.onOpen(socket),
      onDown: (chs, reason) => this.onDown(chs, reason),
      beforeConnect: o.beforeConnect,
      reconnectDelayMs: o.reconnectDelayMs,
      idleTimeoutMs: o.idleTimeoutMs,
      pingIntervalMs: o.pingIntervalMs,
      pingFrame: JSON.stringify({ method: 'ping' }),
      controlIntervalMs: 20,
    });
  }

  get socketCount(): number {
    return this.pool.socketCount;
  }

  /** Snapshots ignored as older than the book they would have replaced. */
  staleSnapshots(symbol: string): number {
    return this.feeds.get(symbol)?.book?.sync.stale ?? 0;
  }

  subscribe(key: MarketStreamKey): void {
    if (this.stopped) return;
    const instrument = this.o.instrument(key.symbol);
    if (!instrument) throw new Error(`${key.symbol} is not a listed instrument`);
    const feed = this.feedFor(key.symbol, instrument);
    const name = channelName(key, instrument.coin);
    if (this.channels.has(name)) return;
    this.channels.set(name, { feed, kind: key.kind, ...(key.interval ? { interval: key.interval } : {}) });
    if (key.kind === 'orderbook') {
      feed.book = { sync: new HyperliquidBookSync(), timer: undefined };
      this.awaitSnapshot(feed);
    }
    if (key.kind === 'kline') feed.klines.set(key.interval!, undefined);
    this.pool.add(name);
  }

  unsubscribe(key: MarketStreamKey): void {
    const feed = this.feeds.get(key.symbol);
    if (!feed) return;
    const name = channelName(key, feed.instrument.coin);
    if (!this.channels.delete(name)) return;
    this.pool.remove(name);
    if (key.kind === 'orderbook') {
      clearTimeout(feed.book?.timer);
      feed.book = undefined;
    }
    if (key.kind === 'ticker') {
      feed.ticker = undefined;
      feed.mark = undefined;
    }
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

  getMark(symbol: string): MarkPriceUpdate | undefined {
    return this.feeds.get(symbol)?.mark;
  }

  liveKline(symbol: string, interval: string): KlineUpdate | undefined {
    return this.feeds.get(symbol)?.klines.get(interval);
  }

  stop(): void {
    this.stopped = true;
    for (const f of this.feeds.values()) clearTimeout(f.book?.timer);
    this.feeds.clear();
    this.channels.clear();
    this.pool.close();
  }

  private feedFor(symbol: string, instrument: HyperliquidInstrument): Feed {
    let feed = this.feeds.get(symbol);
    if (!feed) {
      feed = { ref: { instrumentId: instrument.spec.instrumentId, venue: this.o.venueId, symbol }, instrument, book: undefined, ticker: undefined, mark: undefined, klines: new Map() };
      this.feeds.set(symbol, feed);
    }
    return feed;
  }

  private onMessage(_socket: PoolSocket, text: string): void {
    if (this.stopped) return;
    let msg: { channel?: unknown; data?: unknown };
    try {
      msg = JSON.parse(text) as { channel?: unknown; data?: unknown };
    } catch {
      return;
    }
    if (typeof msg !== 'object' || msg === null || typeof msg.channel !== 'string') return;
    if (msg.channel === 'error') {
      this.o.log.warn({ message: String(msg.data).slice(0, 200) }, 'Hyperliquid refused a market request');
      return;
    }
    try {
      this.onData(msg.channel, msg.data);
    } catch (err) {
      this.o.log.warn({ channel: msg.channel, err: errorText(err) }, 'dropped a malformed Hyperliquid message');
    }
  }

  private onData(type: string, data: unknown): void {
    switch (type) {
      case 'l2Book': {
        const snapshot = parseL2Book(data);
        const ch = this.channels.get(`l2Book:${snapshot.coin}`);
        if (ch?.feed.book) this.onSnapshot(ch.feed, snapshot);
        return;
      }
      case 'trades': {
        if (!Array.isArray(data) || data.length === 0) return;
        const coin = (data[0] as { coin?: unknown }).coin;
        const ch = this.channels.get(`trades:${String(coin)}`);
        if (ch) for (const t of data) this.o.market.onTrade(parseTrade(t, ch.feed.ref));
        return;
      }
      case 'candle': {
        const d = data as { s?: unknown; i?: unknown };
        const ch = this.channels.get(`candle:${String(d.s)}:${String(d.i)}`);
        if (!ch) return;
        const k = parseCandle(data, ch.feed.ref, ch.interval!, this.o.clock.now());
        const prev = ch.feed.klines.get(k.interval);
        // A bar that began after the one we hold closes it.
        if (prev && prev.candle.openTime < k.candle.openTime && !prev.isClosed) this.o.market.onKline({ ...prev, isClosed: true });
        ch.feed.klines.set(k.interval, k);
        this.o.market.onKline(k);
        return;
      }
      case 'activeAssetCtx':
      case 'activeSpotAssetCtx': {
        const ch = this.channels.get(`activeAssetCtx:${String((data as { coin?: unknown }).coin)}`);
        if (!ch) return;
        const { ticker, mark } = parseAssetCtx(data, ch.feed.ref, this.o.clock.now());
        ch.feed.ticker = ticker;
        this.o.market.onTicker(ticker);
        if (mark) {
          ch.feed.mark = mark;
          this.o.market.onMarkPrice?.(mark);
        }
        return;
      }
    }
  }

  private onSnapshot(feed: Feed, snapshot: L2Snapshot): void {
    const book = feed.book;
    if (!book) return;
    const result: HyperliquidBookResult = book.sync.handle(snapshot);
    const symbol = feed.ref.symbol;
    switch (result.type) {
      case 'synced':
        clearTimeout(book.timer);
        book.timer = undefined;
        this.status.setUp(symbol);
        this.o.market.onBookChanged(this.o.venueId, symbol);
        return;
      case 'stale':
        return;
      case 'crossed':
        this.o.log.warn({ symbol, time: snapshot.time }, 'Hyperliquid book snapshot crossed; subscribing again');
        this.status.setDown(symbol, 'book crossed');
        this.o.market.onBookChanged(this.o.venueId, symbol);
        this.awaitSnapshot(feed);
        this.pool.resubscribe(`l2Book:${feed.instrument.coin}`);
        return;
    }
  }

  /** Fetches the book over REST when no snapshot came within the timeout (and again, until one comes). */
  private awaitSnapshot(feed: Feed): void {
    const book = feed.book;
    if (!book) return;
    clearTimeout(book.timer);
    book.timer = setTimeout(() => {
      book.timer = undefined;
      if (this.stopped || feed.book !== book || book.sync.isSynced) return;
      this.awaitSnapshot(feed);
      this.o.fetchBook(feed.instrument.coin).then(
        (s) => {
          if (feed.book === book && !book.sync.isSynced && this.pool.channels.has(`l2Book:${feed.instrument.coin}`)) this.onSnapshot(feed, s);
        },
        (err: unknown) => this.o.log.warn({ symbol: feed.ref.symbol, err: errorText(err) }, 'Hyperliquid l2Book fetch failed'),
      );
    }, this.o.snapshotTimeoutMs);
    book.timer.unref?.();
  }

  /** A socket came (back) up: its non-book feeds are live at once; books wait for their snapshot. */
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
        this.awaitSnapshot(ch.feed);
        this.o.market.onBookChanged(this.o.venueId, ch.feed.ref.symbol);
      }
      this.status.setDown(ch.feed.ref.symbol, reason);
    }
  }
}

function channelName(key: MarketStreamKey, coin: string): string {
  return key.kind === 'kline' ? `candle:${coin}:${key.interval}` : `${TYPES[key.kind]}:${coin}`;
}
