/**
 * @module model/trading-account
 * The trading account as the domain keeps it, and its operation history entry.
 */
import type { TradingAccountStatus, TradingAccountType } from '@cadenza/contract';

export interface TradingAccount {
  tradingAccountId: string;
  /** Owner (JWT `sub`). */
  userId: string;
  tenantId?: string;
  nickname?: string;
  externalAccountId?: string;
  /** A `Venue` enum value. */
  venue: string;
  status: TradingAccountStatus;
  accountType: TradingAccountType;
  externalAccountType?: string;
  positionMode?: string | null;
  collateralMode?: string | null;
  marginMode?: string | null;
  leverage?: number;
  /** Credentials attached to this account, oldest first. */
  credentialIds: string[];
  createdAt: number;
  updatedAt: number;
  /** Set when deleted: the account is kept for history but hidden from every list and call. */
  deletedAt?: number;
}

/** One recorded change of a trading account: who did it, when, and the values before and after. */
export interface TradingAccountOperation {
  operationId: string;
  tradingAccountId: string;
  timestamp: number;
  /** A `TradingAccountOperationType`, or undefined for changes the enum has no value for (create, update). */
  operationType?: string;
  /** userId of the caller, or 'system'. */
  operateBy: string;
  tags: string[];
  previousValues?: Record<string, unknown>;
  newValues?: Record<string, unknown>;
}
