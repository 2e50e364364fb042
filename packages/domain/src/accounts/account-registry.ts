/**
 * @module accounts/account-registry
 * Every trading account not deleted, held in memory from start (read on every order; command paths never wait on
 * the store), with ownership checks and the operation history. Another user's account answers "not found", so ids
 * of others never leak.
 */
import type { RpcTradingAccount } from '@cadenza/contract';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { boundedText } from '../bounded-text.ts';
import type { CallerContext } from '../model/caller.ts';
import { toRpcCredential } from '../credentials/rpc-credential.ts';
import type { CredentialRegistry } from '../credentials/credential-registry.ts';
import { toRpcTradingAccount } from './rpc-account.ts';
import type { TradingAccount, TradingAccountOperation } from '../model/trading-account.ts';

export class AccountRegistry {
  private readonly byId = new Map<string, TradingAccount>();

  constructor(
    private readonly ctx: DomainContext,
    private readonly credentials: CredentialRegistry,
  ) {}

  async load(): Promise<void> {
    for (const a of await this.ctx.store.loadTradingAccounts()) this.byId.set(a.tradingAccountId, a);
  }

  /** The account, deleted ones excluded. */
  find(tradingAccountId: string): TradingAccount | undefined {
    return this.byId.get(tradingAccountId);
  }

  /** The caller's account (or any, for admins); TRADING_ACCOUNT_NOT_FOUND otherwise. */
  requireOwned(caller: CallerContext, tradingAccountId: string | undefined): TradingAccount {
    const a = tradingAccountId ? this.find(tradingAccountId) : undefined;
    if (!a || (!caller.isAdmin && a.userId !== caller.userId)) {
      throw new DomainError('TRADING_ACCOUNT_NOT_FOUND', `trading account ${tradingAccountId === undefined ? '(none)' : boundedText(tradingAccountId)} not found`);
    }
    return a;
  }

  /** The accounts of one user, oldest first. */
  ownedBy(userId: string): TradingAccount[] {
    return [...this.byId.values()].filter((a) => a.userId === userId);
  }

  /** The accounts (of any user) that hold this venue account. */
  holding(venue: string, externalAccountId: string): TradingAccount[] {
    return [...this.byId.values()].filter((a) => a.venue === venue && a.externalAccountId === externalAccountId);
  }

  /** The accounts a credential is attached to. */
  using(credentialId: string): TradingAccount[] {
    return [...this.byId.values()].filter((a) => a.credentialIds.includes(credentialId));
  }

  isOwner(caller: CallerContext, tradingAccountId: string): boolean {
    const a = this.find(tradingAccountId);
    return !!a && (caller.isAdmin || a.userId === caller.userId);
  }

  /** Writes a new or changed account, then holds it (undone with the enclosing unit); a deleted one is let go. */
  put(account: TradingAccount, isNew: boolean): void {
    if (isNew) this.ctx.store.insertTradingAccount(account);
    else this.ctx.store.updateTradingAccount(account);
    const id = account.tradingAccountId;
    const before = this.byId.get(id);
    if (account.deletedAt === undefined) this.byId.set(id, account);
    else this.byId.delete(id);
    this.ctx.unit.onUndo(() => (before ? this.byId.set(id, before) : this.byId.delete(id)));
  }

  recordOperation(op: Omit<TradingAccountOperation, 'operationId' | 'timestamp'>): void {
    this.ctx.store.appendOperation({ operationId: this.ctx.ids.uuid(), timestamp: this.ctx.clock.now(), ...op });
  }

  /** The account in the contract's shape, with its credentials masked. */
  toRpc(a: TradingAccount): RpcTradingAccount {
    const creds = a.credentialIds
      .map((id) => this.credentials.find(id))
      .filter((c) => c !== undefined)
      .map((c) => toRpcCredential(c));
    return toRpcTradingAccount(a, creds);
  }

  publishUpdated(a: TradingAccount): void {
    this.ctx.publish.toAccount(a.tradingAccountId, 'event.trading_account.updated', this.toRpc(a));
  }
}
