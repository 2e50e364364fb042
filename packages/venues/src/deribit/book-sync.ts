/**
 * @module deribit/book-sync
 * Deribit's order-book integrity rules for `book.<instrument>.<interval>`, as a pure state machine: it takes the
 * channel's notifications in the order they arrive and answers what happened; the caller does the I/O.
 *
 *   1. The first notification after subscribing is a full snapshot (`type: "snapshot"`): it replaces the book, and its
 *      `change_id` starts the chain.
 *   2. Every later notification is a change (`type: "change"`) of levels `[action, price, amount]` — `new` and
 *      `change` set a level's amount, `delete` removes it — carrying `prev_change_id`: it must equal the `change_id`
 *      applied last, or notifications were lost. A break discards the book; Deribit's remedy is to subscribe the
 *      channel again, which starts over with a fresh snapshot (1).
 *   3. A change whose `change_id` is not past ours repeats one already applied and is ignored.
 *   4. A change before any snapshot (the subscription's snapshot was lost) is a break too.
 *   5. A book that comes out crossed cannot be true: it is treated as a break.
 * Levels arrive in contracts (parse.ts converts Deribit's amounts).
 */
import { LocalBook } from '../kit/price-levels.ts';

export type Level = readonly [string, string];

export interface DeribitBookMessage {
  type: 'snapshot' | 'change';
  changeId: number;
  /** Absent on snapshots. */
  prevChangeId: number | undefined;
  timestamp: number;
  bids: readonly Level[];
  asks: readonly Level[];
}

export type DeribitBookResult =
  | { type: 'synced' }
  | { type: 'applied' }
  | { type: 'ignored' }
  | { type: 'gap'; expectedPrevChangeId: number | undefined; receivedPrevChangeId: number | undefined }
  | { type: 'crossed' };

export class DeribitBookSync {
  readonly book = new LocalBook();
  private synced = false;
  private changeId = 0;
  private updatedAt = 0;

  get isSynced(): boolean {
    return this.synced;
  }

  get lastChangeId(): number {
    return this.changeId;
  }

  get updatedTime(): number {
    return this.updatedAt;
  }

  /** The subscription is gone (socket lost, resubscribing): nothing is known until the next snapshot. */
  reset(): void {
    this.synced = false;
    this.changeId = 0;
    this.book.clear();
  }

  handle(msg: DeribitBookMessage): DeribitBookResult {
    if (msg.type === 'snapshot') {
      this.book.clear();
      this.apply(msg);
      this.synced = true;
      return this.checkCrossed() ?? { type: 'synced' };
    }
    if (!this.synced) return this.gap(undefined, msg.prevChangeId);
    if (msg.changeId <= this.changeId) return { type: 'ignored' };
    if (msg.prevChangeId !== this.changeId) return this.gap(this.changeId, msg.prevChangeId);
    this.apply(msg);
    return this.checkCrossed() ?? { type: 'applied' };
  }

  private gap(expected: number | undefined, received: number | undefined): DeribitBookResult {
    this.reset();
    return { type: 'gap', expectedPrevChangeId: expected, receivedPrevChangeId: received };
  }

  private checkCrossed(): DeribitBookResult | undefined {
    if (!this.book.isCrossed()) return undefined;
    this.reset();
    return { type: 'crossed' };
  }

  private apply(msg: DeribitBookMessage): void {
    for (const [p, q] of msg.bids) this.book.set('bid', p, q);
    for (const [p, q] of msg.asks) this.book.set('ask', p, q);
    this.changeId = msg.changeId;
    this.updatedAt = msg.timestamp;
  }
}
