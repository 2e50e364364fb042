/**
 * @module postgres/pg-otc-tables
 * The OTC desk's tables (`OtcStore`, packages/domain/src/ports/otc-store.ts) on PostgreSQL, written through the
 * store's write-behind queue (so in the same units and batches as everything else) and read on its pool.
 *
 * Ledger amounts are `numeric`, so the database itself can check that each wallet's latest `balance_after` is the
 * sum of its entries; entries are refused UPDATE and DELETE by a trigger. `(user_id, quote_request_id)` is unique;
 * a second insert throws at once (from the keys this process loaded and wrote), as SQLite's constraint does.
 */
import type { Dealer, Exposure, Hedge, LedgerEntry, OtcStore, QuoteKey, QuoteRecord, Wallet, WalletBalance } from '@cadenza/domain';
import { fromPgText, json, literal, pgText, sql } from './sql-text.ts';

/** What the tables need of the store: its write queue and its reads. */
export interface PgWriter {
  /** Queues a statement in the current transaction (or a unit of its own). */
  write(statement: string): void;
  /** Registers how to undo a memory change if the current transaction throws. */
  onUndo(fn: () => void): void;
  rows<R extends Record<string, unknown>>(name: string | undefined, text: string, values?: unknown[]): Promise<R[]>;
}

type EntryRow = {
  entry_id: string;
  wallet_id: string;
  asset: string;
  amount: string;
  balance_after: string;
  kind: LedgerEntry['kind'];
  reference_id: string;
  counterparty_wallet_id: string;
  created_at: string;
};

const quoteKey = (userId: string, quoteRequestId: string) => `${userId}\u0000${quoteRequestId}`;

export class PgOtcTables implements OtcStore {
  private readonly quoteKeys: Set<string>;

  constructor(
    private readonly db: PgWriter,
    knownQuoteKeys: Iterable<QuoteKey>,
  ) {
    this.quoteKeys = new Set([...knownQuoteKeys].map((k) => quoteKey(k.userId, k.quoteRequestId)));
  }

  /** The quote keys already stored, for `open` to hand to the constructor. */
  static async loadKeys(rows: PgWriter['rows']): Promise<QuoteKey[]> {
    const r = await rows<{ quote_id: string; user_id: string; quote_request_id: string }>(
      'fermata-quote-keys', 'SELECT quote_id, user_id, quote_request_id FROM fermata_quotes WHERE quote_request_id IS NOT NULL',
    );
    return r.map((x) => ({ quoteId: fromPgText(x.quote_id), userId: fromPgText(x.user_id), quoteRequestId: fromPgText(x.quote_request_id) }));
  }

  private async bodies<T>(name: string, text: string, values: unknown[] = []): Promise<T[]> {
    return (await this.db.rows<{ body: T }>(name, text, values)).map((r) => r.body);
  }

  loadDealers(): Promise<Dealer[]> {
    return this.bodies('fermata-dealers', 'SELECT body FROM fermata_dealers ORDER BY created_at, dealer_account_id');
  }
  insertDealer(d: Dealer): void {
    this.db.write(sql`INSERT INTO fermata_dealers (dealer_account_id, user_id, status, created_at, body) VALUES (${d.dealerAccountId}, ${d.userId}, ${d.status}, ${d.createdAt}, ${json(d)})`);
  }
  updateDealer(d: Dealer): void {
    this.db.write(sql`UPDATE fermata_dealers SET status = ${d.status}, body = ${json(d)} WHERE dealer_account_id = ${d.dealerAccountId}`);
  }

  loadWallets(): Promise<Wallet[]> {
    return this.bodies('fermata-wallets', 'SELECT body FROM fermata_wallets ORDER BY created_at, wallet_id');
  }
  insertWallet(w: Wallet): void {
    this.db.write(sql`INSERT INTO fermata_wallets (wallet_id, user_id, trading_account_id, wallet_type, status, created_at, body)
      VALUES (${w.walletId}, ${w.userId}, ${w.tradingAccountId}, ${w.walletType}, ${w.status}, ${w.createdAt}, ${json(w)})`);
  }
  updateWallet(w: Wallet): void {
    this.db.write(sql`UPDATE fermata_wallets SET status = ${w.status}, body = ${json(w)} WHERE wallet_id = ${w.walletId}`);
  }

  appendLedgerEntries(entries: LedgerEntry[]): void {
    if (entries.length === 0) return;
    const rows = entries.map((e) => `(${[e.entryId, e.walletId, e.asset, e.amount, e.balanceAfter, e.kind, e.referenceId, e.counterpartyWalletId, e.createdAt].map(literal).join(', ')})`);
    // One statement per movement; rows get their seq in the order listed, as one INSERT per entry gave them.
    this.db.write(`INSERT INTO fermata_ledger_entries (entry_id, wallet_id, asset, amount, balance_after, kind, reference_id, counterparty_wallet_id, created_at) VALUES ${rows.join(', ')};`);
  }
  async loadWalletBalances(): Promise<WalletBalance[]> {
    const rows = await this.db.rows<{ wallet_id: string; asset: string; balance: string; created_at: string }>(
      'fermata-balances',
      'SELECT DISTINCT ON (wallet_id, asset) wallet_id, asset, balance_after::text AS balance, created_at FROM fermata_ledger_entries ORDER BY wallet_id, asset, seq DESC',
    );
    return rows.map((r) => ({ walletId: fromPgText(r.wallet_id), asset: fromPgText(r.asset), balance: r.balance, updatedAt: Number(r.created_at) }));
  }
  async listLedgerEntries(walletId: string, asset?: string): Promise<LedgerEntry[]> {
    const cols = 'entry_id, wallet_id, asset, amount::text AS amount, balance_after::text AS balance_after, kind, reference_id, counterparty_wallet_id, created_at';
    const rows = asset === undefined
      ? await this.db.rows<EntryRow>('fermata-entries', `SELECT ${cols} FROM fermata_ledger_entries WHERE wallet_id = $1 ORDER BY seq`, [pgText(walletId)])
      : await this.db.rows<EntryRow>('fermata-entries-asset', `SELECT ${cols} FROM fermata_ledger_entries WHERE wallet_id = $1 AND asset = $2 ORDER BY seq`, [pgText(walletId), pgText(asset)]);
    return rows.map((r) => ({
      entryId: fromPgText(r.entry_id), walletId: fromPgText(r.wallet_id), asset: fromPgText(r.asset), amount: r.amount, balanceAfter: r.balance_after, kind: r.kind,
      referenceId: fromPgText(r.reference_id), counterpartyWalletId: fromPgText(r.counterparty_wallet_id), createdAt: Number(r.created_at),
    }));
  }

  insertQuote(q: QuoteRecord): void {
    if (q.quoteRequestId !== undefined) {
      const key = quoteKey(q.userId, q.quoteRequestId);
      if (this.quoteKeys.has(key)) throw new Error(`duplicate quoteRequestId for user ${q.userId}`);
      this.quoteKeys.add(key);
      this.db.onUndo(() => this.quoteKeys.delete(key));
    }
    this.db.write(sql`INSERT INTO fermata_quotes (quote_id, user_id, quote_request_id, dealer_account_id, status, created_at, body)
      VALUES (${q.quoteId}, ${q.userId}, ${q.quoteRequestId}, ${q.dealerAccountId}, ${q.status}, ${q.createdAt}, ${json(q)})`);
  }
  updateQuote(q: QuoteRecord): void {
    this.db.write(sql`UPDATE fermata_quotes SET status = ${q.status}, body = ${json(q)} WHERE quote_id = ${q.quoteId}`);
  }
  async getQuote(quoteId: string): Promise<QuoteRecord | undefined> {
    return (await this.bodies<QuoteRecord>('fermata-quote', 'SELECT body FROM fermata_quotes WHERE quote_id = $1', [pgText(quoteId)]))[0];
  }
  loadOpenQuotes(): Promise<QuoteRecord[]> {
    return this.bodies('fermata-open-quotes', "SELECT body FROM fermata_quotes WHERE status = 'CREATED' ORDER BY created_at, quote_id");
  }
  loadQuoteKeys(): Promise<QuoteKey[]> {
    return PgOtcTables.loadKeys((n, t, v) => this.db.rows(n, t, v));
  }

  insertHedge(h: Hedge): void {
    this.db.write(sql`INSERT INTO fermata_hedges (hedge_id, dealer_account_id, status, created_at, body) VALUES (${h.hedgeId}, ${h.dealerAccountId}, ${h.status}, ${h.createdAt}, ${json(h)})`);
  }
  updateHedge(h: Hedge): void {
    this.db.write(sql`UPDATE fermata_hedges SET status = ${h.status}, body = ${json(h)} WHERE hedge_id = ${h.hedgeId}`);
  }
  loadPendingHedges(): Promise<Hedge[]> {
    return this.bodies('fermata-pending-hedges', "SELECT body FROM fermata_hedges WHERE status = 'PENDING' ORDER BY created_at, hedge_id");
  }

  upsertExposure(e: Exposure): void {
    this.db.write(sql`INSERT INTO fermata_exposures (dealer_account_id, symbol, body) VALUES (${e.dealerAccountId}, ${e.symbol}, ${json(e)})
      ON CONFLICT (dealer_account_id, symbol) DO UPDATE SET body = excluded.body`);
  }
  loadExposures(): Promise<Exposure[]> {
    return this.bodies('fermata-exposures', 'SELECT body FROM fermata_exposures ORDER BY dealer_account_id, symbol');
  }
}
