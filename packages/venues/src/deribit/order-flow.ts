/**
 * @module deribit/order-flow
 * Turns what Deribit says about our orders — the answer to `private/buy|sell|cancel` (the order and its immediate
 * trades), `user.changes` notifications, a reconciliation query — into execution events, each fact once (kit order
 * tracker): accepted or rejected, every fill by trade id (the last of a filled order final), the end.
 *
 * Deribit's trades carry its order id and its orders our clientOrderId as `label`; the flow maps one to the other.
 * A remainder Deribit cancels itself (market, IOC, FOK) is EXPIRED unless we asked for the cancel.
 */
import type { ExecutionSink } from '@cadenza/domain';
import { OrderTracker, type TrackedOrder } from '../kit/order-tracker.ts';
import type { DeribitInstrument } from './parse.ts';
import type { DeribitOrder, DeribitUserTrade } from './parse-account.ts';
import { deribitFill, deribitOrderStatus } from './order-state.ts';

export class DeribitOrderFlow {
  readonly tracker: OrderTracker;
  /** Deribit order id → our clientOrderId (trades carry the order id). */
  private readonly byOrderId = new Map<string, string>();
  /** Orders we asked to cancel. */
  private readonly cancelRequested = new Set<string>();

  constructor(
    execution: ExecutionSink,
    private readonly instrument: (name: string) => DeribitInstrument | undefined,
  ) {
    this.tracker = new OrderTracker(execution);
  }

  /** The Deribit order behind a clientOrderId is known (a reconciliation found it). */
  adopt(orderId: string, clientOrderId: string): void {
    this.byOrderId.set(orderId, clientOrderId);
  }

  /** We are about to ask Deribit to cancel the order. */
  cancelling(clientOrderId: string): void {
    this.cancelRequested.add(clientOrderId);
  }

  /** True when we asked for the order's cancel. */
  cancelAsked(clientOrderId: string): boolean {
    return this.cancelRequested.has(clientOrderId);
  }

  /** What an order's answer or report says: accepted, its fills, its end. */
  onOrder(tracked: TrackedOrder, order: DeribitOrder, trades: readonly DeribitUserTrade[]): void {
    const base = { tradeOrderId: tracked.tradeOrderId, tradingAccountId: tracked.tradingAccountId, externalOrderId: order.orderId };
    this.byOrderId.set(order.orderId, tracked.clientOrderId);
    const status = deribitOrderStatus(order, this.cancelRequested.has(tracked.clientOrderId));
    if (status === 'REJECTED') {
      this.tracker.emit(tracked, { ...base, type: 'rejected', reason: order.cancelReason ?? 'rejected by Deribit', timestamp: order.updatedAt });
      return;
    }
    this.tracker.emit(tracked, { ...base, type: 'accepted', timestamp: order.updatedAt });
    for (const t of trades) this.onTrade(tracked, t, status === 'FILLED' && t === trades[trades.length - 1]);
    if (status === 'CANCELLED') this.tracker.emit(tracked, { ...base, type: 'cancelled', reason: order.cancelReason ?? 'cancelled', timestamp: order.updatedAt });
    if (status === 'EXPIRED') this.tracker.emit(tracked, { ...base, type: 'expired', reason: `${order.orderType} remainder cancelled by Deribit (${order.cancelReason ?? order.timeInForce})`, timestamp: order.updatedAt });
  }

  /** The orders and trades of a `user.changes` notification of one account: only that account's orders count. */
  onChanges(tradingAccountId: string, orders: readonly DeribitOrder[], trades: readonly DeribitUserTrade[]): void {
    for (const order of orders) {
      const tracked = this.tracker.get(order.label);
      if (!tracked || tracked.tradingAccountId !== tradingAccountId) continue;
      this.onOrder(tracked, order, trades.filter((t) => t.orderId === order.orderId));
    }
    for (const t of trades) {
      const clientOrderId = this.byOrderId.get(t.orderId);
      const tracked = clientOrderId ? this.tracker.get(clientOrderId) : undefined;
      if (tracked && tracked.tradingAccountId === tradingAccountId) this.onTrade(tracked, t, false);
    }
  }

  private onTrade(tracked: TrackedOrder, t: DeribitUserTrade, final: boolean): void {
    const inst = this.instrument(t.instrument);
    if (!inst) return;
    this.tracker.emit(tracked, { type: 'filled', tradeOrderId: tracked.tradeOrderId, tradingAccountId: tracked.tradingAccountId, externalOrderId: t.orderId, ...deribitFill(t, inst), ...(final ? { final: true } : {}) });
  }
}
