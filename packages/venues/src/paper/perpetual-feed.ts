/**
 * @module paper/perpetual-feed
 * The mark price and funding of one PAPER perpetual. Pure given the times and prices it is stepped with: no clock,
 * no timers (the venue's step drives it, so tests run funding intervals on a fake clock).
 *
 * - Index: the simulated market's fair price — what a spot index would be: it follows the random walk, not one trade
 *   on the perpetual's own book (beyond the simulator's small impact). Mark = index, on the tick grid.
 * - Funding rate, Binance's formula: F = P + clamp(I − P, −0.05 %, +0.05 %) with I = 0.01 % per interval and P the
 *   premium (book mid − index) ÷ index, capped at ±0.75 %; eight decimals. Longs pay shorts when F is positive.
 * - Settlements at every multiple of the interval since the epoch (00:00, 08:00 and 16:00 UTC for 8 h), each once;
 *   a pause across several settlement times (a stopped laptop) settles only the latest, at the mark of the step.
 */
import { Dec, dec, str, type FundingSettlement, type InstrumentSpec, type MarkPriceUpdate } from '@cadenza/domain';

const INTEREST = dec('0.0001');
const CLAMP = dec('0.0005');
const CAP = dec('0.0075');

/** What one step of a perpetual reports: a new mark (when it changed or funding settled) and a settlement. */
export interface PerpetualReport {
  mark?: MarkPriceUpdate;
  funding?: FundingSettlement;
}

export class PerpetualFeed {
  readonly #spec: InstrumentSpec;
  readonly #intervalMs: number;
  #nextFunding: number;
  #lastMark: string | undefined;

  constructor(spec: InstrumentSpec, intervalMs: number, now: number) {
    if (!(intervalMs > 0)) throw new Error(`${spec.instrumentId}: funding interval must be positive, got ${intervalMs}`);
    this.#spec = spec;
    this.#intervalMs = intervalMs;
    this.#nextFunding = this.#after(now);
  }

  /** The funding rate the next settlement applies, given the index and the book's mid (none: the premium is 0). */
  static fundingRate(index: Dec, mid: Dec | undefined): Dec {
    const premium = mid && index.gt(0) ? mid.sub(index).div(index) : dec(0);
    const rate = premium.add(Dec.min(CLAMP, Dec.max(CLAMP.neg(), INTEREST.sub(premium))));
    return Dec.min(CAP, Dec.max(CAP.neg(), rate)).toDecimalPlaces(8);
  }

  /** Advances to `now` with the current index (a tick-grid price) and the book's mid. */
  step(now: number, indexPrice: string, mid: Dec | undefined): PerpetualReport {
    const rate = PerpetualFeed.fundingRate(dec(indexPrice), mid);
    const out: PerpetualReport = {};
    if (now >= this.#nextFunding) {
      const fundingTime = Math.floor(now / this.#intervalMs) * this.#intervalMs;
      const s = this.#spec;
      out.funding = { instrumentId: s.instrumentId, venue: s.venue, symbol: s.symbol, rate: str(rate), markPrice: indexPrice, fundingTime };
      this.#nextFunding = this.#after(now);
    }
    if (indexPrice !== this.#lastMark || out.funding) {
      this.#lastMark = indexPrice;
      const s = this.#spec;
      out.mark = {
        instrumentId: s.instrumentId,
        venue: s.venue,
        symbol: s.symbol,
        markPrice: indexPrice,
        indexPrice,
        fundingRate: str(rate),
        nextFundingTime: this.#nextFunding,
        timestamp: now,
      };
    }
    return out;
  }

  #after(now: number): number {
    return (Math.floor(now / this.#intervalMs) + 1) * this.#intervalMs;
  }
}
