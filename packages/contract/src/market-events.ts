/**
 * @module market-events
 * Payloads the contract leaves open, fixed by docs/architecture.md, decision 2.
 */
import type { OrderSide } from './generated/enums.ts';

/** Publication on `market:trade:{VENUE}:{SYMBOL}`; `side` is the taker's; decimals as strings; epoch ms. */
export interface MarketTrade {
  instrumentId: string;
  venue: string;
  symbol: string;
  tradeId: string;
  price: string;
  quantity: string;
  side: OrderSide;
  timestamp: number;
}

/**
 * Publication on `tradingAccount:{id}` and `user:{userId}`: `type` is the contract's event name
 * (`event.trade_order.updated`, `event.portfolio.updated`, …) and `data` its payload model.
 */
export interface AccountEvent<T = unknown> {
  type: string;
  data: T;
  /** Epoch ms. */
  timestamp: number;
}
