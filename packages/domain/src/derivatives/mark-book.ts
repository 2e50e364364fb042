/**
 * @module derivatives/mark-book
 * The price every position is valued at: a derivative's latest mark price as its venue reported it, else (spot
 * holdings, or a venue that reports no mark) the venue's last trade price, else the mid of its best bid and ask.
 */
import type { VenueRegistry } from '../venue-registry.ts';
import { dec, type Dec } from '../model/decimal.ts';
import type { MarkPriceUpdate } from '../model/market-data.ts';

export class MarkBook {
  private readonly marks = new Map<string, { price: Dec; update: MarkPriceUpdate }>();

  constructor(private readonly venues: VenueRegistry) {}

  /** Records a venue's mark; false when the price is not a positive decimal (ignored). */
  set(update: MarkPriceUpdate): boolean {
    let price: Dec;
    try {
      price = dec(update.markPrice);
    } catch {
      return false;
    }
    if (!price.gt(0)) return false;
    this.marks.set(update.instrumentId, { price, update });
    return true;
  }

  /** The latest mark of a derivative, with the venue's figures. */
  mark(instrumentId: string): MarkPriceUpdate | undefined {
    return this.marks.get(instrumentId)?.update;
  }

  /** The price positions in the instrument are valued at, or undefined when the venue has none. */
  price(instrumentId: string): Dec | undefined {
    const m = this.marks.get(instrumentId);
    if (m) return m.price;
    const i = instrumentId.indexOf(':');
    return i < 0 ? undefined : this.lastPrice(instrumentId.slice(0, i), instrumentId.slice(i + 1));
  }

  /** Last trade price of a symbol, else the mid of the best bid and ask; undefined when the venue has neither. */
  lastPrice(venue: string, symbol: string): Dec | undefined {
    const v = this.venues.get(venue);
    const t = v?.getTicker(symbol);
    if (t?.lastPrice) return dec(t.lastPrice);
    if (t?.bidPrice && t.askPrice) return dec(t.bidPrice).add(t.askPrice).div(2);
    const b = v?.getBook(symbol, 1);
    if (b?.bids[0] && b.asks[0]) return dec(b.bids[0].price).add(b.asks[0].price).div(2);
    return undefined;
  }
}
