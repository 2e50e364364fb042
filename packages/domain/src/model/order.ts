/**
 * @module model/order
 * The trade order as the domain keeps it, and one execution (fill) of it.
 *
 * Amounts are decimal strings. `lockAsset`/`lockedAmount` is what the order still holds of the account's balance
 * (moved from free to locked at submit, consumed by fills, released when the order closes).
 */
import type { OrderStatus, QuantityRounding } from '@cadenza/contract';

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
  /** How the client asked the quantity to be fitted to the lot (echoed as given; `quantity` is the fitted one). */
  quantityRounding?: QuantityRounding;
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
  /**
   * The position the order acts on: the one a client named to reduce or close (`positionId` on submit), else the one
   * its latest fill changed (spot orders: the holding; a trade through zero: the position it opened).
   */
  positionId?: string;
  /** Present on orders of derivative instruments. */
  derivative?: OrderDerivativeTerms;
  createdAt: number;
  updatedAt: number;
  expireAt?: number;
  lastExecutionAt?: number;
  canceledAt?: number;

  // ── order lists (OCO, OTO, OTOCO; orders/order-lists.ts) ──
  /** The list this order is a leg of. */
  orderListId?: string;
  /** The venue's id of a list it placed natively. */
  externalOrderListId?: string;
  contingencyType?: ContingencyType;
  orderListRole?: OrderListRole;
  /** The list's take-profit and stop-loss terms as requested (kept on every leg, as the REST TradeOrder shows them). */
  takeProfitPrice?: string;
  takeProfitLimitPrice?: string;
  takeProfitTimeInForce?: string;
  stopLossPrice?: string;
  stopLossLimitPrice?: string;
  stopLossTimeInForce?: string;
  /** A pending leg waits for this leg (its parent) to fill before it works. */
  parentTradeOrderId?: string;
  /** The venue placed the list natively (Binance's order lists): it, not Cadenza, starts and cancels the legs. */
  listAtVenue?: boolean;

  // ── trailing stops ──
  /** How far the trigger (`stopPrice`) follows the best price since acceptance. */
  trailingOffset?: string;
  trailingOffsetType?: TrailingOffsetType;
  /** The distance the venue trails by, as a price difference (basis points turned into one at submit). */
  trailingDelta?: string;

  // ── emulation (orders/order-emulator.ts) ──
  /** Held by Cadenza until its trigger fires (an emulated stop, or a leg that must not work beside its sibling). */
  emulated?: boolean;
  /** When Cadenza fired the trigger of an emulated order: since then it works at the venue as MARKET or LIMIT. */
  triggeredAt?: number;
}

export type ContingencyType = 'OCO' | 'OTO' | 'OTOCO';
export type OrderListRole = 'ENTRY' | 'TAKE_PROFIT' | 'STOP_LOSS';
export type TrailingOffsetType = 'PRICE' | 'BASIS_POINTS';

/** How a derivative order is margined and which position it may change; fixed at submit. */
export interface OrderDerivativeTerms {
  instrumentType: 'PERPETUAL' | 'FUTURES' | 'OPTION';
  /** The contract's terms (model/instrument.ts ContractTerms), copied so fills book without the catalogue. */
  contractSize: string;
  inverse?: boolean;
  settleAsset: string;
  maintenanceMarginRate: string;
  /** Decimals of prices and of settle-asset amounts on the positions it opens. */
  priceDecimals: number;
  amountDecimals: number;
  leverage: number;
  marginMode: 'CROSS' | 'ISOLATED';
  positionMode: 'NETTING' | 'HEDGE';
  /** True when the order may only reduce `Order.positionId` (named on submit, or a liquidation). */
  reduceOnly?: boolean;
  /** A liquidation the domain placed because maintenance margin was breached. */
  liquidation?: boolean;
}

/** One fill as the venue reported it; (tradeOrderId, tradeId) is unique. */
export interface Fill {
  /** Cadenza's id of the execution (the contract's `executionId`). */
  executionId: string;
  tradeOrderId: string;
  instrumentId: string;
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
