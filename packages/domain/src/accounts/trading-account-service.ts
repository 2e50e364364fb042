/**
 * @module accounts/trading-account-service
 * Create, update, delete, validate, connect, disconnect, enable, disable and list trading accounts. Every
 * change is written with an operation-history entry (who, old and new values) in one transaction, then pushed
 * as `event.trading_account.updated` on `tradingAccount:{id}`.
 */
import type { OperationType, RpcPagination, RpcTradingAccount, TradingAccountStatus, TradingAccountType } from '@cadenza/contract';
import { TradingAccountStatusValues, TradingAccountTypeValues, VenueValues } from '@cadenza/contract';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { boundedText } from '../bounded-text.ts';
import type { CallerContext } from '../model/caller.ts';
import { dec } from '../model/decimal.ts';
import type { Paged } from '../ports/store.ts';
import type { PortfolioBook } from '../portfolios/portfolio-book.ts';
import type { CredentialVault } from '../credentials/credential-vault.ts';
import type { CredentialRegistry } from '../credentials/credential-registry.ts';
import { accountTransition, type AccountAction } from './account-status.ts';
import { operationKind } from './operation-kind.ts';
import type { AccountRegistry } from './account-registry.ts';
import type { TradingAccount, TradingAccountOperation } from '../model/trading-account.ts';
import { FERMATA } from '../model/fermata.ts';

/** The fields `update` may change and history records. */
const EDITABLE = ['nickname', 'externalAccountId', 'accountType', 'externalAccountType', 'positionMode', 'collateralMode', 'marginMode', 'leverage', 'tenantId'] as const;

export interface TradingAccountServiceDeps {
  accounts: AccountRegistry;
  book: PortfolioBook;
  vault: CredentialVault;
  credentials: CredentialRegistry;
  /** Whether the account has orders that are not closed (delete refuses then). */
  hasOpenOrders(tradingAccountId: string): boolean;
  /** Called after an account is deleted, e.g. to end its subscriptions. */
  onDeleted(account: TradingAccount, caller: CallerContext): void;
}

/** Filters of an account-history query; times are epoch ms, both ends included. */
export interface OperationQuery {
  /** Absent: every account of the caller. */
  tradingAccountId?: string;
  operationType?: OperationType;
  from?: number;
  to?: number;
}

export interface TradingAccountListFilter {
  tradingAccountId?: string;
  venue?: string;
  status?: string;
  /** Another user's id matches nothing unless the caller is an admin. */
  userId?: string;
  tenantId?: string;
}

/** Enough to hold any account's whole history (a few entries per connect, edit or credential change). */
const WHOLE_HISTORY = { offset: 0, limit: 1_000_000 };

export function pageOf(p: RpcPagination | undefined, defaultLimit = 50): { offset: number; limit: number } {
  const limit = Math.min(Math.max(p?.limit ?? defaultLimit, 1), 1000);
  const offset = Math.max(p?.offset ?? (p?.cursor && /^\d+$/.test(p.cursor) ? Number(p.cursor) : 0), 0);
  return { offset, limit };
}

export function paginationOf<T>(page: { offset: number; limit: number }, result: Paged<T>): RpcPagination {
  const hasNext = page.offset + result.items.length < result.total;
  const out: RpcPagination = { offset: page.offset, limit: page.limit, total: result.total, hasNext };
  if (hasNext) out.cursor = String(page.offset + result.items.length);
  return out;
}

/** One page of a list held in memory. */
export function slicePage<T>(all: readonly T[], page: { offset: number; limit: number }): Paged<T> {
  return { items: all.slice(page.offset, page.offset + page.limit), total: all.length };
}

export class TradingAccountService {
  /**
   * Makes FERMATA accounts (each with its ledger wallet; `dealerAccountId` in the input names the trader's dealer):
   * the OTC desk sets it when it starts (otc/fermata-accounts.ts).
   */
  fermata: ((caller: CallerContext, input: RpcTradingAccount & { dealerAccountId?: unknown }, beforeNew: () => void) => TradingAccount) | undefined;
  /**
   * Refuses deleting a FERMATA account the OTC desk still needs (its wallet open or holding money: a wallet's balances
   * show only as its account's portfolio); set by the desk when it starts (otc/wallet-service.ts).
   */
  fermataDeletable: ((account: TradingAccount) => void) | undefined;

  constructor(
    private readonly ctx: DomainContext,
    private readonly deps: TradingAccountServiceDeps,
  ) {}

  private get accounts(): AccountRegistry {
    return this.deps.accounts;
  }

  /**
   * A new account must fit under the per-user quota (accounts an admin saves for a user are exempt). Public for the
   * OTC desk: a new ledger wallet brings its own FERMATA account (otc/wallet-service.ts).
   */
  requireRoom(caller: CallerContext): void {
    const max = this.ctx.config.maxAccountsPerUser;
    if (max > 0 && this.accounts.ownedBy(caller.userId).length >= max) {
      throw new DomainError('TRADING_ACCOUNT_LIMIT_REACHED', `you hold ${max} trading accounts, the most a user may; delete one first`);
    }
  }

  private isDomainLedger(venue: string): boolean {
    return this.ctx.venues.get(venue)?.capabilities.ledger !== 'venue';
  }

  /** PAPER/MOCK (domain-ledger) accounts start ACTIVE and funded; real-venue accounts start NEW. */
  create(caller: CallerContext, input: RpcTradingAccount, quota = true): TradingAccount {
    const roomFor = (): void => {
      if (quota) this.requireRoom(caller);
    };
    if (input.venue === FERMATA && this.fermata) return this.fermata(caller, input, roomFor);
    if (!input.venue) throw new DomainError('INVALID_ACCOUNT_PARAMETERS', 'tradingAccount.venue is required');
    const venue = this.ctx.venues.require(input.venue);
    roomFor();
    const now = this.ctx.clock.now();
    const domainLedger = venue.capabilities.ledger === 'domain';
    const account: TradingAccount = {
      tradingAccountId: this.ctx.ids.uuid(),
      userId: caller.userId,
      venue: venue.id,
      status: domainLedger ? 'ACTIVE' : 'NEW',
      accountType: input.accountType ?? 'SPOT',
      credentialIds: [],
      createdAt: now,
      updatedAt: now,
    };
    this.applyEditable(account, input);
    this.ctx.unit.run(() => {
      this.accounts.put(account, true);
      if (domainLedger) {
        this.deps.book.apply(
          account.tradingAccountId,
          Object.entries(this.ctx.config.paperBalances).map(([asset, amount]) => ({ asset, free: dec(amount), locked: dec(0) })),
        );
      }
      this.accounts.recordOperation({ tradingAccountId: account.tradingAccountId, operateBy: caller.userId, tags: ['CREATED'], newValues: this.snapshot(account) });
    });
    this.accounts.publishUpdated(account);
    return account;
  }

  update(caller: CallerContext, input: RpcTradingAccount): TradingAccount {
    const cur = this.accounts.requireOwned(caller, input.tradingAccountId);
    const next: TradingAccount = { ...cur, credentialIds: [...cur.credentialIds] };
    this.applyEditable(next, input);
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const k of EDITABLE) {
      if (JSON.stringify(cur[k]) !== JSON.stringify(next[k])) {
        before[k] = cur[k] ?? null;
        after[k] = next[k] ?? null;
      }
    }
    if (Object.keys(after).length === 0) return cur;
    next.updatedAt = this.ctx.clock.now();
    this.commit(next, { operateBy: caller.userId, tags: ['UPDATED'], previousValues: before, newValues: after });
    return next;
  }

  delete(caller: CallerContext, tradingAccountId: string): TradingAccount {
    const cur = this.accounts.requireOwned(caller, tradingAccountId);
    if (this.deps.hasOpenOrders(tradingAccountId)) {
      throw new DomainError('TRADING_ACCOUNT_HAS_OPEN_ORDERS', 'cancel the open orders of the trading account before deleting it');
    }
    if (cur.venue === FERMATA) this.fermataDeletable?.(cur);
    const now = this.ctx.clock.now();
    const next: TradingAccount = { ...cur, deletedAt: now, updatedAt: now };
    this.commit(next, { operateBy: caller.userId, operationType: 'DELETED', tags: [], previousValues: { status: cur.status }, newValues: { deleted: true } });
    this.deps.onDeleted(next, caller);
    return next;
  }

  /**
   * Whether the account could trade: it exists (when an id is given), its venue is available here, and a
   * real-venue account has a usable credential that the venue accepts. Never throws for an invalid account.
   */
  async validate(caller: CallerContext, input: RpcTradingAccount): Promise<boolean> {
    if (input.tradingAccountId) {
      const a = this.accounts.requireOwned(caller, input.tradingAccountId);
      const venue = this.ctx.venues.get(a.venue);
      if (!venue) return false;
      if (!venue.capabilities.requiresCredential) return true;
      const c = this.deps.vault.usableCredential(a);
      if (!c) return false;
      if (!venue.verifyCredential) return true;
      try {
        return (await venue.verifyCredential(this.deps.vault.venueCredential(c))).valid;
      } catch {
        return false;
      }
    }
    return typeof input.venue === 'string' && this.ctx.venues.get(input.venue) !== undefined;
  }

  /**
   * Connects the account to its venue: real venues load balances (UNAVAILABLE when the venue fails). Without a
   * `tradingAccountId` the account is found or made first: the caller's account holding the same venue account
   * (`externalAccountId`), else a new one — unless another user's account holds it (EXTERNAL_ACCOUNT_TAKEN).
   * `credentials` are attached before connecting; they are checked before anything is created.
   */
  async connect(caller: CallerContext, input: RpcTradingAccount): Promise<TradingAccount> {
    if (!input.tradingAccountId && input.venue === FERMATA && this.fermata) return this.fermata(caller, input, () => this.requireRoom(caller));
    const credentialIds = (input.credentials ?? []).map((c) => c.credentialId).filter((x): x is string => !!x);
    let cur = input.tradingAccountId ? this.accounts.requireOwned(caller, input.tradingAccountId) : this.accountToConnect(caller, input, credentialIds);
    this.require(cur, 'CONNECT');
    if (cur.venue === FERMATA) return this.move(caller, cur, 'CONNECT', 'CONNECTED');
    const venue = this.ctx.venues.require(cur.venue);
    if (credentialIds.length) cur = this.attachCredentials(caller, cur, credentialIds);
    if (venue.capabilities.ledger === 'venue' || venue.capabilities.requiresCredential) {
      const account = this.deps.vault.venueAccount(cur, venue.capabilities.requiresCredential);
      try {
        if (venue.fetchBalances) {
          const balances = await venue.fetchBalances(account);
          this.ctx.unit.run(() => this.deps.book.replace(cur.tradingAccountId, balances));
        }
      } catch (err) {
        const failed: TradingAccount = { ...cur, status: accountTransition(cur.status, 'CONNECT_FAILED') ?? 'UNAVAILABLE', updatedAt: this.ctx.clock.now() };
        this.commit(failed, { operateBy: caller.userId, operationType: 'CONNECT', tags: ['FAILED'], previousValues: { status: cur.status }, newValues: { status: failed.status } });
        this.ctx.log.warn({ err, tradingAccountId: cur.tradingAccountId, venue: cur.venue }, 'connect failed');
        throw new DomainError('VENUE_UNAVAILABLE', `venue ${cur.venue} refused or failed the connection`, { cause: err });
      }
    }
    return this.move(caller, cur, 'CONNECT', 'CONNECTED');
  }

  private accountToConnect(caller: CallerContext, input: RpcTradingAccount, credentialIds: string[]): TradingAccount {
    if (!input.venue) throw new DomainError('INVALID_ACCOUNT_PARAMETERS', 'venue is required to connect a new trading account');
    const venue = this.ctx.venues.require(input.venue);
    for (const id of credentialIds) this.attachable(caller, venue.id, id);
    if (input.externalAccountId) {
      const holders = this.accounts.holding(venue.id, input.externalAccountId);
      if (holders.some((a) => a.userId !== caller.userId && a.status !== 'DISCONNECTED')) {
        throw new DomainError('EXTERNAL_ACCOUNT_TAKEN', `the ${venue.id} account ${boundedText(input.externalAccountId)} is connected by another user`);
      }
      const mine = holders.find((a) => a.userId === caller.userId);
      if (mine) return mine;
    }
    if (venue.capabilities.requiresCredential && credentialIds.length === 0) {
      throw new DomainError('CREDENTIAL_REQUIRED', `connecting a ${venue.id} account needs credentialIds`);
    }
    return this.create(caller, input);
  }

  disconnect(caller: CallerContext, tradingAccountId: string): TradingAccount {
    return this.move(caller, this.accounts.requireOwned(caller, tradingAccountId), 'DISCONNECT', 'DISCONNECTED');
  }

  enable(caller: CallerContext, tradingAccountId: string): TradingAccount {
    const cur = this.accounts.requireOwned(caller, tradingAccountId);
    return this.move(caller, cur, this.isDomainLedger(cur.venue) ? 'ENABLE_DOMAIN_LEDGER' : 'ENABLE_VENUE_LEDGER', 'ENABLED');
  }

  disable(caller: CallerContext, tradingAccountId: string): TradingAccount {
    return this.move(caller, this.accounts.requireOwned(caller, tradingAccountId), 'DISABLE', 'DISABLED');
  }

  async list(caller: CallerContext, filter: TradingAccountListFilter, page: { offset: number; limit: number }): Promise<Paged<TradingAccount>> {
    if (!caller.isAdmin && filter.userId !== undefined && filter.userId !== caller.userId) return { items: [], total: 0 };
    return this.ctx.store.listTradingAccounts({ ...filter, ...(caller.isAdmin ? {} : { userId: caller.userId }) }, page);
  }

  /** An account's history (or every account's of the caller), newest first. */
  async operations(caller: CallerContext, q: OperationQuery, page: { offset: number; limit: number }): Promise<Paged<TradingAccountOperation>> {
    const ids = q.tradingAccountId ? [this.accounts.requireOwned(caller, q.tradingAccountId).tradingAccountId] : this.accounts.ownedBy(caller.userId).map((a) => a.tradingAccountId);
    const filtered = q.operationType !== undefined || q.from !== undefined || q.to !== undefined;
    if (ids.length === 1 && !filtered) return this.ctx.store.listOperations(ids[0]!, page);
    const all: TradingAccountOperation[] = [];
    for (const id of ids) all.push(...(await this.ctx.store.listOperations(id, WHOLE_HISTORY)).items);
    const matching = all
      .filter((op) => (q.operationType === undefined || operationKind(op).type === q.operationType) && (q.from === undefined || op.timestamp >= q.from) && (q.to === undefined || op.timestamp <= q.to))
      .sort((a, b) => b.timestamp - a.timestamp);
    return { items: matching.slice(page.offset, page.offset + page.limit), total: matching.length };
  }

  /** Admin upsert (command.trading_account.save): any field including status and owner. */
  save(caller: CallerContext, inputs: RpcTradingAccount[]): TradingAccount[] {
    return inputs.map((input) => {
      const existing = input.tradingAccountId ? this.accounts.find(input.tradingAccountId) : undefined;
      if (!existing) {
        if (!input.userId) throw new DomainError('INVALID_ACCOUNT_PARAMETERS', 'tradingAccount.userId is required to save a new account');
        const created = this.create({ userId: input.userId, isAdmin: false }, input, false);
        return input.status && input.status !== created.status ? this.forceStatus(caller, created, input.status) : created;
      }
      let next = this.update(caller, input);
      if (input.status && input.status !== next.status) next = this.forceStatus(caller, next, input.status);
      return next;
    });
  }

  /** Attaches owned credentials of the same venue; NEW accounts become CREATED. */
  attachCredentials(caller: CallerContext, account: TradingAccount, credentialIds: string[]): TradingAccount {
    const ids = [...account.credentialIds];
    for (const id of credentialIds) {
      this.attachable(caller, account.venue, id);
      if (!ids.includes(id)) ids.push(id);
    }
    if (ids.length === account.credentialIds.length) return account;
    const status = accountTransition(account.status, 'ATTACH_CREDENTIAL') ?? account.status;
    const next: TradingAccount = { ...account, credentialIds: ids, status, updatedAt: this.ctx.clock.now() };
    this.commit(next, { operateBy: caller.userId, tags: ['CREDENTIAL_ATTACHED'], previousValues: { status: account.status }, newValues: { status, credentialIds: ids } });
    return next;
  }

  /** The caller's credential for that venue, else CREDENTIAL_NOT_FOUND / INVALID_CREDENTIAL_PARAMETERS. */
  private attachable(caller: CallerContext, venue: string, credentialId: string): void {
    const c = this.deps.credentials.find(credentialId);
    if (!c || (!caller.isAdmin && c.userId !== caller.userId)) throw new DomainError('CREDENTIAL_NOT_FOUND', `credential ${boundedText(credentialId)} not found`);
    if (c.venue !== venue) throw new DomainError('INVALID_CREDENTIAL_PARAMETERS', `credential ${boundedText(credentialId)} is for ${c.venue}, the account trades on ${venue}`);
  }

  private forceStatus(caller: CallerContext, a: TradingAccount, status: TradingAccountStatus): TradingAccount {
    if (!(TradingAccountStatusValues as readonly string[]).includes(status)) throw new DomainError('INVALID_ACCOUNT_PARAMETERS', `unknown status ${boundedText(status)}`);
    const next = { ...a, status, updatedAt: this.ctx.clock.now() };
    this.commit(next, { operateBy: caller.userId, tags: ['SAVED'], previousValues: { status: a.status }, newValues: { status } });
    return next;
  }

  private require(a: TradingAccount, action: AccountAction): TradingAccountStatus {
    const to = accountTransition(a.status, action);
    if (!to) throw new DomainError('INVALID_ACCOUNT_TRANSITION', `cannot ${action.toLowerCase().replace(/_/g, ' ')} a trading account in status ${a.status}`);
    return to;
  }

  private move(caller: CallerContext, cur: TradingAccount, action: AccountAction, operationType: string): TradingAccount {
    const status = this.require(cur, action);
    if (status === cur.status) return cur;
    const next: TradingAccount = { ...cur, status, updatedAt: this.ctx.clock.now() };
    this.commit(next, { operateBy: caller.userId, operationType, tags: [], previousValues: { status: cur.status }, newValues: { status } });
    return next;
  }

  private commit(next: TradingAccount, op: Omit<TradingAccountOperation, 'operationId' | 'timestamp' | 'tradingAccountId'>): void {
    this.ctx.unit.run(() => {
      this.accounts.put(next, false);
      this.accounts.recordOperation({ tradingAccountId: next.tradingAccountId, ...op });
      this.accounts.publishUpdated(next);
    });
  }

  private applyEditable(a: TradingAccount, input: RpcTradingAccount): void {
    for (const k of ['nickname', 'externalAccountId', 'externalAccountType', 'tenantId'] as const) {
      const v = input[k];
      if (v !== undefined && v.length > 200) throw new DomainError('INVALID_ACCOUNT_PARAMETERS', `tradingAccount.${k} must be at most 200 characters`);
    }
    if (input.nickname !== undefined) a.nickname = input.nickname;
    if (input.externalAccountId !== undefined) a.externalAccountId = input.externalAccountId;
    if (input.externalAccountType !== undefined) a.externalAccountType = input.externalAccountType;
    if (input.tenantId !== undefined) a.tenantId = input.tenantId;
    if (input.accountType !== undefined) {
      if (!(TradingAccountTypeValues as readonly string[]).includes(input.accountType)) throw new DomainError('INVALID_ACCOUNT_PARAMETERS', `unknown accountType ${boundedText(input.accountType)}`);
      a.accountType = input.accountType as TradingAccountType;
    }
    if (input.positionMode !== undefined) a.positionMode = input.positionMode;
    if (input.collateralMode !== undefined) a.collateralMode = input.collateralMode;
    if (input.marginMode !== undefined) a.marginMode = input.marginMode;
    if (input.config?.leverage !== undefined) {
      if (!Number.isInteger(input.config.leverage) || input.config.leverage < 1) throw new DomainError('INVALID_ACCOUNT_PARAMETERS', 'config.leverage must be a positive integer');
      a.leverage = input.config.leverage;
    }
  }

  private snapshot(a: TradingAccount): Record<string, unknown> {
    const out: Record<string, unknown> = { venue: a.venue, status: a.status, accountType: a.accountType };
    for (const k of EDITABLE) if (a[k] !== undefined) out[k] = a[k];
    return out;
  }
}

export const knownVenues: ReadonlySet<string> = new Set(VenueValues);
