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
 *
 * Balances are `Amount`s: exact integer units of 10^-20 (model/money-units.ts) while on that grid — every balance a
 * desk holds in practice — where a sum or difference is plain BigInt arithmetic and equals what Dec computes; a `Dec`
 * off it (more than 20 places, or 10^18 and above), computed as before. Either way the value, the decisions and the
 * texts are the ones Dec alone gives (property-tested, test/otc-ledger-property.test.ts).
 */
import { ZERO, dec, str, type Dec } from '../model/decimal.ts';
import { onGrid, textOf, unitsOf } from '../model/money-units.ts';
import type { WalletStatusValue } from '../model/fermata.ts';

/** A balance: units of 10^-20 on the grid, else a Dec. */
export type Amount = bigint | Dec;

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

/**
 * A leg whose amount comes as canonical decimal text (`str`: what a quote holds), planned exactly as the `Leg` of its
 * Dec: read into units once, with no Dec made to be written back as the same text.
 */
export interface TextLeg {
  from: string;
  to: string;
  asset: string;
  text: string;
  /** `unitsOf(text)`, when the caller has read it (undefined: read here). */
  units?: bigint | undefined;
}

export interface PlannedEntry {
  walletId: string;
  asset: string;
  /** The signed amount, as canonical text (`str`). */
  amount: string;
  /** The balance after the entry, as canonical text (`str`) and as held. */
  balanceAfter: string;
  after: Amount;
  counterpartyWalletId: string;
}

export type LedgerRefusal = 'INVALID_TRANSFER' | 'WALLET_NOT_FOUND' | 'WALLET_FROZEN' | 'WALLET_CLOSED' | 'INSUFFICIENT_BALANCE';

export type Plan = { ok: true; entries: PlannedEntry[] } | { ok: false; refusal: LedgerRefusal; message: string };

export interface LedgerState {
  wallet(walletId: string): WalletView | undefined;
  /** The wallet's balance of the asset (zero when it has none). */
  balance(walletId: string, asset: string): Amount;
}

/** Plans `legs` as one movement; `closingWithdrawal` lets a CLOSED source pay out what it holds of the asset, all of it. */
export function planLegs(state: LedgerState, legs: readonly (Leg | TextLeg)[], options: { closingWithdrawal?: boolean } = {}): Plan {
  // The balances the earlier legs left are their entries' (`runningOf`): a movement has a few legs at most.
  const entries: PlannedEntry[] = [];
  for (const leg of legs) {
    // The amount's canonical text (a positive Dec's is toFixed's), so the debit's is that with a minus.
    let text: string;
    let units: bigint | undefined;
    if ('text' in leg) {
      text = leg.text;
      units = leg.units ?? unitsOf(text);
      if (units === undefined ? !dec(text).gt(0) : units <= 0n) return refuse('INVALID_TRANSFER', 'amount must be greater than zero');
    } else {
      if (!leg.amount.gt(0)) return refuse('INVALID_TRANSFER', 'amount must be greater than zero');
      text = leg.amount.toFixed();
      units = unitsOf(text);
    }
    if (leg.from === leg.to) return refuse('INVALID_TRANSFER', 'source and destination are the same wallet');
    const from = state.wallet(leg.from);
    const to = state.wallet(leg.to);
    if (!from) return refuse('WALLET_NOT_FOUND', `wallet ${leg.from} not found`);
    if (!to) return refuse('WALLET_NOT_FOUND', `wallet ${leg.to} not found`);
    if (from.status === 'FROZEN') return refuse('WALLET_FROZEN', `wallet ${from.walletId} is frozen`);
    if (to.status === 'FROZEN') return refuse('WALLET_FROZEN', `wallet ${to.walletId} is frozen`);
    if (to.status === 'CLOSED') return refuse('WALLET_CLOSED', `wallet ${to.walletId} is closed`);
    const amount: Amount = units ?? ('text' in leg ? dec(text) : leg.amount);
    const fromBefore = runningOf(entries, from.walletId, leg.asset) ?? state.balance(from.walletId, leg.asset);
    const fromAfter = minus(fromBefore, amount);
    if (from.status === 'CLOSED') {
      if (!options.closingWithdrawal) return refuse('WALLET_CLOSED', `wallet ${from.walletId} is closed`);
      if (!isZeroAmount(fromAfter)) return refuse('WALLET_CLOSED', `wallet ${from.walletId} is closed: only a withdrawal of all its ${leg.asset} (${textOfAmount(fromBefore)}) is allowed`);
    }
    if (isNeg(fromAfter) && !from.allowNegative) {
      return refuse('INSUFFICIENT_BALANCE', `insufficient ${leg.asset} in wallet ${from.walletId}: needs ${text}, holds ${textOfAmount(fromBefore)}`);
    }
    const toAfter = plus(runningOf(entries, to.walletId, leg.asset) ?? state.balance(to.walletId, leg.asset), amount);
    entries.push({ walletId: from.walletId, asset: leg.asset, amount: `-${text}`, balanceAfter: textOfAmount(fromAfter), after: fromAfter, counterpartyWalletId: to.walletId });
    entries.push({ walletId: to.walletId, asset: leg.asset, amount: text, balanceAfter: textOfAmount(toAfter), after: toAfter, counterpartyWalletId: from.walletId });
  }
  return { ok: true, entries };
}

/** The balance of the wallet's asset after the plan's latest entry of it; undefined when it has none yet. */
function runningOf(entries: readonly PlannedEntry[], walletId: string, asset: string): Amount | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    if (e.walletId === walletId && e.asset === asset) return e.after;
  }
  return undefined;
}

function refuse(refusal: LedgerRefusal, message: string): Plan {
  return { ok: false, refusal, message };
}

/** A stored balance's text as held: units when on the grid. */
export function amountOf(text: string): Amount {
  const u = unitsOf(text);
  return u === undefined ? dec(text) : u;
}

/** The amount as Dec. */
export function decOf(a: Amount): Dec {
  return typeof a === 'bigint' ? dec(textOf(a)) : a;
}

/** The amount's canonical text (`str`). */
export function textOfAmount(a: Amount): string {
  return typeof a === 'bigint' ? textOf(a) : str(a);
}

export function isZeroAmount(a: Amount): boolean {
  return typeof a === 'bigint' ? a === 0n : a.isZero();
}

function isNeg(a: Amount): boolean {
  return typeof a === 'bigint' ? a < 0n : a.isNeg();
}

// Two amounts on the grid differ by less than 2 × 10^18, 39 digits at most: Dec holds that exactly, so BigInt gives
// its answer. Off the grid the result goes on as a Dec (exactly the same value), and so does anything it meets.
function plus(a: Amount, b: Amount): Amount {
  if (typeof a === 'bigint' && typeof b === 'bigint') return held(a + b);
  return decOf(a).add(decOf(b));
}

function minus(a: Amount, b: Amount): Amount {
  if (typeof a === 'bigint' && typeof b === 'bigint') return held(a - b);
  return decOf(a).sub(decOf(b));
}

function held(u: bigint): Amount {
  return onGrid(u) ? u : dec(textOf(u));
}

/** Sum of an asset's entries: what a wallet holds of it, by definition. */
export function sumOf(amounts: Iterable<Dec>): Dec {
  let s = ZERO;
  for (const a of amounts) s = s.add(a);
  return s;
}
