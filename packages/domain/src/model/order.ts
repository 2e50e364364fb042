/**
 * @module model/order
 * The trade order as the domain keeps it, and one execution (fill) of it.
 *
 * Amounts are decimal strings. `lockAsset`/`lockedAmount` is what the order still holds of the account's balance
 * (moved from free to locked at submit, consumed by fills, released when the order closes).
 */
import type { OrderStatus } from '@cadenza/contract';

export type { OrderSideValue } from './primitives.ts';
import type { OrderSideValue } from './primitives.ts';

export interface Order {
  tradeOrderId: string;
  tradingAccountId: string;
  userId: string;
  venue: string;
  instrumentId: string;
  symbol: string;
  externalSymbol?: string;
  baseAsset: string;
  quoteAsset: string;
  clientOrderId: string;
  originalClientOrderId?: string;
  externalOrderId?: string;
  idempotencyKey?: string;
  orderType: string;
  side: OrderSideValue;
  /** 'BASE': quantity in base units; 'QUOTE': an amount of the quote asset. */
  quantityType: 'BASE' | 'QUOTE';
  quantity: string;
  limitPrice?: string;
  stopPrice?: string;
  timeInForce: string;
  status: OrderStatus;
  /** Base quantity filled so far. */
  executedQuantity: string;
  /** Quote amount filled so far (Σ price × quantity). */
  executedCost: string;
  /** Fees charged so far, per asset. */
  fees: Record<string, string>;
  cancelReason?: string;
  rejectReason?: string;
  lockAsset: string;
  lockedAmount: string;
  createdAt: number;
  updatedAt: number;
  expireAt?: number;
  lastExecutionAt?: number;
  canceledAt?: number;
}

/** One fill as the venue reported it; (tradeOrderId, tradeId) is unique. */
export interface Fill {
  tradeOrderId: string;
  tradingAccountId: string;
  venue: string;
  tradeId: string;
  side: OrderSideValue;
  price: string;
  quantity: string;
  fee: string;
  feeAsset: string;
  liquidity: 'MAKER' | 'TAKER';
  timestamp: number;
}
