/**
 * @module sqlite/sqlite-store
 * The embedded `Store`: one SQLite file through better-sqlite3 (synchronous), WAL journal.
 *
 * Durability (open-database.ts): `synchronous = NORMAL` survives a crash of the process; `durability: 'full'` also
 * a power loss, at the cost of an fsync per commit.
 *
 * Statements are prepared once (statements.ts); list queries with dynamic filters (filters.ts) once per distinct text.
 *
 * Order rows inserted inside a `transaction` are written when its outermost call ends, in their latest state: an
 * order the venue accepts or fills within the same call (PAPER does, synchronously) costs one INSERT instead of an
 * INSERT and UPDATEs. A nested block that fails restores the pending rows as they were before it. Pending orders are
 * visible to the point lookups (`getOrder`, `findOrderByExternalOrderId`); list queries see them once the outermost
 * call ends. Balances are held the same way, until the group commits (or the outermost call ends, without group
 * commit): an account's balance changes with every order it submits, and is written once per group; `loadBalances`
 * sees the held state. A call's savepoint is opened only when the call first writes a statement (`transaction`).
 *
 * better-sqlite3 is synchronous: every read runs when called (so it sees every write made before it) and its
 * promise is already settled.
 */
import type Database from 'better-sqlite3';
import type {
  Balance,
  Credential,
  CredentialFilter,
  Fill,
  FillFilter,
  Instrument,
  Order,
  OrderFilter,
  OrderKeys,
  Page,
  Paged,
  Position,
  Security,
  Store,
  Subscription,
  SubscriptionFilter,
  TradingAccount,
  TradingAccountFilter,
  TradingAccountOperation,
} from '@cadenza/domain';
import { TERMINAL_STATUSES, positionSlot } from '@cadenza/domain';
import { migrate } from './migrations.ts';
import { prepareStatements, type Statements } from './statements.ts';
import { accountsWhere, credentialsWhere, fillsWhere, ordersWhere, subscriptionsWhere, type Where } from './filters.ts';
import { SqliteOtcTables } from './sqlite-otc-tables.ts';
import { openDomainDatabase } from './open-database.ts';

export interface SqliteStoreOptions {
  /** File path, or ':memory:' for tests. */
  path: string;
  /** 'normal' (default): survives a process crash; 'full': also survives power loss, slower. */
  durability?: 'normal' | 'full';
  /**
   * Group the transactions of one event-loop turn into one commit, made on `setImmediate` (or by `flush()`); each
   * `transaction` is a savepoint inside it. Callers learn durability through `afterCommit`. Default false.
   */
  groupCommit?: boolean;
}

type Row = { body: string };
type Stmt = Database.Statement;

const parse = <T>(row: Row | undefined): T | undefined => (row === undefined ? undefined : (JSON.parse(row.body) as T));
const parseAll = <T>(rows: Row[]): T[] => rows.map((r) => JSON.parse(r.body) as T);

/** A running `transaction` call: its savepoint (opened at its first write), and what it changed in the held rows. */
interface Call {
  /** The savepoint's name; '' for a call that began the transaction itself (BEGIN, always open). */
  name: string;
  open: boolean;
  /** What each held order / balance was before this call touched it (undefined: not held). */
  orders: Map<string, Order | undefined>;
  balances: Map<string, Balance | undefined>;
}

/** Puts held rows back as they were before a failed call. */
function restore<T>(held: Map<string, T>, before: Map<string, T | undefined>): void {
  for (const [k, v] of before) {
    if (v === undefined) held.delete(k);
    else held.set(k, v);
  }
}

/** Sorts as the balances' primary key (trading_account_id, asset) does. */
const balanceKey = (tradingAccountId: string, asset: string) => `${tradingAccountId}\u0000${asset}`;

/** The credential body never holds the ciphertext; it has its own BLOB column. */
type CredentialBody = Omit<Credential, 'secretCiphertext'>;

export class SqliteStore implements Store {
  readonly db: Database.Database;
  /** The OTC desk's tables, on the same connection (so in the same transactions). */
  readonly otc: SqliteOtcTables;
  private readonly stmts: Statements;
  private readonly dynamic = new Map<string, Stmt>();
  private seq = 0;
  private depth = 0;
  private readonly groupCommit: boolean;
  /** A group transaction is open (BEGIN done, COMMIT scheduled). */
  private grouping = false;
  private readonly committed: Array<() => void> = [];
  /** Active `transaction` calls, outermost first. */
  private readonly calls: Call[] = [];
  /** Orders inserted in the running outermost `transaction` call, not written yet (id → latest state). */
  private readonly pendingOrders = new Map<string, Order>();
  /** Balances not written yet (account + asset → latest state): until the group commits, or the outermost call ends. */
  private readonly pendingBalances = new Map<string, Balance>();

  /** `options` may be just the file path: production defaults (durability 'normal', group commit on). */
  constructor(options: SqliteStoreOptions | string) {
    if (typeof options === 'string') options = { path: options, groupCommit: true };
    this.groupCommit = options.groupCommit ?? false;
    this.db = openDomainDatabase(options.path, options.durability ?? 'normal');
    migrate(this.db);
    this.otc = new SqliteOtcTables(this.db, () => this.beforeWrite());
    this.stmts = prepareStatements(this.db);
    this.seq = (this.db.prepare('SELECT max(n) AS n FROM (SELECT max(seq) AS n FROM trading_account_operations UNION ALL SELECT max(seq) FROM subscriptions)').get() as { n: number | null }).n ?? 0;
  }

  private query(sql: string): Stmt {
    let s = this.dynamic.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.dynamic.set(sql, s);
    }
    return s;
  }

  private s(name: keyof Statements): Stmt {
    return this.stmts[name];
  }

  /** The statement `name`, for a write: the savepoints of the running calls are opened first (see `transaction`). */
  private w(name: keyof Statements): Stmt {
    this.beforeWrite();
    return this.stmts[name];
  }

  private beforeWrite(): void {
    const top = this.calls[this.calls.length - 1];
    if (top && !top.open) this.openSavepoints();
  }

  private openSavepoints(): void {
    for (const c of this.calls) {
      if (c.open) continue;
      this.query(`SAVEPOINT ${c.name}`).run();
      c.open = true;
    }
  }

  /**
   * Runs `fn` all or nothing: a failing call is rolled back alone and rethrows. Calls inside a transaction (nested
   * ones, and every call inside a group) are SAVEPOINTs, opened only when the call first writes a statement: the
   * rows held back (orders, balances) are written when the call ends, so a call that changes an order the venue
   * answered at once, or a balance, often writes one statement or none, and needs no savepoint.
   */
  transaction<T>(fn: () => T): T {
    if (this.groupCommit && !this.db.inTransaction) {
      this.s('begin').run();
      this.grouping = true;
      setImmediate(() => this.commitGroup());
    }
    const alone = !this.db.inTransaction;
    if (alone) this.s('begin').run();
    const call: Call = { name: alone ? '' : `sp${++this.depth}`, open: alone, orders: new Map(), balances: new Map() };
    this.calls.push(call);
    try {
      const out = fn();
      if (this.calls.length === 1) this.writeHeld(call);
      if (call.open) {
        if (alone) this.s('commit').run();
        else this.query(`RELEASE ${call.name}`).run();
      }
      const parent = this.calls[this.calls.length - 2];
      if (parent) {
        for (const [id, before] of call.orders) if (!parent.orders.has(id)) parent.orders.set(id, before);
        for (const [k, before] of call.balances) if (!parent.balances.has(k)) parent.balances.set(k, before);
      }
      return out;
    } catch (e) {
      restore(this.pendingOrders, call.orders);
      restore(this.pendingBalances, call.balances);
      if (this.calls.length === 1) this.pendingOrders.clear();
      if (call.open && this.db.inTransaction) {
        if (alone) {
          this.s('rollback').run();
        } else {
          this.query(`ROLLBACK TO ${call.name}`).run();
          this.query(`RELEASE ${call.name}`).run();
        }
      }
      throw e;
    } finally {
      this.calls.pop();
      if (!alone) this.depth--;
    }
  }

  /**
   * Writes what the outermost call held back: its orders, and the balances unless a group commit writes them. One
   * statement alone is atomic without a savepoint (nothing else of the call was written, or the call's savepoint
   * would be open); more open it first.
   */
  private writeHeld(call: Call): void {
    const orders = this.pendingOrders.size ? [...this.pendingOrders.values()] : [];
    this.pendingOrders.clear();
    const balances = this.grouping ? [] : this.takeBalances();
    const alone = !call.open && orders.length + balances.length === 1;
    for (const o of orders) this.writeOrderRow(o, alone);
    for (const b of balances) this.writeBalanceRow(b, alone);
  }

  private takeBalances(): Balance[] {
    if (this.pendingBalances.size === 0) return [];
    const out = [...this.pendingBalances.values()];
    this.pendingBalances.clear();
    return out;
  }

  private holdOrder(o: Order): void {
    const undo = this.calls[this.calls.length - 1]!.orders;
    if (!undo.has(o.tradeOrderId)) undo.set(o.tradeOrderId, this.pendingOrders.get(o.tradeOrderId));
    this.pendingOrders.set(o.tradeOrderId, o);
  }

  /** Commits the open group (if any) and runs the waiting `afterCommit` callbacks. A failed commit throws: the
   * in-memory state of the domain no longer matches the database, so the process must stop. */
  flush(): Promise<void> {
    try {
      this.commitGroup();
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  private commitGroup(): void {
    if (this.grouping) {
      this.grouping = false;
      for (const b of this.takeBalances()) this.writeBalanceRow(b);
      if (this.db.inTransaction) this.s('commit').run();
    }
    const ready = this.committed.splice(0);
    for (const cb of ready) cb();
  }

  afterCommit(cb: () => void): void {
    if (this.grouping) this.committed.push(cb);
    else cb();
  }

  async close(): Promise<void> {
    if (this.db.open) {
      this.commitGroup();
      this.db.close();
    }
  }

  /**
   * True while the connection is open. The RPC layer asks before every command: an embedded database has no link
   * to lose, and a trivial query (`SELECT 1` reads no page) would say nothing more at the cost of a statement.
   */
  isHealthy(): boolean {
    return this.db.open;
  }

  // ── trading accounts ──────────────────────────────────────────────────────────────────────────────────
  insertTradingAccount(a: TradingAccount): void {
    this.w('insertAccount').run(a.tradingAccountId, a.userId, a.venue, a.status, a.createdAt, a.deletedAt ?? null, JSON.stringify(a));
  }
  updateTradingAccount(a: TradingAccount): void {
    this.w('updateAccount').run(a.userId, a.venue, a.status, a.deletedAt ?? null, JSON.stringify(a), a.tradingAccountId);
  }
  async loadTradingAccounts(): Promise<TradingAccount[]> {
    return parseAll<TradingAccount>(this.s('loadAccounts').all() as Row[]);
  }
  async listTradingAccounts(f: TradingAccountFilter, page: Page): Promise<Paged<TradingAccount>> {
    return this.paged('trading_accounts', accountsWhere(f), 'created_at DESC, trading_account_id', page);
  }
  appendOperation(op: TradingAccountOperation): void {
    this.w('insertOperation').run(op.operationId, op.tradingAccountId, op.timestamp, ++this.seq, JSON.stringify(op));
  }
  async listOperations(tradingAccountId: string, page: Page): Promise<Paged<TradingAccountOperation>> {
    const items = parseAll<TradingAccountOperation>(this.s('listOperations').all(tradingAccountId, page.limit, page.offset) as Row[]);
    const total = (this.s('countOperations').get(tradingAccountId) as { n: number }).n;
    return { items, total };
  }

  // ── credentials ───────────────────────────────────────────────────────────────────────────────────────
  insertCredential(c: Credential): void {
    const { secretCiphertext, ...body } = c;
    this.w('insertCredential').run(
      c.credentialId, c.userId, c.tradingAccountId ?? null, c.venue, c.credentialType, c.status, c.createdAt, Buffer.from(secretCiphertext), JSON.stringify(body),
    );
  }
  updateCredential(c: Credential): void {
    const { secretCiphertext, ...body } = c;
    this.w('updateCredential').run(
      c.userId, c.tradingAccountId ?? null, c.venue, c.credentialType, c.status, Buffer.from(secretCiphertext), JSON.stringify(body), c.credentialId,
    );
  }
  async loadCredentials(): Promise<Credential[]> {
    return (this.s('loadCredentials').all() as Array<{ body: string; secret: Buffer }>).map((r) => this.credentialFromRow(r));
  }
  async listCredentials(f: CredentialFilter, page: Page): Promise<Paged<Credential>> {
    const w = credentialsWhere(f);
    if (!w) return { items: [], total: 0 };
    const rows = this.query(`SELECT body, secret FROM credentials ${w.sql} ORDER BY created_at DESC, credential_id LIMIT ? OFFSET ?`).all(
      ...w.args, page.limit, page.offset,
    ) as Array<{ body: string; secret: Buffer }>;
    const total = (this.query(`SELECT count(*) AS n FROM credentials ${w.sql}`).get(...w.args) as { n: number }).n;
    return { items: rows.map((r) => this.credentialFromRow(r)), total };
  }
  private credentialFromRow(row: { body: string; secret: Buffer }): Credential {
    const body = JSON.parse(row.body) as CredentialBody;
    return { ...body, secretCiphertext: new Uint8Array(row.secret) };
  }

  // ── orders and fills ──────────────────────────────────────────────────────────────────────────────────
  insertOrder(o: Order): void {
    if (this.calls.length > 0) {
      if (this.pendingOrders.has(o.tradeOrderId)) throw new Error(`order ${o.tradeOrderId} inserted twice`);
      this.holdOrder(o);
      return;
    }
    this.writeOrderRow(o);
  }
  /** `alone`: the only statement of a call that wrote nothing else, atomic without a savepoint. */
  private writeOrderRow(o: Order, alone = false): void {
    (alone ? this.stmts.insertOrder : this.w('insertOrder')).run(
      o.tradeOrderId, o.tradingAccountId, o.clientOrderId, o.externalOrderId ?? null, o.idempotencyKey ?? null, o.instrumentId, o.side,
      o.orderType, o.status, TERMINAL_STATUSES.has(o.status) ? 0 : 1, o.createdAt, o.orderListId ?? null, JSON.stringify(o),
    );
  }
  updateOrder(o: Order): void {
    if (this.pendingOrders.has(o.tradeOrderId)) {
      this.holdOrder(o);
      return;
    }
    this.w('updateOrder').run(o.externalOrderId ?? null, o.status, TERMINAL_STATUSES.has(o.status) ? 0 : 1, JSON.stringify(o), o.tradeOrderId);
  }
  async getOrder(id: string): Promise<Order | undefined> {
    const pending = this.pendingOrders.get(id);
    if (pending) return pending;
    return parse(this.s('getOrder').get(id) as Row | undefined);
  }
  async findOrderByExternalOrderId(tradingAccountId: string, externalOrderId: string): Promise<Order | undefined> {
    for (const o of this.pendingOrders.values()) if (o.tradingAccountId === tradingAccountId && o.externalOrderId === externalOrderId) return o;
    return parse(this.s('orderByExternalId').get(externalOrderId, tradingAccountId) as Row | undefined);
  }
  async listOrders(f: OrderFilter, page: Page): Promise<Paged<Order>> {
    return this.paged('orders', ordersWhere(f), f.ascending ? 'created_at, trade_order_id' : 'created_at DESC, trade_order_id DESC', page);
  }
  async loadOpenOrders(): Promise<Order[]> {
    return parseAll<Order>(this.s('openOrders').all() as Row[]);
  }
  async loadOrderKeys(): Promise<OrderKeys[]> {
    const rows = this.s('orderKeys').all() as Array<{ trade_order_id: string; trading_account_id: string; client_order_id: string; idempotency_key: string | null }>;
    return rows.map((r) => {
      const k: OrderKeys = { tradeOrderId: r.trade_order_id, tradingAccountId: r.trading_account_id, clientOrderId: r.client_order_id };
      if (r.idempotency_key !== null) k.idempotencyKey = r.idempotency_key;
      return k;
    });
  }
  insertFill(f: Fill): boolean {
    return this.w('insertFill').run(f.tradeOrderId, f.tradeId, f.tradingAccountId, f.instrumentId, f.timestamp, JSON.stringify(f)).changes === 1;
  }
  async listFills(tradeOrderId: string): Promise<Fill[]> {
    return parseAll<Fill>(this.s('listFills').all(tradeOrderId) as Row[]);
  }
  async listExecutions(f: FillFilter, page: Page): Promise<Paged<Fill>> {
    return this.paged('fills', fillsWhere(f), f.ascending ? 'timestamp, rowid' : 'timestamp DESC, rowid DESC', page);
  }

  // ── balances and positions ────────────────────────────────────────────────────────────────────────────
  /** Held, latest state only, until the group commits or the outermost call ends (orders lock one at every submit). */
  upsertBalance(b: Balance): void {
    if (this.calls.length === 0 && !this.grouping) {
      this.writeBalanceRow(b);
      return;
    }
    this.holdBalance(balanceKey(b.tradingAccountId, b.asset), b);
  }
  private holdBalance(k: string, b: Balance | undefined): void {
    const undo = this.calls[this.calls.length - 1]?.balances;
    if (undo && !undo.has(k)) undo.set(k, this.pendingBalances.get(k));
    if (b) this.pendingBalances.set(k, b);
    else this.pendingBalances.delete(k);
  }
  private writeBalanceRow(b: Balance, alone = false): void {
    (alone ? this.stmts.upsertBalance : this.w('upsertBalance')).run(b.tradingAccountId, b.asset, JSON.stringify(b));
  }
  async loadBalances(): Promise<Balance[]> {
    const rows = parseAll<Balance>(this.s('loadBalances').all() as Row[]);
    if (this.pendingBalances.size === 0) return rows;
    const all = new Map(rows.map((b) => [balanceKey(b.tradingAccountId, b.asset), b]));
    for (const [k, b] of this.pendingBalances) all.set(k, b);
    return [...all.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, b]) => b);
  }
  replaceBalances(tradingAccountId: string, balances: Balance[]): void {
    this.transaction(() => {
      for (const [k, b] of [...this.pendingBalances]) if (b.tradingAccountId === tradingAccountId) this.holdBalance(k, undefined);
      this.w('deleteBalances').run(tradingAccountId);
      for (const b of balances) this.upsertBalance(b);
    });
  }
  upsertPosition(p: Position): void {
    this.w('upsertPosition').run(p.positionId, p.tradingAccountId, p.instrumentId, positionSlot(p), p.status, p.updatedAt, JSON.stringify(p));
  }
  async loadPositions(): Promise<Position[]> {
    return parseAll<Position>(this.s('loadPositions').all() as Row[]);
  }

  // ── subscriptions ─────────────────────────────────────────────────────────────────────────────────────
  insertSubscription(s: Subscription): void {
    this.w('insertSubscription').run(
      s.subscriptionId, s.userId, s.tradingAccountId ?? null, s.venue, s.instrumentId ?? null, s.subscriptionType, s.status, s.createdAt, ++this.seq,
      JSON.stringify(s),
    );
  }
  updateSubscription(s: Subscription): void {
    this.w('updateSubscription').run(s.status, JSON.stringify(s), s.subscriptionId);
  }
  async loadSubscriptions(): Promise<Subscription[]> {
    return parseAll<Subscription>(this.s('loadSubscriptions').all() as Row[]);
  }
  async listSubscriptions(f: SubscriptionFilter): Promise<Subscription[]> {
    const w = subscriptionsWhere(f);
    if (!w) return [];
    return parseAll<Subscription>(this.query(`SELECT body FROM subscriptions ${w.sql} ORDER BY seq`).all(...w.args) as Row[]);
  }

  // ── instruments and securities ────────────────────────────────────────────────────────────────────────
  saveInstruments(instruments: Instrument[]): void {
    this.transaction(() => {
      for (const i of instruments) this.w('saveInstrument').run(i.spec.instrumentId, i.spec.venue, JSON.stringify(i));
    });
  }
  async loadInstruments(): Promise<Instrument[]> {
    return parseAll<Instrument>(this.s('listInstruments').all() as Row[]);
  }
  deleteInstrument(instrumentId: string): boolean {
    return this.w('deleteInstrument').run(instrumentId).changes > 0;
  }
  saveSecurities(securities: Security[]): void {
    this.transaction(() => {
      for (const s of securities) this.w('saveSecurity').run(s.securityId, s.venue, JSON.stringify(s));
    });
  }
  async loadSecurities(): Promise<Security[]> {
    return parseAll<Security>(this.s('listSecurities').all() as Row[]);
  }
  deleteSecurities(securityIds: string[]): number {
    return this.transaction(() => securityIds.reduce((n, id) => n + this.w('deleteSecurity').run(id).changes, 0));
  }

  /** One page of `table` matching `w` (undefined: a filter that matches nothing), and the count of every match. */
  private paged<T>(table: string, w: Where | undefined, order: string, page: Page): Paged<T> {
    if (!w) return { items: [], total: 0 };
    const items = parseAll<T>(this.query(`SELECT body FROM ${table} ${w.sql} ORDER BY ${order} LIMIT ? OFFSET ?`).all(...w.args, page.limit, page.offset) as Row[]);
    const total = (this.query(`SELECT count(*) AS n FROM ${table} ${w.sql}`).get(...w.args) as { n: number }).n;
    return { items, total };
  }
}

/** Opens (creating and migrating when needed) the domain store at `path`. */
export function openSqliteStore(options: SqliteStoreOptions | string): SqliteStore {
  return new SqliteStore(options);
}
