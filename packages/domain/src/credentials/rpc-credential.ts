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

/**
 * "abcd…wxyz" for keys of 16 characters or more, "****" for shorter ones: the 8 characters shown are then at most half
 * of the key, so a masked key never reveals most of it.
 */
export function maskApiKey(apiKey: string): string {
  const points = [...apiKey];
  if (points.length < 16) return '****';
  return `${points.slice(0, 4).join('')}…${points.slice(-4).join('')}`;
}
