/**
 * @module kit/price-levels
 * One instrument's price levels as a venue's book-sync procedure maintains them (Binance diff depth, OKX seqId
 * chains, Bitfinex P0 books). Quantities are absolute (a level's new total, never a delta); quantity 0 removes the
 * level, and removing a level that is not there is normal. Levels are kept sorted — bids best (highest) first, asks
 * best (lowest) first — ordered by their fixed-scale BigInt value, so "4.0000020" and "4.000002" are the same level
 * and no float ever touches a price.
 *
 * Each level also keeps the text the venue last sent for it, because venue checksums (OKX, Bitfinex) are computed
 * over the venue's own spelling of the numbers, not over our normalised one.
 */
import { isZeroDecimal, normalizeDecimal, toScaled } from '@cadenza/domain';

/** Which side of the book. */
export type BookSide = 'bid' | 'ask';

interface Level {
  readonly key: bigint;
  readonly price: string;
  quantity: string;
  wirePrice: string;
  wireQuantity: string;
}

/** A level as `top` returns it: normalised decimal strings. */
export interface LevelView {
  price: string;
  quantity: string;
}

/** Sorted price levels of one instrument (see the module comment). */
export class LocalBook {
  private bids: Level[] = [];
  private asks: Level[] = [];

  /** Replaces every level (a REST or stream snapshot). */
  reset(bids: ReadonlyArray<readonly [string, string]>, asks: ReadonlyArray<readonly [string, string]>): void {
    this.bids = [];
    this.asks = [];
    for (const [p, q] of bids) this.set('bid', p, q);
    for (const [p, q] of asks) this.set('ask', p, q);
  }

  clear(): void {
    this.bids = [];
    this.asks = [];
  }

  /** Sets a level's absolute quantity; "0" removes it. */
  set(side: BookSide, price: string, quantity: string): void {
    const levels = side === 'bid' ? this.bids : this.asks;
    const key = toScaled(price);
    const idx = this.search(levels, key, side);
    const found = idx < levels.length && levels[idx]!.key === key;
    if (isZeroDecimal(quantity)) {
      if (found) levels.splice(idx, 1);
      return;
    }
    const q = normalizeDecimal(quantity);
    if (found) {
      const level = levels[idx]!;
      level.quantity = q;
      level.wirePrice = price;
      level.wireQuantity = quantity;
    } else levels.splice(idx, 0, { key, price: normalizeDecimal(price), quantity: q, wirePrice: price, wireQuantity: quantity });
  }

  /** Removes a level by price (venues that delete levels without a quantity, e.g. Bitfinex count 0). */
  remove(side: BookSide, price: string): void {
    this.set(side, price, '0');
  }

  /** The best `depth` levels of a side, best first. */
  top(side: BookSide, depth: number): LevelView[] {
    const levels = side === 'bid' ? this.bids : this.asks;
    return levels.slice(0, Math.max(0, depth)).map((l) => ({ price: l.price, quantity: l.quantity }));
  }

  /** The best `depth` levels of a side as the venue spelled them (for checksums). */
  topWire(side: BookSide, depth: number): Array<readonly [string, string]> {
    const levels = side === 'bid' ? this.bids : this.asks;
    return levels.slice(0, Math.max(0, depth)).map((l) => [l.wirePrice, l.wireQuantity] as const);
  }

  size(side: BookSide): number {
    return side === 'bid' ? this.bids.length : this.asks.length;
  }

  /** True when the best bid is at or above the best ask — a book no venue ever rests in. */
  isCrossed(): boolean {
    const bid = this.bids[0];
    const ask = this.asks[0];
    return bid !== undefined && ask !== undefined && bid.key >= ask.key;
  }

  /** First index whose level is not better than `key` (the insertion point). */
  private search(levels: Level[], key: bigint, side: BookSide): number {
    let lo = 0;
    let hi = levels.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = levels[mid]!.key;
      const better = side === 'bid' ? k > key : k < key;
      if (better) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
