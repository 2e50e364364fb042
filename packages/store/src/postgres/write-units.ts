/**
 * @module postgres/write-units
 * The PostgreSQL domain store's transactions: the writes of one outermost `transaction` become one write-behind unit
 * (write-behind.ts). Inside it, an order's writes are held and written once, in their latest state, when the outermost
 * call ends; a nested call that throws discards its own writes (and undoes its memory keys) only. `afterCommit`
 * callbacks registered while a transaction runs wait for its unit.
 *
 * Balances are held longer, as the SQLite store holds them: a unit hands its balances' latest states to its batch,
 * which writes each once, at its end (every submit locks its account's balance: a batch of orders from a few accounts
 * writes a few upserts, not one per order). Replacing an account's balances (a DELETE, then upserts) drops what was
 * held for that account before it.
 */
import type { Balance, Order } from '@cadenza/domain';
import { insertOrderSql, updateOrderSql } from './statements.ts';
import type { WriteBehind } from './write-behind.ts';
import { dropCleared } from './held-balances.ts';

export interface Frame {
  ops: string[];
  /** Orders written in this frame: latest state, and whether the frame (or a child) inserted it. */
  orders: Map<string, { insert: boolean; order: Order }>;
  /** Balances written in this frame, latest state (key: balanceKey). */
  balances: Map<string, Balance>;
  /** Accounts whose balances this frame deleted (replaceBalances): what was held for them before is void. */
  cleared: Set<string>;
  /** Memory keys this frame added (order keys, fill keys), removed again if it throws. */
  keys: Array<() => void>;
}

export class WriteUnits {
  private readonly frames: Frame[] = [];
  /** afterCommit callbacks registered while a transaction runs: they wait for its unit. */
  private deferred: Array<() => void> = [];

  constructor(private readonly wb: WriteBehind) {}

  /** Nested calls join the outer one; a nested call that throws discards its own writes and rethrows. */
  transaction<T>(fn: () => T): T {
    const frame: Frame = { ops: [], orders: new Map(), balances: new Map(), cleared: new Set(), keys: [] };
    this.frames.push(frame);
    let out: T;
    try {
      out = fn();
    } catch (err) {
      this.frames.pop();
      for (const undo of frame.keys) undo();
      if (this.frames.length === 0) this.releaseDeferred();
      throw err;
    }
    this.frames.pop();
    const parent = this.frames[this.frames.length - 1];
    if (parent) {
      parent.ops.push(...frame.ops);
      parent.keys.push(...frame.keys);
      for (const [id, w] of frame.orders) parent.orders.set(id, { insert: w.insert || (parent.orders.get(id)?.insert ?? false), order: w.order });
      dropCleared(parent.balances, frame.cleared);
      for (const a of frame.cleared) parent.cleared.add(a);
      for (const [k, b] of frame.balances) parent.balances.set(k, b);
      return out;
    }
    try {
      this.enqueue(frame);
    } finally {
      this.releaseDeferred();
    }
    return out;
  }

  private enqueue(frame: Frame): void {
    let unit = frame.ops.join('');
    for (const { insert, order } of frame.orders.values()) unit += insert ? insertOrderSql(order) : updateOrderSql(order);
    if (unit || frame.balances.size || frame.cleared.size) this.wb.enqueue(unit, frame.balances, frame.cleared);
  }

  private releaseDeferred(): void {
    const cbs = this.deferred;
    this.deferred = [];
    for (const cb of cbs) this.wb.afterCommit(cb);
  }

  /** Runs `fn` in the current transaction, or in one of its own. */
  write(statement: string): void {
    const frame = this.frames[this.frames.length - 1];
    if (frame) frame.ops.push(statement);
    else this.transaction(() => this.write(statement));
  }

  inTransaction(fn: (frame: Frame) => void): void {
    const frame = this.frames[this.frames.length - 1];
    if (frame) fn(frame);
    else this.transaction(() => this.inTransaction(fn));
  }

  afterCommit(cb: () => void): void {
    if (this.frames.length) this.deferred.push(cb);
    else this.wb.afterCommit(cb);
  }

  /** Adds or removes ids in a memory set, undone if the transaction throws. */
  trackIds(set: Set<string>, ids: string[], add: boolean): void {
    const frame = this.frames[this.frames.length - 1]!;
    for (const id of ids) {
      if (set.has(id) === add) continue;
      if (add) set.add(id);
      else set.delete(id);
      frame.keys.push(() => (add ? set.delete(id) : set.add(id)));
    }
  }
}
