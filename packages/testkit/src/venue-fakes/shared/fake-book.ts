/**
 * @module venue-fakes/shared/fake-book
 * The truth a fake venue holds for one instrument's book: price → size as the venue spells them, with helpers to
 * list the best levels and to compare a connector's published book against it.
 */
import { Decimal } from 'decimal.js';

export class FakeBook {
  readonly bids = new Map<string, string>();
  readonly asks = new Map<string, string>();

  set(side: 'bid' | 'ask', price: string, size: string): void {
    const m = side === 'bid' ? this.bids : this.asks;
    if (new Decimal(size).isZero()) m.delete(price);
    else m.set(price, size);
  }

  replace(bids: ReadonlyArray<readonly [string, string]>, asks: ReadonlyArray<readonly [string, string]>): void {
    this.bids.clear();
    this.asks.clear();
    for (const [p, q] of bids) this.set('bid', p, q);
    for (const [p, q] of asks) this.set('ask', p, q);
  }

  /** Best `depth` levels of a side, best first, as the venue spells them. */
  top(side: 'bid' | 'ask', depth: number): Array<[string, string]> {
    const m = side === 'bid' ? this.bids : this.asks;
    return [...m.entries()].sort((a, b) => (side === 'bid' ? new Decimal(b[0]).cmp(a[0]) : new Decimal(a[0]).cmp(b[0]))).slice(0, depth);
  }

  /** The truth in the port's normalised form (plain decimals, no trailing zeros), for equality checks. */
  view(depth: number): { bids: Array<{ price: string; quantity: string }>; asks: Array<{ price: string; quantity: string }> } {
    const norm = (s: string) => new Decimal(s).toFixed();
    const side = (s: 'bid' | 'ask') => this.top(s, depth).map(([p, q]) => ({ price: norm(p), quantity: norm(q) }));
    return { bids: side('bid'), asks: side('ask') };
  }

  best(side: 'bid' | 'ask'): string | undefined {
    return this.top(side, 1)[0]?.[0];
  }
}
