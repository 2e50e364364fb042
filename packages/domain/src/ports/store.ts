/**
 * @module ports/store
 * Durable storage of the trading domain, shaped so that an embedded database (SQLite) and a networked one
 * (PostgreSQL) fit behind it alike.
 *
 * The domain keeps its working state in memory, loaded once at start, and decides every command on that memory
 * alone; the store makes those decisions durable and answers the queries memory does not hold (histories, lists).
 * Hence the two halves of this port:
 *
 * - **Writes are synchronous and group-committed.** Every write method returns at once, joining the enclosing
 *   `transaction(fn)` if there is one (else forming a transaction of its own). An outermost `transaction` is one
 *   atomic unit: all of its writes become durable together or none do; a nested call is a savepoint (if its `fn`
 *   throws, only its own writes are undone, and the error propagates). A unit is durable only when the
 *   `afterCommit` callbacks registered after it run: the domain holds events and the RPC layer holds replies until
 *   then (`Cadenza.durable()`). SQLite commits the units of one event-loop turn together; a PostgreSQL adapter is a
 *   write-behind queue committed per turn. A write that fails to commit later cannot be undone in memory: the
 *   adapter stops the process (memory and database would disagree).
 * - **Reads return a Promise**, and see every write made before the call (read-your-writes), committed or not.
 *   Two kinds only: start-up loads (`load*`: what the domain keeps in memory) and query reads (gets and lists
 *   behind `query.*` RPCs, histories, the reconciler's fills). Command paths never wait on a read.
 *
 * Further guarantees:
 * - **Fills** are unique per (tradeOrderId, tradeId): `insertFill` answers false for a duplicate, writing nothing.
 *   It must answer from what the adapter knows synchronously: exactly for orders open at start (their fills loaded
 *   then) and for every fill this process wrote (the domain only books fills of orders it holds in memory).
 * - `deleteInstrument` / `deleteSecurities` answer from the ids the adapter knows (loaded at start, then written).
 * - **Secrets.** Credentials arrive already encrypted; the store never sees clear secrets.
 * - Lists return `{ items, total }` where `total` counts every match, ignoring offset/limit.
 */
import type { TradingAccount, TradingAccountOperation } from '../model/trading-account.ts';
import type { Credential } from '../model/credential.ts';
import type { Instrument, Security } from '../model/instrument.ts';
import type { Fill, Order } from '../model/order.ts';
import type { Balance } from '../model/balance.ts';
import type { Position } from '../model/position.ts';
import type { Subscription } from '../model/subscription.ts';
import type { OtcStore } from './otc-store.ts';

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
  tenantId?: string;
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
  /** Legs of one order list. */
  orderListId?: string;
  externalOrderListId?: string;
  /** Oldest first; default newest first. */
  ascending?: boolean;
}

export interface FillFilter {
  /** Restricts to these accounts (ownership); undefined = all accounts (admin). */
  tradingAccountIds?: string[];
  tradeOrderId?: string;
  /** Any of these orders' fills (an empty list matches none). */
  tradeOrderIds?: string[];
  instrumentId?: string;
  /** timestamp >= executedFrom (epoch ms). */
  executedFrom?: number;
  /** timestamp <= executedTo (epoch ms). */
  executedTo?: number;
  /** Oldest first; default newest first. */
  ascending?: boolean;
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

/**
 * When writes become durable. `afterCommit(cb)` runs `cb` once every unit written so far is committed (at once when
 * nothing is pending; callbacks run in registration order). `flush()` starts that commit now rather than at the end
 * of the turn and resolves when it is durable: the domain calls it before a networked venue may see an order.
 */
export interface GroupCommit {
  afterCommit(cb: () => void): void;
  flush(): Promise<void>;
}

export interface Store extends GroupCommit {
  /** The OTC desk's tables (ports/otc-store.ts), written in the same transactions. */
  readonly otc: OtcStore;
  /** Runs `fn` as one atomic unit (nested: a savepoint); rethrows what `fn` throws, having undone its writes. */
  transaction<T>(fn: () => T): T;
  /** Commits what is pending, then releases the database. Nothing may be called after. */
  close(): Promise<void>;

  // ── start-up loads: what the domain holds in memory ───────────────────────────────────────────────────
  /** Every trading account not deleted. */
  loadTradingAccounts(): Promise<TradingAccount[]>;
  loadCredentials(): Promise<Credential[]>;
  /** Every balance of every account. */
  loadBalances(): Promise<Balance[]>;
  /**
   * Every OPEN position, and per slot (account, instrument, and side in HEDGE mode — `positionSlot`) the latest
   * position when none is open; open ones last. Rows written by releases before position ids and kinds come back as
   * they were written (the domain reads them: positions/position-records.ts).
   */
  loadPositions(): Promise<Position[]>;
  /** Orders not in a terminal status (FILLED, CANCELLED, REJECTED, EXPIRED, REPLACED, REVOKED), oldest first. */
  loadOpenOrders(): Promise<Order[]>;
  /** The idempotency keys of every order ever stored. */
  loadOrderKeys(): Promise<OrderKeys[]>;
  /** Subscriptions not TERMINATED, oldest first. */
  loadSubscriptions(): Promise<Subscription[]>;
  /** Deleted ones included (the catalogue remembers what an admin deleted). */
  loadInstruments(): Promise<Instrument[]>;
  loadSecurities(): Promise<Security[]>;

  // ── query reads ───────────────────────────────────────────────────────────────────────────────────────
  /** Excludes deleted accounts; newest first. */
  listTradingAccounts(filter: TradingAccountFilter, page: Page): Promise<Paged<TradingAccount>>;
  /** Newest first. */
  listOperations(tradingAccountId: string, page: Page): Promise<Paged<TradingAccountOperation>>;
  listCredentials(filter: CredentialFilter, page: Page): Promise<Paged<Credential>>;
  getOrder(tradeOrderId: string): Promise<Order | undefined>;
  /** The newest order of the account with that venue order id. */
  findOrderByExternalOrderId(tradingAccountId: string, externalOrderId: string): Promise<Order | undefined>;
  /** Newest first unless `filter.ascending`. */
  listOrders(filter: OrderFilter, page: Page): Promise<Paged<Order>>;
  /** Oldest first. */
  listFills(tradeOrderId: string): Promise<Fill[]>;
  /** Fills of any orders (the executions query), newest first unless `ascending`; ties in the order they were written. */
  listExecutions(filter: FillFilter, page: Page): Promise<Paged<Fill>>;
  /** Oldest first; TERMINATED ones included unless the filter says otherwise. */
  listSubscriptions(filter: SubscriptionFilter): Promise<Subscription[]>;

  // ── writes (synchronous, joining the enclosing transaction) ───────────────────────────────────────────
  insertTradingAccount(account: TradingAccount): void;
  updateTradingAccount(account: TradingAccount): void;
  appendOperation(operation: TradingAccountOperation): void;
  insertCredential(credential: Credential): void;
  updateCredential(credential: Credential): void;
  insertOrder(order: Order): void;
  updateOrder(order: Order): void;
  /** False (and nothing written) when (tradeOrderId, tradeId) is already stored. */
  insertFill(fill: Fill): boolean;
  upsertBalance(balance: Balance): void;
  /** Replaces every balance of the account (venue snapshots). */
  replaceBalances(tradingAccountId: string, balances: Balance[]): void;
  /**
   * Insert or replace by positionId; at most one OPEN position per slot (closing one and opening the next is two writes, the close first).
   * `stored`, when the caller knows it: the position as stored before this write (null: none) — a store that must be
   * able to undo the write by hand then needs not read the row back first.
   */
  upsertPosition(position: Position, stored?: Position | null): void;
  insertSubscription(subscription: Subscription): void;
  updateSubscription(subscription: Subscription): void;
  /** Insert or replace by instrumentId. */
  saveInstruments(instruments: Instrument[]): void;
  /** True when the instrument was stored. */
  deleteInstrument(instrumentId: string): boolean;
  saveSecurities(securities: Security[]): void;
  /** How many of the ids were stored. */
  deleteSecurities(securityIds: string[]): number;
}
