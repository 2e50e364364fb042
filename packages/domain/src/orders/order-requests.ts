/**
 * @module orders/order-requests
 * What the order desk takes: a submit as callers and the order lists make it, and the hooks other parts of the domain
 * plug into it (order lists, derivatives' pre-trade check, the OTC desk's QUOTED orders).
 */
import type { RpcTradeOrder } from '@cadenza/contract';
import type { CallerContext } from '../model/caller.ts';
import type { Order } from '../model/order.ts';
import type { TradingAccount } from '../model/trading-account.ts';
import type { InstrumentSpec } from '../model/instrument.ts';
import type { BookSnapshot } from '../model/market-data.ts';
import type { DerivativePreTradeResult } from '../margin/derivative-pre-trade.ts';
import type { OrderDraft } from './order-draft.ts';

export interface SubmitOrderRequest {
  tradingAccountId: string;
  tradeOrder: RpcTradeOrder;
  idempotencyKey?: string;
  awaitClosed?: boolean;
  /**
   * Derivatives (REST's SubmitTradeOrderRequest fields; over RPC read from `tradeOrder.leverage` / `.positionId`,
   * which RpcTradeOrder lacks): the leverage to margin at, the position to reduce or close.
   */
  leverage?: unknown;
  positionId?: string;
  /** A leg of an order list (order-lists.ts): never set from a client's params. */
  leg?: LegSpec;
}

/**
 * How an order-list leg is recorded: its list fields, and whether Cadenza holds it instead of sending it —
 * `PENDING` (CREATED, waiting for its parent to fill) or `ARMED` (ACCEPTED, an emulated stop waiting for its trigger).
 * A held leg locks nothing: the funds it needs are checked and locked when it goes to the venue.
 */
export interface LegSpec {
  fields: Partial<Order>;
  hold?: 'PENDING' | 'ARMED';
  /**
   * A leg of a list the venue places natively: recorded SUBMITTED, not sent (the list goes to the venue whole, from
   * order-lists.ts). `FUNDS`: the leg whose funds the list uses, checked and locked; `SHARES`: a leg using the same
   * funds (the other exit of an OCO, an entry's exits), which locks nothing.
   */
  native?: 'FUNDS' | 'SHARES';
}

/** Takes a submit that names a `contingencyType` (order-lists.ts). */
export type OrderListSubmit = (caller: CallerContext, req: SubmitOrderRequest) => Promise<Order>;

/** The pre-trade check of orders on derivative instruments (margin/derivative-orders.ts). */
export interface OrderDerivatives {
  preTrade(input: { account: TradingAccount; spec: InstrumentSpec; status: string; draft: OrderDraft; book: BookSnapshot | undefined; leverage: unknown; positionId: string | undefined }): DerivativePreTradeResult;
}

/**
 * Takes the orders the OTC desk answers (QUOTED orders, and every order of a FERMATA account): the account is the
 * caller's and ACTIVE, the submit is not a repeat (otc/quote-desk.ts).
 */
export type QuotedOrders = (caller: CallerContext, account: TradingAccount, req: SubmitOrderRequest, idempotencyKey: string | undefined) => Promise<Order>;
