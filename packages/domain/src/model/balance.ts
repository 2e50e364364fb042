/**
 * @module model/balance
 * Balances per asset of one trading account. total = free + locked, always. Positions: model/position.ts.
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
