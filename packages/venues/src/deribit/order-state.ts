/**
 * @module deribit/order-state
 * A Deribit order and its trades as the port's order state: the status its `order_state` means (a market, IOC or
 * FOK remainder Deribit cancels itself is EXPIRED, a cancel we asked for CANCELLED) and its fills in contracts.
 */
import type { VenueFill, VenueOrderState } from '@cadenza/domain';
import { toContracts, type DeribitInstrument } from './parse.ts';
import type { DeribitOrder, DeribitUserTrade } from './parse-account.ts';

export function deribitOrderStatus(order: DeribitOrder, cancelRequested: boolean): VenueOrderState['status'] {
  switch (order.state) {
    case 'open':
    case 'untriggered':
    case 'triggered':
      return 'OPEN';
    case 'filled':
      return 'FILLED';
    case 'rejected':
      return 'REJECTED';
    case 'cancelled': {
      const selfEnding = order.orderType === 'market' || order.timeInForce === 'immediate_or_cancel' || order.timeInForce === 'fill_or_kill';
      return selfEnding && !cancelRequested ? 'EXPIRED' : 'CANCELLED';
    }
  }
}

export function deribitFill(t: DeribitUserTrade, inst: DeribitInstrument): VenueFill {
  return { tradeId: t.tradeId, price: t.price, quantity: toContracts(t.amount, inst.contractSize), fee: t.fee, feeAsset: t.feeCurrency, liquidity: t.liquidity, timestamp: t.timestamp };
}

/** What `queryOrder` answers for an order Deribit has, with its trades (any order). */
export function deribitOrderState(order: DeribitOrder, trades: DeribitUserTrade[], inst: DeribitInstrument, cancelRequested: boolean): VenueOrderState {
  const status = deribitOrderStatus(order, cancelRequested);
  const state: VenueOrderState = {
    status,
    externalOrderId: order.orderId,
    executedQuantity: toContracts(order.filledAmount, inst.contractSize),
    fills: trades.map((t) => deribitFill(t, inst)).sort((a, b) => a.timestamp - b.timestamp),
    updatedAt: order.updatedAt,
  };
  if (status === 'CANCELLED' || status === 'EXPIRED' || status === 'REJECTED') state.reason = order.cancelReason ?? order.state;
  return state;
}
