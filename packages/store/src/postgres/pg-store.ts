/**
 * @module postgres/pg-store
 * The domain `Store` on PostgreSQL: writes are synchronous and go through the write-behind committer (one unit per
 * outermost `transaction`, committed in per-turn batches, acknowledged through `afterCommit`); reads are queries on a
 * pool that first wait until every write made before them is committed (`settled`), so they see them.
 *
 * What a synchronous write must answer at once comes from memory, kept exactly for what this process wrote and
 * loaded at open for what it may meet again; the database's constraints stay the judge of last resort (a refusal
 * there stops the committer, write-behind.ts):
 * - `insertOrder` throws on a clientOrderId / idempotencyKey this store already wrote for the account;
 * - `insertFill` answers false for a (tradeOrderId, tradeId) already written — fills of open orders are loaded at
 *   open; those of closed orders are forgotten an hour after the close;
 * - `deleteInstrument` / `deleteSecurities` count against the id sets loaded at open.
 *
 * Inside a `transaction`, an order's writes are held and written once, in their latest state, when the outermost
 * call ends (an order PAPER accepts or fills in the same call costs one INSERT); a balance's until its batch commits.
 * A nested call that throws discards its own writes only.
 */
import type pg from 'pg';
import type {
  Balance,
  Credential,
  CredentialFilter,
  Fill,
  FillFilter,
  Instrument,
  Logger,
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
import { silentLogger } from '@cadenza/domain';
import { LOAD_POSITIONS } from '../load-positions.ts';
import { Availability, clientConfig, describeUrl, openPool, type PoolOptions } from './connection.ts';
import { domainMigrations } from './domain-migrations.ts';
import { migrate } from './migrator.ts';
import { fromPgText, pgText } from './sql-text.ts';
import { WriteBehind } from './write-behind.ts';
import { WriteUnits, type Frame } from './write-units.ts';
import { balanceKey, dropCleared } from './held-balances.ts';
import { Where } from './filters.ts';
import * as stmt from './statements.ts';
import { credentialFromRow, type CredentialRow } from './statements.ts';
import { FillMemory } from './fill-memory.ts';
import { PgReads } from './reads.ts';
import { PgOtcTables } from './pg-otc-tables.ts';
import type { QuoteKey } from '@cadenza/domain';

export interface PgStoreOptions extends PoolOptions {
  log?: Logger;
  /** Memory and database disagree; the process must restart (write-behind.ts). Default: throw on the event loop. */
  onFatal?: (err: Error) => void;
  /** Probe interval while the database is unreachable. Default 500 ms. */
  probeMs?: number;
  /** Probe interval while it answers (to notice a partition while idle). Default 5 s. */
  watchMs?: number;
  /** See WriteBehindOptions. */
  maxHeldUnits?: number;
  /** With several servers: the domain lease this store's server holds and its epoch (write-behind.ts, domain-lease.ts). */
  fence?: { lease: string; epoch: number };
}

export class PgStore implements Store {
  /** One write-behind unit per outermost transaction (write-units.ts). */
  private readonly units: WriteUnits;
  /** Queries that wait for the writes made before them (reads.ts). */
  private readonly read: PgReads;
  private readonly orderKeys = new Set<string>();
  private readonly fills = new FillMemory();
  private closed = false;
  /** The OTC desk's tables, written in the same units and batches. */
  readonly otc: PgOtcTables;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly availability: Availability,
    private readonly wb: WriteBehind,
    private readonly instrumentIds: Set<string>,
    private readonly securityIds: Set<string>,
    quoteKeys: QuoteKey[],
  ) {
    this.units = new WriteUnits(wb);
    this.read = new PgReads(pool, availability, wb);
    this.otc = new PgOtcTables(
      {
        write: (statement) => this.write(statement),
        onUndo: (fn) => this.inTransaction((frame) => frame.keys.push(fn)),
        rows: (name, text, values) => this.read.rows(name, text, values),
      },
      quoteKeys,
    );
  }

  /** Connects, applies the migrations (under the migration lock) and loads what synchronous writes answer from. */
  static async open(options: PgStoreOptions): Promise<PgStore> {
    const log = options.log ?? silentLogger;
    const pool = await openPool(options);
    try {
      const report = await migrate(pool, 'domain', domainMigrations);
      if (report.applied.length) log.info({ versions: report.applied }, 'PostgreSQL domain schema migrated');
      if (report.unknown.length) log.warn({ versions: report.unknown }, 'the database has domain migrations this release does not know (a newer release ran); using it as it is');
      // Writers idle for a week are gone (their rows only answer "did my last batch commit?").
      await pool.query(`DELETE FROM cadenza_store_writers WHERE updated_at < now() - interval '7 days'`);
      const ids = async (q: string) => new Set((await pool.query<{ id: string }>(q)).rows.map((r) => fromPgText(r.id)));
      const availability = new Availability(() => pool.query('SELECT 1'), {
        down: (err) => log.error({ err, database: describeUrl(options.url) }, 'PostgreSQL unreachable: commands refused, writes held until it answers'),
        up: () => log.info({ database: describeUrl(options.url) }, 'PostgreSQL reachable again'),
      }, options.probeMs, options.watchMs);
      const wb = new WriteBehind({
        client: clientConfig({ ...options, applicationName: options.applicationName ?? 'cadenza-writer' }),
        availability,
        log,
        ...(options.onFatal ? { onFatal: options.onFatal } : {}),
        ...(options.maxHeldUnits !== undefined ? { maxHeldUnits: options.maxHeldUnits } : {}),
        ...(options.fence ? { fence: options.fence } : {}),
      });
      const quoteKeys = await PgOtcTables.loadKeys(async (name, text, values) => (await pool.query({ ...(name ? { name } : {}), text, values: values ?? [] })).rows);
      const store = new PgStore(pool, availability, wb, await ids('SELECT instrument_id AS id FROM instruments'), await ids('SELECT security_id AS id FROM securities'), quoteKeys);
      const fills = await pool.query<{ trade_order_id: string; trade_id: string }>(
        'SELECT f.trade_order_id, f.trade_id FROM fills f JOIN orders o ON o.trade_order_id = f.trade_order_id WHERE o.is_open',
      );
      for (const r of fills.rows) store.fills.remember(fromPgText(r.trade_order_id), fromPgText(r.trade_id));
      return store;
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
  }

  // ── transactions and the committer ────────────────────────────────────────────────────────────────────
  /** Nested calls join the outer one; a nested call that throws discards its own writes and rethrows. */
  transaction<T>(fn: () => T): T {
    return this.units.transaction(fn);
  }

  /** Runs `fn` in the current transaction, or in one of its own. */
  private write(statement: string): void {
    this.units.write(statement);
  }

  private inTransaction(fn: (frame: Frame) => void): void {
    this.units.inTransaction(fn);
  }

  afterCommit(cb: () => void): void {
    this.units.afterCommit(cb);
  }

  /** Commits what is queued now; resolves once it is committed (before a networked venue may see it). */
  flush(): Promise<void> {
    return this.wb.flush();
  }

  /** True while the database answers and the committer runs. */
  isHealthy(): boolean {
    return this.availability.up;
  }

  /** Calls `listener(up)` whenever the database stops or starts answering. */
  onAvailabilityChange(listener: (up: boolean) => void): void {
    this.availability.onChange(listener);
  }

  /** Units waiting for their commit. */
  get backlog(): number {
    return this.wb.backlog;
  }

  /** Commits what is queued (giving up after `timeoutMs` if the database is unreachable) and closes the pool. */
  async close(timeoutMs?: number): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.wb.close(timeoutMs);
    this.availability.close();
    await this.pool.end().catch(() => undefined);
  }

  // ── trading accounts ──────────────────────────────────────────────────────────────────────────────────
  insertTradingAccount(a: TradingAccount): void {
    this.write(stmt.insertTradingAccountSql(a));
  }
  updateTradingAccount(a: TradingAccount): void {
    this.write(stmt.updateTradingAccountSql(a));
  }
  loadTradingAccounts(): Promise<TradingAccount[]> {
    return this.read.bodies('load-accounts', 'SELECT body FROM trading_accounts WHERE deleted_at IS NULL ORDER BY created_at, trading_account_id');
  }
  listTradingAccounts(f: TradingAccountFilter, page: Page): Promise<Paged<TradingAccount>> {
    const q = new Where();
    q.add('deleted_at IS NULL');
    q.eq('user_id', f.userId).eq('trading_account_id', f.tradingAccountId).eq('venue', f.venue).eq('status', f.status).eq("body->>'tenantId'", f.tenantId);
    return this.read.paged('trading_accounts', q.clauses, q.args, 'created_at DESC, trading_account_id', page);
  }
  appendOperation(op: TradingAccountOperation): void {
    this.write(stmt.insertOperationSql(op));
  }
  async listOperations(tradingAccountId: string, page: Page): Promise<Paged<TradingAccountOperation>> {
    const q = new Where().eq('trading_account_id', tradingAccountId);
    return this.read.paged('trading_account_operations', q.clauses, q.args, 'timestamp DESC, seq DESC', page);
  }

  // ── credentials ───────────────────────────────────────────────────────────────────────────────────────
  insertCredential(c: Credential): void {
    this.write(stmt.insertCredentialSql(c));
  }
  updateCredential(c: Credential): void {
    this.write(stmt.updateCredentialSql(c));
  }
  async loadCredentials(): Promise<Credential[]> {
    return (await this.read.rows<CredentialRow>('load-credentials', 'SELECT body, secret FROM credentials ORDER BY created_at, credential_id')).map(credentialFromRow);
  }
  async listCredentials(f: CredentialFilter, page: Page): Promise<Paged<Credential>> {
    if (f.credentialIds?.length === 0) return { items: [], total: 0 };
    const q = new Where().eq('user_id', f.userId).any('credential_id', f.credentialIds).eq('venue', f.venue).eq('credential_type', f.credentialType)
      .eq('status', f.status).eq('trading_account_id', f.tradingAccountId);
    const w = q.clauses.length ? `WHERE ${q.clauses.join(' AND ')}` : '';
    const n = q.args.length;
    const [rows, count] = await Promise.all([
      this.read.rows<CredentialRow>(undefined, `SELECT body, secret FROM credentials ${w} ORDER BY created_at DESC, credential_id LIMIT $${n + 1} OFFSET $${n + 2}`, [...q.args, page.limit, page.offset]),
      this.read.rows<{ n: string }>(undefined, `SELECT count(*) AS n FROM credentials ${w}`, q.args),
    ]);
    return { items: rows.map(credentialFromRow), total: Number(count[0]?.n ?? 0) };
  }

  // ── orders and fills ──────────────────────────────────────────────────────────────────────────────────
  insertOrder(o: Order): void {
    this.inTransaction((frame) => {
      if (frame.orders.has(o.tradeOrderId)) throw new Error(`order ${o.tradeOrderId} inserted twice`);
      const keys = [orderKey(o.tradingAccountId, 'c', o.clientOrderId)];
      if (o.idempotencyKey !== undefined) keys.push(orderKey(o.tradingAccountId, 'k', o.idempotencyKey));
      for (const k of keys) if (this.orderKeys.has(k)) throw new Error(`duplicate clientOrderId or idempotencyKey for trading account ${o.tradingAccountId}`);
      for (const k of keys) {
        this.orderKeys.add(k);
        frame.keys.push(() => this.orderKeys.delete(k));
      }
      frame.orders.set(o.tradeOrderId, { insert: true, order: o });
      this.fills.noteClosed(o);
    });
  }
  updateOrder(o: Order): void {
    this.inTransaction((frame) => {
      frame.orders.set(o.tradeOrderId, { insert: frame.orders.get(o.tradeOrderId)?.insert ?? false, order: o });
      this.fills.noteClosed(o);
    });
  }
  getOrder(id: string): Promise<Order | undefined> {
    return this.read.one('order', 'SELECT body FROM orders WHERE trade_order_id = $1', [pgText(id)]);
  }
  findOrderByExternalOrderId(tradingAccountId: string, externalOrderId: string): Promise<Order | undefined> {
    return this.read.one(
      'order-by-external-id',
      'SELECT body FROM orders WHERE trading_account_id = $1 AND external_order_id = $2 ORDER BY created_at DESC LIMIT 1',
      [pgText(tradingAccountId), pgText(externalOrderId)],
    );
  }
  listOrders(f: OrderFilter, page: Page): Promise<Paged<Order>> {
    if (f.tradingAccountIds?.length === 0) return Promise.resolve({ items: [], total: 0 });
    const q = new Where().any('trading_account_id', f.tradingAccountIds).eq('trade_order_id', f.tradeOrderId).eq('instrument_id', f.instrumentId)
      .eq('side', f.side).eq('order_type', f.orderType).eq('status', f.status).cmp('created_at', '>=', f.createdFrom).cmp('created_at', '<=', f.createdTo)
      .eq('order_list_id', f.orderListId).eq("body->>'externalOrderListId'", f.externalOrderListId);
    return this.read.paged('orders', q.clauses, q.args, f.ascending ? 'created_at, trade_order_id' : 'created_at DESC, trade_order_id DESC', page);
  }
  loadOpenOrders(): Promise<Order[]> {
    return this.read.bodies('load-open-orders', 'SELECT body FROM orders WHERE is_open ORDER BY created_at');
  }
  async loadOrderKeys(): Promise<OrderKeys[]> {
    const rows = await this.read.rows<{ trade_order_id: string; trading_account_id: string; client_order_id: string; idempotency_key: string | null }>(
      'load-order-keys', 'SELECT trade_order_id, trading_account_id, client_order_id, idempotency_key FROM orders',
    );
    return rows.map((r) => {
      const k: OrderKeys = { tradeOrderId: fromPgText(r.trade_order_id), tradingAccountId: fromPgText(r.trading_account_id), clientOrderId: fromPgText(r.client_order_id) };
      if (r.idempotency_key !== null) k.idempotencyKey = fromPgText(r.idempotency_key);
      return k;
    });
  }

  insertFill(f: Fill): boolean {
    let inserted = false;
    this.inTransaction((frame) => {
      if (this.fills.has(f.tradeOrderId, f.tradeId)) return;
      this.fills.remember(f.tradeOrderId, f.tradeId);
      frame.keys.push(() => this.fills.forget(f.tradeOrderId, f.tradeId));
      frame.ops.push(stmt.insertFillSql(f));
      inserted = true;
    });
    this.fills.forgetClosedFills();
    return inserted;
  }
  listFills(tradeOrderId: string): Promise<Fill[]> {
    return this.read.bodies('fills', 'SELECT body FROM fills WHERE trade_order_id = $1 ORDER BY timestamp, seq', [pgText(tradeOrderId)]);
  }
  listExecutions(f: FillFilter, page: Page): Promise<Paged<Fill>> {
    if (f.tradingAccountIds?.length === 0 || f.tradeOrderIds?.length === 0) return Promise.resolve({ items: [], total: 0 });
    const q = new Where().any('trading_account_id', f.tradingAccountIds).eq('trade_order_id', f.tradeOrderId).any('trade_order_id', f.tradeOrderIds).eq('instrument_id', f.instrumentId)
      .cmp('timestamp', '>=', f.executedFrom).cmp('timestamp', '<=', f.executedTo);
    return this.read.paged('fills', q.clauses, q.args, f.ascending ? 'timestamp, seq' : 'timestamp DESC, seq DESC', page);
  }

  // ── balances and positions ────────────────────────────────────────────────────────────────────────────
  /** Held, latest state only, until its batch commits (write-units.ts). */
  upsertBalance(b: Balance): void {
    this.inTransaction((frame) => frame.balances.set(balanceKey(b.tradingAccountId, b.asset), b));
  }
  loadBalances(): Promise<Balance[]> {
    return this.read.bodies('load-balances', 'SELECT body FROM balances ORDER BY trading_account_id, asset');
  }
  replaceBalances(tradingAccountId: string, balances: Balance[]): void {
    this.transaction(() => {
      this.inTransaction((frame) => {
        dropCleared(frame.balances, new Set([tradingAccountId]));
        frame.cleared.add(tradingAccountId);
        frame.ops.push(stmt.deleteBalancesSql(tradingAccountId));
      });
      for (const b of balances) this.upsertBalance(b);
    });
  }
  upsertPosition(p: Position): void {
    this.write(stmt.upsertPositionSql(p));
  }
  loadPositions(): Promise<Position[]> {
    return this.read.bodies('load-positions', LOAD_POSITIONS);
  }

  // ── subscriptions ─────────────────────────────────────────────────────────────────────────────────────
  insertSubscription(s: Subscription): void {
    this.write(stmt.insertSubscriptionSql(s));
  }
  updateSubscription(s: Subscription): void {
    this.write(stmt.updateSubscriptionSql(s));
  }
  loadSubscriptions(): Promise<Subscription[]> {
    return this.read.bodies('load-subscriptions', "SELECT body FROM subscriptions WHERE status <> 'TERMINATED' ORDER BY seq");
  }
  listSubscriptions(f: SubscriptionFilter): Promise<Subscription[]> {
    if (f.instrumentIds?.length === 0) return Promise.resolve([]);
    const q = new Where().eq('user_id', f.userId).eq('trading_account_id', f.tradingAccountId).eq('venue', f.venue).any('instrument_id', f.instrumentIds)
      .eq('subscription_type', f.subscriptionType).eq('status', f.status);
    if (f.subscriptionTypePrefix !== undefined) q.add(`starts_with(subscription_type, ${q.arg(f.subscriptionTypePrefix)})`);
    const w = q.clauses.length ? `WHERE ${q.clauses.join(' AND ')}` : '';
    return this.read.bodies(undefined, `SELECT body FROM subscriptions ${w} ORDER BY seq`, q.args);
  }

  // ── instruments and securities ────────────────────────────────────────────────────────────────────────
  saveInstruments(instruments: Instrument[]): void {
    this.transaction(() => {
      for (const i of instruments) {
        this.write(stmt.upsertInstrumentSql(i));
      }
      this.units.trackIds(this.instrumentIds, instruments.map((i) => i.spec.instrumentId), true);
    });
  }
  loadInstruments(): Promise<Instrument[]> {
    return this.read.bodies('load-instruments', 'SELECT body FROM instruments ORDER BY instrument_id');
  }
  deleteInstrument(instrumentId: string): boolean {
    const known = this.instrumentIds.has(instrumentId);
    this.transaction(() => {
      this.write(stmt.deleteInstrumentSql(instrumentId));
      this.units.trackIds(this.instrumentIds, [instrumentId], false);
    });
    return known;
  }
  saveSecurities(securities: Security[]): void {
    this.transaction(() => {
      for (const s of securities) {
        this.write(stmt.upsertSecuritySql(s));
      }
      this.units.trackIds(this.securityIds, securities.map((s) => s.securityId), true);
    });
  }
  loadSecurities(): Promise<Security[]> {
    return this.read.bodies('load-securities', 'SELECT body FROM securities ORDER BY security_id');
  }
  deleteSecurities(securityIds: string[]): number {
    const ids = [...new Set(securityIds)];
    const n = ids.filter((id) => this.securityIds.has(id)).length;
    if (ids.length === 0) return 0;
    this.transaction(() => {
      this.write(stmt.deleteSecuritiesSql(ids));
      this.units.trackIds(this.securityIds, ids, false);
    });
    return n;
  }
}

const orderKey = (tradingAccountId: string, kind: 'c' | 'k', value: string) => `${tradingAccountId}\u0000${kind}${value}`;
