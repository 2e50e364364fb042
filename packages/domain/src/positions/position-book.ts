/**
 * @module positions/position-book
 * Positions of every trading account, held in memory from start and written through to the store: per account and
 * slot (model/position.ts) the open position, or the latest closed one. Callers write inside their unit of work,
 * which undoes the memory changes when it fails.
 *
 * Also an index of who holds open derivative positions in which instrument, so a mark price or a funding settlement
 * reaches only the accounts it concerns.
 */
import type { DomainContext } from '../context.ts';
import { positionSlot, type Position, type PositionSlot } from '../model/position.ts';
import { readPosition, type LegacyPosition } from './position-records.ts';

/**
 * The key of an instrument's slot in an account's map, made once per instrument and slot: a key joined anew on every
 * look-up is a new string to flatten and hash, three times a trade.
 */
const slotKeys = new Map<string, Partial<Record<PositionSlot, string>>>();
function slotKey(instrumentId: string, slot: PositionSlot): string {
  let keys = slotKeys.get(instrumentId);
  if (keys === undefined) slotKeys.set(instrumentId, (keys = {}));
  return (keys[slot] ??= `${instrumentId}\u0001${slot}`);
}

export class PositionBook {
  private readonly accounts = new Map<string, Map<string, Position>>();
  private readonly byId = new Map<string, Position>();
  /** instrumentId → accounts with an open derivative position in it. */
  private readonly holders = new Map<string, Map<string, number>>();

  constructor(private readonly ctx: DomainContext) {}

  async load(): Promise<void> {
    for (const raw of await this.ctx.store.loadPositions()) this.remember(readPosition(raw as Position | LegacyPosition));
  }

  private slots(tradingAccountId: string): Map<string, Position> {
    let m = this.accounts.get(tradingAccountId);
    if (!m) this.accounts.set(tradingAccountId, (m = new Map()));
    return m;
  }

  /** Puts `p` in memory, replacing what held its slot; returns what it replaced. */
  private remember(p: Position): Position | undefined {
    const slots = this.slots(p.tradingAccountId);
    const key = slotKey(p.instrumentId, positionSlot(p));
    const before = slots.get(key);
    if (before) this.index(before, -1);
    slots.set(key, p);
    if (before && before.positionId !== p.positionId) this.byId.delete(before.positionId);
    this.byId.set(p.positionId, p);
    this.index(p, 1);
    return before;
  }

  private index(p: Position, delta: 1 | -1): void {
    if (p.kind !== 'DERIVATIVE' || p.status !== 'OPEN') return;
    let m = this.holders.get(p.instrumentId);
    if (!m) this.holders.set(p.instrumentId, (m = new Map()));
    const n = (m.get(p.tradingAccountId) ?? 0) + delta;
    if (n > 0) m.set(p.tradingAccountId, n);
    else m.delete(p.tradingAccountId);
  }

  /**
   * Writes `p` (the store and memory), undone with the enclosing unit of work. Every position written is one held here
   * (read back at start, or written since) or a new one (`fresh` in position-ledger.ts, its id never stored): what is
   * held under its id is what the store holds, which the store is told.
   */
  write(p: Position): Position {
    this.ctx.store.upsertPosition(p, this.byId.get(p.positionId) ?? null);
    const before = this.remember(p);
    this.ctx.unit.onUndo(() => {
      if (before) this.remember(before);
      else {
        this.index(p, -1);
        this.slots(p.tradingAccountId).delete(slotKey(p.instrumentId, positionSlot(p)));
        this.byId.delete(p.positionId);
      }
    });
    return p;
  }

  /** The open position in a slot, if any. */
  open(tradingAccountId: string, instrumentId: string, slot: PositionSlot): Position | undefined {
    const p = this.accounts.get(tradingAccountId)?.get(slotKey(instrumentId, slot));
    return p?.status === 'OPEN' ? p : undefined;
  }

  /** A position held in memory (open, or the latest closed of its slot). */
  get(positionId: string): Position | undefined {
    return this.byId.get(positionId);
  }

  /** The account's positions (open, and the latest closed per slot), by instrument. */
  list(tradingAccountId: string): Position[] {
    return [...(this.accounts.get(tradingAccountId)?.values() ?? [])].sort((a, b) => a.instrumentId.localeCompare(b.instrumentId) || a.side.localeCompare(b.side));
  }

  /** The account's open derivative positions. */
  openDerivatives(tradingAccountId: string): Position[] {
    return this.list(tradingAccountId).filter((p) => p.kind === 'DERIVATIVE' && p.status === 'OPEN');
  }

  /** Accounts holding an open derivative position in the instrument. */
  holdersOf(instrumentId: string): string[] {
    return [...(this.holders.get(instrumentId)?.keys() ?? [])];
  }
}
