/**
 * @module otc/quote-expiry
 * When open quotes expire: one timer for the whole desk instead of one per quote. Quotes are held in buckets of
 * `resolutionMs` by their `expireAt`, and the timer is armed for the earliest bucket; adding and removing a quote (an
 * RFQ, and the quote it replaces) touch one Set, never a timer. A bucket is due once the clock has passed its end,
 * so a quote is never reported before its `expireAt`, and at most `resolutionMs` (plus the timer's lateness) after.
 * The desk still decides on its clock (a fake one in tests): what this reports is what may have expired.
 */
import type { Clock } from '../ports/clock.ts';

export class QuoteExpiry {
  /** Quote ids by bucket (bucket b holds expireAt in ((b - 1) × resolution, b × resolution]). */
  private readonly buckets = new Map<number, Set<string>>();
  /** The bucket numbers held, ascending. */
  private readonly order: number[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The bucket the timer is armed for. */
  private armedFor: number | undefined;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    /** Called with the ids of every due bucket (quotes since closed included: the callee checks). */
    private readonly due: (quoteIds: string[]) => void,
    private readonly resolutionMs = 20,
  ) {}

  add(quoteId: string, expireAt: number): void {
    if (this.stopped) return;
    const b = this.bucketOf(expireAt);
    let ids = this.buckets.get(b);
    if (!ids) {
      this.buckets.set(b, (ids = new Set()));
      this.insertOrder(b);
    }
    ids.add(quoteId);
    if (this.armedFor === undefined || b < this.armedFor) this.arm();
  }

  /**
   * Forgets the quote (closed before its time). An emptied bucket stays armed: its timer finds nothing and moves on.
   * The newest bucket, emptied, is kept until its time: the next RFQ's quote most likely goes to it (quotes mostly
   * share a ttl, and an accept closes its quote within milliseconds), so a desk trading quote after quote does not
   * make, order and drop a bucket for each.
   */
  remove(quoteId: string, expireAt: number): void {
    const b = this.bucketOf(expireAt);
    const ids = this.buckets.get(b);
    if (!ids?.delete(quoteId) || ids.size > 0) return;
    if (b === this.order[this.order.length - 1]) return;
    this.buckets.delete(b);
    this.order.splice(this.indexOf(b), 1);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = undefined;
    this.buckets.clear();
    this.order.length = 0;
  }

  private bucketOf(expireAt: number): number {
    return Math.ceil(expireAt / this.resolutionMs);
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = this.order[0];
    if (this.armedFor === undefined || this.stopped) return;
    const t = setTimeout(() => this.fire(), Math.max(0, this.armedFor * this.resolutionMs - this.clock.now()) + 1);
    t.unref?.();
    this.timer = t;
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = undefined;
    const now = this.clock.now();
    const ids: string[] = [];
    while (this.order.length > 0 && this.order[0]! * this.resolutionMs <= now) {
      const b = this.order.shift()!;
      for (const id of this.buckets.get(b) ?? []) ids.push(id);
      this.buckets.delete(b);
    }
    try {
      if (ids.length > 0) this.due(ids);
    } finally {
      if (!this.stopped) this.arm();
    }
  }

  private indexOf(b: number): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.order[mid]! < b) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Keeps `order` ascending; a new bucket is nearly always the last (quotes mostly share a ttl). */
  private insertOrder(b: number): void {
    const n = this.order.length;
    if (n === 0 || this.order[n - 1]! < b) this.order.push(b);
    else this.order.splice(this.indexOf(b), 0, b);
  }
}
