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
import type { BookSnapshot, KlineUpdate, MarketDataSink, MarketStreamKey, MarkPriceUpdate, TickerSnapshot, VenueDeps } from '@cadenza/domain';
import { ChannelPool, type PoolSocket } from '../kit/channel-pool.ts';
import { FeedStatus } from '../kit/feed-status.ts';
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

interface InstrumentFeed {
  readonly ref: InstrumentRef;
  readonly instrument: DeribitInstrument;
  book: BookFeed | undefined;
  ticker: TickerSnapshot | undefined;
  mark: MarkReport | undefined;
  readonly klines: Map<string, KlineUpdate | undefined>;
}

type Channel = { feed: InstrumentFeed; kind: MarketStreamKey['kind']; interval?: string };

let frameId = 1_000_000_000;

export class DeribitMarketFeeds {
  private readonly feeds = new Map<string, InstrumentFeed>();
  private readonly channels = new Map<string, Channel>();
  private readonly pool: ChannelPool;
  private readonly status: FeedStatus;
  private stopped = false;

  constructor(private readonly o: DeribitFeedsOptions) {
    this.status = new FeedStatus(o.venueId, o.market);
    this.pool = new ChannelPool({
      name: `${o.venueId} public`,
      url: o.wsUrl,
      log: o.log,
      capacity: 200,
      greeting: () => [requestFrame(frameId++, 'public/set_heartbeat', { interval: o.heartbeatSeconds })],
      subscribeFrames: (chs) => [requestFrame(frameId++, 'public/subscribe', { channels: chs })],
      unsubscribeFrames: (chs) => [requestFrame(frameId++, 'public/unsubscribe', { channels: chs })],
      onMessage: (socket, text) => this.onMessage(socket, text),
      onOpen: (socket) => this.onOpen(socket),
      onDown: (chs, reason) => this.onDown(chs, reason),
      beforeConnect: o.beforeConnect,
      reconnectDelayMs: o.reconnectDelayMs,
      idleTimeoutMs: o.idleTimeoutMs,
      controlIntervalMs: 50,
    });
  }

  activeChannels(): string[] {
    return [...this.pool.channels];
  }

  get socketCount(): number {
    return this.pool.socketCount;
  }

  subscribe(key: MarketStreamKey): void {
    if (this.stopped) return;
    const instrument = this.o.instrument(key.symbol);
    if (!instrument) throw new Error(`${key.symbol} is not a listed instrument`);
    const feed = this.feedFor(key.symbol, instrument);
    const name = channelName(key, instrument.spec.externalSymbol);
    if (this.channels.has(name)) return;
    this.channels.set(name, { feed, kind: key.kind, ...(key.interval ? { interval: key.interval } : {}) });
    if (key.kind === 'orderbook') feed.book = { sync: new DeribitBookSync(), resyncTimer: undefined };
    if (key.kind === 'kline') feed.klines.set(key.interval!, undefined);
    this.pool.add(name);
  }

  unsubscribe(key: MarketStreamKey): void {
    const feed = this.feeds.get(key.symbol);
    if (!feed) return;
    const name = channelName(key, feed.instrument.spec.externalSymbol);
    if (!this.channels.delete(name)) return;
    this.pool.remove(name);
    if (key.kind === 'orderbook') {
      clearTimeout(feed.book?.resyncTimer);
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

  /** The last mark price (with index, funding, IV, greeks) of a ticker feed. */
  getMark(symbol: string): MarkReport | undefined {
    return this.feeds.get(symbol)?.mark;
  }

  liveKline(symbol: string, interval: string): KlineUpdate | undefined {
    return this.feeds.get(symbol)?.klines.get(interval);
  }

  /** Drops every market socket (they reconnect and resubscribe; books resynchronise). */
  reconnectAll(reason: string): void {
    this.pool.reconnectAll(reason);
  }

  stop(): void {
    this.stopped = true;
    for (const f of this.feeds.values()) clearTimeout(f.book?.resyncTimer);
    this.feeds.clear();
    this.channels.clear();
    this.pool.close();
  }

  private feedFor(symbol: string, instrument: DeribitInstrument): InstrumentFeed {
    let feed = this.feeds.get(symbol);
    if (!feed) {
      feed = { ref: { instrumentId: instrument.spec.instrumentId, venue: this.o.venueId, symbol }, instrument, book: undefined, ticker: undefined, mark: undefined, klines: new Map() };
      this.feeds.set(symbol, feed);
    }
    return feed;
  }

  private onMessage(socket: PoolSocket, text: string): void {
    if (this.stopped) return;
    const frame = readFrame(text);
    if (!frame) return;
    if (frame.kind === 'heartbeat') {
      if (frame.type === 'test_request') socket.send(requestFrame(frameId++, 'public/test', {}));
      return;
    }
    if (frame.kind === 'response' && frame.error) {
      this.o.log.warn({ code: frame.error.code, message: frame.error.message }, 'Deribit refused a market request');
      return;
    }
    if (frame.kind !== 'notification') return;
    const ch = this.channels.get(frame.channel);
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
        this.status.setUp(symbol);
        this.o.market.onBookChanged(this.o.venueId, symbol);
        return;
      case 'applied':
        this.o.market.onBookChanged(this.o.venueId, symbol);
        return;
      case 'ignored':
        return;
      case 'gap':
      case 'crossed':
        if (book.resyncTimer) return; // already resubscribing: changes before the new snapshot are expected
        this.o.log.warn({ symbol, ...(result.type === 'gap' ? { expected: result.expectedPrevChangeId, received: result.receivedPrevChangeId } : {}) }, `Deribit book ${result.type === 'gap' ? 'change_id chain broken' : 'crossed'}; resubscribing`);
        this.status.setDown(symbol, result.type === 'gap' ? `book chain broken: expected prev_change_id ${result.expectedPrevChangeId ?? '(a snapshot)'}, got ${result.receivedPrevChangeId ?? 'none'}` : 'book crossed');
        this.o.market.onBookChanged(this.o.venueId, symbol);
        this.resubscribe(book, name);
        return;
    }
  }

  /** Subscribes the book channel again (Deribit answers with a fresh snapshot), and again if none comes. */
  private resubscribe(book: BookFeed, name: string): void {
    clearTimeout(book.resyncTimer);
    book.resyncTimer = setTimeout(() => {
      book.resyncTimer = undefined;
      if (!this.stopped && this.channels.has(name) && !book.sync.isSynced) this.resubscribe(book, name);
    }, this.o.snapshotTimeoutMs ?? 5000);
    this.pool.resubscribe(name);
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
        clearTimeout(ch.feed.book.resyncTimer);
        ch.feed.book.resyncTimer = undefined;
        ch.feed.book.sync.reset();
        this.o.market.onBookChanged(this.o.venueId, ch.feed.ref.symbol);
      }
      this.status.setDown(ch.feed.ref.symbol, reason);
    }
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
