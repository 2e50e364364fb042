/**
 * @module kit/listed-instruments
 * A connector's instruments by our symbol as its last listing gave them, each with what the connector needs beyond
 * the spec (`L`: Deribit's contract size and settlement currency, Hyperliquid's coin; the spec alone elsewhere).
 * `require` is the catalogue on demand: a symbol not seen yet lists the venue again (through the venue's cached
 * list, so at most once per TTL) before it is refused as one the venue does not list.
 */
import { VenueError } from './venue-error.ts';

export class ListedInstruments<L> {
  private readonly bySymbol = new Map<string, L>();

  constructor(
    private readonly venue: string,
    private readonly symbolOf: (listed: L) => string,
    /** Lists the venue again; its result reaches `replace` through the connector's loader. */
    private readonly list: () => Promise<unknown>,
  ) {}

  /** What a new listing gave: everything before it is forgotten. */
  replace(listed: Iterable<L>): void {
    this.bySymbol.clear();
    for (const l of listed) this.bySymbol.set(this.symbolOf(l), l);
  }

  get(symbol: string): L | undefined {
    return this.bySymbol.get(symbol);
  }

  /** The listed instrument, listing the venue again for a symbol not seen yet; refused ('unsupported') when unlisted. */
  async require(symbol: string): Promise<L> {
    if (!this.bySymbol.has(symbol)) await this.list();
    const l = this.bySymbol.get(symbol);
    if (l === undefined) throw new VenueError(this.venue, 'unsupported', `${symbol} is not a listed ${this.venue} instrument`);
    return l;
  }
}
