/**
 * @module http/api-v3/models/trading-account
 * `RpcTradingAccount` / `RpcTradingAccountCredential` → the REST `TradingAccount` / `TradingAccountCredential`.
 * An account with no venue-side account (PAPER, MOCK) or no nickname has "" there: the contract requires the
 * strings and does not allow null. Credentials show no key, not even masked (the REST model has no key field).
 */
import type { RpcTradingAccount, RpcTradingAccountCredential, TradingAccount, TradingAccountCredential, Venue } from '@cadenza/contract';
import { optionalRestTime, restTime } from './rest-time.ts';

export function toRestCredential(c: RpcTradingAccountCredential): TradingAccountCredential {
  const out: TradingAccountCredential = {
    credentialId: c.credentialId!,
    venue: c.venue as Venue,
    credentialType: c.credentialType ?? null,
    status: c.status!,
    ...restTime('createdAt', c.createdAt),
    ...restTime('updatedAt', c.updatedAt),
    ...optionalRestTime('revokedAt', c.revokedAt),
  };
  if (c.nickname !== undefined) out.nickname = c.nickname;
  return out;
}

export function toRestTradingAccount(a: RpcTradingAccount): TradingAccount {
  const out: TradingAccount = {
    tradingAccountId: a.tradingAccountId!,
    externalTradingAccountId: a.externalAccountId ?? '',
    venue: a.venue as Venue,
    nickname: a.nickname ?? '',
    accountType: a.accountType ?? 'SPOT',
    externalAccountType: a.externalAccountType ?? '',
    credentials: (a.credentials ?? []).map(toRestCredential),
    status: a.status!,
    ...restTime('createdAt', a.createdAt),
    ...restTime('updatedAt', a.updatedAt),
  };
  if (a.positionMode !== undefined) out.positionMode = a.positionMode;
  if (a.collateralMode !== undefined) out.collateralMode = a.collateralMode;
  if (a.marginMode !== undefined) out.marginMode = a.marginMode;
  return out;
}
