/**
 * @module sqlite/sqlite-store
 * The embedded `Store`: one SQLite file through better-sqlite3 (synchronous), WAL journal.
 *
 * Durability (open-database.ts): `synchronous = NORMAL` survives a crash of the process; `durability: 'full'` also
 * a power loss, at the cost of an fsync per commit. WAL checkpoints run on a worker thread (wal-checkpointer.ts).
 *
 * Statements are prepared once (statements.ts); list queries with dynamic filters (filters.ts) once per distinct text.
 *
 * Transactions, group commit and the rows held back until their unit ends: sqlite-unit-of-work.ts. Held orders are
 * visible to the point lookups (`getOrder`, `findOrderByExternalOrderId`); list queries see them once the outermost
 * call ends; `loadBalances` sees the held balances.
 *
 * `insertOrder` throws on a clientOrderId the account's stored or held orders have (the stored ones kept in memory,
 * client-keys.ts: no index since migration 10), and on an idempotencyKey its stored orders have (an index).
 *
 * better-sqlite3 is synchronous: every read runs when called (so it sees every write made before it) and its
 * promise is already settled.
 */
import type Database from 'better-sqlite3';
import type {
  Logger,
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
import { TERMINAL_STATUSES, positionSlot, silentLogger } from '@cadenza/domain';
import { migrate } from './migrations.ts';
import { prepareStatements, type Statements } from './statements.ts';
import { accountsWhere, credentialsWhere, fillsWhere, ordersWhere, subscriptionsWhere, type Where } from './filters.ts';
import { ClientKeys } from './client-keys.ts';
import { SqliteOtcTables } from './sqlite-otc-tables.ts';
import { openDomainDatabase } from './open-database.ts';
import { SqliteUnitOfWork, balanceKey } from './sqlite-unit-of-work.ts';
import { WalCheckpointer, type WalCheckpointOptions } from './wal-checkpointer.ts';

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
  /**
   * Who checkpoints the WAL of a file: 'worker' (default) — a worker thread with its own connection, the committing
   * connection rewinding the WAL only when it is long (wal-checkpointer.ts); 'inline' — SQLite's autocheckpoint on
   * the committing connection (every 1,000 pages). `:memory:` has no WAL.
   */
  checkpoint?: 'worker' | 'inline';
  /** The worker's thresholds (wal-checkpointer.ts). */
  walCheckpoint?: WalCheckpointOptions;
  /** Where the checkpointer reports a failure. */
  log?: Logger;
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
  /** The group transaction, the running calls' savepoints and the rows held back until their unit ends. */
  private readonly uow: SqliteUnitOfWork;

  /** The WAL's checkpointer thread (undefined: `:memory:`, or `checkpoint: 'inline'`). */
  readonly checkpointer: WalCheckpointer | undefined;

  /** `options` may be just the file path: production defaults (durability 'normal', group commit on). */
  constructor(options: SqliteStoreOptions | string) {
    if (typeof options === 'string') options = { path: options, groupCommit: true };
    const durability = options.durability ?? 'normal';
    this.db = openDomainDatabase(options.path, durability);
    migrate(this.db);
    const onDisk = options.path !== ':memory:' && options.path !== '';
    this.checkpointer = onDisk && (options.checkpoint ?? 'worker') === 'worker'
      ? new WalCheckpointer(this.db, options.path, durability === 'full' ? 'FULL' : 'NORMAL', options.log ?? silentLogger, options.walCheckpoint)
      : undefined;
    const checkpointer = this.checkpointer;
    this.uow = new SqliteUnitOfWork(
      this.db,
      options.groupCommit ?? false,
      {
        order: (o, alone) => this.writeOrderRow(o, alone),
        fill: (f, alone) => this.writeFillRow(f, alone),
        quote: (q, alone) => this.otc.writeQuoteRow(q, alone),
        entries: (entries, alone) => this.otc.writeEntryRows(entries, alone),
        position: (p, alone) => this.writePositionRow(p, alone),
        positionRow: (id) => this.stmts.positionRow.get(id),
        restorePosition: (id, row) => {
          if (row === undefined) this.stmts.deletePosition.run(id);
          else this.stmts.restorePosition.run(row);
        },
        balance: (b, alone) => this.writeBalanceRow(b, alone),
        exposure: (e, alone) => this.otc.writeExposureRow(e, alone),
        unorder: (o) => this.stmts.deleteOrder.run(o.tradeOrderId),
        unfill: (f) => this.stmts.deleteFill.run(f.tradeOrderId, f.tradeId),
        unquote: (q) => this.otc.deleteQuoteRow(q),
        orderUndone: (o) => this.clientOrderIds.remove(o.tradingAccountId, o.clientOrderId),
        quoteUndone: (q) => this.otc.quoteUndone(q),
      },
      checkpointer ? () => checkpointer.committed() : undefined,
    );
    this.otc = new SqliteOtcTables(this.db, this.uow);
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
    this.uow.beforeWrite();
    return this.stmts[name];
  }

  /** The statement `name`, for a held row's write: `alone`, it needs no savepoint (sqlite-unit-of-work.ts says when). */
  private held(name: keyof Statements, alone: boolean): Stmt {
    return alone ? this.stmts[name] : this.w(name);
  }

  /** Runs `fn` all or nothing (sqlite-unit-of-work.ts): nested calls and calls inside a group are savepoints. */
  transaction<T>(fn: () => T): T {
    return this.uow.transaction(fn);
  }

  /** Commits the open group (if any) and runs the waiting `afterCommit` callbacks. A failed commit throws: the
   * in-memory state of the domain no longer matches the database, so the process must stop. */
  flush(): Promise<void> {
    try {
      this.uow.commitGroup();
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  afterCommit(cb: () => void): void {
    this.uow.afterCommit(cb);
  }

  /** Commits what is pending, stops the checkpointer's thread, checkpoints and truncates the WAL, closes the file. */
  async close(): Promise<void> {
    if (!this.db.open) return;
    this.uow.commitGroup();
    await this.checkpointer?.close();
    if (!this.db.open) return;
    if (this.checkpointer) this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
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
  /** Every account's clientOrderIds of the stored orders (the module note says why in memory). */
  private readonly clientOrderIds = new ClientKeys(() =>
    (this.s('orderClientIds').all() as Array<{ trading_account_id: string; client_order_id: string }>).map((r) => [r.trading_account_id, r.client_order_id] as const),
  );

  insertOrder(o: Order): void {
    if (this.clientOrderIdTaken(o)) throw new Error(`duplicate clientOrderId for trading account ${o.tradingAccountId}`);
    if (this.uow.inCall) {
      if (this.uow.heldOrder(o.tradeOrderId)) throw new Error(`order ${o.tradeOrderId} inserted twice`);
      this.uow.holdOrder(o);
      return;
    }
    this.writeOrderRow(o);
  }
  /** `alone`: the only statement of a call that wrote nothing else, atomic without a savepoint. */
  private writeOrderRow(o: Order, alone = false): void {
    this.held('insertOrder', alone).run(
      o.tradeOrderId, o.tradingAccountId, o.clientOrderId, o.externalOrderId ?? null, o.idempotencyKey ?? null, o.instrumentId, o.side,
      o.orderType, o.status, TERMINAL_STATUSES.has(o.status) ? 0 : 1, o.createdAt, o.orderListId ?? null, JSON.stringify(o),
    );
    this.clientOrderIds.add(o.tradingAccountId, o.clientOrderId);
  }
  private clientOrderIdTaken(o: Order): boolean {
    if (this.clientOrderIds.has(o.tradingAccountId, o.clientOrderId)) return true;
    for (const h of this.uow.heldOrders()) if (h.clientOrderId === o.clientOrderId && h.tradingAccountId === o.tradingAccountId) return true;
    return false;
  }
  updateOrder(o: Order): void {
    if (this.uow.heldOrder(o.tradeOrderId)) {
      this.uow.holdOrder(o);
      return;
    }
    this.w('updateOrder').run(o.externalOrderId ?? null, o.status, TERMINAL_STATUSES.has(o.status) ? 0 : 1, JSON.stringify(o), o.tradeOrderId);
  }
  async getOrder(id: string): Promise<Order | undefined> {
    const pending = this.uow.heldOrder(id);
    if (pending) return pending;
    return parse(this.s('getOrder').get(id) as Row | undefined);
  }
  async findOrderByExternalOrderId(tradingAccountId: string, externalOrderId: string): Promise<Order | undefined> {
    for (const o of this.uow.heldOrders()) if (o.tradingAccountId === tradingAccountId && o.externalOrderId === externalOrderId) return o;
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
    this.clientOrderIds.fill(rows.map((r) => [r.trading_account_id, r.client_order_id] as const));
    return rows.map((r) => {
      const k: OrderKeys = { tradeOrderId: r.trade_order_id, tradingAccountId: r.trading_account_id, clientOrderId: r.client_order_id };
      if (r.idempotency_key !== null) k.idempotencyKey = r.idempotency_key;
      return k;
    });
  }
  /** A fill of an order inserted in the running call (none of its fills can be stored yet) is held with it. */
  insertFill(f: Fill): boolean {
    if (this.uow.inCall && this.uow.heldOrder(f.tradeOrderId)) return this.uow.holdFill(f);
    return this.writeFillRow(f);
  }
  private writeFillRow(f: Fill, alone = false): boolean {
    return this.held('insertFill', alone).run(f.tradeOrderId, f.tradeId, f.tradingAccountId, f.instrumentId, f.timestamp, JSON.stringify(f)).changes === 1;
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
    if (!this.uow.holdsGroupRows) {
      this.writeBalanceRow(b);
      return;
    }
    this.uow.holdBalance(balanceKey(b.tradingAccountId, b.asset), b);
  }
  private writeBalanceRow(b: Balance, alone = false): void {
    this.held('upsertBalance', alone).run(b.tradingAccountId, b.asset, JSON.stringify(b));
  }
  async loadBalances(): Promise<Balance[]> {
    const rows = parseAll<Balance>(this.s('loadBalances').all() as Row[]);
    const held = this.uow.heldBalances();
    if (held.size === 0) return rows;
    const all = new Map(rows.map((b) => [balanceKey(b.tradingAccountId, b.asset), b]));
    for (const [k, b] of held) all.set(k, b);
    return [...all.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, b]) => b);
  }
  replaceBalances(tradingAccountId: string, balances: Balance[]): void {
    this.transaction(() => {
      for (const [k, b] of [...this.uow.heldBalances()]) if (b.tradingAccountId === tradingAccountId) this.uow.holdBalance(k, undefined);
      this.w('deleteBalances').run(tradingAccountId);
      for (const b of balances) this.upsertBalance(b);
    });
  }
  /**
   * An open position staying open (every fill on it) rewrites its row alone, closing one its row and its open-slot
   * entry; a new one enters every index (statements.ts says why each statement names what it names). Held inside a
   * call, in its last state, until the outermost call ends (sqlite-unit-of-work.ts).
   */
  upsertPosition(p: Position, stored?: Position | null): void {
    if (this.uow.inCall) this.uow.holdPosition(p, stored);
    else this.writePositionRow(p);
  }
  /** Each statement changes nothing unless its case holds, so whichever runs, one of them writes the row. */
  private writePositionRow(p: Position, alone = false): void {
    const args = [p.positionId, p.tradingAccountId, p.instrumentId, positionSlot(p), p.status, p.createdAt, p.updatedAt, JSON.stringify(p)];
    if (p.status === 'OPEN' && this.held('upsertOpenPosition', alone).run(...args).changes > 0) return;
    if (this.held('upsertPosition', alone).run(...args).changes > 0) return;
    this.held('upsertPositionSlot', alone).run(...args);
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
