/**
 * @module accounts/rpc-account
 * Trading accounts and their history in the contract's shapes.
 */
import type { RpcTradingAccount, RpcTradingAccountCredential, RpcTradingAccountOperationHistory } from '@cadenza/contract';
import { toIso } from '../model/time.ts';
import type { TradingAccount, TradingAccountOperation } from '../model/trading-account.ts';

export function toRpcTradingAccount(a: TradingAccount, credentials: RpcTradingAccountCredential[] = []): RpcTradingAccount {
  const out: RpcTradingAccount = {
    tradingAccountId: a.tradingAccountId,
    userId: a.userId,
    venue: a.venue as RpcTradingAccount['venue'],
    status: a.status,
    accountType: a.accountType,
    credentials,
    config: a.leverage === undefined ? {} : { leverage: a.leverage },
    createdAt: toIso(a.createdAt),
    updatedAt: toIso(a.updatedAt),
  };
  if (a.tenantId !== undefined) out.tenantId = a.tenantId;
  if (a.nickname !== undefined) out.nickname = a.nickname;
  if (a.externalAccountId !== undefined) out.externalAccountId = a.externalAccountId;
  if (a.externalAccountType !== undefined) out.externalAccountType = a.externalAccountType;
  if (a.positionMode !== undefined) out.positionMode = a.positionMode as RpcTradingAccount['positionMode'];
  if (a.collateralMode !== undefined) out.collateralMode = a.collateralMode as RpcTradingAccount['collateralMode'];
  if (a.marginMode !== undefined) out.marginMode = a.marginMode as RpcTradingAccount['marginMode'];
  return out;
}

export function toRpcOperation(op: TradingAccountOperation): RpcTradingAccountOperationHistory {
  const out: RpcTradingAccountOperationHistory = {
    tradingAccountHistoryId: op.operationId,
    tradingAccountId: op.tradingAccountId,
    timestamp: toIso(op.timestamp),
    operateBy: op.operateBy,
    tags: [...op.tags],
  };
  if (op.operationType !== undefined) out.operationType = op.operationType as RpcTradingAccountOperationHistory['operationType'];
  if (op.previousValues !== undefined) out.previousValues = op.previousValues;
  if (op.newValues !== undefined) out.newValues = op.newValues;
  return out;
}
