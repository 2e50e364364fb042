/**
 * @module sqlite/sqlite-otc-tables
 * The OTC desk's tables (`OtcStore`, packages/domain/src/ports/otc-store.ts) in the domain's SQLite file. It shares
 * the store's connection, so its writes join whatever transaction (or group commit) the store has open.
 *
 * Ledger entries are columns, not a JSON body: they are appended and never change (triggers refuse UPDATE and DELETE),
 * and `seq` orders them, so a wallet's balance of an asset is its latest entry's `balance_after`.
 *
 * An accepted quote's rows are held back as an order's are (sqlite-unit-of-work.ts): the ledger entries and a quote
 * inserted inside a `transaction` call until the outermost call ends, exposures until the group commits — so an
 * accept writes no statement of its own and needs no savepoint. `getQuote` sees a held quote; `loadExposures` writes
 * the held exposures into the open group first; `listLedgerEntries` sees entries once the outermost call ends.
 *
 * A user's client references (`quoteRequestId`) are unique, checked against those of the stored quotes, kept in
 * memory (client-keys.ts; no index since migration 9), and of the held ones.
 */
import type Database from 'better-sqlite3';
import type { Dealer, Exposure, Hedge, LedgerEntry, OtcStore, QuoteKey, QuoteRecord, Wallet, WalletBalance } from '@cadenza/domain';
import { ClientKeys } from './client-keys.ts';
import type { SqliteUnitOfWork } from './sqlite-unit-of-work.ts';

type Row = { body: string };
type EntryRow = {
  entry_id: string;
  wallet_id: string;
  asset: string;
  amount: string;
  balance_after: string;
  kind: LedgerEntry['kind'];
  reference_id: string;
  counterparty_wallet_id: string;
  created_at: number;
};

const bodies = <T>(rows: unknown[]): T[] => (rows as Row[]).map((r) => JSON.parse(r.body) as T);

const ENTRY_COLUMNS = '(entry_id, wallet_id, asset, amount, balance_after, kind, reference_id, counterparty_wallet_id, created_at)';

export class SqliteOtcTables implements OtcStore {
  private readonly s: Record<string, Database.Statement>;
  /** One INSERT of n entries, by n (a transfer makes 2, a fill 4): one statement per movement, not per entry. */
  private readonly insertEntries = new Map<number, Database.Statement>();
  /** The client references of the stored quotes, by user. */
  private readonly requests = new ClientKeys(() => this.readQuoteKeys().map((k) => [k.userId, k.quoteRequestId] as const));

  /** The store's unit of work: its running calls' savepoints (opened before every write) and the held rows. */
  constructor(
    private readonly db: Database.Database,
    private readonly uow: SqliteUnitOfWork,
  ) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      insertDealer: p('INSERT INTO fermata_dealers (dealer_account_id, user_id, status, created_at, body) VALUES (?, ?, ?, ?, ?)'),
      updateDealer: p('UPDATE fermata_dealers SET status = ?, body = ? WHERE dealer_account_id = ?'),
      loadDealers: p('SELECT body FROM fermata_dealers ORDER BY created_at, dealer_account_id'),
      insertWallet: p('INSERT INTO fermata_wallets (wallet_id, user_id, trading_account_id, wallet_type, status, created_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      updateWallet: p('UPDATE fermata_wallets SET status = ?, body = ? WHERE wallet_id = ?'),
      loadWallets: p('SELECT body FROM fermata_wallets ORDER BY created_at, wallet_id'),
      // SQLite takes the bare columns from the row holding max(seq).
      balances: p('SELECT wallet_id, asset, balance_after, created_at, max(seq) AS seq FROM fermata_ledger_entries GROUP BY wallet_id, asset ORDER BY wallet_id, asset'),
      entries: p('SELECT * FROM fermata_ledger_entries WHERE wallet_id = ? ORDER BY seq'),
      entriesOfAsset: p('SELECT * FROM fermata_ledger_entries WHERE wallet_id = ? AND asset = ? ORDER BY seq'),
      insertQuote: p('INSERT INTO fermata_quotes (quote_id, user_id, quote_request_id, dealer_account_id, status, created_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      updateQuote: p('UPDATE fermata_quotes SET status = ?, body = ? WHERE quote_id = ?'),
      getQuote: p('SELECT body FROM fermata_quotes WHERE quote_id = ?'),
      // Undoes a held quote's row when a later row of the same call fails (sqlite-unit-of-work.ts).
      deleteQuote: p('DELETE FROM fermata_quotes WHERE quote_id = ?'),
      openQuotes: p("SELECT body FROM fermata_quotes WHERE status = 'CREATED' ORDER BY created_at, quote_id"),
      quoteKeys: p('SELECT quote_id, user_id, quote_request_id FROM fermata_quotes WHERE quote_request_id IS NOT NULL'),
      insertHedge: p('INSERT INTO fermata_hedges (hedge_id, dealer_account_id, status, created_at, body) VALUES (?, ?, ?, ?, ?)'),
      updateHedge: p('UPDATE fermata_hedges SET status = ?, body = ? WHERE hedge_id = ?'),
      pendingHedges: p("SELECT body FROM fermata_hedges WHERE status = 'PENDING' ORDER BY created_at, hedge_id"),
      upsertExposure: p(
        'INSERT INTO fermata_exposures (dealer_account_id, symbol, body) VALUES (?, ?, ?) ON CONFLICT (dealer_account_id, symbol) DO UPDATE SET body = excluded.body',
      ),
      exposures: p('SELECT body FROM fermata_exposures ORDER BY dealer_account_id, symbol'),
    };
  }

  private run(name: string, ...args: unknown[]): void {
    this.uow.beforeWrite();
    this.s[name]!.run(...args);
  }

  /** The statement `name`, for a held row's write: `alone`, it needs no savepoint (sqlite-unit-of-work.ts says when). */
  private held(name: string, alone: boolean): Database.Statement {
    if (!alone) this.uow.beforeWrite();
    return this.s[name]!;
  }

  async loadDealers(): Promise<Dealer[]> {
    return bodies(this.s.loadDealers!.all());
  }
  insertDealer(d: Dealer): void {
    this.run('insertDealer', d.dealerAccountId, d.userId, d.status, d.createdAt, JSON.stringify(d));
  }
  updateDealer(d: Dealer): void {
    this.run('updateDealer', d.status, JSON.stringify(d), d.dealerAccountId);
  }

  async loadWallets(): Promise<Wallet[]> {
    return bodies(this.s.loadWallets!.all());
  }
  insertWallet(w: Wallet): void {
    this.run('insertWallet', w.walletId, w.userId, w.tradingAccountId, w.walletType, w.status, w.createdAt, JSON.stringify(w));
  }
  updateWallet(w: Wallet): void {
    this.run('updateWallet', w.status, JSON.stringify(w), w.walletId);
  }

  /** Held inside a call until the outermost call ends (written then in one statement with the call's other entries). */
  appendLedgerEntries(entries: LedgerEntry[]): void {
    if (entries.length === 0) return;
    if (this.uow.inCall) this.uow.holdEntries(entries);
    else this.writeEntryRows(entries, false);
  }
  writeEntryRows(entries: LedgerEntry[], alone: boolean): void {
    let stmt = this.insertEntries.get(entries.length);
    if (!stmt) {
      stmt = this.db.prepare(`INSERT INTO fermata_ledger_entries ${ENTRY_COLUMNS} VALUES ${Array(entries.length).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`);
      // Movements have few legs; an unusual size is prepared for its one use rather than kept.
      if (entries.length <= 8) this.insertEntries.set(entries.length, stmt);
    }
    const values: unknown[] = [];
    for (const e of entries) values.push(e.entryId, e.walletId, e.asset, e.amount, e.balanceAfter, e.kind, e.referenceId, e.counterpartyWalletId, e.createdAt);
    if (!alone) this.uow.beforeWrite();
    stmt.run(values);
  }
  async loadWalletBalances(): Promise<WalletBalance[]> {
    return (this.s.balances!.all() as Array<{ wallet_id: string; asset: string; balance_after: string; created_at: number }>).map((r) => ({
      walletId: r.wallet_id, asset: r.asset, balance: r.balance_after, updatedAt: r.created_at,
    }));
  }
  async listLedgerEntries(walletId: string, asset?: string): Promise<LedgerEntry[]> {
    const rows = (asset === undefined ? this.s.entries!.all(walletId) : this.s.entriesOfAsset!.all(walletId, asset)) as EntryRow[];
    return rows.map((r) => ({
      entryId: r.entry_id, walletId: r.wallet_id, asset: r.asset, amount: r.amount, balanceAfter: r.balance_after, kind: r.kind,
      referenceId: r.reference_id, counterpartyWalletId: r.counterparty_wallet_id, createdAt: r.created_at,
    }));
  }

  /** Held inside a call until the outermost call ends, in its latest state. A user's `quoteRequestId` taken throws. */
  insertQuote(q: QuoteRecord): void {
    if (q.quoteRequestId !== undefined && this.requestTaken(q.userId, q.quoteRequestId)) throw new Error(`duplicate quoteRequestId for user ${q.userId}`);
    if (!this.uow.inCall) {
      this.writeQuoteRow(q, false);
      return;
    }
    if (this.uow.heldQuote(q.quoteId)) throw new Error(`quote ${q.quoteId} inserted twice`);
    this.uow.holdQuote(q);
  }
  writeQuoteRow(q: QuoteRecord, alone: boolean): void {
    this.held('insertQuote', alone).run(q.quoteId, q.userId, q.quoteRequestId ?? null, q.dealerAccountId, q.status, q.createdAt, JSON.stringify(q));
    if (q.quoteRequestId !== undefined) this.requests.add(q.userId, q.quoteRequestId);
  }
  deleteQuoteRow(q: QuoteRecord): void {
    this.s.deleteQuote!.run(q.quoteId);
  }
  /** The quote's row is gone (deleted, or rolled back with its call): its client reference is free again. */
  quoteUndone(q: QuoteRecord): void {
    if (q.quoteRequestId !== undefined) this.requests.remove(q.userId, q.quoteRequestId);
  }

  /** Whether a stored quote or one held in the running call has the user's reference. */
  private requestTaken(userId: string, quoteRequestId: string): boolean {
    if (this.requests.has(userId, quoteRequestId)) return true;
    for (const h of this.uow.heldQuotes()) if (h.quoteRequestId === quoteRequestId && h.userId === userId) return true;
    return false;
  }

  updateQuote(q: QuoteRecord): void {
    if (this.uow.heldQuote(q.quoteId)) this.uow.holdQuote(q);
    else this.run('updateQuote', q.status, JSON.stringify(q), q.quoteId);
  }
  async getQuote(quoteId: string): Promise<QuoteRecord | undefined> {
    const held = this.uow.heldQuote(quoteId);
    if (held) return held;
    const row = this.s.getQuote!.get(quoteId) as Row | undefined;
    return row ? (JSON.parse(row.body) as QuoteRecord) : undefined;
  }
  async loadOpenQuotes(): Promise<QuoteRecord[]> {
    return bodies(this.s.openQuotes!.all());
  }
  async loadQuoteKeys(): Promise<QuoteKey[]> {
    const keys = this.readQuoteKeys();
    this.requests.fill(keys.map((k) => [k.userId, k.quoteRequestId] as const));
    return keys;
  }
  private readQuoteKeys(): QuoteKey[] {
    return (this.s.quoteKeys!.all() as Array<{ quote_id: string; user_id: string; quote_request_id: string }>).map((r) => ({
      quoteId: r.quote_id, userId: r.user_id, quoteRequestId: r.quote_request_id,
    }));
  }

  insertHedge(h: Hedge): void {
    this.run('insertHedge', h.hedgeId, h.dealerAccountId, h.status, h.createdAt, JSON.stringify(h));
  }
  updateHedge(h: Hedge): void {
    this.run('updateHedge', h.status, JSON.stringify(h), h.hedgeId);
  }
  async loadPendingHedges(): Promise<Hedge[]> {
    return bodies(this.s.pendingHedges!.all());
  }

  /** Held inside a call or an open group, in its latest state, until the group commits (or the outermost call ends). */
  upsertExposure(e: Exposure): void {
    if (this.uow.holdsGroupRows) this.uow.holdExposure(e);
    else this.writeExposureRow(e, false);
  }
  writeExposureRow(e: Exposure, alone: boolean): void {
    this.held('upsertExposure', alone).run(e.dealerAccountId, e.symbol, JSON.stringify(e));
  }
  async loadExposures(): Promise<Exposure[]> {
    this.uow.writeHeldExposures();
    return bodies(this.s.exposures!.all());
  }
}
