/**
 * @module kit/live-venue
 * What every live connector (Binance, OKX, Bitfinex, Deribit, Hyperliquid) does the same way through the Venue port: the venue keeps the
 * ledger and needs a credential; nothing connects at `start`; the instrument list is cached, and kept by symbol with
 * the connector's own terms (`listing`, kit/listed-instruments.ts); market streams are started and stopped on demand
 * by the connector's feeds and read back from them; stream keys are checked (symbols `BASE/QUOTE` in capitals or the
 * venue's contract names, kline intervals the venue serves) before anything is subscribed — and, for connectors
 * whose feeds need the venue's terms of an instrument (`listedBeforeSubscribing`), only once the symbol is listed.
 * A connector supplies its feeds, its instrument loader, its external symbol names and its trading.
 */
import type {
  BookSnapshot,
  CancelRequest,
  InstrumentSpec,
  KlineUpdate,
  MarketStreamKey,
  TickerSnapshot,
  Venue,
  VenueAccount,
  VenueCapabilities,
  VenueDeps,
  VenueOrder,
} from '@cadenza/domain';
import { CachedList } from './cached-list.ts';
import { ListedInstruments } from './listed-instruments.ts';
import { VenueError } from './venue-error.ts';

/** A connector's market side, as the base class uses it. */
export interface LiveFeeds {
  subscribe(key: MarketStreamKey, external: string): void;
  unsubscribe(key: MarketStreamKey): void;
  getBook(symbol: string, depth: number): BookSnapshot | undefined;
  getTicker(symbol: string): TickerSnapshot | undefined;
  liveKline(symbol: string, interval: string): KlineUpdate | undefined;
  stop(): void;
}

const SYMBOL_RE = /^[A-Z0-9]{1,20}\/[A-Z0-9]{1,20}$/;

/** True for a `BASE/QUOTE` symbol in capitals. */
export function isSymbol(symbol: string): boolean {
  return SYMBOL_RE.test(symbol);
}

export abstract class LiveVenue implements Venue {
  readonly capabilities: VenueCapabilities = { ledger: 'venue', requiresCredential: true, marketData: true, trading: true };
  protected stopped = false;
  private readonly instrumentList: CachedList<InstrumentSpec>;
  protected abstract readonly feeds: LiveFeeds;
  protected abstract readonly klineIntervals: readonly string[];
  /** What a symbol of this venue looks like: `BASE/QUOTE` in capitals; derivatives venues add their contract names. */
  protected readonly symbolPattern: RegExp = SYMBOL_RE;
  /**
   * Set by connectors whose feeds need the venue's own terms of an instrument (Deribit, Hyperliquid): a market
   * subscription then waits for its symbol to be listed (the catalogue on demand) and is refused for one the venue
   * does not list, before anything is subscribed.
   */
  protected readonly listedBeforeSubscribing?: Pick<ListedInstruments<unknown>, 'require'>;

  constructor(
    readonly id: string,
    protected readonly deps: VenueDeps,
    instrumentsTtlMs = 600_000,
  ) {
    this.instrumentList = new CachedList(deps.clock, instrumentsTtlMs, () => this.loadInstruments());
  }

  /** Fetches the venue's instrument list (cached by `listInstruments`). */
  protected abstract loadInstruments(): Promise<InstrumentSpec[]>;
  /** The venue's name for one of our symbols. */
  protected abstract externalSymbol(symbol: string): string;
  /** Closes what the connector opened besides the market feeds (account streams). */
  protected abstract closeStreams(): void;

  abstract getKlines(symbol: string, interval: string, limit: number): Promise<KlineUpdate[]>;
  abstract submitOrder(order: VenueOrder, account: VenueAccount): Promise<void>;
  abstract cancelOrder(request: CancelRequest, account: VenueAccount): Promise<void>;

  async start(): Promise<void> {
    // Deliberately no I/O: a live venue connects when a subscription or an order needs it.
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.feeds.stop();
    this.closeStreams();
  }

  listInstruments(): Promise<InstrumentSpec[]> {
    return this.instrumentList.get();
  }

  async subscribeMarket(key: MarketStreamKey): Promise<void> {
    this.checkKey(key);
    if (this.listedBeforeSubscribing) await this.listedBeforeSubscribing.require(key.symbol);
    this.feeds.subscribe(key, this.externalSymbol(key.symbol));
  }

  async unsubscribeMarket(key: MarketStreamKey): Promise<void> {
    this.feeds.unsubscribe(key);
  }

  getBook(symbol: string, depth: number): BookSnapshot | undefined {
    return this.feeds.getBook(symbol, depth);
  }

  getTicker(symbol: string): TickerSnapshot | undefined {
    return this.feeds.getTicker(symbol);
  }

  /** The venue's instruments by symbol, refreshed by the connector's loader (`replace`) and listed again on a miss. */
  protected listing<L>(symbolOf: (listed: L) => string): ListedInstruments<L> {
    return new ListedInstruments(this.id, symbolOf, () => this.listInstruments());
  }

  /** A parsed listing's instruments; the entries that did not parse are logged once (how many, the first). */
  protected parsedListing<L>(parsed: { instruments: L[]; skipped: unknown[] }, what: string): L[] {
    if (parsed.skipped.length > 0) this.deps.log.warn({ count: parsed.skipped.length, first: parsed.skipped[0] }, `skipped ${what} that did not parse`);
    return parsed.instruments;
  }

  /** The error a connector throws for a request it refuses before sending anything. */
  protected unsupported(message: string): Error {
    return new VenueError(this.id, 'unsupported', message);
  }

  protected checkKey(key: MarketStreamKey): void {
    if (!this.symbolPattern.test(key.symbol)) {
      const expected = this.symbolPattern === SYMBOL_RE ? 'BASE/QUOTE in capitals' : `BASE/QUOTE in capitals or a ${this.id} contract name`;
      throw this.unsupported(`not a ${this.id} symbol (${expected}): ${JSON.stringify(key.symbol.slice(0, 64))}`);
    }
    if (key.kind === 'kline' && !this.klineIntervals.includes(key.interval ?? '')) {
      throw this.unsupported(`kline interval ${JSON.stringify(key.interval)} is not one of ${this.klineIntervals.join(', ')}`);
    }
  }
}
