/**
 * @module binance/order-state
 * `GET /api/v3/order` + `GET /api/v3/myTrades` → the port's `VenueOrderState` (what `queryOrder` answers). Pure.
 *
 * Statuses: NEW, PENDING_NEW, PARTIALLY_FILLED and PENDING_CANCEL ("currently unused") → OPEN · FILLED → FILLED ·
 * CANCELED → CANCELLED · REJECTED → REJECTED · EXPIRED, EXPIRED_IN_MATCH → EXPIRED (the reason is Binance's status,
 * as the live reports give it). Fills keep Binance's trade `id` — the same id the user data stream's `t` carries,
 * so the domain's duplicate check spans both.
 */
import type { VenueOrderState, VenueOrderStatus } from '@cadenza/domain';
import type { AccountTrade, BinanceOrderStatus, OrderReport } from './http/parse.ts';

function mapStatus(status: BinanceOrderStatus | undefined): VenueOrderStatus {
  switch (status) {
    case undefined:
    case 'NEW':
    case 'PENDING_NEW':
    case 'PARTIALLY_FILLED':
    case 'PENDING_CANCEL':
      return 'OPEN';
    case 'FILLED':
      return 'FILLED';
    case 'CANCELED':
      return 'CANCELLED';
    case 'REJECTED':
      return 'REJECTED';
    case 'EXPIRED':
    case 'EXPIRED_IN_MATCH':
      return 'EXPIRED';
  }
}

/** The query's answer and the order's trades (other orders' rows are ignored), oldest fill first. */
export function toVenueOrderState(report: OrderReport, trades: readonly AccountTrade[]): VenueOrderState {
  const status = mapStatus(report.status);
  const fills = trades
    .filter((t) => t.orderId === report.orderId)
    .map((t) => ({ tradeId: t.tradeId, price: t.price, quantity: t.quantity, fee: t.fee, feeAsset: t.feeAsset, liquidity: t.isMaker ? ('MAKER' as const) : ('TAKER' as const), timestamp: t.time }))
    .sort((a, b) => a.timestamp - b.timestamp || compareIds(a.tradeId, b.tradeId));
  const state: VenueOrderState = { status, externalOrderId: String(report.orderId), executedQuantity: report.executedQty ?? '0', fills };
  if (report.cummulativeQuoteQty !== undefined) state.executedCost = report.cummulativeQuoteQty;
  if (status !== 'OPEN' && status !== 'FILLED' && report.status !== undefined) state.reason = report.status;
  if (report.transactTime !== undefined) state.updatedAt = report.transactTime;
  return state;
}

/** Numeric trade ids, compared without floats. */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
