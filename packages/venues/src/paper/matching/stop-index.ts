/**
 * @module paper/matching/stop-index
 * The stop orders of one engine waiting for their trigger, indexed so that finding the next one to fire does not scan
 * them all: fixed stops in two heaps by trigger price — "fires when the price rises to it" (lowest first) and "fires
 * when the price falls to it" (highest first) — and trailing stops, whose trigger moves with the price, in a map.
 *
 * Order of firing when several are eligible at once: fixed stops in the order the price passes them (nearest trigger
 * first, ties by age), then trailing stops by age. Removal is lazy in the heaps (cancel is O(1)).
 */
import { stopFires, type SubmitOrder } from './engine-messages.ts';

export interface PendingStop {
  order: SubmitOrder;
  expireAt: number;
  /** TRAILING_STOP: best price seen since acceptance (highest for sells, lowest for buys); NaN until a trade. */
  reference: number;
  /** Arrival order. */
  seq: number;
}

/** Binary heap of stops ordered by `sign × stopTicks`, then age. */
class StopHeap {
  readonly #items: PendingStop[] = [];
  constructor(readonly sign: 1 | -1) {}

  #less(a: PendingStop, b: PendingStop): boolean {
    const ka = this.sign * a.order.stopTicks!;
    const kb = this.sign * b.order.stopTicks!;
    return ka < kb || (ka === kb && a.seq < b.seq);
  }

  push(s: PendingStop): void {
    const h = this.#items;
    let i = h.length;
    h.push(s);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(s, h[p]!)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = s;
  }

  peek(): PendingStop | undefined {
    return this.#items[0];
  }

  pop(): void {
    const h = this.#items;
    const last = h.pop()!;
    const n = h.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.#less(h[r]!, h[l]!) ? r : l;
      if (!this.#less(h[c]!, last)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
}

export class StopIndex {
  readonly #byId = new Map<number, PendingStop>();
  readonly #rising = new StopHeap(1);
  readonly #falling = new StopHeap(-1);
  readonly #trailing = new Map<number, PendingStop>();
  /** Trailing stops whose reference moved since `takeMoved` last ran. */
  readonly #moved = new Set<PendingStop>();
  #seq = 0;

  get size(): number {
    return this.#byId.size;
  }

  has(id: number): boolean {
    return this.#byId.has(id);
  }

  get(id: number): PendingStop | undefined {
    return this.#byId.get(id);
  }

  /** Pending stops, oldest first. */
  values(): IterableIterator<PendingStop> {
    return this.#byId.values();
  }

  add(order: SubmitOrder, expireAt: number, lastTicks: number | undefined, seq = ++this.#seq): void {
    const stop: PendingStop = { order, expireAt, reference: lastTicks ?? NaN, seq };
    this.#byId.set(order.id, stop);
    if (order.type === 'TRAILING_STOP') this.#trailing.set(order.id, stop);
    else if (stopFires(order.type, order.side, order.stopTicks!, Infinity)) this.#rising.push(stop);
    else this.#falling.push(stop);
  }

  /** New terms for a pending stop; it keeps its age (a trailing stop trails on from `referenceTicks`). */
  replace(stop: PendingStop, order: SubmitOrder, referenceTicks: number | undefined): void {
    this.remove(stop.order.id);
    this.add(order, stop.expireAt, referenceTicks, stop.seq);
  }

  remove(id: number): PendingStop | undefined {
    const stop = this.#byId.get(id);
    if (stop) {
      this.#byId.delete(id);
      this.#trailing.delete(id);
    }
    return stop;
  }

  /** A trade at `price`: trailing stops move their reference (only ever in the position's favour). */
  observe(price: number): void {
    for (const stop of this.#trailing.values()) {
      if (Number.isNaN(stop.reference) || (stop.order.side === 'SELL' ? price > stop.reference : price < stop.reference)) {
        stop.reference = price;
        this.#moved.add(stop);
      }
    }
  }

  /** The trailing stops still pending whose trigger moved since the last call, with their trigger now. */
  takeMoved(): Array<{ stop: PendingStop; stopTicks: number }> {
    const out: Array<{ stop: PendingStop; stopTicks: number }> = [];
    for (const stop of this.#moved) {
      if (this.#byId.get(stop.order.id) !== stop) continue;
      const d = stop.order.trailingTicks!;
      out.push({ stop, stopTicks: stop.order.side === 'SELL' ? stop.reference - d : stop.reference + d });
    }
    this.#moved.clear();
    return out;
  }

  /** Removes and returns the next stop that fires at `last`, or undefined when none does. */
  takeFiring(last: number): PendingStop | undefined {
    const rising = this.#top(this.#rising);
    const falling = this.#top(this.#falling);
    const risingFires = rising !== undefined && last >= rising.order.stopTicks!;
    const fallingFires = falling !== undefined && last <= falling.order.stopTicks!;
    let fired: PendingStop | undefined;
    if (risingFires && fallingFires) fired = rising!.seq < falling!.seq ? rising : falling;
    else if (risingFires) fired = rising;
    else if (fallingFires) fired = falling;
    if (!fired) {
      for (const stop of this.#trailing.values()) {
        if (Number.isNaN(stop.reference)) continue;
        const d = stop.order.trailingTicks!;
        if (stop.order.side === 'SELL' ? last <= stop.reference - d : last >= stop.reference + d) {
          fired = stop;
          break;
        }
      }
    }
    if (fired) this.remove(fired.order.id);
    return fired;
  }

  /** The live top of a heap (dropping entries removed since they were pushed). */
  #top(heap: StopHeap): PendingStop | undefined {
    for (;;) {
      const s = heap.peek();
      if (!s || this.#byId.get(s.order.id) === s) return s;
      heap.pop();
    }
  }
}
