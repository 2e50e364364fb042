/**
 * @module paper/market-data/kline-series
 * The bars of one instrument at one interval, built from trades, in ticks and lots.
 *
 * Promises: bars are contiguous (a period without trades becomes a flat bar at the previous close with zero volume,
 * as exchanges report it); at least the last `capacity` bars are kept (older ones dropped in batches); only the last bar is still forming;
 * a bar is final once time reaches the next bar's open (by a trade or by `roll`).
 */
import { barOpen, nextBarOpen, type KlineInterval } from '@cadenza/domain';

/** One OHLCV bar in ticks and lots. */
export interface Bar {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volumeLots: number;
}

const NO_BARS: readonly Bar[] = Object.freeze([]);

/** Bars of one interval, oldest first, the last one forming. */
export class KlineSeries {
  readonly #bars: Bar[] = [];
  /** Open time of the bar after the forming one; time at or past it closes the forming bar. */
  #nextOpen = -Infinity;

  constructor(
    readonly interval: KlineInterval,
    readonly capacity = 500,
  ) {}

  /** Adds a trade at time `t` (non-decreasing across calls); returns the bars this closed, oldest first. */
  trade(t: number, priceTicks: number, lots: number): readonly Bar[] {
    const closed = this.roll(t);
    const bar = this.#bars[this.#bars.length - 1];
    if (!bar) {
      const openTime = barOpen(this.interval, t);
      this.#bars.push({ openTime, open: priceTicks, high: priceTicks, low: priceTicks, close: priceTicks, volumeLots: lots });
      this.#nextOpen = nextBarOpen(this.interval, openTime);
      return closed;
    }
    if (priceTicks > bar.high) bar.high = priceTicks;
    if (priceTicks < bar.low) bar.low = priceTicks;
    bar.close = priceTicks;
    bar.volumeLots += lots;
    return closed;
  }

  /**
   * Moves time to `t`: if the forming bar has ended, it closes and flat bars fill the gap up to the bar containing
   * `t`, which becomes the forming bar. Returns the bars closed, oldest first. Does nothing before the first trade.
   */
  roll(t: number): readonly Bar[] {
    // One shared empty answer: a trade rolls every interval, and almost never closes a bar.
    if (t < this.#nextOpen || this.#bars.length === 0) return NO_BARS;
    const closed: Bar[] = [];
    const target = barOpen(this.interval, t);
    let last = this.#bars[this.#bars.length - 1]!;
    closed.push(last);
    let open = this.#nextOpen;
    // A long gap only needs as many flat bars as we keep.
    if (this.interval !== '1M') {
      const len = nextBarOpen(this.interval, open) - open;
      const skip = Math.floor((target - open) / len) - this.capacity;
      if (skip > 0) open += skip * len;
    }
    for (;;) {
      const flat: Bar = { openTime: open, open: last.close, high: last.close, low: last.close, close: last.close, volumeLots: 0 };
      this.#bars.push(flat);
      last = flat;
      if (open >= target) break;
      closed.push(flat);
      open = nextBarOpen(this.interval, open);
    }
    this.#nextOpen = nextBarOpen(this.interval, target);
    // Trim in batches (amortised O(1) per bar); `recent` never returns more than `capacity`.
    const excess = this.#bars.length - this.capacity;
    if (excess >= this.capacity) this.#bars.splice(0, excess);
    return closed.slice(-this.capacity);
  }

  /** How far back the kept bars reach (capacity × bar length); trades older than this cannot show. Infinite for 1M. */
  get spanMs(): number {
    return this.interval === '1M' ? Infinity : this.capacity * nextBarOpen(this.interval, 0);
  }

  /** The forming bar (or the last one before any roll). */
  current(): Bar | undefined {
    return this.#bars[this.#bars.length - 1];
  }

  /** The last `limit` bars, oldest first; the last one is still forming. */
  recent(limit: number): Bar[] {
    const n = Number.isFinite(limit) ? Math.max(0, Math.min(Math.floor(limit), this.capacity, this.#bars.length)) : 0;
    return this.#bars.slice(this.#bars.length - n);
  }
}
