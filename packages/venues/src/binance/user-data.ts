/**
 * @module binance/user-data
 * User Data Stream events → ExecutionEvents. Pure: the caller supplies which of our orders a Binance client
 * order id belongs to. Binance's execution types (`x`) map as follows:
 *
 *   NEW → accepted (a list's pending leg, status PENDING_NEW: nothing until it works) · TRADE → filled (tradeId `t`, price `L`, qty `l`, fee `n` in `N`, maker `m`)
 *   CANCELED → cancelled · REJECTED → rejected (reason `r`) · EXPIRED → expired
 *   TRADE_PREVENTION → expired (order status EXPIRED_IN_MATCH, self-trade prevention)
 *   REPLACED, AMENDMENT → nothing to report (we never amend)
 *
 * A cancel's report carries the cancel request's own id in `c` and the order's id in `C`, so lookups use
 * `C` when it is set. `outboundAccountPosition` becomes a `balances` snapshot of the assets it lists.
 */
import type { ExecutionEvent } from '@cadenza/domain';
import { asArray, asObject, bool, decimal, frameObject, int, optStr, str, type WireObject } from './wire.ts';
import type { OrderEvent } from './order-tracker.ts';
import { normalizeDecimal } from '@cadenza/domain';

/** Execution types (`x`) of an executionReport, exhaustively. */
export type BinanceExecutionType = 'NEW' | 'CANCELED' | 'REPLACED' | 'REJECTED' | 'TRADE' | 'EXPIRED' | 'TRADE_PREVENTION' | 'AMENDMENT';
const EXECUTION_TYPES: readonly string[] = ['NEW', 'CANCELED', 'REPLACED', 'REJECTED', 'TRADE', 'EXPIRED', 'TRADE_PREVENTION', 'AMENDMENT'];

/** The fields of an executionReport the connector uses. */
export interface ExecutionReport {
  symbol: string;
  clientOrderId: string;
  /** Set on cancels: the id of the order being cancelled. */
  origClientOrderId?: string;
  executionType: BinanceExecutionType;
  orderStatus: string;
  rejectReason: string;
  orderId: number;
  lastQuantity: string;
  lastPrice: string;
  commission: string;
  commissionAsset?: string;
  tradeId: number;
  isMaker: boolean;
  transactionTime: number;
  /** The order list the order is a leg of (`g`; absent or -1 when none). */
  orderListId?: number;
}

/** executionReport payload → ExecutionReport; an unknown execution type throws. */
export function parseExecutionReport(raw: unknown): ExecutionReport {
  const o = asObject(raw, 'executionReport');
  const x = str(o, 'x');
  if (!EXECUTION_TYPES.includes(x)) throw new Error(`unknown execution type ${x}`);
  const orig = optStr(o, 'C');
  const asset = optStr(o, 'N');
  return {
    symbol: str(o, 's'),
    clientOrderId: str(o, 'c'),
    ...(orig ? { origClientOrderId: orig } : {}),
    executionType: x as BinanceExecutionType,
    orderStatus: str(o, 'X'),
    rejectReason: str(o, 'r'),
    orderId: int(o, 'i'),
    lastQuantity: normalizeDecimal(decimal(o, 'l')),
    lastPrice: normalizeDecimal(decimal(o, 'L')),
    commission: normalizeDecimal(decimal(o, 'n')),
    ...(asset ? { commissionAsset: asset } : {}),
    tradeId: int(o, 't'),
    isMaker: bool(o, 'm'),
    transactionTime: int(o, 'T'),
    ...(typeof o.g === 'number' && o.g >= 0 ? { orderListId: o.g } : {}),
  };
}

/** Which of our orders a report is about. */
export interface OrderRef {
  tradeOrderId: string;
  tradingAccountId: string;
  /** Fee asset to report when Binance sends none (`N` is null on zero commission). */
  fallbackFeeAsset: string;
}

/** The client order id that identifies our order in a report. */
export function reportOrderKey(report: ExecutionReport): string {
  return report.executionType === 'CANCELED' && report.origClientOrderId ? report.origClientOrderId : report.clientOrderId;
}

/** One report → at most one event (undefined for REPLACED/AMENDMENT). */
export function mapExecutionReport(report: ExecutionReport, ref: OrderRef): OrderEvent | undefined {
  const base = {
    tradeOrderId: ref.tradeOrderId,
    tradingAccountId: ref.tradingAccountId,
    externalOrderId: String(report.orderId),
    ...(report.orderListId !== undefined ? { externalOrderListId: String(report.orderListId) } : {}),
    timestamp: report.transactionTime,
  };
  switch (report.executionType) {
    case 'NEW':
      // A list's leg held until its entry fills is placed PENDING_NEW: it works (NEW) only later.
      return report.orderStatus === 'PENDING_NEW' ? undefined : { ...base, type: 'accepted' };
    case 'TRADE':
      return {
        ...base,
        type: 'filled',
        tradeId: String(report.tradeId),
        price: report.lastPrice,
        quantity: report.lastQuantity,
        fee: report.commission,
        feeAsset: report.commissionAsset ?? ref.fallbackFeeAsset,
        liquidity: report.isMaker ? 'MAKER' : 'TAKER',
      };
    case 'CANCELED':
      return { ...base, type: 'cancelled', reason: 'CANCELED' };
    case 'REJECTED':
      return { ...base, type: 'rejected', reason: report.rejectReason };
    case 'EXPIRED':
      return { ...base, type: 'expired', reason: report.orderStatus };
    case 'TRADE_PREVENTION':
      return { ...base, type: 'expired', reason: 'EXPIRED_IN_MATCH' };
    case 'REPLACED':
    case 'AMENDMENT':
      return undefined;
  }
}

/** outboundAccountPosition → a `balances` event for the account the subscription belongs to. */
export function parseAccountPosition(raw: unknown, tradingAccountId: string): Extract<ExecutionEvent, { type: 'balances' }> {
  const o = asObject(raw, 'outboundAccountPosition');
  return {
    type: 'balances',
    tradingAccountId,
    balances: asArray(o.B, 'B').map((b, i) => {
      const row = asObject(b, `B[${i}]`);
      return { asset: str(row, 'a'), free: normalizeDecimal(decimal(row, 'f')), locked: normalizeDecimal(decimal(row, 'l')) };
    }),
    timestamp: int(o, 'E'),
  };
}

/** WebSocket API frames: replies to our requests, and events of a user data subscription. */
export type WsApiMessage =
  | { kind: 'response'; id: string; status: number; result: unknown; error?: { code: number; msg: string } }
  | { kind: 'event'; subscriptionId: number | undefined; event: WireObject }
  | { kind: 'unknown'; raw: unknown };

/** Classifies a WebSocket API frame; never throws. */
export function parseWsApiMessage(text: string): WsApiMessage {
  const frame = frameObject(text);
  if (!('object' in frame)) return { kind: 'unknown', raw: frame.raw };
  const o = frame.object;
  if (typeof o.event === 'object' && o.event !== null && !Array.isArray(o.event)) {
    return { kind: 'event', subscriptionId: typeof o.subscriptionId === 'number' ? o.subscriptionId : undefined, event: o.event as WireObject };
  }
  if ((typeof o.id === 'string' || typeof o.id === 'number') && typeof o.status === 'number') {
    const err = typeof o.error === 'object' && o.error !== null ? (o.error as WireObject) : undefined;
    return {
      kind: 'response',
      id: String(o.id),
      status: o.status,
      result: o.result,
      ...(err && typeof err.code === 'number' && typeof err.msg === 'string' ? { error: { code: err.code, msg: err.msg } } : {}),
    };
  }
  return { kind: 'unknown', raw: o };
}

/** A `listStatus` event: an order list's status and its legs' client order ids. */
export interface ListStatus {
  orderListId: number;
  /** EXECUTING, ALL_DONE or REJECT. */
  listOrderStatus: string;
  /** Why Binance refused the list (`r`), NONE otherwise. */
  rejectReason: string;
  clientOrderIds: string[];
  transactionTime: number;
}

export function parseListStatus(raw: unknown): ListStatus {
  const o = asObject(raw, 'listStatus');
  return {
    orderListId: int(o, 'g'),
    listOrderStatus: str(o, 'L'),
    rejectReason: str(o, 'r'),
    clientOrderIds: asArray(o.O, 'O').map((leg, i) => str(asObject(leg, `O[${i}]`), 'c')),
    transactionTime: int(o, 'T'),
  };
}
