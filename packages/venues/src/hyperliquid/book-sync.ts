/**
 * @module hyperliquid/book-sync
 * Hyperliquid's order-book integrity rules for `l2Book`, as a pure state machine (the caller does the I/O). Hyperliquid
 * sends no diffs and no sequence numbers: every `l2Book` message — and every `l2Book` info answer — is the whole
 * aggregated book (up to 20 levels a side) as of the block at `time`. So:
 *   1. a snapshot replaces the book;
 *   2. `time` never goes back: a snapshot older than the one applied (a late REST answer racing the stream, a
 *      replayed frame) is stale and ignored — the published book only moves forward; an equal time replaces;
 *   3. a crossed snapshot cannot be true: the book is withheld and the caller subscribes again;
 *   4. after the subscription is lost (socket dropped, resubscribing) nothing is known: the book is withheld until
 *      the next snapshot; once the socket is back the caller fetches one over REST when the stream is slow to send it
 *      (a REST book while the socket is down would be published as live and then freeze).
 */
import { LocalBook } from '../kit/price-levels.ts';
import type { L2Snapshot } from './parse.ts';

export type HyperliquidBookResult = { type: 'synced' } | { type: 'stale'; lastTime: number; receivedTime: number } | { type: 'crossed' };

export class HyperliquidBookSync {
  readonly book = new LocalBook();
  private synced = false;
  private time = 0;
  /** Snapshots ignored as older than the book (rule 2). */
  stale = 0;

  get isSynced(): boolean {
    return this.synced;
  }

  get updatedTime(): number {
    return this.time;
  }

  /** The subscription is gone: withhold the book until the next snapshot (the last time is kept: rule 2 holds across it). */
  reset(): void {
    this.synced = false;
    this.book.clear();
  }

  handle(s: L2Snapshot): HyperliquidBookResult {
    if (s.time < this.time) {
      this.stale++;
      return { type: 'stale', lastTime: this.time, receivedTime: s.time };
    }
    this.book.reset(s.bids, s.asks);
    this.time = s.time;
    if (this.book.isCrossed()) {
      this.reset();
      return { type: 'crossed' };
    }
    this.synced = true;
    return { type: 'synced' };
  }
}
