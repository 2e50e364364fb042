/**
 * @module external/external-feed
 * What an external feeder pushed for a venue (Venue.acceptMarketData): the latest book and ticker of each symbol
 * and each symbol's kline history per interval (the newest MAX_BARS bars, a bar replaced by a later push of the
 * same open time). Every push is announced to the MarketDataSink, so the server's bridge publishes it on the
 * market channels exactly as a venue's own data. Held in memory: a feeder pushes again after a restart.
 */
import type { BookSnapshot, ExternalMarketData, KlineUpdate, MarketDataSink, TickerSnapshot } from '@cadenza/domain';

const MAX_BARS = 1000;

export class ExternalFeed {
  readonly #books = new Map<string, BookSnapshot>();
  readonly #tickers = new Map<string, TickerSnapshot>();
  /** symbol → interval → bars by open time, oldest first. */
  readonly #bars = new Map<string, Map<string, KlineUpdate[]>>();

  constructor(private readonly sink: MarketDataSink) {}

  accept(data: ExternalMarketData): void {
    if (data.kind === 'book') {
      this.#books.set(data.book.symbol, data.book);
      this.sink.onBookChanged(data.book.venue, data.book.symbol);
    } else if (data.kind === 'ticker') {
      this.#tickers.set(data.ticker.symbol, data.ticker);
      this.sink.onTicker(data.ticker);
    } else {
      for (const k of data.klines) this.#keep(k);
      for (const k of data.klines) this.sink.onKline(k);
    }
  }

  book(symbol: string, depth: number): BookSnapshot | undefined {
    const b = this.#books.get(symbol);
    return b && { ...b, bids: b.bids.slice(0, depth), asks: b.asks.slice(0, depth) };
  }

  ticker(symbol: string): TickerSnapshot | undefined {
    return this.#tickers.get(symbol);
  }

  /** The newest `limit` bars, oldest first, or undefined when nothing was pushed for that series. */
  klines(symbol: string, interval: string, limit: number): KlineUpdate[] | undefined {
    return this.#bars.get(symbol)?.get(interval)?.slice(-Math.max(0, limit));
  }

  #keep(k: KlineUpdate): void {
    const byInterval = this.#bars.get(k.symbol) ?? new Map<string, KlineUpdate[]>();
    this.#bars.set(k.symbol, byInterval);
    const bars = (byInterval.get(k.interval) ?? []).filter((b) => b.candle.openTime !== k.candle.openTime);
    bars.push(k);
    bars.sort((a, b) => a.candle.openTime - b.candle.openTime);
    byInterval.set(k.interval, bars.slice(-MAX_BARS));
  }
}
