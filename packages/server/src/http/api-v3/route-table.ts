/**
 * @module http/api-v3/route-table
 * Every REST operation of contract §f this module serves — all but auth (packages/auth) and health
 * (http/health.ts) — by area. Each entry names the RPC method it dispatches and its two mappers
 * (rest-operation.ts); a test checks the table covers the contract.
 */
import { accountOperations } from './operations/account-operations.ts';
import { credentialOperations } from './operations/credential-operations.ts';
import { marketOperations } from './operations/market-operations.ts';
import { orderOperations } from './operations/order-operations.ts';
import { otcOperations } from './operations/otc-operations.ts';
import type { RestOperation } from './rest-operation.ts';

export const restOperations: readonly RestOperation[] = [
  { operationId: 'root', rpc: 'query.system.info' },
  ...orderOperations,
  ...credentialOperations,
  ...accountOperations,
  ...marketOperations,
  ...otcOperations,
];
