/**
 * @module binance/order-tracker
 * The kit's order tracker (each fact once: `accepted`, fills by trade id, one terminal event) plus what a Binance
 * REST order answer (POST FULL/ACK, GET, DELETE) says about an order.
 */
import { OrderTracker as KitOrderTracker, type TrackedOrder } from '../kit/order-tracker.ts';
import type { OrderReport } from './http/parse.ts';

export type { OrderEvent, TrackedOrder } from '../kit/order-tracker.ts';

export class OrderTracker extends KitOrderTracker {
  /**
   * Emits what a REST order answer (POST FULL/ACK, GET, DELETE; a leg's report in an order list's answer) says about
   * the order. A leg Binance holds until its list's entry fills (PENDING_NEW) is not working yet: nothing to report.
   */
  emitReport(t: TrackedOrder, report: OrderReport, now: number, externalOrderListId?: string): void {
    const base = { tradeOrderId: t.tradeOrderId, tradingAccountId: t.tradingAccountId, externalOrderId: String(report.orderId), ...(externalOrderListId !== undefined ? { externalOrderListId } : {}) };
    const at = report.transactTime ?? now;
    if (report.status === 'PENDING_NEW') return;
    if (report.status !== 'REJECTED') this.emit(t, { ...base, type: 'accepted', timestamp: at });
    for (const f of report.fills) {
      this.emit(t, { ...base, type: 'filled', tradeId: f.tradeId, price: f.price, quantity: f.quantity, fee: f.fee, feeAsset: f.feeAsset, liquidity: 'TAKER', timestamp: at });
    }
    switch (report.status) {
      case undefined:
      case 'NEW':
      case 'PARTIALLY_FILLED':
      case 'FILLED':
      case 'PENDING_CANCEL':
        return;
      case 'CANCELED':
        this.emit(t, { ...base, type: 'cancelled', reason: 'CANCELED', timestamp: at });
        return;
      case 'REJECTED':
        this.emit(t, { ...base, type: 'rejected', reason: 'REJECTED', timestamp: at });
        return;
      case 'EXPIRED':
      case 'EXPIRED_IN_MATCH':
        this.emit(t, { ...base, type: 'expired', reason: report.status, timestamp: at });
        return;
    }
  }
}
