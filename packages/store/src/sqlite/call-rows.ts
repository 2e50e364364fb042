/**
 * @module sqlite/call-rows
 * Writing the rows a `transaction` call held back until its end (sqlite-unit-of-work.ts holds them, and says when):
 * without a savepoint where the call can undo them by hand, and that undo.
 *
 * One statement alone is atomic without a savepoint (nothing else of the call was written, or the call's savepoint
 * would be open). Inside a group more are written without one too, in an order that lets the call undo them by hand if
 * a later one fails: the rows with a key first (orders, fills, quotes: deleted again), then the positions (each one a
 * later statement follows put back as its writer stated it was stored, else as read just before it is written), the
 * ledger entries (which nothing may delete) last, in one statement. A call with balances or exposures to write at its
 * end (no group commit) has its savepoint opened first.
 */
import type Database from 'better-sqlite3';
import type { Balance, Exposure, Fill, LedgerEntry, Order, Position, QuoteRecord } from '@cadenza/domain';

/**
 * Writes a held row; `alone`: written without a savepoint (the only statement of its call, or one the call undoes by
 * hand if a later row fails). `fill` answers whether it wrote the row; `unorder` / `unfill` / `unquote` delete a new
 * row again; `entries` writes the held ledger entries in one statement.
 */
export interface HeldRowWriter {
  order(o: Order, alone: boolean): void;
  fill(f: Fill, alone: boolean): boolean;
  quote(q: QuoteRecord, alone: boolean): void;
  entries(entries: LedgerEntry[], alone: boolean): void;
  position(p: Position, alone: boolean): void;
  /** A position's stored row as it is (undefined: none), for `restorePosition`. */
  positionRow(positionId: string): unknown;
  /** Puts a position's row back as `positionRow` read it (deleting it when there was none). */
  restorePosition(positionId: string, row: unknown): void;
  balance(b: Balance, alone: boolean): void;
  exposure(e: Exposure, alone: boolean): void;
  unorder(o: Order): void;
  unfill(f: Fill): void;
  unquote(q: QuoteRecord): void;
  /**
   * An order or a quote written by a call that then failed is gone (deleted by hand, or rolled back): its client
   * reference (clientOrderId, quoteRequestId) is free again.
   */
  orderUndone(o: Order): void;
  quoteUndone(q: QuoteRecord): void;
}

/** What one outermost call held back, taken out to be written, each kind in the order first held. */
export interface CallRows {
  orders: Order[];
  fills: Fill[];
  quotes: QuoteRecord[];
  positions: Position[];
  entries: LedgerEntry[];
  balances: Balance[];
  exposures: Exposure[];
}

/**
 * Writes `rows`; `savepointOpen`: the call's savepoint is open (else the call wrote nothing yet). `storedPositions`:
 * per position, as its writer stated it was stored before the call (null: none; absent: read back before it is written).
 * A failed statement throws after the rows written before it are undone (unless SQLite gave up the transaction).
 */
export function writeCallRows(
  rows: CallRows,
  write: HeldRowWriter,
  storedPositions: ReadonlyMap<string, Position | null>,
  savepointOpen: boolean,
  db: Database.Database,
): void {
  const { orders, fills, quotes, positions, entries, balances, exposures } = rows;
  const last = (entries.length > 0 ? 1 : 0) + balances.length + exposures.length;
  const statements = orders.length + fills.length + quotes.length + positions.length + last;
  if (statements === 0) return;
  const alone = !savepointOpen && (statements === 1 || balances.length + exposures.length === 0);
  if (!alone || statements === 1) {
    for (const o of orders) write.order(o, alone);
    for (const f of fills) write.fill(f, alone);
    for (const q of quotes) write.quote(q, alone);
    for (const p of positions) write.position(p, alone);
    if (entries.length > 0) write.entries(entries, alone);
    for (const b of balances) write.balance(b, alone);
    for (const x of exposures) write.exposure(x, alone);
    return;
  }
  // How many of each were written, to undo them (newest first) if a later statement fails.
  let o = 0;
  let f = 0;
  let q = 0;
  let p = 0;
  const wroteFill: boolean[] = [];
  // Each position's way back: its stored state as stated (null: none), else (undefined) its row as read.
  const positionsStated: Array<Position | null | undefined> = [];
  const positionsBefore: unknown[] = [];
  try {
    for (; o < orders.length; o++) write.order(orders[o]!, true);
    for (; f < fills.length; f++) wroteFill.push(write.fill(fills[f]!, true));
    for (; q < quotes.length; q++) write.quote(quotes[q]!, true);
    for (; p < positions.length; p++) {
      // The last statement of all needs no way back: nothing after it can fail.
      if (p < positions.length - 1 || entries.length > 0) {
        const id = positions[p]!.positionId;
        const stated = storedPositions.get(id);
        positionsStated.push(stated);
        positionsBefore.push(stated === undefined ? write.positionRow(id) : undefined);
      }
      write.position(positions[p]!, true);
    }
    if (entries.length > 0) write.entries(entries, true);
  } catch (e) {
    // The failed statement undid itself; the rows before it are undone too (unless SQLite gave up the transaction).
    if (db.inTransaction) {
      while (p > 0) {
        p--;
        const stated = positionsStated[p];
        // A stated state goes back through the position's own write; none stated (null) or read back, as a row.
        if (stated) write.position(stated, true);
        else write.restorePosition(positions[p]!.positionId, stated === null ? undefined : positionsBefore[p]);
      }
      while (q > 0) write.unquote(quotes[--q]!);
      while (f > 0) if (wroteFill[--f]) write.unfill(fills[f]!);
      while (o > 0) write.unorder(orders[--o]!);
    }
    throw e;
  }
}
