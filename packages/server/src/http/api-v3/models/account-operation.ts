/**
 * @module http/api-v3/models/account-operation
 * `RpcTradingAccountOperationHistory` → the REST `AccountOperation`: its coarse `OperationType` and
 * `OperationStatus` are the domain's reading of the entry (accounts/operation-kind.ts).
 */
import type { AccountOperation, RpcTradingAccountOperationHistory } from '@cadenza/contract';
import { operationKind } from '@cadenza/domain';
import { restTime } from './rest-time.ts';

export function toRestOperation(op: RpcTradingAccountOperationHistory): AccountOperation {
  const kind = operationKind({ ...(op.operationType === undefined ? {} : { operationType: op.operationType }), tags: op.tags ?? [] });
  return {
    operationId: op.tradingAccountHistoryId!,
    tradingAccountId: op.tradingAccountId!,
    operationType: kind.type,
    status: kind.status,
    ...restTime('createdAt', op.timestamp),
  };
}
