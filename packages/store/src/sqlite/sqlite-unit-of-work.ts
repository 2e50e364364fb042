/**
 * @module sqlite/sqlite-unit-of-work
 * The SQLite store's transactions: the group transaction (one COMMIT per event-loop turn), the running `transaction`
 * calls with their lazily opened savepoints, and the rows held back from SQLite until their unit ends — new orders
 * (id → latest state), the fills of those orders, positions (id → latest state) and balances (account + asset →
 * latest state) — with each call's undo record of them.
 *
 * Order rows inserted inside a `transaction` are written when its outermost call ends, in their latest state: an
 * order the venue accepts or fills within the same call (PAPER does, synchronously) costs one INSERT instead of an
 * INSERT and UPDATEs. A nested call that fails restores the held rows as they were before it. Balances are held the
 * same way, until the group commits (or the outermost call ends, without group commit): an account's balance changes
 * with every order it submits, and is written once per group. A call's savepoint is opened only when the call first
 * writes a statement (`beforeWrite`).
 *
 * Why a fill of a new order holds its rows too: a call that writes several statements inside the group transaction
 * needs a savepoint to be undone alone, and inside a savepoint SQLite copies every page it changes that an earlier
 * call of the group had changed (the tails of the same tables and indexes) to a sub-journal — a third of what the
 * store spent on an order that trades at once (docs/benchmarks.md). Written together when the call ends, after
 * everything the call computed has succeeded, the rows need no savepoint: the new rows (orders, fills) go first and
 * are deleted again by key if a later row fails, and the one row whose earlier state the store does not hold (a
 * position) goes last. A call with more such rows, or one that wrote a statement of its own, uses its savepoint as
 * before.
 */
import type Database from 'better-sqlite3';
import type { Balance, Fill, Order, Position } from '@cadenza/domain';

/**
 * Writes a held row; `alone`: written without a savepoint (the only statement of its call, or one the call undoes by
 * hand if a later row fails). `fill` answers whether it wrote the row; `unorder` / `unfill` delete a new row again.
 */
export interface HeldRowWriter {
  order(o: Order, alone: boolean): void;
  balance(b: Balance, alone: boolean): void;
  fill(f: Fill, alone: boolean): boolean;
  position(p: Position, alone: boolean): void;
  unorder(o: Order): void;
  unfill(f: Fill): void;
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
  fills?: Map<string, Fill | undefined>;
  positions?: Map<string, Position | undefined>;
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

/** A fill's primary key (trade_order_id, trade_id) as one string. */
export const fillKey = (f: Pick<Fill, 'tradeOrderId' | 'tradeId'>) => `${f.tradeOrderId}\u0000${f.tradeId}`;

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
  /** Fills of held orders, not written yet (fillKey → fill): until the outermost call ends. */
  private readonly pendingFills = new Map<string, Fill>();
  /** Positions not written yet (id → latest state, in the order first held: a slot's close before its next open). */
  private readonly pendingPositions = new Map<string, Position>();

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
    const call: Call = { name: alone ? '' : `sp${++this.depth}`, open: alone, orders: undefined, balances: undefined, fills: undefined, positions: undefined };
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
        if (call.fills) parent.fills = inherit(parent.fills, call.fills);
        if (call.positions) parent.positions = inherit(parent.positions, call.positions);
      }
      return out;
    } catch (e) {
      restore(this.pendingOrders, call.orders);
      restore(this.pendingBalances, call.balances);
      restore(this.pendingFills, call.fills);
      restore(this.pendingPositions, call.positions);
      if (this.calls.length === 1) {
        this.pendingOrders.clear();
        this.pendingFills.clear();
        this.pendingPositions.clear();
      }
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
   * Writes what the outermost call held back: its orders, their fills, its positions, and the balances unless a group
   * commit writes them. One statement alone is atomic without a savepoint (nothing else of the call was written, or
   * the call's savepoint would be open). More, with at most one changed row (a position, a balance: rows whose earlier
   * state the store does not hold), are written without one too: the new rows first, deleted again if a later row
   * fails. Otherwise the call's savepoint opens first.
   */
  private writeHeld(call: Call): void {
    const orders = this.pendingOrders.size ? [...this.pendingOrders.values()] : [];
    this.pendingOrders.clear();
    const fills = this.pendingFills.size ? [...this.pendingFills.values()] : [];
    this.pendingFills.clear();
    const positions = this.pendingPositions.size ? [...this.pendingPositions.values()] : [];
    this.pendingPositions.clear();
    const balances = this.grouping ? [] : this.takeBalances();
    const changed = positions.length + balances.length;
    const rows = orders.length + fills.length + changed;
    if (rows === 0) return;
    const alone = !call.open && changed <= 1;
    if (!alone || rows === 1) {
      for (const o of orders) this.write.order(o, alone);
      for (const f of fills) this.write.fill(f, alone);
      for (const p of positions) this.write.position(p, alone);
      for (const b of balances) this.write.balance(b, alone);
      return;
    }
    const written: Array<Order | Fill> = [];
    try {
      for (const o of orders) {
        this.write.order(o, true);
        written.push(o);
      }
      for (const f of fills) if (this.write.fill(f, true)) written.push(f);
      for (const p of positions) this.write.position(p, true);
      for (const b of balances) this.write.balance(b, true);
    } catch (e) {
      // The failed statement undid itself; the new rows before it go too (unless SQLite gave up the whole transaction).
      if (this.db.inTransaction) {
        for (let i = written.length - 1; i >= 0; i--) {
          const row = written[i]!;
          if ('tradeId' in row) this.write.unfill(row);
          else this.write.unorder(row);
        }
      }
      throw e;
    }
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

  // ── held fills and positions ──────────────────────────────────────────────────────────────────────────
  /**
   * Holds `f`, a fill of a held order (no fill of it can be stored yet), until the outermost call ends; false, holding
   * nothing, when the call already holds a fill with its key.
   */
  holdFill(f: Fill): boolean {
    const k = fillKey(f);
    if (this.pendingFills.has(k)) return false;
    const call = this.calls[this.calls.length - 1]!;
    (call.fills ??= new Map()).set(k, undefined);
    this.pendingFills.set(k, f);
    return true;
  }

  /** Holds `p` (new, or a held one's next state) until the outermost call ends; only inside a call. */
  holdPosition(p: Position): void {
    const call = this.calls[this.calls.length - 1]!;
    const undo = (call.positions ??= new Map());
    if (!undo.has(p.positionId)) undo.set(p.positionId, this.pendingPositions.get(p.positionId));
    this.pendingPositions.set(p.positionId, p);
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
