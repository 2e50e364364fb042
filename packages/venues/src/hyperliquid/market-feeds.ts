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
 * Subscriptions are named `<type>:<coin>[:<interval>]` inside the pool. Hyperliquid confirms each subscribe with a
 * `subscriptionResponse` echoing it, and refuses one with an `error` whose text ends with the subscription as JSON
 * ("Invalid subscription {…}"): the pool subscribes a refused channel again with back-off while it is wanted, and a
 * confirmation ends the outage ("Already subscribed: {…}" counts as one). An error that names no subscription ("Cannot
 * subscribe to more than 1000 channels.") is matched to the subscribe it answered by what is still unanswered on its
 * socket (pending-answers.ts): a lone one at once, one of a burst when the rest are answered.
 */
import type { BookSnapshot, MarketDataSink, MarketStreamKey, MarkPriceUpdate, VenueDeps } from '@cadenza/domain';
import { ChannelPool, type PoolSocket } from '../kit/channel-pool.ts';
import { FeedTable, type SymbolFeed } from '../kit/feed-table.ts';
import { PooledMarketFeeds, syncedBookSnapshot } from '../kit/pooled-market-feeds.ts';
import { errorText } from '../kit/venue-error.ts';
import { HyperliquidBookSync } from './book-sync.ts';
import { PendingAnswers, type FoundRefusal } from './pending-answers.ts';
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

interface Book {
  readonly feed: Feed;
  readonly sync: HyperliquidBookSync;
  /** Fetches the book over REST when it is still not in sync when it fires. */
  timer: NodeJS.Timeout | undefined;
}

interface Feed extends SymbolFeed<Book> {
  readonly ref: InstrumentRef;
  readonly instrument: HyperliquidInstrument;
  mark: MarkPriceUpdate | undefined;
}

const TYPES: Record<MarketStreamKey['kind'], string> = { orderbook: 'l2Book', trade: 'trades', ticker: 'activeAssetCtx', kline: 'candle' };

/** The subscription object of a pool channel name. */
function subscription(name: string): Record<string, string> {
  const first = name.indexOf(':');
  const type = name.slice(0, first);
  const rest = name.slice(first + 1);
  if (type !== 'candle') return { type, coin: rest };
  const last = rest.lastIndexOf(':');
  return { type, coin: rest.slice(0, last), interval: rest.slice(last + 1) };
}

/** The pool channel name of a subscription object as Hyperliquid echoes it (optional fields it fills in are ignored). */
function channelOf(sub: unknown): string | undefined {
  if (typeof sub !== 'object' || sub === null) return undefined;
  const { type, coin, interval } = sub as Record<string, unknown>;
  if (typeof type !== 'string' || typeof coin !== 'string') return undefined;
  if (type !== 'candle') return `${type}:${coin}`;
  return typeof interval === 'string' ? `candle:${coin}:${interval}` : undefined;
}

/** The subscription an error text names: the JSON object at its end, if any. */
function subscriptionIn(text: string): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end < start) return undefined;
  try {
    return JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
}

export class HyperliquidMarketFeeds extends PooledMarketFeeds<Book, Feed> {
  protected readonly table: FeedTable<Book, Feed>;
  private readonly pool: ChannelPool;
  /** What each socket has asked and not had answered, by socket id. */
  private readonly pending = new Map<number, PendingAnswers>();

  constructor(private readonly o: HyperliquidFeedsOptions) {
    super(o.venueId);
    this.pool = new ChannelPool({
      name: `${o.venueId} public`,
      url: o.wsUrl,
      log: o.log,
      // The docs cap subscriptions at 1000 per IP; 100 a socket keeps resubscription bursts small.
      capacity: 100,
      subscribeFrames: (chs, socket) => chs.map((c) => this.request(socket, 'subscribe', c)),
      unsubscribeFrames: (chs, socket) => chs.map((c) => this.request(socket, 'unsubscribe', c)),
      onMessage: (socket, text) => this.onMessage(socket, text),
      onOpen: (socket) => {
        this.answersOf(socket).reset();
        this.onOpen(socket.channels);
      },
      onDown: (chs, reason) => this.table.down(chs, reason),
      // Hyperliquid took the channel (also after refusing it): live, and a book waits for its snapshot as on an open.
      onConfirmed: (channel) => this.onOpen([channel]),
      beforeConnect: o.beforeConnect,
      reconnectDelayMs: o.reconnectDelayMs,
      idleTimeoutMs: o.idleTimeoutMs,
      pingIntervalMs: o.pingIntervalMs,
      pingFrame: JSON.stringify({ method: 'ping' }),
      controlIntervalMs: 20,
    });
    this.table = new FeedTable<Book, Feed>({
      venueId: o.venueId,
      market: o.market,
      channelName: (key, feed) => channelName(key, feed.instrument.coin),
      poolOf: () => this.pool,
      newBook: (feed) => this.awaitSnapshot({ feed, sync: new HyperliquidBookSync(), timer: undefined }),
      // Rule 4 of book-sync.ts: withheld until the next snapshot (never a REST one while the socket is down).
      resetBook: (book) => {
        book.sync.reset();
        clearTimeout(book.timer);
        book.timer = undefined;
      },
      dropBook: (book) => clearTimeout(book.timer),
      bookInSync: (book) => book.sync.isSynced,
      onUnsubscribed: (feed, key) => {
        if (key.kind === 'ticker') feed.mark = undefined;
      },
    });
  }

  protected pools(): readonly ChannelPool[] {
    return [this.pool];
  }

  /** Snapshots ignored as older than the book they would have replaced. */
  staleSnapshots(symbol: string): number {
    return this.table.feed(symbol)?.book?.sync.stale ?? 0;
  }

  subscribe(key: MarketStreamKey): void {
    this.wantListed(key, this.o.instrument(key.symbol), (instrument) => ({ instrument, mark: undefined }));
  }

  getBook(symbol: string, depth: number): BookSnapshot | undefined {
    return syncedBookSnapshot(this.table.feed(symbol), depth);
  }

  getMark(symbol: string): MarkPriceUpdate | undefined {
    return this.table.feed(symbol)?.mark;
  }

  /** A subscribe or unsubscribe frame, remembered as waiting for its answer on the socket. */
  private request(socket: PoolSocket, method: 'subscribe' | 'unsubscribe', channel: string): unknown {
    this.answersOf(socket).sent(method, channel);
    return { method, subscription: subscription(channel) };
  }

  private answersOf(socket: PoolSocket): PendingAnswers {
    let p = this.pending.get(socket.id);
    if (!p) this.pending.set(socket.id, (p = new PendingAnswers()));
    return p;
  }

  private onMessage(socket: PoolSocket, text: string): void {
    if (this.table.isStopped) return;
    let msg: { channel?: unknown; data?: unknown };
    try {
      msg = JSON.parse(text) as { channel?: unknown; data?: unknown };
    } catch {
      return;
    }
    if (typeof msg !== 'object' || msg === null || typeof msg.channel !== 'string') return;
    if (msg.channel === 'subscriptionResponse') {
      const d = msg.data as { method?: unknown; subscription?: unknown } | null;
      const method = d?.method === 'subscribe' || d?.method === 'unsubscribe' ? d.method : undefined;
      const channel = method ? channelOf(d!.subscription) : undefined;
      if (channel === undefined) return;
      const found = this.answersOf(socket).answered(channel, method);
      if (method === 'subscribe') this.pool.confirmed(channel);
      this.refuse(found);
      return;
    }
    if (msg.channel === 'error') {
      const text = String(msg.data).slice(0, 200);
      const channel = channelOf(subscriptionIn(String(msg.data).slice(0, 500)));
      const answers = this.answersOf(socket);
      if (channel === undefined) {
        const waiting = answers.size;
        const found = answers.unexplainedError(text);
        if (found.length === 0) this.o.log.warn({ message: text, waiting }, 'Hyperliquid refused a market request without naming it');
        this.refuse(found);
        return;
      }
      const found = answers.answered(channel);
      if (/^already subscribed/i.test(text)) this.pool.confirmed(channel);
      else if (this.table.channel(channel)) this.pool.refused(channel, text);
      else this.o.log.warn({ message: text }, 'Hyperliquid refused a market request');
      this.refuse(found);
      return;
    }
    try {
      this.onData(msg.channel, msg.data);
    } catch (err) {
      this.o.log.warn({ channel: msg.channel, err: errorText(err) }, 'dropped a malformed Hyperliquid message');
    }
  }

  /** Subscribes found refused by an error that named none: sent again with back-off while wanted (the pool). */
  private refuse(found: readonly FoundRefusal[]): void {
    for (const { channel, reason } of found) this.pool.refused(channel, reason);
  }

  private onData(type: string, data: unknown): void {
    switch (type) {
      case 'l2Book': {
        const snapshot = parseL2Book(data);
        const book = this.table.channel(`l2Book:${snapshot.coin}`)?.feed.book;
        if (book) this.onSnapshot(book, snapshot);
        return;
      }
      case 'trades': {
        if (!Array.isArray(data) || data.length === 0) return;
        const ch = this.table.channel(`trades:${String((data[0] as { coin?: unknown }).coin)}`);
        if (ch) for (const t of data) this.o.market.onTrade(parseTrade(t, ch.feed.ref));
        return;
      }
      case 'candle': {
        const d = data as { s?: unknown; i?: unknown };
        const ch = this.table.channel(`candle:${String(d.s)}:${String(d.i)}`);
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
        const ch = this.table.channel(`activeAssetCtx:${String((data as { coin?: unknown }).coin)}`);
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

  private onSnapshot(book: Book, snapshot: L2Snapshot): void {
    const result = book.sync.handle(snapshot);
    const { feed } = book;
    if (result.type === 'stale') return;
    if (result.type === 'synced') {
      clearTimeout(book.timer);
      book.timer = undefined;
      this.table.bookSynced(feed);
      this.table.bookChanged(feed);
      return;
    }
    this.o.log.warn({ symbol: feed.ref.symbol, time: snapshot.time }, 'Hyperliquid book snapshot crossed; subscribing again');
    this.table.status.setDown(feed.ref.symbol, 'book crossed');
    this.table.bookChanged(feed);
    this.awaitSnapshot(book);
    this.pool.resubscribe(`l2Book:${feed.instrument.coin}`);
  }

  /** A socket came (back) up: its non-book feeds are live; its books wait for their snapshot, fetched if it is slow. */
  private onOpen(names: Iterable<string>): void {
    this.table.opened(names);
    for (const name of names) {
      const book = name.startsWith('l2Book:') ? this.table.channel(name)?.feed.book : undefined;
      if (book && !book.sync.isSynced) this.awaitSnapshot(book);
    }
  }

  /**
   * Fetches the book over REST when no snapshot came within the timeout (and again, until one comes): armed when the
   * book is subscribed, when its socket (re)opens and after a crossed snapshot — never while the socket is down.
   */
  private awaitSnapshot(book: Book): Book {
    clearTimeout(book.timer);
    book.timer = setTimeout(() => {
      book.timer = undefined;
      const { feed } = book;
      if (this.table.isStopped || feed.book !== book || book.sync.isSynced) return;
      this.awaitSnapshot(book);
      this.o.fetchBook(feed.instrument.coin).then(
        (s) => {
          if (feed.book === book && !book.sync.isSynced) this.onSnapshot(book, s);
        },
        (err: unknown) => this.o.log.warn({ symbol: feed.ref.symbol, err: errorText(err) }, 'Hyperliquid l2Book fetch failed'),
      );
    }, this.o.snapshotTimeoutMs);
    book.timer.unref?.();
    return book;
  }
}

function channelName(key: MarketStreamKey, coin: string): string {
  return key.kind === 'kline' ? `candle:${coin}:${key.interval}` : `${TYPES[key.kind]}:${coin}`;
}
