/**
 * @module otc/quote-memory
 * The quotes the desk holds in memory (otc/quote-desk.ts decides what happens to them; this holds them):
 * - the open (CREATED) quotes, and for each the trader's slot it holds — one live price per user, trading account,
 *   dealer, pair and side (otc/quote-slots.ts): a new quote in a slot replaces the one there;
 * - the closed quotes still held, oldest first, let go of after `closedOrderMemoryMs` or beyond `closedQuoteLimit`
 *   (every RFQ closes the quote it replaces, so a busy desk closes quotes as fast as it answers RFQs); a quote that
 *   closes with a row (an accepted one, or one loaded open at start) is let go of at once: its row answers for it;
 * - quote ids by user and `quoteRequestId` (loaded for every stored quote; a quote that never had a row takes its id
 *   with it when it is let go of, so the id may be used again);
 * - which of them have a row in the store;
 * - the names of each pair the desk quoted, shared by its quotes.
 *
 * Every change made inside a unit of work is undone with it.
 */
import type { DomainContext } from '../context.ts';
import { KeysPerOwner } from '../keys-per-owner.ts';
import { FERMATA, type QuoteRecord } from '../model/fermata.ts';
import { OldestFirst } from '../oldest-first.ts';
import { QuoteSlots, type SlotOf } from './quote-slots.ts';

/** A pair's names as its quotes share them. */
export interface PairNames {
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  instrumentId: string;
}

export class QuoteMemory {
  private readonly open = new Map<string, QuoteRecord>();
  /**
   * Open quotes by the slot they hold: an open quote's record names its slot (a quote that closes leaves the slot its
   * open record names, even when its change names a trading account the RFQ did not).
   */
  private readonly slots = new QuoteSlots();
  /** Closed quotes still held, oldest first (a quote's `updatedAt` is when it closed). */
  private readonly closed = new OldestFirst<QuoteRecord>((q) => q.quoteId);
  /** Quote ids by user, then `quoteRequestId` (two maps rather than one joined key: a key string per quote held). */
  private readonly byRequest = new KeysPerOwner();
  /** Quotes held that have a row in the store (loaded, accepted, or written at a stop). */
  private readonly stored = new Set<string>();
  /**
   * Every closed quote stays in memory a while, and copies of the same four names read from each request would be
   * most of it. Only pairs a dealer priced are kept, so the map is bounded by the instruments of the linked venues.
   */
  private readonly pairs = new Map<string, PairNames>();

  constructor(private readonly ctx: DomainContext) {}

  /** Takes what the store holds at start: the open quotes and the `quoteRequestId` of every stored quote. */
  load(open: readonly QuoteRecord[], keys: ReadonlyArray<{ userId: string; quoteRequestId: string; quoteId: string }>): void {
    for (const k of keys) this.byRequest.set(k.userId, k.quoteRequestId, k.quoteId);
    for (const q of open) {
      this.open.set(q.quoteId, q);
      this.stored.add(q.quoteId);
      this.slots.set(q, q.quoteId);
    }
  }

  /** The quote, open or closed, if memory holds it. */
  find(quoteId: string): QuoteRecord | undefined {
    return this.open.get(quoteId) ?? this.closed.get(quoteId);
  }

  /** The quote if it is open. */
  openQuote(quoteId: string): QuoteRecord | undefined {
    return this.open.get(quoteId);
  }

  /** A copy of the open quotes (callers close them while walking). */
  openQuotes(): QuoteRecord[] {
    return [...this.open.values()];
  }

  get openCount(): number {
    return this.open.size;
  }

  /** The open quote holding the slot `q` names (a new quote's: the one it would replace). */
  inSlot(q: SlotOf): QuoteRecord | undefined {
    const id = this.slots.get(q);
    return id === undefined ? undefined : this.open.get(id);
  }

  /** The quote the user asked for with `quoteRequestId`. */
  requested(userId: string, quoteRequestId: string): string | undefined {
    return this.byRequest.get(userId, quoteRequestId);
  }

  /** Names the quote by its request id (undone with the enclosing unit). */
  index(userId: string, quoteRequestId: string, quoteId: string): void {
    this.byRequest.set(userId, quoteRequestId, quoteId);
    this.ctx.unit.onUndo(() => this.byRequest.forget(userId, quoteRequestId, quoteId));
  }

  isStored(quoteId: string): boolean {
    return this.stored.has(quoteId);
  }

  /** The quote now has a row (undone with the enclosing unit, whose transaction wrote it). */
  markStored(quoteId: string): void {
    this.stored.add(quoteId);
    this.ctx.unit.onUndo(() => this.stored.delete(quoteId));
  }

  /** Every quote held that has no row yet (a clean stop writes them). */
  unstored(): QuoteRecord[] {
    return [...this.open.values(), ...this.closed.values()].filter((q) => !this.stored.has(q.quoteId));
  }

  /**
   * Holds a quote memory has never held, CREATED, in its slot (undone with the enclosing unit): `hold` without looking
   * for what it held before under the new id — an RFQ's quote is new, and the closed quotes are many.
   */
  holdNew(q: QuoteRecord): void {
    const slotBefore = this.slots.get(q);
    this.open.set(q.quoteId, q);
    this.slots.set(q, q.quoteId);
    this.ctx.unit.onUndo(() => {
      this.open.delete(q.quoteId);
      if (slotBefore === undefined) this.slots.delete(q);
      else this.slots.set(q, slotBefore);
    });
  }

  /**
   * Holds the quote's latest state (undone with the enclosing unit): open in its slot, or closed — unless it has a row,
   * then memory lets go of it (a closed quote no longer changes, and the store has its last state: an accept's quote
   * row is written in the same unit).
   */
  hold(q: QuoteRecord): void {
    const wasOpen = this.open.get(q.quoteId);
    // Open and closed quotes are apart: an open one is not looked for among the (many) closed ones.
    const wasClosed = wasOpen ? undefined : this.closed.get(q.quoteId);
    // Only a quote that is or was open holds a slot: the one it was held in (an accept may name its trading account).
    const slot: SlotOf | undefined = wasOpen ?? (q.status === 'CREATED' ? q : undefined);
    const slotBefore = slot === undefined ? undefined : this.slots.get(slot);
    let letGo = false;
    if (q.status === 'CREATED') {
      this.open.set(q.quoteId, q);
      this.slots.set(slot!, q.quoteId);
    } else {
      this.open.delete(q.quoteId);
      if (slot !== undefined && slotBefore === q.quoteId) this.slots.delete(slot);
      // Its quoteRequestId stays indexed: the id is taken for good once a quote has a row.
      letGo = this.stored.delete(q.quoteId);
      if (!letGo) this.holdClosed(q);
      // A closed quote held before is let go of too (the closed quotes are many: not looked for otherwise).
      else if (wasClosed) this.closed.delete(q.quoteId);
    }
    this.ctx.unit.onUndo(() => {
      if (wasOpen) this.open.set(q.quoteId, wasOpen);
      else this.open.delete(q.quoteId);
      if (wasClosed) this.closed.add(wasClosed);
      else if (!letGo) this.closed.delete(q.quoteId);
      if (letGo) this.stored.add(q.quoteId);
      if (slot === undefined) return;
      if (slotBefore === undefined) this.slots.delete(slot);
      else this.slots.set(slot, slotBefore);
    });
  }

  /** The pair's names: shared ones for a pair the desk quotes (`priced`: this quote's dealer priced it), else the request's. */
  pairNames(r: { symbol: string; baseAsset: string; quoteAsset: string }, priced: boolean): PairNames {
    const known = this.pairs.get(r.symbol);
    if (known) return known;
    const names = { symbol: r.symbol, baseAsset: r.baseAsset, quoteAsset: r.quoteAsset, instrumentId: `${FERMATA}:${r.symbol}` };
    if (priced) this.pairs.set(r.symbol, names);
    return names;
  }

  /** Holds a closed quote without a row, and lets go of the oldest held past `closedOrderMemoryMs` or `closedQuoteLimit`. */
  private holdClosed(q: QuoteRecord): void {
    this.closed.add(q);
    for (let c = this.closed.oldest(); c; c = this.closed.oldest()) {
      if (q.updatedAt - c.updatedAt < this.ctx.config.closedOrderMemoryMs && this.closed.size <= this.ctx.config.closedQuoteLimit) break;
      this.forgetOldest(c);
    }
  }

  /** Lets go of the oldest closed quote, `q`; one without a row takes its `quoteRequestId` with it. */
  private forgetOldest(q: QuoteRecord): void {
    this.closed.shift();
    if (this.stored.delete(q.quoteId) || q.quoteRequestId === undefined) return;
    this.byRequest.forget(q.userId, q.quoteRequestId, q.quoteId);
  }
}
