/**
 * @module order-book-state
 * The pure core of a local order book kept from channel publications (no I/O, no timers).
 *
 * Promises:
 * - A SNAPSHOT replaces the whole book; DIFF/DELTA rows upsert a level by price, a zero quantity removes it.
 * - Stream positions are checked: a publication whose offset is not last+1 is a gap; the state then asks for a
 *   resync (`resync` action) and stays `synced = false` until a snapshot from the RPC is applied. Duplicates
 *   (offset ≤ last) are ignored. An epoch change starts a new stream.
 * - After a reconnect, `wasRecovering && !recovered` (history lost) also asks for a resync unless the
 *   subscribe reply itself carried a snapshot.
 * - Snapshots never move the book back in time: one older than the current book (by `timestamp`) is ignored,
 *   so a slow resync reply cannot undo newer publications.
 * - Bids stay sorted best (highest) first, asks best (lowest) first.
 */
import type { OrderBook, OrderBookEntry } from '@cadenza/contract';
import { compareDecimal, isZeroDecimal } from './decimal-string.ts';

/** One price level. `extra` is the third/fourth tuple column (order count, order id or exchange) when sent. */
export interface BookLevel {
  price: string;
  quantity: string;
  extra?: string[];
}

/** A centrifuge stream position: offset within the channel's stream, epoch naming the stream generation. */
export interface StreamPositionLike {
  offset: number;
  epoch: string;
}

/** What an event did: changed the book, was dropped (duplicate, old, not a book), or needs a resync by RPC. */
export type BookAction = 'applied' | 'ignored' | 'resync';

/** The book and its stream position; feed it subscribe replies, publications and resync snapshots. */
export class OrderBookState {
  bids: BookLevel[] = [];
  asks: BookLevel[] = [];
  /** Epoch ms of the data the book reflects (0 = no data yet). */
  timestamp = 0;
  /** False until a first snapshot, and between a detected gap and the resync that repairs it. */
  synced = false;
  /** Gaps detected so far (offset jumps and unrecovered reconnects). */
  gaps = 0;
  private offset: number | undefined;
  private epoch: string | undefined;

  /** The subscribe reply: an initial (or recovered) position and possibly a snapshot in `data`. */
  onSubscribed(ctx: { wasRecovering?: boolean; recovered?: boolean; streamPosition?: StreamPositionLike; data?: unknown }): BookAction {
    if (ctx.streamPosition) this.setPosition(ctx.streamPosition);
    const lost = ctx.wasRecovering === true && ctx.recovered !== true;
    if (lost) this.gaps += 1;
    const snapshot = asOrderBook(ctx.data);
    if (snapshot && snapshot.updateType === 'SNAPSHOT') {
      this.replace(snapshot);
      this.synced = true;
      this.resyncPending = false;
      return 'applied';
    }
    if (lost || !this.synced) return this.needResync();
    return 'ignored';
  }

  /** A channel publication (with its offset when the channel keeps history). */
  onPublication(data: unknown, offset?: number): BookAction {
    const book = asOrderBook(data);
    if (!book) return 'ignored';
    let gap = false;
    if (offset !== undefined && offset > 0) {
      if (this.offset !== undefined) {
        if (offset <= this.offset) return 'ignored';
        gap = offset !== this.offset + 1;
      }
      this.offset = offset;
    }
    if (gap) {
      this.gaps += 1;
      this.needResync();
    }
    if (book.updateType === 'SNAPSHOT') {
      // Self-contained, so shown at once even across a gap; only the resync marks the book in sync again.
      this.replace(book);
      if (!this.resyncPending) this.synced = true;
    } else if (this.synced) {
      this.applyDiff(book);
    } else {
      return this.resyncPending && !gap ? 'ignored' : this.needResync();
    }
    return gap ? 'resync' : 'applied';
  }

  /** A snapshot fetched by RPC after a gap; marks the book in sync again. */
  onResync(book: OrderBook): BookAction {
    this.resyncPending = false;
    this.synced = true;
    if (book.timestamp < this.timestamp) return 'ignored';
    this.replace(book);
    return 'applied';
  }

  /** The resync RPC failed: the next event may ask again. */
  onResyncFailed(): void {
    this.resyncPending = false;
  }

  /** Last stream position seen (undefined before the first positioned event). */
  get position(): StreamPositionLike | undefined {
    return this.offset === undefined ? undefined : { offset: this.offset, epoch: this.epoch ?? '' };
  }

  private resyncPending = false;

  private needResync(): BookAction {
    this.synced = false;
    this.resyncPending = true;
    return 'resync';
  }

  private setPosition(pos: StreamPositionLike): void {
    if (this.epoch !== undefined && pos.epoch !== this.epoch) this.offset = undefined;
    this.epoch = pos.epoch;
    this.offset = pos.offset;
  }

  private replace(book: OrderBook): void {
    if (book.timestamp < this.timestamp) return;
    this.bids = sortLevels(book.bids.map(toLevel), 'bid');
    this.asks = sortLevels(book.asks.map(toLevel), 'ask');
    this.timestamp = book.timestamp;
  }

  private applyDiff(book: OrderBook): void {
    this.bids = sortLevels(upsert(this.bids, book.bids), 'bid');
    this.asks = sortLevels(upsert(this.asks, book.asks), 'ask');
    this.timestamp = Math.max(this.timestamp, book.timestamp);
  }
}

function toLevel(row: OrderBookEntry): BookLevel {
  const [price, quantity, ...extra] = row;
  return extra.length ? { price, quantity, extra } : { price, quantity };
}

function upsert(levels: BookLevel[], rows: OrderBookEntry[]): BookLevel[] {
  const byPrice = new Map(levels.map((l) => [l.price, l]));
  for (const row of rows) {
    const level = toLevel(row);
    const existing = [...byPrice.keys()].find((p) => compareDecimal(p, level.price) === 0);
    if (existing !== undefined) byPrice.delete(existing);
    if (!isZeroDecimal(level.quantity)) byPrice.set(level.price, level);
  }
  return [...byPrice.values()];
}

function sortLevels(levels: BookLevel[], side: 'bid' | 'ask'): BookLevel[] {
  return levels.sort((a, b) => (side === 'bid' ? compareDecimal(b.price, a.price) : compareDecimal(a.price, b.price)));
}

function asOrderBook(data: unknown): OrderBook | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const b = data as Partial<OrderBook>;
  if (!Array.isArray(b.bids) || !Array.isArray(b.asks) || typeof b.timestamp !== 'number') return undefined;
  return data as OrderBook;
}
