/**
 * @module orders/open-orders
 * The order service's memory: orders not yet closed, the per-account idempotencyKey and clientOrderId indexes
 * (every order ever stored, loaded at start), and callers waiting for an order to change. Closed orders are read
 * from the store. Nothing here writes.
 */
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { Order } from './order.ts';
import { isTerminal } from './status-machine.ts';

export interface OrderLookup {
  tradingAccountId?: string;
  tradeOrderId?: string;
  clientOrderId?: string;
  externalOrderId?: string;
}

const key = (tradingAccountId: string, k: string) => `${tradingAccountId}\u0001${k}`;

export class OpenOrders {
  private readonly open = new Map<string, Order>();
  private readonly openPerAccount = new Map<string, number>();
  private readonly byIdempotencyKey = new Map<string, string>();
  private readonly byClientOrderId = new Map<string, string>();
  private readonly watchers = new Map<string, Set<() => void>>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly ctx: DomainContext) {}

  load(): void {
    for (const k of this.ctx.store.listOrderKeys()) {
      this.byClientOrderId.set(key(k.tradingAccountId, k.clientOrderId), k.tradeOrderId);
      if (k.idempotencyKey !== undefined) this.byIdempotencyKey.set(key(k.tradingAccountId, k.idempotencyKey), k.tradeOrderId);
    }
    for (const o of this.ctx.store.listOpenOrders()) this.track(o);
  }

  /** The order a repeated submit refers to: by idempotencyKey first, then by clientOrderId. */
  duplicateOf(tradingAccountId: string, idempotencyKey: string | undefined, clientOrderId: string | undefined): string | undefined {
    return (
      (idempotencyKey !== undefined ? this.byIdempotencyKey.get(key(tradingAccountId, idempotencyKey)) : undefined) ??
      (clientOrderId !== undefined ? this.byClientOrderId.get(key(tradingAccountId, clientOrderId)) : undefined)
    );
  }

  /** Indexes a new order's keys and tracks it while open. */
  add(o: Order): void {
    this.byClientOrderId.set(key(o.tradingAccountId, o.clientOrderId), o.tradeOrderId);
    if (o.idempotencyKey !== undefined) this.byIdempotencyKey.set(key(o.tradingAccountId, o.idempotencyKey), o.tradeOrderId);
    this.track(o);
  }

  /** Undoes `add` for an order whose insert was rolled back. */
  forget(o: Order): void {
    if (this.open.delete(o.tradeOrderId)) this.openPerAccount.set(o.tradingAccountId, (this.openPerAccount.get(o.tradingAccountId) ?? 1) - 1);
    if (this.byClientOrderId.get(key(o.tradingAccountId, o.clientOrderId)) === o.tradeOrderId) this.byClientOrderId.delete(key(o.tradingAccountId, o.clientOrderId));
    if (o.idempotencyKey !== undefined && this.byIdempotencyKey.get(key(o.tradingAccountId, o.idempotencyKey)) === o.tradeOrderId) {
      this.byIdempotencyKey.delete(key(o.tradingAccountId, o.idempotencyKey));
    }
  }

  /** Records the committed state of an order and wakes whoever waits on it. */
  remember(o: Order): void {
    if (isTerminal(o.status)) {
      if (this.open.delete(o.tradeOrderId)) this.openPerAccount.set(o.tradingAccountId, (this.openPerAccount.get(o.tradingAccountId) ?? 1) - 1);
    } else {
      this.track(o);
    }
    const ws = this.watchers.get(o.tradeOrderId);
    if (ws) for (const w of [...ws]) w();
  }

  private track(o: Order): void {
    if (isTerminal(o.status)) return;
    if (!this.open.has(o.tradeOrderId)) this.openPerAccount.set(o.tradingAccountId, (this.openPerAccount.get(o.tradingAccountId) ?? 0) + 1);
    this.open.set(o.tradeOrderId, o);
  }

  /** An open order, from memory only. */
  openOrder(tradeOrderId: string): Order | undefined {
    return this.open.get(tradeOrderId);
  }

  openOrders(): Order[] {
    return [...this.open.values()];
  }

  hasOpen(tradingAccountId: string): boolean {
    return (this.openPerAccount.get(tradingAccountId) ?? 0) > 0;
  }

  get size(): number {
    return this.open.size;
  }

  /** The order in its latest committed state, open or closed; undefined when unknown. */
  find(tradeOrderId: string): Order | undefined {
    return this.open.get(tradeOrderId) ?? this.ctx.store.getOrder(tradeOrderId);
  }

  current(tradeOrderId: string): Order {
    const o = this.find(tradeOrderId);
    if (!o) throw new DomainError('ORDER_NOT_FOUND', `trade order ${tradeOrderId} not found`);
    return o;
  }

  /** An order of the account by tradeOrderId, clientOrderId or externalOrderId (first given wins). */
  lookup(tradingAccountId: string, q: OrderLookup): Order | undefined {
    if (q.tradeOrderId) {
      const o = this.find(q.tradeOrderId);
      return o && o.tradingAccountId === tradingAccountId ? o : undefined;
    }
    if (q.clientOrderId) {
      const id = this.byClientOrderId.get(key(tradingAccountId, q.clientOrderId));
      return id ? this.current(id) : undefined;
    }
    if (q.externalOrderId) {
      for (const o of this.open.values()) if (o.tradingAccountId === tradingAccountId && o.externalOrderId === q.externalOrderId) return o;
      return this.ctx.store.findOrderByExternalOrderId(tradingAccountId, q.externalOrderId);
    }
    throw new DomainError('INVALID_ORDER_PARAMETERS', 'tradeOrderId, clientOrderId or externalOrderId is required');
  }

  /** Resolves with the order once `done(order)` holds, or with its state when `timeoutMs` passes. */
  waitFor(tradeOrderId: string, done: (o: Order) => boolean, timeoutMs: number): Promise<Order> {
    const now = this.current(tradeOrderId);
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
