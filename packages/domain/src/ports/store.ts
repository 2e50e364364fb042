/**
 * @module ports/store
 * Durable storage of the trading domain.
 *
 * Guarantees an implementation must give:
 * - **Synchronous and atomic.** Every method commits on return, or joins the enclosing `transaction(fn)`, which
 *   commits all writes made inside `fn` at once or none (it rethrows). The domain keeps its hot state in
 *   memory and writes each state change through in one transaction before acknowledging or publishing it;
 *   so a crash after `transaction` returns never loses that change (see the implementation for power loss).
 * - **Secrets.** Credentials arrive already encrypted; the store never sees clear secrets.
 * - **Fills** are unique per (tradeOrderId, tradeId): `insertFill` answers false for a duplicate, writing nothing.
 * - Lists return `{ items, total }` where `total` counts every match, ignoring offset/limit.
 *
 * A synchronous port suits the embedded SQLite store (the default); a networked database would sit behind
 * the same shape with a write-through cache, which is not built yet.
 */
import type { TradingAccount, TradingAccountOperation } from '../accounts/trading-account.ts';
import type { Credential } from '../credentials/credential.ts';
import type { Instrument, Security } from '../instruments/instrument.ts';
import type { Fill, Order } from '../orders/order.ts';
import type { Balance, Position } from '../portfolios/balance.ts';
import type { Subscription } from '../subscriptions/subscription.ts';

export interface Page {
  offset: number;
  limit: number;
}

export interface Paged<T> {
  items: T[];
  total: number;
}

export interface TradingAccountFilter {
  userId?: string;
  tradingAccountId?: string;
  venue?: string;
  status?: string;
}

export interface CredentialFilter {
  userId?: string;
  credentialIds?: string[];
  venue?: string;
  credentialType?: string;
  status?: string;
  tradingAccountId?: string;
}

export interface OrderFilter {
  /** Restricts to these accounts (ownership); undefined = all accounts (admin). */
  tradingAccountIds?: string[];
  tradeOrderId?: string;
  instrumentId?: string;
  side?: string;
  orderType?: string;
  status?: string;
  /** createdAt >= createdFrom (epoch ms). */
  createdFrom?: number;
  /** createdAt <= createdTo (epoch ms). */
  createdTo?: number;
}

export interface SubscriptionFilter {
  userId?: string;
  tradingAccountId?: string;
  venue?: string;
  instrumentIds?: string[];
  subscriptionType?: string;
  /** Only types starting with this prefix, e.g. 'MARKET.' or 'TRADING_ACCOUNT.'. */
  subscriptionTypePrefix?: string;
  status?: string;
}

/** Keys that make a submit idempotent, loaded once at start into memory. */
export interface OrderKeys {
  tradeOrderId: string;
  tradingAccountId: string;
  clientOrderId: string;
  idempotencyKey?: string;
}

export interface Store {
  /**
   * Runs `fn` in one transaction. A nested call joins the outer transaction atomically: if the inner `fn` throws,
   * only its own writes are undone (a savepoint) and the error propagates; the outer commit decides durability.
   */
  transaction<T>(fn: () => T): T;
  close(): void;

  insertTradingAccount(account: TradingAccount): void;
  updateTradingAccount(account: TradingAccount): void;
  getTradingAccount(tradingAccountId: string): TradingAccount | undefined;
  /** Excludes deleted accounts; newest first. */
  listTradingAccounts(filter: TradingAccountFilter, page: Page): Paged<TradingAccount>;
  appendOperation(operation: TradingAccountOperation): void;
  /** Newest first. */
  listOperations(tradingAccountId: string, page: Page): Paged<TradingAccountOperation>;

  insertCredential(credential: Credential): void;
  updateCredential(credential: Credential): void;
  getCredential(credentialId: string): Credential | undefined;
  listCredentials(filter: CredentialFilter, page: Page): Paged<Credential>;

  insertOrder(order: Order): void;
  updateOrder(order: Order): void;
  getOrder(tradeOrderId: string): Order | undefined;
  findOrderByClientOrderId(tradingAccountId: string, clientOrderId: string): Order | undefined;
  findOrderByExternalOrderId(tradingAccountId: string, externalOrderId: string): Order | undefined;
  /** Newest first. */
  listOrders(filter: OrderFilter, page: Page): Paged<Order>;
  /** Orders not in a terminal status (FILLED, CANCELLED, REJECTED, EXPIRED, REPLACED, REVOKED). */
  listOpenOrders(): Order[];
  listOrderKeys(): OrderKeys[];

  /** False (and nothing written) when (tradeOrderId, tradeId) is already stored. */
  insertFill(fill: Fill): boolean;
  listFills(tradeOrderId: string): Fill[];

  upsertBalance(balance: Balance): void;
  listBalances(tradingAccountId: string): Balance[];
  /** Replaces every balance of the account (venue snapshots). */
  replaceBalances(tradingAccountId: string, balances: Balance[]): void;
  upsertPosition(position: Position): void;
  listPositions(tradingAccountId: string): Position[];

  insertSubscription(subscription: Subscription): void;
  updateSubscription(subscription: Subscription): void;
  getSubscription(subscriptionId: string): Subscription | undefined;
  /** Oldest first. */
  listSubscriptions(filter: SubscriptionFilter): Subscription[];

  /** Insert or replace by instrumentId. */
  saveInstruments(instruments: Instrument[]): void;
  listInstruments(): Instrument[];
  deleteInstrument(instrumentId: string): boolean;

  saveSecurities(securities: Security[]): void;
  listSecurities(): Security[];
  deleteSecurities(securityIds: string[]): number;
}

/**
 * Optional capability: a store that groups the transactions of one event-loop turn into a single commit (each
 * `transaction` stays atomic as a savepoint). Writes are then durable only when `afterCommit` callbacks run, so
 * the domain holds events until then and the RPC layer holds replies (`Cadenza.durable()`).
 */
export interface GroupCommit {
  /** Runs `cb` once everything written so far is committed; at once when nothing is pending. */
  afterCommit(cb: () => void): void;
  /** Commits pending writes now (before a networked venue may see them). */
  flush(): void;
}

export function isGroupCommit(store: Store): store is Store & GroupCommit {
  return typeof (store as Partial<GroupCommit>).afterCommit === 'function' && typeof (store as Partial<GroupCommit>).flush === 'function';
}
