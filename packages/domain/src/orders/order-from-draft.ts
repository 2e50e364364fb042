/**
 * @module orders/order-from-draft
 * The Order a submit records, built from the client's draft (order-draft.ts) and what the pre-trade check decided
 * (pre-trade.ts, or margin/derivative-pre-trade.ts): the quantity and the lock are the check's, the prices and terms
 * the draft's, the instrument's names the spec's. Pure.
 */
import type { QuantityRounding } from '@cadenza/contract';
import type { DerivativePreTradeResult } from '../margin/derivative-pre-trade.ts';
import { str } from '../model/decimal.ts';
import type { InstrumentSpec } from '../model/instrument.ts';
import type { Order } from '../model/order.ts';
import type { TradingAccount } from '../model/trading-account.ts';
import type { OrderDraft } from './order-draft.ts';
import type { PreTradeOk } from './pre-trade.ts';
import { transition } from './status-machine.ts';
import type { TrailingTerms } from './trailing-stop.ts';

/** A check that passed: a spot order's, or a derivative's with its terms and the position it reduces. */
export type PassedCheck = PreTradeOk | Extract<DerivativePreTradeResult, { ok: true }>;

/**
 * The new order, SUBMITTED. `trailing`: a trailing stop's terms, its trigger already the draft's `stopPrice`. A
 * clientOrderId the client did not give is the order id without its dashes.
 */
export function orderFromDraft(
  now: number,
  tradeOrderId: string,
  account: TradingAccount,
  spec: InstrumentSpec,
  draft: OrderDraft,
  check: PassedCheck,
  trailing: TrailingTerms | undefined,
  idempotencyKey: string | undefined,
): Order {
  const submitted = transition('CREATED', 'SUBMIT');
  if (!submitted.ok) throw new Error('status machine refuses CREATED → SUBMIT');
  const order: Order = {
    tradeOrderId,
    tradingAccountId: account.tradingAccountId,
    userId: account.userId,
    venue: account.venue,
    instrumentId: spec.instrumentId,
    symbol: spec.symbol,
    externalSymbol: spec.externalSymbol,
    baseAsset: spec.baseAsset,
    quoteAsset: spec.quoteAsset,
    clientOrderId: draft.clientOrderId ?? tradeOrderId.replace(/-/g, ''),
    orderType: draft.orderType,
    side: draft.side,
    quantityType: check.quantityType,
    quantity: str(check.quantity),
    timeInForce: draft.timeInForce,
    status: submitted.status,
    executedQuantity: '0',
    executedCost: '0',
    fees: {},
    lockAsset: check.lockAsset,
    lockedAmount: str(check.lockAmount),
    createdAt: now,
    updatedAt: now,
  };
  if (idempotencyKey !== undefined) order.idempotencyKey = idempotencyKey;
  // The check refused a mode it does not know, so what is left is one of the contract's.
  if (draft.quantityRounding) order.quantityRounding = draft.quantityRounding as QuantityRounding;
  if (draft.limitPrice) order.limitPrice = str(draft.limitPrice);
  if (draft.stopPrice) order.stopPrice = str(draft.stopPrice);
  if (draft.expireAt !== undefined) order.expireAt = draft.expireAt;
  if ('derivative' in check) {
    order.derivative = check.derivative;
    if (check.positionId !== undefined) order.positionId = check.positionId;
  }
  if (trailing) {
    order.trailingOffset = str(draft.trailingOffset!);
    order.trailingOffsetType = draft.trailingOffsetType ?? 'PRICE';
    order.trailingDelta = str(trailing.distance);
  }
  return order;
}
