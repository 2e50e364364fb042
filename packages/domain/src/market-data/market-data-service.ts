/**
 * @module market-data/market-data-service
 * Order-book, ticker and kline queries, answered from the venue adapters' live state.
 *
 * Selection: `instrumentIds`, or `venue` with `symbols`, or `venue` alone (every instrument of the venue).
 * Lists skip instruments the venue has no data for yet; a single-book query answers MARKET_DATA_UNAVAILABLE.
 * An instrument named but missing from the catalogue may start an on-demand refresh of its venue (see the
 * catalogue); the asynchronous kline query waits for it, the synchronous book and ticker queries do not.
 */
import type { Kline, OrderBook, Ticker } from '@cadenza/contract';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { boundedText } from '../bounded-text.ts';
import type { InstrumentCatalog } from '../instruments/instrument-catalog.ts';
import type { Instrument } from '../model/instrument.ts';
import { toKline, toOrderBook, toTicker } from './converters.ts';
import { barsOf, bookOf, tickerOf } from './external-data.ts';
import type { ExternalMarketData } from '../model/market-data.ts';
import type { Venue } from '../ports/venue.ts';

export interface MarketSelection {
  instrumentIds?: string[];
  venue?: string;
  symbols?: string[];
}

/** Which bars of a series: opening within [from, to] (epoch ms, both ends included), the newest `limit` of them. */
export interface KlineWindow {
  from?: number;
  to?: number;
  limit?: number;
}

const MAX_DEPTH = 1000;

export class MarketDataService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly instruments: InstrumentCatalog,
  ) {}

  orderBook(instrumentId: string | undefined, depth = 10): OrderBook {
    if (!instrumentId) throw new DomainError('INVALID_MARKET_QUERY', 'instrumentId is required');
    const i = this.instruments.require(instrumentId);
    const book = this.ctx.venues.require(i.spec.venue).getBook(i.spec.symbol, clampDepth(depth));
    if (!book) throw new DomainError('MARKET_DATA_UNAVAILABLE', `no order book for ${boundedText(instrumentId)} yet; subscribe to it first`);
    return toOrderBook(book);
  }

  orderBooks(sel: MarketSelection, depth = 10): OrderBook[] {
    const out: OrderBook[] = [];
    for (const i of this.select(sel)) {
      const book = this.ctx.venues.get(i.spec.venue)?.getBook(i.spec.symbol, clampDepth(depth));
      if (book) out.push(toOrderBook(book));
    }
    return out;
  }

  tickers(sel: MarketSelection): Ticker[] {
    const out: Ticker[] = [];
    for (const i of this.select(sel)) {
      const t = this.ctx.venues.get(i.spec.venue)?.getTicker(i.spec.symbol);
      if (t) out.push(toTicker(t));
    }
    return out;
  }

  /** The venue's recent bars (`klineLimit` of them) of each selected instrument, cut to the window. */
  async klines(sel: MarketSelection, interval = '1m', window: KlineWindow = {}): Promise<Kline[]> {
    await this.awaitNamed(sel);
    const out: Kline[] = [];
    for (const i of this.select(sel)) {
      if (i.spec.klineIntervals.length && !i.spec.klineIntervals.includes(interval)) continue;
      const venue = this.ctx.venues.get(i.spec.venue);
      if (!venue) continue;
      let bars;
      try {
        bars = await venue.getKlines(i.spec.symbol, interval, this.ctx.config.klineLimit);
      } catch (err) {
        this.ctx.log.warn({ err, instrumentId: i.spec.instrumentId }, 'klines unavailable');
        continue;
      }
      const inWindow = bars.filter((b) => (window.from === undefined || b.candle.openTime >= window.from) && (window.to === undefined || b.candle.openTime <= window.to));
      const k = toKline(window.limit === undefined ? inWindow : inWindow.slice(-window.limit));
      if (k) out.push(k);
    }
    return out;
  }

  /**
   * An external feeder's pushes (admin/service callers): every item is checked first — an instrument the catalogue
   * holds, on a venue that takes external data, well-formed (external-data.ts) — then each goes to its venue, which
   * keeps it and announces it on the market channels. Answers what was kept, in the contract's models.
   */
  saveOrderBooks(books: OrderBook[]): OrderBook[] {
    const checked = books.map((b, i) => ({ venue: this.feedTarget(b, `orderBooks[${i}]`), book: bookOf(b, `orderBooks[${i}]`) }));
    for (const { venue, book } of checked) this.push(venue, { kind: 'book', book });
    return checked.map(({ book }) => toOrderBook(book));
  }

  saveTickers(tickers: Ticker[]): Ticker[] {
    const checked = tickers.map((t, i) => ({ venue: this.feedTarget(t, `tickers[${i}]`), ticker: tickerOf(t, `tickers[${i}]`) }));
    for (const { venue, ticker } of checked) this.push(venue, { kind: 'ticker', ticker });
    return checked.map(({ ticker }) => toTicker(ticker));
  }

  saveKlines(klines: Kline[]): Kline[] {
    const checked = klines.map((k, i) => ({ venue: this.feedTarget(k, `klines[${i}]`), bars: barsOf(k, `klines[${i}]`) }));
    for (const { venue, bars } of checked) if (bars.length) this.push(venue, { kind: 'klines', klines: bars });
    return checked.map(({ bars }, i) => toKline(bars) ?? { ...klines[i]!, candles: [] });
  }

  /** The venue an item is for, when the instrument is in the catalogue and the venue takes external data. */
  private feedTarget(item: { instrumentId?: string; venue: string; symbol: string }, at: string): Venue {
    const id = `${item.venue}:${item.symbol}`;
    if (item.instrumentId !== undefined && item.instrumentId !== id) throw new DomainError('VALIDATION_FAILED', `${at}.instrumentId must be ${id} (venue:symbol)`);
    this.instruments.require(id);
    const venue = this.ctx.venues.require(item.venue);
    if (!venue.acceptMarketData) throw new DomainError('VENUE_CAPABILITY_MISSING', `venue ${venue.id} does not take external market data`);
    return venue;
  }

  private push(venue: Venue, data: ExternalMarketData): void {
    venue.acceptMarketData!(data);
  }

  /** Waits for the on-demand refreshes the selection's missing instruments warrant. */
  private async awaitNamed(sel: MarketSelection): Promise<void> {
    const ids = sel.instrumentIds?.length ? sel.instrumentIds : sel.venue && sel.symbols?.length ? sel.symbols.map((s) => (s.includes(':') ? s : `${sel.venue}:${s}`)) : [];
    await Promise.all(ids.map((id) => this.instruments.lookup(id)));
  }

  /** The instruments a selection names; unknown ids are refused so typos do not look like empty markets. */
  select(sel: MarketSelection): Instrument[] {
    if (sel.instrumentIds && sel.instrumentIds.length) return sel.instrumentIds.map((id) => this.instruments.require(id));
    if (sel.symbols && sel.symbols.length) {
      if (!sel.venue) throw new DomainError('INVALID_MARKET_QUERY', 'venue is required with symbols');
      return sel.symbols.map((s) => {
        const i = this.instruments.resolve(s, sel.venue);
        if (!i) throw new DomainError('INSTRUMENT_NOT_FOUND', `instrument ${boundedText(`${sel.venue}:${s}`)} not found`);
        return i;
      });
    }
    if (sel.venue) return this.instruments.list({ venue: sel.venue });
    throw new DomainError('INVALID_MARKET_QUERY', 'give instrumentIds, or a venue (with optional symbols)');
  }
}

function clampDepth(depth: number): number {
  return Math.max(1, Math.min(MAX_DEPTH, Math.trunc(depth)));
}
