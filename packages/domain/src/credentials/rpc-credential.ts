/**
 * @module credentials/rpc-credential
 * Credentials in the contract's shape: the API key only masked, never a secret (`withSecret` is always false).
 */
import type { RpcTradingAccountCredential } from '@cadenza/contract';
import { toIso } from '../model/time.ts';
import type { Credential } from '../model/credential.ts';

export function toRpcCredential(c: Credential): RpcTradingAccountCredential {
  const out: RpcTradingAccountCredential = {
    credentialId: c.credentialId,
    credentialType: c.credentialType as RpcTradingAccountCredential['credentialType'],
    status: c.status,
    venue: c.venue as RpcTradingAccountCredential['venue'],
    apiKey: c.apiKeyMasked,
    createdAt: toIso(c.createdAt),
    updatedAt: toIso(c.updatedAt),
    withInfo: true,
    withSecret: false,
  };
  if (c.nickname !== undefined) out.nickname = c.nickname;
  if (c.revokedAt !== undefined) out.revokedAt = toIso(c.revokedAt);
  return out;
}

/** "abcd…wxyz" for long keys, "****" for short ones, so a masked key never reveals most of the key. */
export function maskApiKey(apiKey: string): string {
  if (apiKey.length <= 8) return '****';
  return `${apiKey.slice(0, 4)}…${apiKey.slice(-4)}`;
}
