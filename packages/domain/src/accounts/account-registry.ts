/**
 * @module accounts/account-registry
 * Every trading account, cached in memory (accounts are few and read on every order), with ownership checks
 * and the operation history. Another user's account answers "not found", so ids of others never leak.
 */
import type { RpcTradingAccount } from '@cadenza/contract';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { CallerContext } from '../values/caller.ts';
import { toRpcCredential } from '../credentials/rpc-credential.ts';
import { toRpcTradingAccount } from './rpc-account.ts';
import type { TradingAccount, TradingAccountOperation } from './trading-account.ts';

export class AccountRegistry {
  private readonly cache = new Map<string, TradingAccount | null>();

  constructor(private readonly ctx: DomainContext) {}

  /** The account, deleted ones excluded. */
  find(tradingAccountId: string): TradingAccount | undefined {
    let a = this.cache.get(tradingAccountId);
    if (a === undefined) {
      a = this.ctx.store.getTradingAccount(tradingAccountId) ?? null;
      this.cache.set(tradingAccountId, a);
    }
    return a && a.deletedAt === undefined ? a : undefined;
  }

  /** The caller's account (or any, for admins); TRADING_ACCOUNT_NOT_FOUND otherwise. */
  requireOwned(caller: CallerContext, tradingAccountId: string | undefined): TradingAccount {
    const a = tradingAccountId ? this.find(tradingAccountId) : undefined;
    if (!a || (!caller.isAdmin && a.userId !== caller.userId)) {
      throw new DomainError('TRADING_ACCOUNT_NOT_FOUND', `trading account ${tradingAccountId ?? '(none)'} not found`);
    }
    return a;
  }

  isOwner(caller: CallerContext, tradingAccountId: string): boolean {
    const a = this.find(tradingAccountId);
    return !!a && (caller.isAdmin || a.userId === caller.userId);
  }

  /** Writes a new or changed account (inside the caller's transaction, if any). */
  put(account: TradingAccount, isNew: boolean): void {
    if (isNew) this.ctx.store.insertTradingAccount(account);
    else this.ctx.store.updateTradingAccount(account);
    this.cache.set(account.tradingAccountId, account);
  }

  /** Forgets the cached copy (after a failed transaction). */
  evict(tradingAccountId: string): void {
    this.cache.delete(tradingAccountId);
  }

  recordOperation(op: Omit<TradingAccountOperation, 'operationId' | 'timestamp'>): void {
    this.ctx.store.appendOperation({ operationId: this.ctx.ids.uuid(), timestamp: this.ctx.clock.now(), ...op });
  }

  /** The account in the contract's shape, with its credentials masked. */
  toRpc(a: TradingAccount): RpcTradingAccount {
    const creds = a.credentialIds
      .map((id) => this.ctx.store.getCredential(id))
      .filter((c) => c !== undefined)
      .map((c) => toRpcCredential(c));
    return toRpcTradingAccount(a, creds);
  }

  publishUpdated(a: TradingAccount): void {
    this.ctx.publish.toAccount(a.tradingAccountId, 'event.trading_account.updated', this.toRpc(a));
  }
}
