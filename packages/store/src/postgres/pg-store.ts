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
 * call ends (an order PAPER accepts or fills in the same call costs one INSERT). A nested call that throws discards
 * its own writes only.
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
import { TERMINAL_STATUSES, positionSlot, silentLogger } from '@cadenza/domain';
import { LOAD_POSITIONS } from '../load-positions.ts';
import { Availability, clientConfig, describeUrl, isTransient, openPool, storeUnavailable, type PoolOptions } from './connection.ts';
import { domainMigrations } from './domain-migrations.ts';
import { migrate } from './migrator.ts';
import { fromPgText, json, pgText, sql } from './sql-text.ts';
import { WriteBehind } from './write-behind.ts';
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

interface Frame {
  ops: string[];
  /** Orders written in this frame: latest state, and whether the frame (or a child) inserted it. */
  orders: Map<string, { insert: boolean; order: Order }>;
  /** Memory keys this frame added (order keys, fill keys), removed again if it throws. */
  keys: Array<() => void>;
}

/** The credential body never holds the ciphertext; it has its own bytea column. */
type CredentialBody = Omit<Credential, 'secretCiphertext'>;
type Body<T> = { body: T };

const FILL_MEMORY_MS = 3600_000;

export class PgStore implements Store {
  private readonly frames: Frame[] = [];
  /** afterCommit callbacks registered while a transaction runs: they wait for its unit. */
  private deferred: Array<() => void> = [];
  private readonly orderKeys = new Set<string>();
  private readonly fillKeys = new Map<string, Set<string>>();
  private readonly closedOrders: Array<[number, string]> = [];
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
    this.otc = new PgOtcTables(
      {
        write: (statement) => this.write(statement),
        onUndo: (fn) => this.inTransaction((frame) => frame.keys.push(fn)),
        rows: (name, text, values) => this.rows(name, text, values),
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
      for (const r of fills.rows) store.rememberFill(fromPgText(r.trade_order_id), fromPgText(r.trade_id));
      return store;
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
  }

  // ── transactions and the committer ────────────────────────────────────────────────────────────────────
  /** Nested calls join the outer one; a nested call that throws discards its own writes and rethrows. */
  transaction<T>(fn: () => T): T {
    const frame: Frame = { ops: [], orders: new Map(), keys: [] };
    this.frames.push(frame);
    let out: T;
    try {
      out = fn();
    } catch (err) {
      this.frames.pop();
      for (const undo of frame.keys) undo();
      if (this.frames.length === 0) this.releaseDeferred();
      throw err;
    }
    this.frames.pop();
    const parent = this.frames[this.frames.length - 1];
    if (parent) {
      parent.ops.push(...frame.ops);
      parent.keys.push(...frame.keys);
      for (const [id, w] of frame.orders) parent.orders.set(id, { insert: w.insert || (parent.orders.get(id)?.insert ?? false), order: w.order });
      return out;
    }
    try {
      this.enqueue(frame);
    } finally {
      this.releaseDeferred();
    }
    return out;
  }

  private enqueue(frame: Frame): void {
    let unit = frame.ops.join('');
    for (const { insert, order } of frame.orders.values()) unit += insert ? insertOrderSql(order) : updateOrderSql(order);
    if (unit) this.wb.enqueue(unit);
  }

  private releaseDeferred(): void {
    const cbs = this.deferred;
    this.deferred = [];
    for (const cb of cbs) this.wb.afterCommit(cb);
  }

  /** Runs `fn` in the current transaction, or in one of its own. */
  private write(statement: string): void {
    const frame = this.frames[this.frames.length - 1];
    if (frame) frame.ops.push(statement);
    else this.transaction(() => this.write(statement));
  }

  private inTransaction(fn: (frame: Frame) => void): void {
    const frame = this.frames[this.frames.length - 1];
    if (frame) fn(frame);
    else this.transaction(() => this.inTransaction(fn));
  }

  afterCommit(cb: () => void): void {
    if (this.frames.length) this.deferred.push(cb);
    else this.wb.afterCommit(cb);
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

  private async rows<R extends pg.QueryResultRow>(name: string | undefined, text: string, values: unknown[] = []): Promise<R[]> {
    await this.wb.settled();
    try {
      const r = await this.pool.query<R>(name ? { name, text, values } : { text, values });
      return r.rows;
    } catch (err) {
      if (!isTransient(err)) throw err;
      this.availability.markDown(err);
      throw storeUnavailable(err);
    }
  }

  private async bodies<T>(name: string | undefined, text: string, values: unknown[] = []): Promise<T[]> {
    return (await this.rows<Body<T>>(name, text, values)).map((r) => r.body);
  }

  private async one<T>(name: string, text: string, values: unknown[]): Promise<T | undefined> {
    return (await this.bodies<T>(name, text, values))[0];
  }

  private async paged<T>(table: string, where: string[], args: unknown[], order: string, page: Page): Promise<Paged<T>> {
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const n = args.length;
    const [items, count] = await Promise.all([
      this.bodies<T>(undefined, `SELECT body FROM ${table} ${w} ORDER BY ${order} LIMIT $${n + 1} OFFSET $${n + 2}`, [...args, page.limit, page.offset]),
      this.rows<{ n: string }>(undefined, `SELECT count(*) AS n FROM ${table} ${w}`, args),
    ]);
    return { items, total: Number(count[0]?.n ?? 0) };
  }

  // ── trading accounts ──────────────────────────────────────────────────────────────────────────────────
  insertTradingAccount(a: TradingAccount): void {
    this.write(sql`INSERT INTO trading_accounts (trading_account_id, user_id, venue, status, created_at, deleted_at, body)
      VALUES (${a.tradingAccountId}, ${a.userId}, ${a.venue}, ${a.status}, ${a.createdAt}, ${a.deletedAt}, ${json(a)})`);
  }
  updateTradingAccount(a: TradingAccount): void {
    this.write(sql`UPDATE trading_accounts SET user_id = ${a.userId}, venue = ${a.venue}, status = ${a.status}, deleted_at = ${a.deletedAt},
      body = ${json(a)} WHERE trading_account_id = ${a.tradingAccountId}`);
  }
  loadTradingAccounts(): Promise<TradingAccount[]> {
    return this.bodies('load-accounts', 'SELECT body FROM trading_accounts WHERE deleted_at IS NULL ORDER BY created_at, trading_account_id');
  }
  listTradingAccounts(f: TradingAccountFilter, page: Page): Promise<Paged<TradingAccount>> {
    const q = new Where();
    q.add('deleted_at IS NULL');
    q.eq('user_id', f.userId).eq('trading_account_id', f.tradingAccountId).eq('venue', f.venue).eq('status', f.status).eq("body->>'tenantId'", f.tenantId);
    return this.paged('trading_accounts', q.clauses, q.args, 'created_at DESC, trading_account_id', page);
  }
  appendOperation(op: TradingAccountOperation): void {
    this.write(sql`INSERT INTO trading_account_operations (operation_id, trading_account_id, timestamp, body)
      VALUES (${op.operationId}, ${op.tradingAccountId}, ${op.timestamp}, ${json(op)})`);
  }
  async listOperations(tradingAccountId: string, page: Page): Promise<Paged<TradingAccountOperation>> {
    const q = new Where().eq('trading_account_id', tradingAccountId);
    return this.paged('trading_account_operations', q.clauses, q.args, 'timestamp DESC, seq DESC', page);
  }

  // ── credentials ───────────────────────────────────────────────────────────────────────────────────────
  insertCredential(c: Credential): void {
    const { secretCiphertext, ...body } = c;
    this.write(sql`INSERT INTO credentials (credential_id, user_id, trading_account_id, venue, credential_type, status, created_at, secret, body)
      VALUES (${c.credentialId}, ${c.userId}, ${c.tradingAccountId}, ${c.venue}, ${c.credentialType}, ${c.status}, ${c.createdAt}, ${secretCiphertext}, ${json(body)})`);
  }
  updateCredential(c: Credential): void {
    const { secretCiphertext, ...body } = c;
    this.write(sql`UPDATE credentials SET user_id = ${c.userId}, trading_account_id = ${c.tradingAccountId}, venue = ${c.venue},
      credential_type = ${c.credentialType}, status = ${c.status}, secret = ${secretCiphertext}, body = ${json(body)} WHERE credential_id = ${c.credentialId}`);
  }
  async loadCredentials(): Promise<Credential[]> {
    return (await this.rows<CredentialRow>('load-credentials', 'SELECT body, secret FROM credentials ORDER BY created_at, credential_id')).map(credentialFromRow);
  }
  async listCredentials(f: CredentialFilter, page: Page): Promise<Paged<Credential>> {
    if (f.credentialIds?.length === 0) return { items: [], total: 0 };
    const q = new Where().eq('user_id', f.userId).any('credential_id', f.credentialIds).eq('venue', f.venue).eq('credential_type', f.credentialType)
      .eq('status', f.status).eq('trading_account_id', f.tradingAccountId);
    const w = q.clauses.length ? `WHERE ${q.clauses.join(' AND ')}` : '';
    const n = q.args.length;
    const [rows, count] = await Promise.all([
      this.rows<CredentialRow>(undefined, `SELECT body, secret FROM credentials ${w} ORDER BY created_at DESC, credential_id LIMIT $${n + 1} OFFSET $${n + 2}`, [...q.args, page.limit, page.offset]),
      this.rows<{ n: string }>(undefined, `SELECT count(*) AS n FROM credentials ${w}`, q.args),
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
      this.noteClosed(o);
    });
  }
  updateOrder(o: Order): void {
    this.inTransaction((frame) => {
      frame.orders.set(o.tradeOrderId, { insert: frame.orders.get(o.tradeOrderId)?.insert ?? false, order: o });
      this.noteClosed(o);
    });
  }
  getOrder(id: string): Promise<Order | undefined> {
    return this.one('order', 'SELECT body FROM orders WHERE trade_order_id = $1', [pgText(id)]);
  }
  findOrderByExternalOrderId(tradingAccountId: string, externalOrderId: string): Promise<Order | undefined> {
    return this.one(
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
    return this.paged('orders', q.clauses, q.args, f.ascending ? 'created_at, trade_order_id' : 'created_at DESC, trade_order_id DESC', page);
  }
  loadOpenOrders(): Promise<Order[]> {
    return this.bodies('load-open-orders', 'SELECT body FROM orders WHERE is_open ORDER BY created_at');
  }
  async loadOrderKeys(): Promise<OrderKeys[]> {
    const rows = await this.rows<{ trade_order_id: string; trading_account_id: string; client_order_id: string; idempotency_key: string | null }>(
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
      if (this.fillKeys.get(f.tradeOrderId)?.has(f.tradeId)) return;
      this.rememberFill(f.tradeOrderId, f.tradeId);
      frame.keys.push(() => this.fillKeys.get(f.tradeOrderId)?.delete(f.tradeId));
      frame.ops.push(sql`INSERT INTO fills (trade_order_id, trade_id, trading_account_id, instrument_id, timestamp, body)
        VALUES (${f.tradeOrderId}, ${f.tradeId}, ${f.tradingAccountId}, ${f.instrumentId}, ${f.timestamp}, ${json(f)})`);
      inserted = true;
    });
    this.forgetClosedFills();
    return inserted;
  }
  listFills(tradeOrderId: string): Promise<Fill[]> {
    return this.bodies('fills', 'SELECT body FROM fills WHERE trade_order_id = $1 ORDER BY timestamp, seq', [pgText(tradeOrderId)]);
  }
  listExecutions(f: FillFilter, page: Page): Promise<Paged<Fill>> {
    if (f.tradingAccountIds?.length === 0) return Promise.resolve({ items: [], total: 0 });
    const q = new Where().any('trading_account_id', f.tradingAccountIds).eq('trade_order_id', f.tradeOrderId).eq('instrument_id', f.instrumentId)
      .cmp('timestamp', '>=', f.executedFrom).cmp('timestamp', '<=', f.executedTo);
    return this.paged('fills', q.clauses, q.args, f.ascending ? 'timestamp, seq' : 'timestamp DESC, seq DESC', page);
  }

  private rememberFill(tradeOrderId: string, tradeId: string): void {
    let set = this.fillKeys.get(tradeOrderId);
    if (!set) this.fillKeys.set(tradeOrderId, (set = new Set()));
    set.add(tradeId);
  }

  /** A closed order's fill keys are kept an hour (late fills after a cancel are real); then only the database has them. */
  private noteClosed(o: Order): void {
    if (TERMINAL_STATUSES.has(o.status) && this.fillKeys.has(o.tradeOrderId)) this.closedOrders.push([Date.now(), o.tradeOrderId]);
  }

  private forgetClosedFills(): void {
    const cutoff = Date.now() - FILL_MEMORY_MS;
    while (this.closedOrders.length && this.closedOrders[0]![0] < cutoff) this.fillKeys.delete(this.closedOrders.shift()![1]);
  }

  // ── balances and positions ────────────────────────────────────────────────────────────────────────────
  upsertBalance(b: Balance): void {
    this.write(sql`INSERT INTO balances (trading_account_id, asset, body) VALUES (${b.tradingAccountId}, ${b.asset}, ${json(b)})
      ON CONFLICT (trading_account_id, asset) DO UPDATE SET body = excluded.body`);
  }
  loadBalances(): Promise<Balance[]> {
    return this.bodies('load-balances', 'SELECT body FROM balances ORDER BY trading_account_id, asset');
  }
  replaceBalances(tradingAccountId: string, balances: Balance[]): void {
    this.transaction(() => {
      this.write(sql`DELETE FROM balances WHERE trading_account_id = ${tradingAccountId}`);
      for (const b of balances) this.upsertBalance(b);
    });
  }
  upsertPosition(p: Position): void {
    this.write(sql`INSERT INTO trading_positions (position_id, trading_account_id, instrument_id, slot, status, updated_at, body)
      VALUES (${p.positionId}, ${p.tradingAccountId}, ${p.instrumentId}, ${positionSlot(p)}, ${p.status}, ${p.updatedAt}, ${json(p)})
      ON CONFLICT (position_id) DO UPDATE SET slot = excluded.slot, status = excluded.status, updated_at = excluded.updated_at, body = excluded.body`);
  }
  loadPositions(): Promise<Position[]> {
    return this.bodies('load-positions', LOAD_POSITIONS);
  }

  // ── subscriptions ─────────────────────────────────────────────────────────────────────────────────────
  insertSubscription(s: Subscription): void {
    this.write(sql`INSERT INTO subscriptions (subscription_id, user_id, trading_account_id, venue, instrument_id, subscription_type, status, created_at, body)
      VALUES (${s.subscriptionId}, ${s.userId}, ${s.tradingAccountId}, ${s.venue}, ${s.instrumentId}, ${s.subscriptionType}, ${s.status}, ${s.createdAt}, ${json(s)})`);
  }
  updateSubscription(s: Subscription): void {
    this.write(sql`UPDATE subscriptions SET status = ${s.status}, body = ${json(s)} WHERE subscription_id = ${s.subscriptionId}`);
  }
  loadSubscriptions(): Promise<Subscription[]> {
    return this.bodies('load-subscriptions', "SELECT body FROM subscriptions WHERE status <> 'TERMINATED' ORDER BY seq");
  }
  listSubscriptions(f: SubscriptionFilter): Promise<Subscription[]> {
    if (f.instrumentIds?.length === 0) return Promise.resolve([]);
    const q = new Where().eq('user_id', f.userId).eq('trading_account_id', f.tradingAccountId).eq('venue', f.venue).any('instrument_id', f.instrumentIds)
      .eq('subscription_type', f.subscriptionType).eq('status', f.status);
    if (f.subscriptionTypePrefix !== undefined) q.add(`starts_with(subscription_type, ${q.arg(f.subscriptionTypePrefix)})`);
    const w = q.clauses.length ? `WHERE ${q.clauses.join(' AND ')}` : '';
    return this.bodies(undefined, `SELECT body FROM subscriptions ${w} ORDER BY seq`, q.args);
  }

  // ── instruments and securities ────────────────────────────────────────────────────────────────────────
  saveInstruments(instruments: Instrument[]): void {
    this.transaction(() => {
      for (const i of instruments) {
        this.write(sql`INSERT INTO instruments (instrument_id, venue, body) VALUES (${i.spec.instrumentId}, ${i.spec.venue}, ${json(i)})
          ON CONFLICT (instrument_id) DO UPDATE SET venue = excluded.venue, body = excluded.body`);
      }
      this.trackIds(this.instrumentIds, instruments.map((i) => i.spec.instrumentId), true);
    });
  }
  loadInstruments(): Promise<Instrument[]> {
    return this.bodies('load-instruments', 'SELECT body FROM instruments ORDER BY instrument_id');
  }
  deleteInstrument(instrumentId: string): boolean {
    const known = this.instrumentIds.has(instrumentId);
    this.transaction(() => {
      this.write(sql`DELETE FROM instruments WHERE instrument_id = ${instrumentId}`);
      this.trackIds(this.instrumentIds, [instrumentId], false);
    });
    return known;
  }
  saveSecurities(securities: Security[]): void {
    this.transaction(() => {
      for (const s of securities) {
        this.write(sql`INSERT INTO securities (security_id, venue, body) VALUES (${s.securityId}, ${s.venue}, ${json(s)})
          ON CONFLICT (security_id) DO UPDATE SET venue = excluded.venue, body = excluded.body`);
      }
      this.trackIds(this.securityIds, securities.map((s) => s.securityId), true);
    });
  }
  loadSecurities(): Promise<Security[]> {
    return this.bodies('load-securities', 'SELECT body FROM securities ORDER BY security_id');
  }
  deleteSecurities(securityIds: string[]): number {
    const ids = [...new Set(securityIds)];
    const n = ids.filter((id) => this.securityIds.has(id)).length;
    if (ids.length === 0) return 0;
    this.transaction(() => {
      this.write(sql`DELETE FROM securities WHERE security_id = ANY(${ids})`);
      this.trackIds(this.securityIds, ids, false);
    });
    return n;
  }

  /** Adds or removes ids in a memory set, undone if the transaction throws. */
  private trackIds(set: Set<string>, ids: string[], add: boolean): void {
    const frame = this.frames[this.frames.length - 1]!;
    for (const id of ids) {
      if (set.has(id) === add) continue;
      if (add) set.add(id);
      else set.delete(id);
      frame.keys.push(() => (add ? set.delete(id) : set.add(id)));
    }
  }
}

type CredentialRow = { body: CredentialBody; secret: Buffer };
const credentialFromRow = (r: CredentialRow): Credential => ({ ...r.body, secretCiphertext: new Uint8Array(r.secret) });

const orderKey = (tradingAccountId: string, kind: 'c' | 'k', value: string) => `${tradingAccountId}\u0000${kind}${value}`;

function insertOrderSql(o: Order): string {
  return sql`INSERT INTO orders (trade_order_id, trading_account_id, client_order_id, external_order_id, idempotency_key, instrument_id, side,
    order_type, status, is_open, created_at, order_list_id, body) VALUES (${o.tradeOrderId}, ${o.tradingAccountId}, ${o.clientOrderId}, ${o.externalOrderId},
    ${o.idempotencyKey}, ${o.instrumentId}, ${o.side}, ${o.orderType}, ${o.status}, ${!TERMINAL_STATUSES.has(o.status)}, ${o.createdAt}, ${o.orderListId},
    ${json(o)})`;
}

function updateOrderSql(o: Order): string {
  return sql`UPDATE orders SET external_order_id = ${o.externalOrderId}, status = ${o.status}, is_open = ${!TERMINAL_STATUSES.has(o.status)},
    body = ${json(o)} WHERE trade_order_id = ${o.tradeOrderId}`;
}

/** Filter clauses with numbered parameters; strings go through `pgText` as they did when written. */
class Where {
  readonly clauses: string[] = [];
  readonly args: unknown[] = [];
  arg(v: unknown): string {
    this.args.push(typeof v === 'string' ? pgText(v) : v);
    return `$${this.args.length}`;
  }
  add(clause: string): this {
    this.clauses.push(clause);
    return this;
  }
  eq(column: string, v: string | undefined): this {
    return v === undefined ? this : this.add(`${column} = ${this.arg(v)}`);
  }
  cmp(column: string, op: '>=' | '<=', v: number | undefined): this {
    return v === undefined ? this : this.add(`${column} ${op} ${this.arg(v)}`);
  }
  any(column: string, vs: string[] | undefined): this {
    if (vs === undefined) return this;
    this.args.push(vs.map(pgText));
    return this.add(`${column} = ANY($${this.args.length})`);
  }
}
