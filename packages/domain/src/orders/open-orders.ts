/**
 * @module orders/open-orders
 * The order service's memory: orders not yet closed, orders closed within `closedOrderMemoryMs` and at most
 * `closedOrderLimit` of them (a venue may still report a fill that raced the cancel; the latest minute's are held
 * whatever their number), the per-account idempotencyKey and clientOrderId indexes (every order ever stored, loaded at
 * start), the venues' order ids of the orders held, and callers waiting for an order to change. Command paths read
 * only this memory; an order let go of is closed and read from the store (`stored`). Nothing here writes.
 */
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { boundedText } from '../bounded-text.ts';
import type { Order } from '../model/order.ts';
import { KeysPerOwner } from '../keys-per-owner.ts';
import { OldestFirst } from '../oldest-first.ts';
import { isTerminal } from './status-machine.ts';

export interface OrderLookup {
  tradingAccountId?: string;
  tradeOrderId?: string;
  clientOrderId?: string;
  externalOrderId?: string;
}

/** A venue may report a fill that raced a cancel: orders closed this recently are held whatever `closedOrderLimit` says. */
const LATE_REPORT_MS = 60_000;

interface ClosedOrder {
  order: Order;
  at: number;
}

export class OpenOrders {
  private readonly open = new Map<string, Order>();
  private readonly openPerAccount = new Map<string, number>();
  /** Closed orders still held, and when each closed, oldest first. */
  private readonly closed = new OldestFirst<ClosedOrder>((c) => c.order.tradeOrderId);
  private readonly byIdempotencyKey = new KeysPerOwner();
  private readonly byClientOrderId = new KeysPerOwner();
  /** The venue's order id of every order held, open or closed (checked against the order on each look-up). */
  private readonly byExternalOrderId = new KeysPerOwner();
  private readonly watchers = new Map<string, Set<() => void>>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  /** Told of every committed change of an order (order-lists.ts follows its legs). */
  changed: ((o: Order) => void) | undefined;

  constructor(private readonly ctx: DomainContext) {}

  async load(): Promise<void> {
    for (const k of await this.ctx.store.loadOrderKeys()) {
      this.byClientOrderId.set(k.tradingAccountId, k.clientOrderId, k.tradeOrderId);
      if (k.idempotencyKey !== undefined) this.byIdempotencyKey.set(k.tradingAccountId, k.idempotencyKey, k.tradeOrderId);
    }
    for (const o of await this.ctx.store.loadOpenOrders()) this.track(o);
  }

  /** The order a repeated submit refers to: by idempotencyKey first, then by clientOrderId. */
  duplicateOf(tradingAccountId: string, idempotencyKey: string | undefined, clientOrderId: string | undefined): string | undefined {
    return (
      (idempotencyKey !== undefined ? this.byIdempotencyKey.get(tradingAccountId, idempotencyKey) : undefined) ??
      (clientOrderId !== undefined ? this.byClientOrderId.get(tradingAccountId, clientOrderId) : undefined)
    );
  }

  /** Indexes a new order's keys and tracks it while open; undone with the enclosing unit of work. */
  add(o: Order): void {
    this.byClientOrderId.set(o.tradingAccountId, o.clientOrderId, o.tradeOrderId);
    if (o.idempotencyKey !== undefined) this.byIdempotencyKey.set(o.tradingAccountId, o.idempotencyKey, o.tradeOrderId);
    this.track(o);
    this.ctx.unit.onUndo(() => this.forget(o));
  }

  private forget(o: Order): void {
    if (this.open.delete(o.tradeOrderId)) this.openPerAccount.set(o.tradingAccountId, (this.openPerAccount.get(o.tradingAccountId) ?? 1) - 1);
    this.byClientOrderId.forget(o.tradingAccountId, o.clientOrderId, o.tradeOrderId);
    if (o.idempotencyKey !== undefined) this.byIdempotencyKey.forget(o.tradingAccountId, o.idempotencyKey, o.tradeOrderId);
  }

  /** Records the new state of an order (undone with the enclosing unit of work); wakes its waiters once it holds. */
  remember(o: Order): void {
    const before = this.find(o.tradeOrderId);
    this.put(o);
    this.ctx.unit.onUndo(() => (before ? this.put(before) : this.forget(o)));
    this.ctx.unit.onDone(() => {
      this.changed?.(o);
      const ws = this.watchers.get(o.tradeOrderId);
      if (ws) for (const w of [...ws]) w();
    });
  }

  private put(o: Order): void {
    if (!isTerminal(o.status)) {
      this.closed.delete(o.tradeOrderId);
      this.track(o);
      return;
    }
    if (this.open.delete(o.tradeOrderId)) this.openPerAccount.set(o.tradingAccountId, (this.openPerAccount.get(o.tradingAccountId) ?? 1) - 1);
    const at = this.ctx.clock.now();
    this.closed.add({ order: o, at });
    this.indexExternal(o);
    const { closedOrderMemoryMs, closedOrderLimit } = this.ctx.config;
    const floor = Math.min(LATE_REPORT_MS, closedOrderMemoryMs);
    for (let c = this.closed.oldest(); c; c = this.closed.oldest()) {
      const age = at - c.at;
      if (age < floor || (age < closedOrderMemoryMs && this.closed.size <= closedOrderLimit) || this.watchers.has(c.order.tradeOrderId)) break;
      this.closed.shift();
      if (c.order.externalOrderId !== undefined) this.byExternalOrderId.forget(c.order.tradingAccountId, c.order.externalOrderId, c.order.tradeOrderId);
    }
  }

  private indexExternal(o: Order): void {
    if (o.externalOrderId !== undefined) this.byExternalOrderId.set(o.tradingAccountId, o.externalOrderId, o.tradeOrderId);
  }

  private track(o: Order): void {
    if (isTerminal(o.status)) return;
    this.indexExternal(o);
    if (!this.open.has(o.tradeOrderId)) this.openPerAccount.set(o.tradingAccountId, (this.openPerAccount.get(o.tradingAccountId) ?? 0) + 1);
    this.open.set(o.tradeOrderId, o);
  }

  /** An open order. */
  openOrder(tradeOrderId: string): Order | undefined {
    return this.open.get(tradeOrderId);
  }

  openOrders(): Order[] {
    return [...this.open.values()];
  }

  hasOpen(tradingAccountId: string): boolean {
    return this.openCount(tradingAccountId) > 0;
  }

  openCount(tradingAccountId: string): number {
    return this.openPerAccount.get(tradingAccountId) ?? 0;
  }

  get size(): number {
    return this.open.size;
  }

  /** The order in its latest state, if memory holds it (open, or closed recently). */
  find(tradeOrderId: string): Order | undefined {
    return this.open.get(tradeOrderId) ?? this.closed.get(tradeOrderId)?.order;
  }

  current(tradeOrderId: string): Order {
    const o = this.find(tradeOrderId);
    if (!o) throw new DomainError('ORDER_NOT_FOUND', `trade order ${boundedText(tradeOrderId)} not found`);
    return o;
  }

  /** The order from memory, else from the store (a query: an order memory let go is closed and no longer changes). */
  async stored(tradeOrderId: string): Promise<Order | undefined> {
    return this.find(tradeOrderId) ?? (await this.ctx.store.getOrder(tradeOrderId)) ?? this.find(tradeOrderId);
  }

  /** An order of the account by tradeOrderId, clientOrderId or externalOrderId (first given wins); memory first. */
  async lookup(tradingAccountId: string, q: OrderLookup): Promise<Order | undefined> {
    let o: Order | undefined;
    if (q.tradeOrderId) {
      o = await this.stored(q.tradeOrderId);
    } else if (q.clientOrderId) {
      const id = this.byClientOrderId.get(tradingAccountId, q.clientOrderId);
      o = id ? await this.stored(id) : undefined;
    } else if (q.externalOrderId) {
      const id = this.byExternalOrderId.get(tradingAccountId, q.externalOrderId);
      const held = id !== undefined ? this.find(id) : undefined;
      if (held?.externalOrderId === q.externalOrderId) return held;
      o = await this.ctx.store.findOrderByExternalOrderId(tradingAccountId, q.externalOrderId);
    } else {
      throw new DomainError('INVALID_ORDER_PARAMETERS', 'tradeOrderId, clientOrderId or externalOrderId is required');
    }
    if (o) o = this.find(o.tradeOrderId) ?? o;
    return o && o.tradingAccountId === tradingAccountId ? o : undefined;
  }

  /** The order in its latest state, from memory or else the store; ORDER_NOT_FOUND when neither has it. */
  async latest(tradeOrderId: string): Promise<Order> {
    const o = await this.stored(tradeOrderId);
    if (!o) throw new DomainError('ORDER_NOT_FOUND', `trade order ${boundedText(tradeOrderId)} not found`);
    return o;
  }

  /**
   * Resolves with the order once `done(order)` holds, or with its state when `timeoutMs` passes. An order memory let
   * go of is closed: its stored state is the answer.
   */
  waitFor(tradeOrderId: string, done: (o: Order) => boolean, timeoutMs: number): Promise<Order> {
    const now = this.find(tradeOrderId);
    if (!now) return this.latest(tradeOrderId);
    if (done(now)) return Promise.resolve(now);
    return new Promise<Order>((resolve) => {
      let set = this.watchers.get(tradeOrderId);
      if (!set) this.watchers.set(tradeOrderId, (set = new Set()));
      const finish = () => {
        clearTimeout(timer);
        this.timers.delete(timer);
        set!.delete(check);
        if (set!.size === 0) this.watchers.delete(tradeOrderId);
        resolve(this.current(tradeOrderId));
      };
      const check = () => {
        if (done(this.current(tradeOrderId))) finish();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.timers.add(timer);
      set.add(check);
    });
  }

  /** Answers every pending wait with the current state and clears the timers. */
  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const set of [...this.watchers.values()]) for (const w of [...set]) w();
    this.watchers.clear();
  }
}
