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
 * call ends.
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
  /** Active `transaction` calls (outermost = 1). */
  private calls = 0;
  /** Orders inserted in the running outermost `transaction` call, not written yet (id → latest state). */
  private readonly pendingOrders = new Map<string, Order>();
  /** Per active call: what each pending order was before the call touched it (undefined = not pending). */
  private readonly pendingUndo: Array<Map<string, Order | undefined>> = [];

  /** `options` may be just the file path: production defaults (durability 'normal', group commit on). */
  constructor(options: SqliteStoreOptions | string) {
    if (typeof options === 'string') options = { path: options, groupCommit: true };
    this.groupCommit = options.groupCommit ?? false;
    this.db = openDomainDatabase(options.path, options.durability ?? 'normal');
    migrate(this.db);
    this.otc = new SqliteOtcTables(this.db);
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

  /** Nested calls run in a SAVEPOINT: a failing inner block rolls back alone and rethrows. */
  transaction<T>(fn: () => T): T {
    if (this.groupCommit && !this.db.inTransaction) {
      this.s('begin').run();
      this.grouping = true;
      setImmediate(() => this.commitGroup());
    }
    const nested = this.db.inTransaction;
    const name = nested ? `sp${++this.depth}` : '';
    if (nested) this.query(`SAVEPOINT ${name}`).run();
    else this.s('begin').run();
    this.calls++;
    const undo = new Map<string, Order | undefined>();
    this.pendingUndo.push(undo);
    try {
      const out = fn();
      if (this.calls === 1) this.writePendingOrders();
      if (nested) this.query(`RELEASE ${name}`).run();
      else this.s('commit').run();
      const parent = this.pendingUndo[this.pendingUndo.length - 2];
      if (parent) for (const [id, before] of undo) if (!parent.has(id)) parent.set(id, before);
      return out;
    } catch (e) {
      for (const [id, before] of undo) {
        if (before === undefined) this.pendingOrders.delete(id);
        else this.pendingOrders.set(id, before);
      }
      if (this.calls === 1) this.pendingOrders.clear();
      if (this.db.inTransaction) {
        if (nested) {
          this.query(`ROLLBACK TO ${name}`).run();
          this.query(`RELEASE ${name}`).run();
        } else {
          this.s('rollback').run();
        }
      }
      throw e;
    } finally {
      this.pendingUndo.pop();
      this.calls--;
      if (nested) this.depth--;
    }
  }

  /** Writes the orders held back during the outermost `transaction` call (see the module note). */
  private writePendingOrders(): void {
    if (this.pendingOrders.size === 0) return;
    const orders = [...this.pendingOrders.values()];
    this.pendingOrders.clear();
    for (const o of orders) this.writeOrderRow(o);
  }

  private holdOrder(o: Order): void {
    const undo = this.pendingUndo[this.pendingUndo.length - 1]!;
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
    this.s('insertAccount').run(a.tradingAccountId, a.userId, a.venue, a.status, a.createdAt, a.deletedAt ?? null, JSON.stringify(a));
  }
  updateTradingAccount(a: TradingAccount): void {
    this.s('updateAccount').run(a.userId, a.venue, a.status, a.deletedAt ?? null, JSON.stringify(a), a.tradingAccountId);
  }
  async loadTradingAccounts(): Promise<TradingAccount[]> {
    return parseAll<TradingAccount>(this.s('loadAccounts').all() as Row[]);
  }
  async listTradingAccounts(f: TradingAccountFilter, page: Page): Promise<Paged<TradingAccount>> {
    return this.paged('trading_accounts', accountsWhere(f), 'created_at DESC, trading_account_id', page);
  }
  appendOperation(op: TradingAccountOperation): void {
    this.s('insertOperation').run(op.operationId, op.tradingAccountId, op.timestamp, ++this.seq, JSON.stringify(op));
  }
  async listOperations(tradingAccountId: string, page: Page): Promise<Paged<TradingAccountOperation>> {
    const items = parseAll<TradingAccountOperation>(this.s('listOperations').all(tradingAccountId, page.limit, page.offset) as Row[]);
    const total = (this.s('countOperations').get(tradingAccountId) as { n: number }).n;
    return { items, total };
  }

  // ── credentials ───────────────────────────────────────────────────────────────────────────────────────
  insertCredential(c: Credential): void {
    const { secretCiphertext, ...body } = c;
    this.s('insertCredential').run(
      c.credentialId, c.userId, c.tradingAccountId ?? null, c.venue, c.credentialType, c.status, c.createdAt, Buffer.from(secretCiphertext), JSON.stringify(body),
    );
  }
  updateCredential(c: Credential): void {
    const { secretCiphertext, ...body } = c;
    this.s('updateCredential').run(
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
    if (this.calls > 0) {
      if (this.pendingOrders.has(o.tradeOrderId)) throw new Error(`order ${o.tradeOrderId} inserted twice`);
      this.holdOrder(o);
      return;
    }
    this.writeOrderRow(o);
  }
  private writeOrderRow(o: Order): void {
    this.s('insertOrder').run(
      o.tradeOrderId, o.tradingAccountId, o.clientOrderId, o.externalOrderId ?? null, o.idempotencyKey ?? null, o.instrumentId, o.side,
      o.orderType, o.status, TERMINAL_STATUSES.has(o.status) ? 0 : 1, o.createdAt, o.orderListId ?? null, JSON.stringify(o),
    );
  }
  updateOrder(o: Order): void {
    if (this.pendingOrders.has(o.tradeOrderId)) {
      this.holdOrder(o);
      return;
    }
    this.s('updateOrder').run(o.externalOrderId ?? null, o.status, TERMINAL_STATUSES.has(o.status) ? 0 : 1, JSON.stringify(o), o.tradeOrderId);
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
    return this.s('insertFill').run(f.tradeOrderId, f.tradeId, f.tradingAccountId, f.instrumentId, f.timestamp, JSON.stringify(f)).changes === 1;
  }
  async listFills(tradeOrderId: string): Promise<Fill[]> {
    return parseAll<Fill>(this.s('listFills').all(tradeOrderId) as Row[]);
  }
  async listExecutions(f: FillFilter, page: Page): Promise<Paged<Fill>> {
    return this.paged('fills', fillsWhere(f), f.ascending ? 'timestamp, rowid' : 'timestamp DESC, rowid DESC', page);
  }

  // ── balances and positions ────────────────────────────────────────────────────────────────────────────
  upsertBalance(b: Balance): void {
    this.s('upsertBalance').run(b.tradingAccountId, b.asset, JSON.stringify(b));
  }
  async loadBalances(): Promise<Balance[]> {
    return parseAll<Balance>(this.s('loadBalances').all() as Row[]);
  }
  replaceBalances(tradingAccountId: string, balances: Balance[]): void {
    this.transaction(() => {
      this.s('deleteBalances').run(tradingAccountId);
      for (const b of balances) this.upsertBalance(b);
    });
  }
  upsertPosition(p: Position): void {
    this.s('upsertPosition').run(p.positionId, p.tradingAccountId, p.instrumentId, positionSlot(p), p.status, p.updatedAt, JSON.stringify(p));
  }
  async loadPositions(): Promise<Position[]> {
    return parseAll<Position>(this.s('loadPositions').all() as Row[]);
  }

  // ── subscriptions ─────────────────────────────────────────────────────────────────────────────────────
  insertSubscription(s: Subscription): void {
    this.s('insertSubscription').run(
      s.subscriptionId, s.userId, s.tradingAccountId ?? null, s.venue, s.instrumentId ?? null, s.subscriptionType, s.status, s.createdAt, ++this.seq,
      JSON.stringify(s),
    );
  }
  updateSubscription(s: Subscription): void {
    this.s('updateSubscription').run(s.status, JSON.stringify(s), s.subscriptionId);
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
      for (const i of instruments) this.s('saveInstrument').run(i.spec.instrumentId, i.spec.venue, JSON.stringify(i));
    });
  }
  async loadInstruments(): Promise<Instrument[]> {
    return parseAll<Instrument>(this.s('listInstruments').all() as Row[]);
  }
  deleteInstrument(instrumentId: string): boolean {
    return this.s('deleteInstrument').run(instrumentId).changes > 0;
  }
  saveSecurities(securities: Security[]): void {
    this.transaction(() => {
      for (const s of securities) this.s('saveSecurity').run(s.securityId, s.venue, JSON.stringify(s));
    });
  }
  async loadSecurities(): Promise<Security[]> {
    return parseAll<Security>(this.s('listSecurities').all() as Row[]);
  }
  deleteSecurities(securityIds: string[]): number {
    return this.transaction(() => securityIds.reduce((n, id) => n + this.s('deleteSecurity').run(id).changes, 0));
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
