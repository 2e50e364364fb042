/**
 * @module otc/wallet-service
 * The wallet commands and queries callers reach (`command.fermata.wallet.*`, `query.fermata.wallet.*`).
 *
 * Who may do what:
 * - Anyone creates wallets of their own: a CLIENT wallet (no overdraft), or — for an administrator — an ACCOUNTING
 *   wallet, which may go negative: money enters the desk as a transfer from an accounting wallet (a deposit) and
 *   leaves as a transfer back to one (a withdrawal). Each wallet comes with the FERMATA trading account that owns it.
 * - Users see and move only their own wallets (another user's wallet is not found); administrators reach all.
 * - Freeze and unfreeze are the administrators'; a frozen wallet neither pays nor receives, not even in trades.
 * - Close is terminal: a closed wallet receives nothing, trades nothing, and pays out only a final withdrawal of all it
 *   holds of an asset. A dealer's wallet closes only once its dealer is archived; a frozen wallet is unfrozen first.
 */
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { CallerContext } from '../model/caller.ts';
import { DEC_DIGITS, dec, isDecimalString, sumIsExact } from '../model/decimal.ts';
import { boundedText } from '../bounded-text.ts';
import type { Wallet, WalletStatusValue, WalletTypeValue } from '../model/fermata.ts';
import type { Page, Paged } from '../ports/store.ts';
import type { DealerRegistry } from './dealer-registry.ts';
import type { FermataAccounts } from './fermata-accounts.ts';
import { toFermataWallet } from './fermata-models.ts';
import type { WalletBook } from './wallet-book.ts';

export interface TransferRequest {
  sourceWalletId: string;
  destWalletId: string;
  asset: string;
  amount: string;
}

const ASSET = /^[A-Z0-9]{1,20}$/;

export class WalletService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly wallets: WalletBook,
    private readonly accounts: FermataAccounts,
    private readonly dealers: DealerRegistry,
    /** Refuses a new account over the caller's quota (TradingAccountService.requireRoom). */
    private readonly requireRoom: (caller: CallerContext) => void,
  ) {}

  /** A new wallet and the FERMATA account that owns it: an account like any other, counted against the caller's quota. */
  create(caller: CallerContext, input: { nickname?: string }): Wallet {
    this.requireRoom(caller);
    const req = { userId: caller.userId, walletType: (caller.isAdmin ? 'ACCOUNTING' : 'CLIENT') as WalletTypeValue, allowNegative: caller.isAdmin };
    return this.accounts.provision(input.nickname === undefined ? req : { ...req, nickname: input.nickname }).wallet;
  }

  get(caller: CallerContext, walletId: string): Wallet {
    return this.wallets.requireOwned(caller, walletId);
  }

  /** The caller's wallets (every wallet for administrators), newest first. */
  list(caller: CallerContext, filter: { walletType?: string }, page: Page): Paged<Wallet> {
    const all = this.wallets
      .all()
      .filter((w) => (caller.isAdmin || w.userId === caller.userId) && (filter.walletType === undefined || w.walletType === filter.walletType))
      .sort((a, b) => b.createdAt - a.createdAt || (a.walletId < b.walletId ? 1 : -1));
    return { items: all.slice(page.offset, page.offset + page.limit), total: all.length };
  }

  /** Moves `amount` of `asset` between two wallets, atomically; answers the transfer id. */
  transfer(caller: CallerContext, req: TransferRequest): string {
    if (typeof req.asset !== 'string' || !ASSET.test(req.asset)) throw new DomainError('INVALID_TRANSFER', 'asset must be an asset symbol such as USDT (1 to 20 capital letters or digits)');
    if (!isDecimalString(req.amount) || !dec(req.amount).gt(0)) throw new DomainError('INVALID_TRANSFER', 'amount must be a decimal greater than zero');
    const amount = dec(req.amount);
    const source = this.wallets.requireOwned(caller, req.sourceWalletId);
    const dest = this.wallets.requireOwned(caller, req.destWalletId);
    // The ledger adds in Dec (40 significant digits): a balance needing more would be rounded, its entries no longer
    // its sum. Refused rather than rounded.
    if (!sumIsExact(this.wallets.balance(source.walletId, req.asset), amount.neg()) || !sumIsExact(this.wallets.balance(dest.walletId, req.asset), amount)) {
      throw new DomainError('INVALID_TRANSFER', `amount ${boundedText(req.amount)} would leave a ${req.asset} balance with more than ${DEC_DIGITS} significant digits, more than the ledger holds exactly`);
    }
    const transferId = this.ctx.ids.uuid();
    this.ctx.unit.run(() => {
      const { changes } = this.wallets.move([{ from: source.walletId, to: dest.walletId, asset: req.asset, amount }], 'TRANSFER', transferId, { closingWithdrawal: true });
      this.wallets.publish(changes);
    });
    return transferId;
  }

  freeze(caller: CallerContext, walletId: string): Wallet {
    return this.move(caller, walletId, 'FROZEN', ['ACTIVE']);
  }

  unfreeze(caller: CallerContext, walletId: string): Wallet {
    return this.move(caller, walletId, 'ACTIVE', ['FROZEN']);
  }

  close(caller: CallerContext, walletId: string): Wallet {
    const w = this.wallets.requireOwned(caller, walletId);
    if (w.walletType === 'DEALER') {
      const dealer = this.dealers.all().find((d) => d.walletId === w.walletId);
      if (dealer && dealer.status !== 'ARCHIVED') throw new DomainError('INVALID_WALLET_TRANSITION', `wallet ${w.walletId} is dealer ${dealer.dealerAccountId}'s: archive the dealer first`);
    }
    return this.move(caller, walletId, 'CLOSED', ['ACTIVE']);
  }

  /**
   * A FERMATA account is deleted only once its wallet is closed and empty: the account's portfolio is the only place
   * the wallet's balances show (and a dealer's wallet closes only once its dealer is archived).
   */
  requireDeletable(tradingAccountId: string): void {
    const w = this.wallets.ofAccount(tradingAccountId);
    if (!w || (w.status === 'CLOSED' && this.wallets.isEmpty(w.walletId))) return;
    const state = w.status === 'CLOSED' ? 'closed but still holds a balance' : w.status;
    throw new DomainError('INVALID_WALLET_TRANSITION', `trading account ${tradingAccountId} owns wallet ${w.walletId} (${state}): withdraw what it holds and close it before deleting the account`);
  }

  /** Moves the wallet to `to` from one of `from`; already there is no change. */
  private move(caller: CallerContext, walletId: string, to: WalletStatusValue, from: WalletStatusValue[]): Wallet {
    const w = this.wallets.requireOwned(caller, walletId);
    if (w.status === to) return w;
    if (!from.includes(w.status)) throw new DomainError('INVALID_WALLET_TRANSITION', `wallet ${w.walletId} is ${w.status}: it cannot become ${to}`);
    const next: Wallet = { ...w, status: to, updatedAt: this.ctx.clock.now() };
    this.ctx.unit.run(() => {
      this.wallets.put(next, false);
      this.ctx.publish.toAccount(next.tradingAccountId, 'event.fermata.wallet.updated', toFermataWallet(next));
    });
    return next;
  }
}
