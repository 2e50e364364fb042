/**
 * @module model/balance
 * Balances per asset and positions per instrument of one trading account. total = free + locked, always.
 */

export interface Balance {
  balanceId: string;
  tradingAccountId: string;
  asset: string;
  free: string;
  locked: string;
  createdAt: number;
  updatedAt: number;
}

/**
 * Net position per instrument, built from fills (netting): signed quantity (> 0 long, < 0 short), average entry
 * price of the open quantity, and profit realised by reducing trades (in the quote asset, before fees).
 */
export interface Position {
  positionId: string;
  tradingAccountId: string;
  instrumentId: string;
  /** The base asset. */
  securitySymbol: string;
  quantity: string;
  entryPrice: string;
  /** Price of the last reducing trade. */
  exitPrice?: string;
  realizedPnl: string;
  createdAt: number;
  updatedAt: number;
}
