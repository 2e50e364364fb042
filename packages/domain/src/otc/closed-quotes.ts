/**
 * @module otc/closed-quotes
 * The closed quotes the desk still holds, by id and oldest first, so that letting go of the oldest costs the same at
 * any size.
 *
 * A Map alone keeps insertion order, but each entry deleted from its front leaves a hole there that every later walk
 * from the front steps over, until the table is rebuilt. The desk lets go of one closed quote per RFQ once it holds
 * `closedQuoteLimit` of them (or an hour's worth), so finding the oldest that way cost ~120 µs per RFQ at 100,000. The
 * order lives in a queue of its own instead: a record no longer held under its id (let go of, undone, or held anew)
 * is skipped when it reaches the head.
 */
import type { QuoteRecord } from '../model/fermata.ts';

/** Dropped slots at the head before the queue is copied down (amortised: at least half of it is dropped). */
const COMPACT_AFTER = 4096;

export class ClosedQuotes {
  private readonly byId = new Map<string, QuoteRecord>();
  private queue: Array<QuoteRecord | undefined> = [];
  private head = 0;

  get size(): number {
    return this.byId.size;
  }

  get(quoteId: string): QuoteRecord | undefined {
    return this.byId.get(quoteId);
  }

  values(): IterableIterator<QuoteRecord> {
    return this.byId.values();
  }

  /** Holds `q` as the newest (in place of any record held under its id). */
  add(q: QuoteRecord): void {
    this.byId.set(q.quoteId, q);
    this.queue.push(q);
  }

  delete(quoteId: string): void {
    this.byId.delete(quoteId);
  }

  /** The oldest record still held. */
  oldest(): QuoteRecord | undefined {
    while (this.head < this.queue.length) {
      const q = this.queue[this.head]!;
      if (this.byId.get(q.quoteId) === q) return q;
      this.queue[this.head++] = undefined;
    }
    this.queue = [];
    this.head = 0;
    return undefined;
  }

  /** Lets go of the oldest record (after `oldest()` answered it). */
  shift(): void {
    const q = this.oldest();
    if (!q) return;
    this.byId.delete(q.quoteId);
    this.queue[this.head++] = undefined;
    if (this.head >= COMPACT_AFTER && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
