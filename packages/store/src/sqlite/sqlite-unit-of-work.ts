/**
 * @module sqlite/sqlite-unit-of-work
 * The SQLite store's transactions: the group transaction (one COMMIT per event-loop turn), the running `transaction`
 * calls with their lazily opened savepoints, and the rows held back from SQLite until their unit ends — new orders
 * (id → latest state) and balances (account + asset → latest state) — with each call's undo record of them.
 *
 * Order rows inserted inside a `transaction` are written when its outermost call ends, in their latest state: an
 * order the venue accepts or fills within the same call (PAPER does, synchronously) costs one INSERT instead of an
 * INSERT and UPDATEs. A nested call that fails restores the held rows as they were before it. Balances are held the
 * same way, until the group commits (or the outermost call ends, without group commit): an account's balance changes
 * with every order it submits, and is written once per group. A call's savepoint is opened only when the call first
 * writes a statement (`beforeWrite`).
 */
import type Database from 'better-sqlite3';
import type { Balance, Order } from '@cadenza/domain';

/** Writes a held row; `alone`: the only statement of a call that wrote nothing else, atomic without a savepoint. */
export interface HeldRowWriter {
  order(o: Order, alone: boolean): void;
  balance(b: Balance, alone: boolean): void;
}

/** A running `transaction` call: its savepoint (opened at its first write), and what it changed in the held rows. */
interface Call {
  /** The savepoint's name; '' for a call that began the transaction itself (BEGIN, always open). */
  name: string;
  open: boolean;
  /**
   * What each held order / balance was before this call touched it (undefined: not held). Made on the call's first
   * hold: most calls hold nothing, and two empty Maps per call were a sixth of what an order allocated.
   */
  orders?: Map<string, Order | undefined>;
  balances?: Map<string, Balance | undefined>;
}

/** Puts held rows back as they were before a failed call. */
function restore<T>(held: Map<string, T>, before: Map<string, T | undefined> | undefined): void {
  if (before === undefined) return;
  for (const [k, v] of before) {
    if (v === undefined) held.delete(k);
    else held.set(k, v);
  }
}

/** A parent call takes over what its finished child held: the child's earlier state of a row the parent had not touched. */
function inherit<T>(parent: Map<string, T | undefined> | undefined, child: Map<string, T | undefined>): Map<string, T | undefined> {
  if (parent === undefined) return child;
  for (const [k, before] of child) if (!parent.has(k)) parent.set(k, before);
  return parent;
}

/** Sorts as the balances' primary key (trading_account_id, asset) does. */
export const balanceKey = (tradingAccountId: string, asset: string) => `${tradingAccountId}\u0000${asset}`;

export class SqliteUnitOfWork {
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;
  private readonly savepointStmts = new Map<string, Database.Statement>();
  private depth = 0;
  /** A group transaction is open (BEGIN done, COMMIT scheduled). */
  private grouping = false;
  private readonly committed: Array<() => void> = [];
  /** Active `transaction` calls, outermost first. */
  private readonly calls: Call[] = [];
  /** Orders inserted in the running outermost `transaction` call, not written yet (id → latest state). */
  private readonly pendingOrders = new Map<string, Order>();
  /** Balances not written yet (account + asset → latest state): until the group commits, or the outermost call ends. */
  private readonly pendingBalances = new Map<string, Balance>();

  constructor(
    private readonly db: Database.Database,
    /** Group the calls of one event-loop turn into one commit, made on `setImmediate` (or by `flush()`). */
    private readonly groupCommit: boolean,
    private readonly write: HeldRowWriter,
    /** Told after every COMMIT this unit of work makes, once its `afterCommit` callbacks have run. */
    private readonly onCommit: () => void = () => {},
  ) {
    this.begin = db.prepare('BEGIN');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
  }

  private sql(text: string): Database.Statement {
    let s = this.savepointStmts.get(text);
    if (!s) {
      s = this.db.prepare(text);
      this.savepointStmts.set(text, s);
    }
    return s;
  }

  /** Call before every statement that writes: opens the savepoints of the running calls not opened yet. */
  beforeWrite(): void {
    const top = this.calls[this.calls.length - 1];
    if (top && !top.open) this.openSavepoints();
  }

  private openSavepoints(): void {
    for (const c of this.calls) {
      if (c.open) continue;
      this.sql(`SAVEPOINT ${c.name}`).run();
      c.open = true;
    }
  }

  /** A `transaction` call is running. */
  get inCall(): boolean {
    return this.calls.length > 0;
  }

  /**
   * Runs `fn` all or nothing: a failing call is rolled back alone and rethrows. Calls inside a transaction (nested
   * ones, and every call inside a group) are SAVEPOINTs, opened only when the call first writes a statement: the
   * rows held back (orders, balances) are written when the call ends, so a call that changes an order the venue
   * answered at once, or a balance, often writes one statement or none, and needs no savepoint.
   */
  transaction<T>(fn: () => T): T {
    if (this.groupCommit && !this.db.inTransaction) {
      this.begin.run();
      this.grouping = true;
      setImmediate(() => this.commitGroup());
    }
    const alone = !this.db.inTransaction;
    if (alone) this.begin.run();
    const call: Call = { name: alone ? '' : `sp${++this.depth}`, open: alone, orders: undefined, balances: undefined };
    this.calls.push(call);
    try {
      const out = fn();
      if (this.calls.length === 1) this.writeHeld(call);
      if (call.open) {
        if (alone) {
          this.commit.run();
          this.onCommit();
        } else this.sql(`RELEASE ${call.name}`).run();
      }
      const parent = this.calls[this.calls.length - 2];
      if (parent) {
        if (call.orders) parent.orders = inherit(parent.orders, call.orders);
        if (call.balances) parent.balances = inherit(parent.balances, call.balances);
      }
      return out;
    } catch (e) {
      restore(this.pendingOrders, call.orders);
      restore(this.pendingBalances, call.balances);
      if (this.calls.length === 1) this.pendingOrders.clear();
      if (call.open && this.db.inTransaction) {
        if (alone) {
          this.rollback.run();
        } else {
          this.sql(`ROLLBACK TO ${call.name}`).run();
          this.sql(`RELEASE ${call.name}`).run();
        }
      }
      throw e;
    } finally {
      this.calls.pop();
      if (!alone) this.depth--;
    }
  }

  /**
   * Writes what the outermost call held back: its orders, and the balances unless a group commit writes them. One
   * statement alone is atomic without a savepoint (nothing else of the call was written, or the call's savepoint
   * would be open); more open it first.
   */
  private writeHeld(call: Call): void {
    const orders = this.pendingOrders.size ? [...this.pendingOrders.values()] : [];
    this.pendingOrders.clear();
    const balances = this.grouping ? [] : this.takeBalances();
    const alone = !call.open && orders.length + balances.length === 1;
    for (const o of orders) this.write.order(o, alone);
    for (const b of balances) this.write.balance(b, alone);
  }

  private takeBalances(): Balance[] {
    if (this.pendingBalances.size === 0) return [];
    const out = [...this.pendingBalances.values()];
    this.pendingBalances.clear();
    return out;
  }

  // ── held orders ───────────────────────────────────────────────────────────────────────────────────────
  /** The held (not yet written) state of order `id`, if any. */
  heldOrder(id: string): Order | undefined {
    return this.pendingOrders.get(id);
  }
  heldOrders(): Iterable<Order> {
    return this.pendingOrders.values();
  }
  /** Holds `o` (new, or a held one's next state) until the outermost call ends; only inside a call. */
  holdOrder(o: Order): void {
    const call = this.calls[this.calls.length - 1]!;
    const undo = (call.orders ??= new Map());
    if (!undo.has(o.tradeOrderId)) undo.set(o.tradeOrderId, this.pendingOrders.get(o.tradeOrderId));
    this.pendingOrders.set(o.tradeOrderId, o);
  }

  // ── held balances ─────────────────────────────────────────────────────────────────────────────────────
  /** Balances are held inside a call or an open group; outside both they are written at once. */
  get holdsBalances(): boolean {
    return this.calls.length > 0 || this.grouping;
  }
  heldBalances(): ReadonlyMap<string, Balance> {
    return this.pendingBalances;
  }
  /** Holds `b` as the balance under key `k` (undefined: drops the held one, e.g. before the account's rows are deleted). */
  holdBalance(k: string, b: Balance | undefined): void {
    const call = this.calls[this.calls.length - 1];
    if (call) {
      const undo = (call.balances ??= new Map());
      if (!undo.has(k)) undo.set(k, this.pendingBalances.get(k));
    }
    if (b) this.pendingBalances.set(k, b);
    else this.pendingBalances.delete(k);
  }

  // ── group commit ──────────────────────────────────────────────────────────────────────────────────────
  /** Commits the open group (if any) and runs the waiting `afterCommit` callbacks. A failed commit throws: the
   * in-memory state of the domain no longer matches the database, so the process must stop. */
  commitGroup(): void {
    let committed = false;
    if (this.grouping) {
      this.grouping = false;
      for (const b of this.takeBalances()) this.write.balance(b, false);
      if (this.db.inTransaction) {
        this.commit.run();
        committed = true;
      }
    }
    const ready = this.committed.splice(0);
    for (const cb of ready) cb();
    if (committed) this.onCommit();
  }

  afterCommit(cb: () => void): void {
    if (this.grouping) this.committed.push(cb);
    else cb();
  }
}
