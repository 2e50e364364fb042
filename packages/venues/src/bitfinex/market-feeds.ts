/**
 * @module bitfinex/market-feeds
 * Live Bitfinex market state per symbol over the public WebSocket (kit channel pool, 25 channels per connection):
 * P0 books (book.ts: snapshot, updates, CRC-32 checksum on every `cs` message), trades (`te`), tickers and candles.
 *
 * Every connection first sends `conf` with flags 131072 (book checksums) + 65536 (sequence numbers on every
 * message). The public sequence number runs per connection; a number that does not follow its predecessor means a
 * message was lost — on whichever channel — so the connection is dropped and everything resubscribed (books come back
 * as fresh snapshots). A checksum mismatch resubscribes just that book. `info` 20051 (server restart) and 20061 (end
 * of maintenance) reconnect as Bitfinex asks; 20060 (maintenance start) reports the feeds DOWN.
 */
import type { BookSnapshot, MarketDataSink, MarketStreamKey, VenueDeps } from '@cadenza/domain';
import { ChannelPool, type PoolSocket } from '../kit/channel-pool.ts';
import { errorText } from '../kit/venue-error.ts';
import { FeedTable, type FeedChannel, type SymbolFeed } from '../kit/feed-table.ts';
import { PooledMarketFeeds } from '../kit/pooled-market-feeds.ts';
import { BitfinexBook } from './book.ts';
import { int, isNumber, parseLosslessJson } from '../kit/lossless-json.ts';
import { BITFINEX_FRAMES, parseBookEntry, parseCandle, parsePublicTrade, parseTicker, type InstrumentRef } from './parse.ts';
import { CHANNELS_PER_CONNECTION } from './rate-limits.ts';
import type { RateBudgets } from '../kit/rate-budget.ts';

export interface BitfinexFeedsOptions {
  venueId: string;
  url: string;
  market: MarketDataSink;
  log: VenueDeps['log'];
  clock: { now(): number };
  budgets: RateBudgets;
  pingIntervalMs: number;
  idleTimeoutMs: number;
  reconnectDelayMs: { min: number; max: number };
}

/** conf flags: OB_CHECKSUM (131072) + SEQ_ALL (65536). */
export const CONF_FLAGS = 131072 + 65536;

interface BitfinexSymbolFeed extends SymbolFeed<BitfinexBook> {
  readonly ref: InstrumentRef;
  readonly symbol: string;
}

type Channel = FeedChannel<BitfinexSymbolFeed>;

interface SocketState {
  readonly byChanId: Map<number, string>;
  readonly chanIdOf: Map<string, number>;
  lastSeq: number | undefined;
}

export class BitfinexMarketFeeds extends PooledMarketFeeds<BitfinexBook, BitfinexSymbolFeed> {
  protected readonly table: FeedTable<BitfinexBook, BitfinexSymbolFeed>;
  private readonly sockets = new Map<number, SocketState>();
  private readonly pool: ChannelPool;

  constructor(private readonly options: BitfinexFeedsOptions) {
    super(options.venueId);
    this.pool = new ChannelPool({
      name: `${options.venueId} public`,
      url: options.url,
      log: options.log,
      capacity: CHANNELS_PER_CONNECTION,
      greeting: () => [{ event: 'conf', flags: CONF_FLAGS }],
      subscribeFrames: (chs) => chs.map(subscribeFrame),
      unsubscribeFrames: (chs, socket) => chs.flatMap((c) => {
        const id = this.state(socket).chanIdOf.get(c);
        return id === undefined ? [] : [{ event: 'unsubscribe', chanId: id }];
      }),
      onOpen: (socket) => this.onOpen(socket),
      onMessage: (socket, text) => this.onMessage(socket, text),
      onDown: (chs, reason) => this.table.down(chs, reason),
      onConfirmed: (channel) => this.table.confirmed(channel),
      beforeConnect: () => options.budgets.acquireNow(['ws:public'], 60_000),
      reconnectDelayMs: options.reconnectDelayMs,
      idleTimeoutMs: options.idleTimeoutMs,
      pingIntervalMs: options.pingIntervalMs,
      pingFrame: JSON.stringify({ event: 'ping', cid: 1 }),
    });
    this.table = new FeedTable<BitfinexBook, BitfinexSymbolFeed>({
      venueId: options.venueId,
      market: options.market,
      channelName: (key, feed) => channelName(key, feed.symbol),
      poolOf: () => this.pool,
      newBook: () => new BitfinexBook(),
      resetBook: (book) => book.reset(),
      bookInSync: (book) => book.isSynced,
    });
  }

  protected pools(): readonly ChannelPool[] {
    return [this.pool];
  }

  subscribe(key: MarketStreamKey, bfxSymbol: string): void {
    this.want(key, { symbol: bfxSymbol });
  }

  getBook(symbol: string, depth: number): BookSnapshot | undefined {
    const feed = this.table.feed(symbol);
    const shown = feed?.book?.verified(depth);
    if (!feed || !shown) return undefined;
    return { ...feed.ref, bids: shown.bids, asks: shown.asks, timestamp: shown.at };
  }


  private state(socket: PoolSocket): SocketState {
    let s = this.sockets.get(socket.id);
    if (!s) {
      s = { byChanId: new Map(), chanIdOf: new Map(), lastSeq: undefined };
      this.sockets.set(socket.id, s);
    }
    return s;
  }

  /** A (re)opened connection starts a new sequence and new channel ids; its non-book feeds are live again. */
  private onOpen(socket: PoolSocket): void {
    this.sockets.set(socket.id, { byChanId: new Map(), chanIdOf: new Map(), lastSeq: undefined });
    this.table.opened(socket.channels);
  }

  private onMessage(socket: PoolSocket, text: string): void {
    if (this.table.isStopped) return;
    const msg = parseLosslessJson(text);
    const state = this.state(socket);
    if (Array.isArray(msg)) return this.onChannelMessage(socket, state, msg);
    if (typeof msg !== 'object' || msg === null) return;
    const ev = msg as Record<string, unknown>;
    switch (ev.event) {
      case 'subscribed': {
        const name = nameOfSubscribed(ev);
        this.pool.confirmed(name);
        const chanId = int(ev.chanId, 'chanId');
        state.byChanId.set(chanId, name);
        state.chanIdOf.set(name, chanId);
        if (!socket.channels.has(name)) socket.send({ event: 'unsubscribe', chanId });
        return;
      }
      case 'unsubscribed': {
        const chanId = int(ev.chanId, 'chanId');
        const name = state.byChanId.get(chanId);
        state.byChanId.delete(chanId);
        if (name !== undefined) state.chanIdOf.delete(name);
        return;
      }
      case 'info': {
        const code = isNumber(ev.code) ? ev.code.lexeme : undefined;
        if (code === '20051' || code === '20061') socket.reconnect(`Bitfinex info ${code}`);
        else if (code === '20060') this.table.down(socket.channels, 'Bitfinex maintenance');
        return;
      }
      case 'error': {
        // Bitfinex echoes the refused request: a subscription it refused (10300 failed, 10305 limit …) is sent again
        // with back-off while wanted (kit/channel-pool.ts); 10301 "dup" means it is already running.
        const code = isNumber(ev.code) ? ev.code.lexeme : String(ev.code);
        const name = ev.channel !== undefined ? nameOfSubscribed(ev) : undefined;
        if (name !== undefined && code !== '10301' && socket.channels.has(name)) this.pool.refused(name, `${code} ${String(ev.msg)}`);
        else this.options.log.warn({ code, msg: ev.msg }, 'Bitfinex refused a market subscription');
        return;
      }
      default:
        return;
    }
  }

  private onChannelMessage(socket: PoolSocket, state: SocketState, msg: unknown[]): void {
    // With SEQ_ALL every channel message ends with the connection's public sequence number.
    const last = msg[msg.length - 1];
    if (msg.length >= 3 && isNumber(last)) {
      const seq = Number(last.lexeme);
      if (state.lastSeq !== undefined && seq !== state.lastSeq + 1) {
        this.options.log.warn({ expected: state.lastSeq + 1, received: seq }, 'Bitfinex sequence gap; reconnecting to resubscribe');
        state.lastSeq = undefined;
        socket.reconnect('sequence gap');
        return;
      }
      state.lastSeq = seq;
    }
    let chanId: number;
    try {
      chanId = int(msg[0], 'chanId');
    } catch {
      return;
    }
    const name = state.byChanId.get(chanId);
    const ch = name === undefined ? undefined : this.table.channel(name);
    if (!ch || name === undefined) return;
    const payload = msg[1];
    if (payload === 'hb') return;
    try {
      this.onPayload(socket, name, ch, payload, msg);
    } catch (err) {
      this.options.log.warn({ channel: name, err: errorText(err) }, 'dropped a malformed Bitfinex message');
    }
  }

  private onPayload(socket: PoolSocket, name: string, ch: Channel, payload: unknown, msg: unknown[]): void {
    const { feed } = ch;
    const now = this.options.clock.now();
    switch (ch.kind) {
      case 'orderbook': {
        const book = feed.book;
        if (!book) return;
        if (payload === 'cs') {
          const r = book.checksum(int(msg[2], 'checksum'));
          if (r.type === 'checksum-ok') {
            this.table.bookSynced(feed);
            this.table.bookChanged(feed);
          } else if (r.type === 'checksum-mismatch') {
            this.options.log.warn({ symbol: feed.ref.symbol, expected: r.expected, computed: r.computed }, 'Bitfinex book checksum mismatch; resubscribing');
            this.table.down([name], 'book checksum mismatch');
            this.table.bookChanged(feed);
            socket.resubscribe(name);
          }
          return;
        }
        if (!Array.isArray(payload)) return;
        // Applied to the working book; shown once the checksum that follows proves it.
        if (payload.length === 0 || Array.isArray(payload[0])) book.snapshot(payload.map(parseBookEntry), now);
        else book.update(parseBookEntry(payload), now);
        return;
      }
      case 'trade':
        if (payload === 'te') this.options.market.onTrade(parsePublicTrade(msg[2], feed.ref));
        return;
      case 'ticker': {
        if (!Array.isArray(payload)) return;
        const t = parseTicker(payload, feed.ref, now);
        feed.ticker = t;
        this.options.market.onTicker(t);
        return;
      }
      case 'kline': {
        if (!Array.isArray(payload)) return;
        const interval = ch.interval!;
        if (!feed.klines.has(interval)) return;
        const current = feed.klines.get(interval);
        if (payload.length === 0) return;
        if (Array.isArray(payload[0])) {
          // Snapshot: the newest bar is the forming one.
          const newest = payload.map((r) => parseCandle(r, feed.ref, interval, false)).sort((a, b) => b.candle.openTime - a.candle.openTime)[0]!;
          feed.klines.set(interval, newest);
          this.options.market.onKline(newest);
          return;
        }
        const k = parseCandle(payload, feed.ref, interval, false);
        if (current && k.candle.openTime < current.candle.openTime) return;
        if (current && k.candle.openTime > current.candle.openTime) this.options.market.onKline({ ...current, isClosed: true });
        feed.klines.set(interval, k);
        this.options.market.onKline(k);
        return;
      }
    }
  }
}

function channelName(key: MarketStreamKey, symbol: string): string {
  switch (key.kind) {
    case 'orderbook':
      return `book:${symbol}`;
    case 'trade':
      return `trades:${symbol}`;
    case 'ticker':
      return `ticker:${symbol}`;
    case 'kline':
      return `candles:trade:${BITFINEX_FRAMES[key.interval!]}:${symbol}`;
  }
}

function subscribeFrame(name: string): unknown {
  const [channel, ...rest] = name.split(':');
  const arg = rest.join(':');
  switch (channel) {
    case 'book':
      return { event: 'subscribe', channel: 'book', symbol: arg, prec: 'P0', freq: 'F0', len: '25' };
    case 'candles':
      return { event: 'subscribe', channel: 'candles', key: arg };
    default:
      return { event: 'subscribe', channel, symbol: arg };
  }
}

/** The channel name a `subscribed` event confirms (the inverse of subscribeFrame). */
function nameOfSubscribed(ev: Record<string, unknown>): string {
  return ev.channel === 'candles' ? `candles:${String(ev.key)}` : `${String(ev.channel)}:${String(ev.symbol)}`;
}
