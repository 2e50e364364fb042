/**
 * @module order-extensions
 * What this server adds to the contract for orders, written by hand (the contract is silent on them; see
 * docs/extensions.md): fields on `RpcTradeOrder` and three RPC methods. Every addition is optional and additive — a
 * client that ignores it sees the contract unchanged — and takes the contract's own names where the contract has
 * them elsewhere (the REST `TradeOrder` and `SubmitTradeOrderRequest` carry the order-list and take-profit/stop-loss
 * fields; `TradeExecution` the fill).
 *
 * Their JSON Schemas (order-extension-schemas.ts) join the generated ones: the RPC layer validates params with them
 * and the contract test checks results against them.
 */
import type { ContingencyType, OrderSide, TimeInForce } from './generated/enums.ts';
import type { RpcError, RpcPagination, RpcSecurityQuantity, RpcTradeOrder } from './generated/models.ts';
import type { RpcMethodInfo } from './generated/rpc-methods.ts';

/** How `trailingOffset` is measured: a price distance, or basis points of the reference price (1 bp = 0.01 %). */
export type TrailingOffsetType = 'PRICE' | 'BASIS_POINTS';

/** A leg's part in its order list. */
export type OrderListRole = 'ENTRY' | 'TAKE_PROFIT' | 'STOP_LOSS';

/** The fields this server adds to `RpcTradeOrder` (accepted on submit, sent on every order it returns or pushes). */
export interface RpcTradeOrderExtension {
  /** The order list (OCO, OTO, OTOCO) this order is a leg of; every leg carries it. */
  orderListId?: string;
  /** The venue's id of the list, when the venue placed it natively (Binance). */
  externalOrderListId?: string;
  /** On submit: make an order list of the draft. On a leg: the list's type. */
  contingencyType?: ContingencyType;
  /** On a leg: its part in the list. */
  orderListRole?: OrderListRole;
  takeProfitPrice?: string;
  takeProfitLimitPrice?: string;
  takeProfitTimeInForce?: TimeInForce | null;
  stopLossPrice?: string;
  stopLossLimitPrice?: string;
  stopLossTimeInForce?: TimeInForce | null;
  /** TRAILING_STOP: how far the trigger (`stopPrice`) follows the best price since acceptance. */
  trailingOffset?: string;
  trailingOffsetType?: TrailingOffsetType;
  /** True while Cadenza, not the venue, holds the order until its trigger fires (emulated stops and list legs). */
  emulated?: boolean;
  /**
   * Derivatives (the REST `SubmitTradeOrderRequest` field). On submit: the leverage to margin the order at, a whole
   * number from 1 to the instrument's maximum (else the open position's, the account's, 1). On a derivative order:
   * the leverage it was margined at.
   */
  leverage?: number;
  /**
   * Derivatives (the REST `SubmitTradeOrderRequest` and `TradeOrder` field). On submit: the open position to reduce or
   * close (the order is then reduce-only). On a derivative order: the position it acts on — the one named, else the
   * one its latest fill changed.
   */
  positionId?: string;
}

export type RpcTradeOrderWithExtensions = RpcTradeOrder & RpcTradeOrderExtension;

/** `command.trade_order.amend`: new terms for a working order; what is not given stays. */
export interface RpcAmendTradeOrderParams {
  tradingAccountId: string;
  tradeOrderId?: string;
  clientOrderId?: string;
  externalOrderId?: string;
  /** The order's new total quantity (what is already filled included); more than what is filled. */
  quantity?: string;
  limitPrice?: string;
  stopPrice?: string;
}
export interface RpcAmendTradeOrderResult {
  data?: RpcTradeOrderWithExtensions;
  error?: RpcError;
}

/** `command.trade_order.cancel_all`: every working order of the account, or of one instrument in it. */
export interface RpcCancelAllTradeOrdersParams {
  tradingAccountId: string;
  instrumentId?: string;
}
export interface RpcCancelAllTradeOrdersResult {
  /** Each working order the call found, in its state after it (CANCELLED; PENDING_CANCEL at a slow venue; FILLED when a fill won the race). */
  data?: RpcTradeOrderWithExtensions[];
  error?: RpcError;
}

/** One execution (fill) of an order: the RPC twin of the REST `TradeExecution`. */
export interface RpcTradeExecution {
  executionId: string;
  tradeOrderId: string;
  tradingAccountId: string;
  /** The venue's trade id. */
  externalTradeId?: string;
  venue: string;
  instrumentId: string;
  orderSide?: OrderSide;
  executedQuantity: string;
  executedPrice: string;
  /** executedPrice × executedQuantity, in the quote asset. */
  executedCost: string;
  fees?: RpcSecurityQuantity[];
  liquidity?: 'MAKER' | 'TAKER';
  executedAt: string;
}

/** `query.trade_order.execution.list`: the caller's fills, newest first unless `ascending`. */
export interface RpcListTradeExecutionsParams {
  tradingAccountId?: string;
  tradeOrderId?: string;
  /** The fills of any of these orders (at most 1,000 ids; REST order answers read their `executions` with it). */
  tradeOrderIds?: string[];
  instrumentId?: string;
  /** Executed at or after (ISO-8601). */
  startTime?: string;
  /** Executed at or before (ISO-8601). */
  endTime?: string;
  ascending?: boolean;
  pagination?: RpcPagination;
}
export interface RpcListTradeExecutionsResult {
  data?: RpcTradeExecution[];
  pagination?: RpcPagination;
  error?: RpcError;
}

/** The extension methods and their types, as the generated `RpcMethodMap` has the contract's. */
export interface ExtensionRpcMethodMap {
  'command.trade_order.amend': { params: RpcAmendTradeOrderParams; result: RpcAmendTradeOrderResult };
  'command.trade_order.cancel_all': { params: RpcCancelAllTradeOrdersParams; result: RpcCancelAllTradeOrdersResult };
  'query.trade_order.execution.list': { params: RpcListTradeExecutionsParams; result: RpcListTradeExecutionsResult };
}

export const extensionRpcMethods: readonly RpcMethodInfo[] = [
  { method: 'command.trade_order.amend', kind: 'command', area: 'trade_order', params: 'RpcAmendTradeOrderParams', result: 'RpcAmendTradeOrderResult', resultData: 'RpcTradeOrder' },
  { method: 'command.trade_order.cancel_all', kind: 'command', area: 'trade_order', params: 'RpcCancelAllTradeOrdersParams', result: 'RpcCancelAllTradeOrdersResult', resultData: 'array<RpcTradeOrder>' },
  { method: 'query.trade_order.execution.list', kind: 'query', area: 'trade_order', params: 'RpcListTradeExecutionsParams', result: 'RpcListTradeExecutionsResult', resultData: 'array<RpcTradeExecution>' },
];
