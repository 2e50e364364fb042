/**
 * @module paper/matching/expiry-queue
 * A binary min-heap of (expireAt, orderId). Entries are never removed early: the engine checks, when one comes due,
 * whether the order is still live with that expiry (lazy deletion), which keeps cancels O(1).
 */
export class ExpiryQueue {
  readonly #at: number[] = [];
  readonly #ids: number[] = [];

  get size(): number {
    return this.#at.length;
  }

  push(at: number, id: number): void {
    const a = this.#at;
    const ids = this.#ids;
    let i = a.length;
    a.push(at);
    ids.push(id);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= at) break;
      a[i] = a[p]!;
      ids[i] = ids[p]!;
      i = p;
    }
    a[i] = at;
    ids[i] = id;
  }

  /** Earliest expiry, or Infinity when empty. */
  peekAt(): number {
    return this.#at.length ? this.#at[0]! : Infinity;
  }

  /** Removes the earliest entry and returns its order id. */
  pop(): number {
    const a = this.#at;
    const ids = this.#ids;
    const top = ids[0]!;
    const lastAt = a.pop()!;
    const lastId = ids.pop()!;
    const n = a.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && a[r]! < a[l]! ? r : l;
        if (a[c]! >= lastAt) break;
        a[i] = a[c]!;
        ids[i] = ids[c]!;
        i = c;
      }
      a[i] = lastAt;
      ids[i] = lastId;
    }
    return top;
  }
}
