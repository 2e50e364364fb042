/**
 * @module accounts/account-status
 * Trading-account lifecycle as one table over `TradingAccountStatus`. Pure.
 *
 *   NEW ──credential──► CREATED ──connect──► ACTIVE ◄──connect── DISCONNECTED / UNAVAILABLE
 *                                              │ disconnect ─► DISCONNECTED;  venue failure on connect ─► UNAVAILABLE
 *   any but LOCKED ──disable──► INACTIVE ──enable──► ACTIVE (domain-ledger venues) / DISCONNECTED (real venues)
 *
 * PAPER and MOCK accounts are created ACTIVE; real-venue accounts NEW. LOCKED is set only by an admin `save`
 * and leaves through `save` again. Only ACTIVE accounts trade.
 */
import type { TradingAccountStatus } from '@cadenza/contract';

export type AccountAction = 'ATTACH_CREDENTIAL' | 'CONNECT' | 'CONNECT_FAILED' | 'DISCONNECT' | 'DISABLE' | 'ENABLE_DOMAIN_LEDGER' | 'ENABLE_VENUE_LEDGER';

const table: Partial<Record<TradingAccountStatus, Partial<Record<AccountAction, TradingAccountStatus>>>> = {
  NEW: { ATTACH_CREDENTIAL: 'CREATED', CONNECT: 'ACTIVE', CONNECT_FAILED: 'UNAVAILABLE', DISABLE: 'INACTIVE' },
  CREATED: { ATTACH_CREDENTIAL: 'CREATED', CONNECT: 'ACTIVE', CONNECT_FAILED: 'UNAVAILABLE', DISABLE: 'INACTIVE' },
  ACTIVE: { ATTACH_CREDENTIAL: 'ACTIVE', CONNECT: 'ACTIVE', CONNECT_FAILED: 'UNAVAILABLE', DISCONNECT: 'DISCONNECTED', DISABLE: 'INACTIVE' },
  DISCONNECTED: { ATTACH_CREDENTIAL: 'DISCONNECTED', CONNECT: 'ACTIVE', CONNECT_FAILED: 'UNAVAILABLE', DISCONNECT: 'DISCONNECTED', DISABLE: 'INACTIVE' },
  UNAVAILABLE: { ATTACH_CREDENTIAL: 'UNAVAILABLE', CONNECT: 'ACTIVE', CONNECT_FAILED: 'UNAVAILABLE', DISCONNECT: 'DISCONNECTED', DISABLE: 'INACTIVE' },
  INACTIVE: { ATTACH_CREDENTIAL: 'INACTIVE', DISABLE: 'INACTIVE', ENABLE_DOMAIN_LEDGER: 'ACTIVE', ENABLE_VENUE_LEDGER: 'DISCONNECTED' },
  LOCKED: {},
};

/** The next status, or undefined when the action is not allowed in `from`. */
export function accountTransition(from: TradingAccountStatus, action: AccountAction): TradingAccountStatus | undefined {
  return table[from]?.[action];
}
