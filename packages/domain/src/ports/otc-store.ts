/**
 * @module ports/otc-store
 * Durable storage of the OTC desk (dealers, wallets, ledger entries, quotes, hedges, exposures), reached as
 * `Store.otc`: its writes join the store's transactions and group commits, its reads follow the rules of
 * ports/store.ts (start-up loads of what the desk keeps in memory, query reads that see every earlier write).
 *
 * Further guarantees:
 * - Ledger entries are immutable: appended, never changed. `loadWalletBalances` answers, per wallet and asset, the
 *   `balanceAfter` of its latest entry, which equals the sum of its entries' amounts.
 * - `(userId, quoteRequestId)` is unique among quotes: inserting a second one throws.
 */
import type { Dealer, Exposure, Hedge, LedgerEntry, QuoteRecord, Wallet } from '../model/fermata.ts';

export interface QuoteKey {
  quoteId: string;
  userId: string;
  quoteRequestId: string;
}

export interface WalletBalance {
  walletId: string;
  asset: string;
  balance: string;
  /** When the latest entry was made. */
  updatedAt: number;
}

export interface OtcStore {
  // ── start-up loads ────────────────────────────────────────────────────────────────────────────────────
  /** Every dealer, archived ones included, oldest first. */
  loadDealers(): Promise<Dealer[]>;
  /** Every wallet, closed ones included, oldest first. */
  loadWallets(): Promise<Wallet[]>;
  /** Per wallet and asset: the balance after its latest entry, and that entry's time. */
  loadWalletBalances(): Promise<WalletBalance[]>;
  /** Quotes still CREATED, oldest first. */
  loadOpenQuotes(): Promise<QuoteRecord[]>;
  /** The client references of every quote that has one. */
  loadQuoteKeys(): Promise<QuoteKey[]>;
  /** Hedges still PENDING, oldest first. */
  loadPendingHedges(): Promise<Hedge[]>;
  loadExposures(): Promise<Exposure[]>;

  // ── query reads ───────────────────────────────────────────────────────────────────────────────────────
  getQuote(quoteId: string): Promise<QuoteRecord | undefined>;
  /** A wallet's entries, oldest first (all assets, or one). */
  listLedgerEntries(walletId: string, asset?: string): Promise<LedgerEntry[]>;

  // ── writes (synchronous, joining the enclosing transaction) ───────────────────────────────────────────
  insertDealer(dealer: Dealer): void;
  updateDealer(dealer: Dealer): void;
  insertWallet(wallet: Wallet): void;
  updateWallet(wallet: Wallet): void;
  appendLedgerEntries(entries: LedgerEntry[]): void;
  insertQuote(quote: QuoteRecord): void;
  updateQuote(quote: QuoteRecord): void;
  insertHedge(hedge: Hedge): void;
  updateHedge(hedge: Hedge): void;
  upsertExposure(exposure: Exposure): void;
}
