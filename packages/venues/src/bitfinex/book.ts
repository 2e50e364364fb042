/**
 * @module bitfinex/book
 * A Bitfinex P0 book (`book` channel, 25 levels) by the documented rules, as a pure state machine:
 *  - a snapshot `[[PRICE, COUNT, AMOUNT], …]` replaces the book (amount > 0 bids, < 0 asks);
 *  - an update `[PRICE, COUNT, AMOUNT]` with COUNT > 0 sets the level; COUNT = 0 removes it from the side AMOUNT
 *    names (1 bids, -1 asks);
 *  - a checksum message (`cs`, enabled by the conf flag 131072) must equal the CRC-32 (signed) of the top 25 levels
 *    joined `bidPrice:bidAmount:askPrice:askAmount:…` interleaved, ask amounts negative. A mismatch discards the book;
 *    the caller resubscribes the channel (a fresh snapshot follows).
 * The checksum string spells numbers as Bitfinex's JavaScript does (`String(Number(x))`): it reproduces the venue's
 * hash input and is never used for money.
 *
 * Only verified states are shown: Bitfinex sends a `cs` after every book message, so the book a consumer sees
 * (`verified`) is the one the last matching checksum proved — a message lost without a trace (no sequence gap) can
 * make the working book wrong for one message, never the published one.
 */
import { LocalBook } from '../kit/price-levels.ts';
import { crc32Signed } from '../kit/crc32.ts';
import type { BookEntry } from './parse.ts';
import { absDecimal, isNegativeDecimal } from '@cadenza/domain';

export type BitfinexBookResult = { type: 'synced' } | { type: 'applied' } | { type: 'ignored' } | { type: 'checksum-ok' } | { type: 'checksum-mismatch'; expected: number; computed: number };

interface VerifiedView {
  bids: Array<{ price: string; quantity: string }>;
  asks: Array<{ price: string; quantity: string }>;
  at: number;
}

const js = (decimal: string): string => String(Number(decimal));

export function bitfinexChecksum(book: LocalBook): number {
  const bids = book.top('bid', 25);
  const asks = book.top('ask', 25);
  const parts: string[] = [];
  for (let i = 0; i < 25; i++) {
    const b = bids[i];
    const a = asks[i];
    if (b) parts.push(js(b.price), js(b.quantity));
    if (a) parts.push(js(a.price), js(`-${a.quantity}`));
  }
  return crc32Signed(parts.join(':'));
}

export class BitfinexBook {
  readonly book = new LocalBook();
  private synced = false;
  private updatedAt = 0;
  private shown: VerifiedView | undefined;

  /** A checksum has proved the book since the last snapshot. */
  get isSynced(): boolean {
    return this.shown !== undefined;
  }

  /** The top `depth` levels (≤ 25) as the last matching checksum proved them. */
  verified(depth: number): VerifiedView | undefined {
    const v = this.shown;
    return v && { bids: v.bids.slice(0, depth), asks: v.asks.slice(0, depth), at: v.at };
  }

  reset(): void {
    this.synced = false;
    this.shown = undefined;
    this.book.clear();
  }

  snapshot(entries: readonly BookEntry[], now: number): BitfinexBookResult {
    this.book.clear();
    for (const e of entries) this.apply(e);
    this.synced = true;
    this.updatedAt = now;
    return { type: 'synced' };
  }

  update(entry: BookEntry, now: number): BitfinexBookResult {
    if (!this.synced) return { type: 'ignored' };
    this.apply(entry);
    this.updatedAt = now;
    return { type: 'applied' };
  }

  checksum(expected: number): BitfinexBookResult {
    if (!this.synced) return { type: 'ignored' };
    const computed = bitfinexChecksum(this.book);
    if (computed === expected) {
      this.shown = { bids: this.book.top('bid', 25), asks: this.book.top('ask', 25), at: this.updatedAt };
      return { type: 'checksum-ok' };
    }
    this.reset();
    return { type: 'checksum-mismatch', expected, computed };
  }

  private apply(e: BookEntry): void {
    const side = isNegativeDecimal(e.amount) ? 'ask' : 'bid';
    if (e.count === 0) this.book.remove(side, e.price);
    else this.book.set(side, e.price, absDecimal(e.amount));
  }
}
