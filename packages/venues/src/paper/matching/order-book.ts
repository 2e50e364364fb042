/**
 * @module paper/matching/order-book
 * One instrument's resting limit orders, in integer ticks and lots, with price-time priority.
 *
 * Structure: per side, a Map tick → PriceLevel and an ascending array of level keys whose LAST element is the best
 * level (key = price for bids, −price for asks), so taking the best level is O(1) and adding/removing a level is a
 * binary search plus a splice. Each level is an intrusive doubly linked FIFO of orders (append at the tail, match from
 * the head, unlink anywhere in O(1)); orders are also indexed by id for O(1) cancels.
 *
 * Invariants: a level exists iff it holds ≥ 1 order; `level.lots` is the sum of its orders' remaining lots; orders in a
 * level are in arrival order (`seq` strictly increasing from head to tail); ids are unique within the book.
 * The book does not match: crossing is the engine's business.
 */

/** Order side, as on the wire. */
export type Side = 'BUY' | 'SELL';

/** A resting order. Mutable by the engine only (remaining `lots`). */
export class RestingOrder {
  prev: RestingOrder | null = null;
  next: RestingOrder | null = null;
  level: PriceLevel | null = null;
  /** Post-only (GTX, LIMIT_MAKER): an amend that would make it cross is refused. */
  postOnly = false;
  constructor(
    readonly id: number,
    readonly owner: number,
    readonly side: Side,
    readonly priceTicks: number,
    public lots: number,
    /** Arrival sequence number: time priority. */
    readonly seq: number,
    /** Epoch ms after which the order expires (GTD/DAY); 0 = never. */
    readonly expireAt: number,
  ) {}
}

/** All resting orders at one price of one side, oldest at the head; `lots`/`count` are kept in step. */
export class PriceLevel {
  head: RestingOrder | null = null;
  tail: RestingOrder | null = null;
  lots = 0;
  count = 0;
  constructor(readonly priceTicks: number) {}

  append(order: RestingOrder): void {
    order.level = this;
    order.prev = this.tail;
    order.next = null;
    if (this.tail) this.tail.next = order;
    else this.head = order;
    this.tail = order;
    this.lots += order.lots;
    this.count++;
  }

  unlink(order: RestingOrder): void {
    if (order.prev) order.prev.next = order.next;
    else this.head = order.next;
    if (order.next) order.next.prev = order.prev;
    else this.tail = order.prev;
    this.lots -= order.lots;
    this.count--;
    order.prev = order.next = null;
    order.level = null;
  }
}

/** One side of the book. */
export class BookSide {
  readonly levels = new Map<number, PriceLevel>();
  /** Ascending level keys; the last is the best level. */
  readonly keys: number[] = [];
  readonly #sign: 1 | -1;

  constructor(readonly side: Side) {
    this.#sign = side === 'BUY' ? 1 : -1;
  }

  best(): PriceLevel | undefined {
    const n = this.keys.length;
    return n === 0 ? undefined : this.levels.get(this.#sign * this.keys[n - 1]!);
  }

  /** The level `i` places from the best (0 = best). */
  levelAt(i: number): PriceLevel | undefined {
    const k = this.keys[this.keys.length - 1 - i];
    return k === undefined ? undefined : this.levels.get(this.#sign * k);
  }

  get depth(): number {
    return this.keys.length;
  }

  add(order: RestingOrder): void {
    let level = this.levels.get(order.priceTicks);
    if (!level) {
      level = new PriceLevel(order.priceTicks);
      this.levels.set(order.priceTicks, level);
      const key = this.#sign * order.priceTicks;
      const keys = this.keys;
      // Most new levels appear near the top of the book, i.e. near the end of the array.
      let lo = 0;
      let hi = keys.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (keys[mid]! < key) lo = mid + 1;
        else hi = mid;
      }
      if (lo === keys.length) keys.push(key);
      else keys.splice(lo, 0, key);
    }
    level.append(order);
  }

  /** Unlinks an order; drops its level when that empties it. */
  remove(order: RestingOrder): void {
    const level = order.level;
    if (!level) return;
    level.unlink(order);
    if (level.count === 0) this.#dropLevel(level);
  }

  /** Reduces a resting order by `lots` (a fill); removes it when nothing remains. */
  reduce(order: RestingOrder, lots: number): void {
    const level = order.level!;
    order.lots -= lots;
    level.lots -= lots;
    if (order.lots === 0) {
      level.unlink(order);
      if (level.count === 0) this.#dropLevel(level);
    }
  }

  #dropLevel(level: PriceLevel): void {
    this.levels.delete(level.priceTicks);
    const key = this.#sign * level.priceTicks;
    const keys = this.keys;
    const n = keys.length;
    if (keys[n - 1] === key) {
      keys.pop();
      return;
    }
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    if (keys[lo] !== key) throw new Error(`order book corrupt: level ${level.priceTicks} missing from index`);
    keys.splice(lo, 1);
  }
}

/** Both sides of one instrument plus the id index; the engine is its only writer. */
export class OrderBook {
  readonly bids = new BookSide('BUY');
  readonly asks = new BookSide('SELL');
  readonly orders = new Map<number, RestingOrder>();

  sideOf(side: Side): BookSide {
    return side === 'BUY' ? this.bids : this.asks;
  }

  add(order: RestingOrder): void {
    if (this.orders.has(order.id)) throw new Error(`duplicate resting order id ${order.id}`);
    this.orders.set(order.id, order);
    this.sideOf(order.side).add(order);
  }

  remove(order: RestingOrder): void {
    this.orders.delete(order.id);
    this.sideOf(order.side).remove(order);
  }

  reduce(order: RestingOrder, lots: number): void {
    this.sideOf(order.side).reduce(order, lots);
    if (order.lots === 0) this.orders.delete(order.id);
  }

  bestBid(): number | undefined {
    return this.bids.best()?.priceTicks;
  }

  bestAsk(): number | undefined {
    return this.asks.best()?.priceTicks;
  }
}
