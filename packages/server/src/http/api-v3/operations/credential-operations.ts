/**
 * @module http/api-v3/operations/credential-operations
 * `/credential/*`. REST names the secrets `apiSecret`/`apiPassphrase` (RPC `secretKey`/`secretPassphrase`);
 * a credential is made without an account and attached by `tradingAccount/connect`'s `credentialIds`; rotate keeps
 * the credential's type; verify answers the trading accounts the credentials are attached to.
 */
import type { RpcTradingAccountCredential, RpcVerifyCredentialResultData } from '@cadenza/contract';
import { toRestCredential, toRestTradingAccount } from '../models/trading-account.ts';
import { compact, type RestOperation } from '../rest-operation.ts';

/** credential/list takes no paging parameters: one page holds every credential a caller may have. */
const ALL_CREDENTIALS = { offset: 0, limit: 1000 };

export const credentialOperations: RestOperation[] = [
  {
    operationId: 'listTradingAccountCredentials',
    rpc: 'query.credential.list',
    request: (q) => compact({ credentialType: q.credentialType, status: q.credentialStatus, credentialIds: q.credentialIds, pagination: ALL_CREDENTIALS }),
    response: (creds: RpcTradingAccountCredential[]) => creds.map((c) => toRestCredential(c)),
  },
  {
    operationId: 'createTradingAccountCredential',
    rpc: 'command.credential.create',
    request: (b) => compact({ venue: b.venue, nickname: b.nickname, credentialType: b.credentialType, apiKey: b.apiKey, secretKey: b.apiSecret, secretPassphrase: b.apiPassphrase }),
    response: toRestCredential,
  },
  { operationId: 'revokeTradingAccountCredential', rpc: 'command.credential.revoke', request: (b) => ({ credentialId: b.credentialId }), response: toRestCredential },
  {
    operationId: 'rotateTradingAccountCredential',
    rpc: 'command.credential.rotate',
    request: (b) => compact({ credentialId: b.credentialId, apiKey: b.apiKey, secretKey: b.apiSecret, secretPassphrase: b.apiPassphrase }),
    response: toRestCredential,
  },
  {
    operationId: 'verifyTradingAccountCredential',
    rpc: 'command.credential.verify',
    request: (b) => ({ credentialIds: b.credentialIds }),
    response: (d: RpcVerifyCredentialResultData) => (d.tradingAccounts ?? []).map((a) => toRestTradingAccount(a)),
  },
];
