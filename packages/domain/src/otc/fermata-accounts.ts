/**
 * @module otc/fermata-accounts
 * FERMATA trading accounts and the wallet each one owns. Every ledger wallet belongs to exactly one FERMATA account,
 * whose portfolio shows its balances: a dealer's (provisioned with the dealer), a trader's (made when the trader
 * connects a FERMATA account, or creates a wallet), an administrator's accounting wallet.
 *
 * A trader's account connected with a `dealerAccountId` records that dealer as its `externalAccountId` (its
 * counterparty at the venue FERMATA) and accepts only that dealer's quotes; connecting again with the same dealer
 * answers the same account. One without a dealer accepts any dealer's quotes.
 */
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { boundedText } from '../bounded-text.ts';
import type { AccountRegistry } from '../accounts/account-registry.ts';
import type { CallerContext } from '../model/caller.ts';
import { FERMATA, type Wallet, type WalletTypeValue } from '../model/fermata.ts';
import type { TradingAccount } from '../model/trading-account.ts';
import type { DealerRegistry } from './dealer-registry.ts';
import type { WalletBook } from './wallet-book.ts';

export interface ProvisionRequest {
  /** Owner. */
  userId: string;
  nickname?: string;
  walletType: WalletTypeValue;
  allowNegative: boolean;
  /** The trader's dealer (its externalAccountId). */
  dealerAccountId?: string;
  /** The account id to use (a dealer's id is chosen before its account is made). */
  tradingAccountId?: string;
}

export class FermataAccounts {
  constructor(
    private readonly ctx: DomainContext,
    private readonly accounts: AccountRegistry,
    private readonly wallets: WalletBook,
    private readonly dealers: DealerRegistry,
  ) {}

  /** A new ACTIVE FERMATA account and its wallet, in the caller's unit of work (or one of their own). */
  provision(req: ProvisionRequest): { account: TradingAccount; wallet: Wallet } {
    if (req.nickname !== undefined && req.nickname.length > 200) throw new DomainError('INVALID_ACCOUNT_PARAMETERS', 'nickname must be at most 200 characters');
    const now = this.ctx.clock.now();
    const account: TradingAccount = {
      tradingAccountId: req.tradingAccountId ?? this.ctx.ids.uuid(),
      userId: req.userId,
      venue: FERMATA,
      status: 'ACTIVE',
      accountType: 'SPOT',
      credentialIds: [],
      createdAt: now,
      updatedAt: now,
    };
    if (req.nickname !== undefined) account.nickname = req.nickname;
    if (req.dealerAccountId !== undefined) account.externalAccountId = req.dealerAccountId;
    const metadata: Record<string, string> = { created_by: req.userId, tradingAccountId: account.tradingAccountId };
    if (req.nickname !== undefined) metadata.name = req.nickname;
    const wallet: Wallet = {
      walletId: this.ctx.ids.uuid(),
      walletType: req.walletType,
      status: 'ACTIVE',
      allowNegative: req.allowNegative,
      metadata,
      userId: req.userId,
      tradingAccountId: account.tradingAccountId,
      createdAt: now,
      updatedAt: now,
    };
    this.ctx.unit.run(() => {
      this.accounts.put(account, true);
      this.accounts.recordOperation({
        tradingAccountId: account.tradingAccountId,
        operateBy: req.userId,
        tags: ['CREATED'],
        newValues: { venue: FERMATA, status: account.status, accountType: account.accountType, walletId: wallet.walletId, ...(req.dealerAccountId ? { externalAccountId: req.dealerAccountId } : {}) },
      });
      this.wallets.put(wallet, true);
      this.accounts.publishUpdated(account);
    });
    return { account, wallet };
  }

  /**
   * `command.trading_account.connect` (and `create`) for venue FERMATA: the caller's account with that dealer if it
   * has one, else a new account with a CLIENT wallet (`beforeNew` may refuse it, e.g. over the user's account quota).
   */
  connect(caller: CallerContext, input: { dealerAccountId?: unknown; externalAccountId?: string; nickname?: string }, beforeNew?: () => void): TradingAccount {
    const named = input.dealerAccountId ?? input.externalAccountId;
    if (named !== undefined && typeof named !== 'string') throw new DomainError('INVALID_ACCOUNT_PARAMETERS', 'dealerAccountId must be a dealer id');
    const dealerId = named;
    if (dealerId !== undefined) {
      const dealer = this.dealers.require(dealerId);
      if (dealer.status === 'ARCHIVED') throw new DomainError('DEALER_NOT_ACTIVE', `dealer ${boundedText(dealerId)} is archived`);
      const existing = this.wallets
        .all()
        .map((w) => this.accounts.find(w.tradingAccountId))
        .find((a) => a && a.userId === caller.userId && a.externalAccountId === dealerId && a.status === 'ACTIVE');
      if (existing) return existing;
    }
    const req: ProvisionRequest = { userId: caller.userId, walletType: 'CLIENT', allowNegative: false };
    if (input.nickname !== undefined) req.nickname = input.nickname;
    if (dealerId !== undefined) req.dealerAccountId = dealerId;
    beforeNew?.();
    return this.provision(req).account;
  }
}
