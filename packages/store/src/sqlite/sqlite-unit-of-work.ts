/**
 * @module sqlite/sqlite-unit-of-work
 * The SQLite store's transactions: the group transaction (one COMMIT per event-loop turn), the running `transaction`
 * calls with their lazily opened savepoints, and the rows held back from SQLite until their unit ends — with each
 * call's undo record of them:
 * - until the outermost call ends: new orders (id → latest state), the fills of those orders, OTC quotes inserted in
 *   the call (id → latest state), ledger entries, and positions (id → latest state);
 * - until the group commits (or the outermost call ends, without group commit): balances (account + asset → latest
 *   state) and the OTC desk's exposures (dealer + symbol → latest state) — upserts on their primary key, which only
 *   the disk can make fail.
 *
 * Order rows inserted inside a `transaction` are written when its outermost call ends, in their latest state: an
 * order the venue accepts or fills within the same call (PAPER does, synchronously) costs one INSERT instead of an
 * INSERT and UPDATEs. A nested call that fails restores the held rows as they were before it. Balances and exposures
 * are written once per group: an account's balance changes with every order it submits, a dealer's exposure with
 * every quoted fill. A call's savepoint is opened only when the call first writes a statement (`beforeWrite`).
 *
 * Why a fill (or an accepted quote) holds its rows too: a call that writes several statements inside the group
 * transaction needs a savepoint to be undone alone, and inside a savepoint SQLite copies every page it changes that an
 * earlier call of the group had changed (the tails of the same tables and indexes) to a sub-journal — a third of what
 * the store spent on an order that trades at once, a tenth of an accepted quote's CPU (docs/benchmarks.md). Written
 * together when the call ends, after everything the call computed has succeeded, the rows need no savepoint: they are
 * written in an order that lets the call undo them by hand if a later one fails (call-rows.ts).
 *
 * Reads: held orders and quotes are visible to the point lookups; list queries see the rows once the outermost call
 * ends; `loadBalances` merges the held balances, `loadExposures` writes the held exposures into the open group first.
 *
 * The store keeps the client keys of the rows it wrote (clientOrderId, quoteRequestId: client-keys.ts): an order or a
 * quote written by an outermost call that fails afterwards is gone again, and the writer is told (`orderUndone`,
 * `quoteUndone`) so its key is free.
 */
import type Database from 'better-sqlite3';
import type { Balance, Exposure, Fill, LedgerEntry, Order, Position, QuoteRecord } from '@cadenza/domain';
import { writeCallRows, type CallRows, type HeldRowWriter } from './call-rows.ts';

/** The kinds of held rows: an index into `Call.before`. Held until the outermost call ends, then until the group commits. */
const ORDERS = 0;
const FILLS = 1;
const QUOTES = 2;
const ENTRIES = 3;
const POSITIONS = 4;
const BALANCES = 5;
const EXPOSURES = 6;
const KINDS = 7;

/** A running `transaction` call: its savepoint (opened at its first write), and what it changed in the held rows. */
interface Call {
  /** The savepoint's name; '' for a call that began the transaction itself (BEGIN, always open). */
  name: string;
  open: boolean;
  /**
   * Per kind, what each held row was before this call touched it (undefined: not held). Made on the call's first
   * hold: most calls hold nothing, and empty Maps per call were a sixth of what an order allocated.
   */
  before: Array<Map<string, unknown> | undefined> | undefined;
}

/** Puts held rows back as they were before a failed call. */
function restore(held: Map<string, unknown>, before: Map<string, unknown> | undefined): void {
  if (before === undefined) return;
  for (const [k, v] of before) {
    if (v === undefined) held.delete(k);
    else held.set(k, v);
  }
}

/** A parent call takes over what its finished child held: the child's earlier state of a row the parent had not touched. */
function inherit(parent: Map<string, unknown> | undefined, child: Map<string, unknown>): Map<string, unknown> {
  if (parent === undefined) return child;
  for (const [k, before] of child) if (!parent.has(k)) parent.set(k, before);
  return parent;
}

/** The held rows of one kind, in their order first held, taken out. */
function take<T>(held: Map<string, T>): T[] {
  if (held.size === 0) return [];
  const out = [...held.values()];
  held.clear();
  return out;
}

/** Sorts as the balances' primary key (trading_account_id, asset) does. */
export const balanceKey = (tradingAccountId: string, asset: string) => `${tradingAccountId}\u0000${asset}`;

/** A fill's primary key (trade_order_id, trade_id) as one string. */
export const fillKey = (f: Pick<Fill, 'tradeOrderId' | 'tradeId'>) => `${f.tradeOrderId}\u0000${f.tradeId}`;

/** An exposure's primary key (dealer_account_id, symbol) as one string. */
const exposureKey = (e: Exposure) => `${e.dealerAccountId}\u0000${e.symbol}`;

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
  /** The rows held back, per kind (the module note says until when), key → latest state, in the order first held. */
  private readonly held: Array<Map<string, unknown>> = Array.from({ length: KINDS }, () => new Map());
  /** The orders and quotes the running outermost call took out to write (`writeHeld`): gone again if the call fails after. */
  private ordersOut: Order[] = [];
  private quotesOut: QuoteRecord[] = [];
  /**
   * Per position held by the running outermost call, as its writer stated it stored before the call (null: none;
   * absent: not stated, read back before it is written) — recorded at its first hold, cleared with the held rows.
   */
  private readonly storedPositions = new Map<string, Position | null>();

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
   * rows held back are written when the call ends (new ones) or the group commits (changed ones), so a call that
   * changes an order the venue answered at once, a balance, or settles a quote, often needs no savepoint.
   */
  transaction<T>(fn: () => T): T {
    if (this.groupCommit && !this.db.inTransaction) {
      this.begin.run();
      this.grouping = true;
      setImmediate(() => this.commitGroup());
    }
    const alone = !this.db.inTransaction;
    if (alone) this.begin.run();
    const call: Call = { name: alone ? '' : `sp${++this.depth}`, open: alone, before: undefined };
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
      if (parent && call.before) {
        const to = (parent.before ??= new Array<Map<string, unknown> | undefined>(KINDS));
        for (let k = 0; k < KINDS; k++) {
          const child = call.before[k];
          if (child) to[k] = inherit(to[k], child);
        }
      }
      return out;
    } catch (e) {
      if (call.before) for (let k = 0; k < KINDS; k++) restore(this.held[k]!, call.before[k]);
      // The outermost call's rows held until it ends are its own (and were taken out if writing them failed).
      if (this.calls.length === 1) {
        for (let k = ORDERS; k <= POSITIONS; k++) this.held[k]!.clear();
        for (const o of this.ordersOut) this.write.orderUndone(o);
        for (const q of this.quotesOut) this.write.quoteUndone(q);
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
      if (this.calls.length === 1) {
        this.ordersOut = [];
        this.quotesOut = [];
        this.storedPositions.clear();
      }
      this.calls.pop();
      if (!alone) this.depth--;
    }
  }

  /** Writes what the outermost call held back (call-rows.ts): its new rows and positions, and the balances and exposures unless a group commit writes them. */
  private writeHeld(call: Call): void {
    const rows: CallRows = {
      orders: take(this.held[ORDERS] as Map<string, Order>),
      fills: take(this.held[FILLS] as Map<string, Fill>),
      quotes: take(this.held[QUOTES] as Map<string, QuoteRecord>),
      positions: take(this.held[POSITIONS] as Map<string, Position>),
      entries: take(this.held[ENTRIES] as Map<string, LedgerEntry>),
      balances: this.grouping ? [] : take(this.held[BALANCES] as Map<string, Balance>),
      exposures: this.grouping ? [] : take(this.held[EXPOSURES] as Map<string, Exposure>),
    };
    this.ordersOut = rows.orders;
    this.quotesOut = rows.quotes;
    writeCallRows(rows, this.write, this.storedPositions, call.open, this.db);
  }

  private writeGroupRows(): void {
    for (const b of take(this.held[BALANCES] as Map<string, Balance>)) this.write.balance(b, false);
    for (const x of take(this.held[EXPOSURES] as Map<string, Exposure>)) this.write.exposure(x, false);
  }

  /** Holds `row` under `key` in `kind`, recording its earlier state for the running call (if any). */
  private hold(kind: number, key: string, row: unknown): void {
    const held = this.held[kind]!;
    const call = this.calls[this.calls.length - 1];
    if (call) {
      const before = (call.before ??= new Array<Map<string, unknown> | undefined>(KINDS));
      const undo = (before[kind] ??= new Map());
      if (!undo.has(key)) undo.set(key, held.get(key));
    }
    if (row === undefined) held.delete(key);
    else held.set(key, row);
  }

  // ── held new rows (only inside a call, until the outermost call ends) ────────────────────────────────
  /** The held (not yet written) state of order `id`, if any. */
  heldOrder(id: string): Order | undefined {
    return (this.held[ORDERS] as Map<string, Order>).get(id);
  }
  heldOrders(): Iterable<Order> {
    return (this.held[ORDERS] as Map<string, Order>).values();
  }
  /** Holds `o` (new, or a held one's next state) until the outermost call ends; only inside a call. */
  holdOrder(o: Order): void {
    this.hold(ORDERS, o.tradeOrderId, o);
  }

  /**
   * Holds `f`, a fill of a held order (no fill of it can be stored yet), until the outermost call ends; false, holding
   * nothing, when the call already holds a fill with its key.
   */
  holdFill(f: Fill): boolean {
    const k = fillKey(f);
    if (this.held[FILLS]!.has(k)) return false;
    this.hold(FILLS, k, f);
    return true;
  }

  /** The held (not yet written) state of quote `id`, if any. */
  heldQuote(id: string): QuoteRecord | undefined {
    return (this.held[QUOTES] as Map<string, QuoteRecord>).get(id);
  }
  heldQuotes(): Iterable<QuoteRecord> {
    return (this.held[QUOTES] as Map<string, QuoteRecord>).values();
  }
  /** Holds `q` (new, or a held one's next state) until the outermost call ends; only inside a call. */
  holdQuote(q: QuoteRecord): void {
    this.hold(QUOTES, q.quoteId, q);
  }

  /** Holds new ledger entries until the outermost call ends; only inside a call. An id held twice throws. */
  holdEntries(entries: readonly LedgerEntry[]): void {
    const held = this.held[ENTRIES]!;
    for (const e of entries) {
      if (held.has(e.entryId)) throw new Error(`ledger entry ${e.entryId} appended twice`);
      this.hold(ENTRIES, e.entryId, e);
    }
  }
  heldEntries(): Iterable<LedgerEntry> {
    return (this.held[ENTRIES] as Map<string, LedgerEntry>).values();
  }

  /**
   * Holds `p` (new, or a held one's next state) until the outermost call ends; only inside a call. `stored`: the
   * position as stored before the outermost call, if the writer knows it (null: none) — kept from its first hold.
   */
  holdPosition(p: Position, stored?: Position | null): void {
    if (!this.held[POSITIONS]!.has(p.positionId)) {
      if (stored === undefined) this.storedPositions.delete(p.positionId);
      else this.storedPositions.set(p.positionId, stored);
    }
    this.hold(POSITIONS, p.positionId, p);
  }

  // ── held until the group commits (inside a call or an open group; outside both they are written at once) ──
  get holdsGroupRows(): boolean {
    return this.calls.length > 0 || this.grouping;
  }

  heldBalances(): ReadonlyMap<string, Balance> {
    return this.held[BALANCES] as Map<string, Balance>;
  }
  /** Holds `b` as the balance under key `k` (undefined: drops the held one, e.g. before the account's rows are deleted). */
  holdBalance(k: string, b: Balance | undefined): void {
    this.hold(BALANCES, k, b);
  }

  /** Holds `e` (a dealer's exposure to a symbol) until the group commits or the outermost call ends. */
  holdExposure(e: Exposure): void {
    this.hold(EXPOSURES, exposureKey(e), e);
  }

  /**
   * Writes the group's held exposures into the open group transaction, before a load reads them. Outside a call only:
   * inside one, the rows of earlier calls would be written under its savepoint and lost with it.
   */
  writeHeldExposures(): void {
    if (this.calls.length > 0) return;
    for (const x of take(this.held[EXPOSURES] as Map<string, Exposure>)) this.write.exposure(x, false);
  }

  // ── group commit ──────────────────────────────────────────────────────────────────────────────────────
  /** Commits the open group (if any) and runs the waiting `afterCommit` callbacks. A failed commit throws: the
   * in-memory state of the domain no longer matches the database, so the process must stop. */
  commitGroup(): void {
    let committed = false;
    if (this.grouping) {
      this.grouping = false;
      this.writeGroupRows();
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
