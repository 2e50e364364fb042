/**
 * @module bridge/market-data-bridge
 * Turns venue market-data notifications into channel publications (docs/architecture.md, decision 2):
 *  - order books: SNAPSHOTs of the top `depth` levels, at most once per `bookIntervalMs` per instrument and only
 *    when the book changed (venues only say "changed"; the bridge pulls the snapshot when it flushes);
 *  - trades: published as they happen;
 *  - tickers: at most once per `tickerIntervalMs` per instrument, on the instrument channel and the venue channel;
 *  - klines: the forming bar at most once per `klineIntervalMs` per (instrument, interval); a closing bar always.
 * Conflation keeps the latest value, so nothing stale is ever published after something newer.
 */
import { channels } from '@cadenza/contract';
import type { KlineUpdate, MarketDataSink, TickerSnapshot, TradeTick, BookSnapshot, VenueId } from '@cadenza/domain';

export interface MarketDataConverters {
  toOrderBook(book: BookSnapshot): unknown;
  toTicker(ticker: TickerSnapshot): unknown;
  toKline(kline: KlineUpdate): unknown;
  toMarketTrade(trade: TradeTick): unknown;
}

export interface MarketDataBridgeOptions {
  /** Publishes one value on one channel; failures are logged by the caller, never thrown back into venues. */
  publish(channel: string, data: unknown): void;
  /** Pulls the current top of book of a venue's symbol. */
  getBook(venue: VenueId, symbol: string, depth: number): BookSnapshot | undefined;
  convert: MarketDataConverters;
  depth?: number;
  bookIntervalMs?: number;
  tickerIntervalMs?: number;
  klineIntervalMs?: number;
  /** Injected timers so tests can drive time. */
  setInterval?: (fn: () => void, ms: number) => { unref?(): void };
  clearInterval?: (handle: unknown) => void;
}

interface Pending<T> {
  value: T;
  dueAt: number;
}

export class MarketDataBridge implements MarketDataSink {
  readonly #o: Required<Pick<MarketDataBridgeOptions, 'depth' | 'bookIntervalMs' | 'tickerIntervalMs' | 'klineIntervalMs'>> &
    MarketDataBridgeOptions;
  /** `${venue}\u0000${symbol}` of books changed since their last publication. */
  readonly #dirtyBooks = new Set<string>();
  readonly #tickers = new Map<string, Pending<TickerSnapshot>>();
  readonly #tickerLastSent = new Map<string, number>();
  readonly #klines = new Map<string, Pending<KlineUpdate>>();
  readonly #klineLastSent = new Map<string, number>();
  #timer: unknown;
  #now = 0;

  constructor(options: MarketDataBridgeOptions) {
    this.#o = { depth: 20, bookIntervalMs: 100, tickerIntervalMs: 1000, klineIntervalMs: 1000, ...options };
  }

  /** Starts the flush loop (one timer for everything). */
  start(now: () => number = Date.now): void {
    if (this.#timer) return;
    const every = this.#o.setInterval ?? ((fn, ms) => setInterval(fn, ms));
    const handle = every(() => this.flush(now()), this.#o.bookIntervalMs);
    handle.unref?.();
    this.#timer = handle;
  }

  stop(): void {
    if (!this.#timer) return;
    (this.#o.clearInterval ?? ((h) => clearInterval(h as NodeJS.Timeout)))(this.#timer);
    this.#timer = undefined;
  }

  onBookChanged(venue: VenueId, symbol: string): void {
    this.#dirtyBooks.add(`${venue}\u0000${symbol}`);
  }

  onTrade(trade: TradeTick): void {
    this.#o.publish(channels.trades(trade.venue, trade.symbol), this.#o.convert.toMarketTrade(trade));
  }

  onTicker(ticker: TickerSnapshot): void {
    const key = `${ticker.venue}\u0000${ticker.symbol}`;
    const last = this.#tickerLastSent.get(key) ?? -Infinity;
    this.#tickers.set(key, { value: ticker, dueAt: last + this.#o.tickerIntervalMs });
  }

  onKline(kline: KlineUpdate): void {
    const key = `${kline.venue}\u0000${kline.symbol}\u0000${kline.interval}`;
    if (kline.isClosed) {
      // A closing bar is final information: publish at once, and drop any older forming bar still queued.
      this.#klines.delete(key);
      this.#klineLastSent.set(key, this.#now);
      this.#publishKline(kline);
      return;
    }
    const last = this.#klineLastSent.get(key) ?? -Infinity;
    this.#klines.set(key, { value: kline, dueAt: last + this.#o.klineIntervalMs });
  }

  /** Publishes whatever is due at `now`. Called by the timer; exposed for tests. */
  flush(now: number): void {
    this.#now = now;
    for (const key of this.#dirtyBooks) {
      const sep = key.indexOf('\u0000');
      const venue = key.slice(0, sep);
      const symbol = key.slice(sep + 1);
      const book = this.#o.getBook(venue, symbol, this.#o.depth);
      if (book) this.#o.publish(channels.orderBook(venue, symbol), this.#o.convert.toOrderBook(book));
    }
    this.#dirtyBooks.clear();
    for (const [key, p] of this.#tickers) {
      if (p.dueAt > now) continue;
      this.#tickers.delete(key);
      this.#tickerLastSent.set(key, now);
      const data = this.#o.convert.toTicker(p.value);
      this.#o.publish(channels.ticker(p.value.venue, p.value.symbol), data);
      this.#o.publish(channels.ticker(p.value.venue), data);
    }
    for (const [key, p] of this.#klines) {
      if (p.dueAt > now) continue;
      this.#klines.delete(key);
      this.#klineLastSent.set(key, now);
      this.#publishKline(p.value);
    }
  }

  #publishKline(k: KlineUpdate): void {
    this.#o.publish(channels.kline(k.venue, k.symbol, k.interval), this.#o.convert.toKline(k));
  }
}
