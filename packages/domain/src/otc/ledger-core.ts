/**
 * @module otc/ledger-core
 * The rules of the wallet ledger, without touching anything: which movements are allowed, and the entries they make.
 *
 * A movement (leg) takes `amount` of one asset from one wallet to another. A set of legs is planned as one: either
 * every leg is allowed on the balances the earlier legs leave, and the plan lists an entry per wallet and leg (the
 * amount signed, the balance after it), or nothing moves. Hence, for any sequence of plans applied:
 * - each asset's sum over all wallets never changes (every leg takes out exactly what it puts in);
 * - a wallet without `allowNegative` never goes below zero;
 * - a FROZEN wallet neither pays nor receives; a CLOSED one never receives, and pays only a final withdrawal that
 *   leaves that asset at exactly zero (`closingWithdrawal`).
 */
import { ZERO, str, type Dec } from '../model/decimal.ts';
import type { WalletStatusValue } from '../model/fermata.ts';

export interface WalletView {
  walletId: string;
  status: WalletStatusValue;
  allowNegative: boolean;
}

export interface Leg {
  from: string;
  to: string;
  asset: string;
  amount: Dec;
}

export interface PlannedEntry {
  walletId: string;
  asset: string;
  amount: Dec;
  balanceAfter: Dec;
  counterpartyWalletId: string;
}

export type LedgerRefusal = 'INVALID_TRANSFER' | 'WALLET_NOT_FOUND' | 'WALLET_FROZEN' | 'WALLET_CLOSED' | 'INSUFFICIENT_BALANCE';

export type Plan = { ok: true; entries: PlannedEntry[] } | { ok: false; refusal: LedgerRefusal; message: string };

export interface LedgerState {
  wallet(walletId: string): WalletView | undefined;
  balance(walletId: string, asset: string): Dec;
}

/** Plans `legs` as one movement; `closingWithdrawal` lets a CLOSED source pay out what it holds of the asset, all of it. */
export function planLegs(state: LedgerState, legs: readonly Leg[], options: { closingWithdrawal?: boolean } = {}): Plan {
  // Balances the earlier legs left, by wallet and asset.
  const running = new Map<string, Dec>();
  const entries: PlannedEntry[] = [];
  for (const leg of legs) {
    if (!leg.amount.gt(0)) return refuse('INVALID_TRANSFER', 'amount must be greater than zero');
    if (leg.from === leg.to) return refuse('INVALID_TRANSFER', 'source and destination are the same wallet');
    const from = state.wallet(leg.from);
    const to = state.wallet(leg.to);
    if (!from) return refuse('WALLET_NOT_FOUND', `wallet ${leg.from} not found`);
    if (!to) return refuse('WALLET_NOT_FOUND', `wallet ${leg.to} not found`);
    if (from.status === 'FROZEN') return refuse('WALLET_FROZEN', `wallet ${from.walletId} is frozen`);
    if (to.status === 'FROZEN') return refuse('WALLET_FROZEN', `wallet ${to.walletId} is frozen`);
    if (to.status === 'CLOSED') return refuse('WALLET_CLOSED', `wallet ${to.walletId} is closed`);
    const fromKey = `${from.walletId}\u0001${leg.asset}`;
    const toKey = `${to.walletId}\u0001${leg.asset}`;
    const fromBefore = running.get(fromKey) ?? state.balance(from.walletId, leg.asset);
    const fromAfter = fromBefore.sub(leg.amount);
    if (from.status === 'CLOSED') {
      if (!options.closingWithdrawal) return refuse('WALLET_CLOSED', `wallet ${from.walletId} is closed`);
      if (!fromAfter.isZero()) return refuse('WALLET_CLOSED', `wallet ${from.walletId} is closed: only a withdrawal of all its ${leg.asset} (${str(fromBefore)}) is allowed`);
    }
    if (fromAfter.isNeg() && !from.allowNegative) {
      return refuse('INSUFFICIENT_BALANCE', `insufficient ${leg.asset} in wallet ${from.walletId}: needs ${str(leg.amount)}, holds ${str(fromBefore)}`);
    }
    const toAfter = (running.get(toKey) ?? state.balance(to.walletId, leg.asset)).add(leg.amount);
    running.set(fromKey, fromAfter);
    running.set(toKey, toAfter);
    entries.push({ walletId: from.walletId, asset: leg.asset, amount: leg.amount.neg(), balanceAfter: fromAfter, counterpartyWalletId: to.walletId });
    entries.push({ walletId: to.walletId, asset: leg.asset, amount: leg.amount, balanceAfter: toAfter, counterpartyWalletId: from.walletId });
  }
  return { ok: true, entries };
}

function refuse(refusal: LedgerRefusal, message: string): Plan {
  return { ok: false, refusal, message };
}

/** Sum of an asset's entries: what a wallet holds of it, by definition. */
export function sumOf(amounts: Iterable<Dec>): Dec {
  let s = ZERO;
  for (const a of amounts) s = s.add(a);
  return s;
}
