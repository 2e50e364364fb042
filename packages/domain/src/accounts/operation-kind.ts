/**
 * @module accounts/operation-kind
 * What an entry of an account's history was, in the contract's coarse `OperationType` / `OperationStatus` terms
 * (the REST `AccountOperation`), from the finer record the domain keeps (`TradingAccountOperationType` + tags).
 * Creation, edits, admin saves and credential attachment are all `UPDATE`; a deletion is a `DISCONNECT` (the
 * contract's disconnect is the one that archives an account); a failed connect is `CONNECT` / `FAILED`.
 */
import type { OperationStatus, OperationType } from '@cadenza/contract';

const byOperationType: Record<string, OperationType> = {
  CONNECT: 'CONNECT',
  CONNECTED: 'CONNECT',
  DISCONNECT: 'DISCONNECT',
  DISCONNECTED: 'DISCONNECT',
  DELETED: 'DISCONNECT',
  ENABLE: 'ENABLE',
  ENABLED: 'ENABLE',
  DISABLE: 'DISABLE',
  DISABLED: 'DISABLE',
};

export function operationKind(op: { operationType?: string; tags?: readonly string[] }): { type: OperationType; status: OperationStatus } {
  const tags = op.tags ?? [];
  const status: OperationStatus = tags.includes('FAILED') ? 'FAILED' : 'SUCCESS';
  const byType = op.operationType === undefined ? undefined : byOperationType[op.operationType];
  if (byType) return { type: byType, status };
  if (tags.includes('CREDENTIAL_REVOKE')) return { type: 'CREDENTIAL_REVOKE', status };
  if (tags.includes('CREDENTIAL_ROTATE')) return { type: 'CREDENTIAL_ROTATE', status };
  return { type: 'UPDATE', status };
}
