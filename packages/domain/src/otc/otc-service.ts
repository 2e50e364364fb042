/**
 * @module otc/otc-service
 * The OTC desk ("Fermata"), put together: dealers (dealer-service.ts), ledger wallets (wallet-book.ts,
 * wallet-service.ts), RFQs and QUOTED orders (quote-desk.ts), pricing (dealer-pricer.ts) and hedging (hedger.ts), with
 * the FERMATA trading accounts that own the wallets (fermata-accounts.ts). docs/otc.md tells the whole story.
 */
import type { DomainContext } from '../context.ts';
import type { AccountRegistry } from '../accounts/account-registry.ts';
import type { InstrumentCatalog } from '../instruments/instrument-catalog.ts';
import type { OrderService } from '../orders/order-service.ts';
import type { TradingAccountService } from '../accounts/trading-account-service.ts';
import type { PortfolioBook } from '../portfolios/portfolio-book.ts';
import type { PositionLedger } from '../positions/position-ledger.ts';
import { DealerPricer } from './dealer-pricer.ts';
import { DealerRegistry } from './dealer-registry.ts';
import { DealerService } from './dealer-service.ts';
import { FermataAccounts } from './fermata-accounts.ts';
import { HedgeVenues } from './hedge-venues.ts';
import { Hedger } from './hedger.ts';
import { QuoteDesk } from './quote-desk.ts';
import { WalletBook } from './wallet-book.ts';
import { WalletService } from './wallet-service.ts';

export interface OtcDeps {
  accounts: AccountRegistry;
  instruments: InstrumentCatalog;
  book: PortfolioBook;
  orders: OrderService;
  positions: PositionLedger;
  tradingAccounts: TradingAccountService;
}

export class OtcService {
  readonly dealers: DealerService;
  readonly wallets: WalletService;
  readonly quotes: QuoteDesk;
  /** FERMATA trading accounts: `connect` is what `command.trading_account.connect` does for venue FERMATA. */
  readonly fermataAccounts: FermataAccounts;
  readonly hedger: Hedger;
  readonly walletBook: WalletBook;
  private readonly registry: DealerRegistry;

  constructor(
    ctx: DomainContext,
    private readonly deps: OtcDeps,
  ) {
    this.registry = new DealerRegistry(ctx);
    this.walletBook = new WalletBook(ctx, deps.book);
    const venues = new HedgeVenues(ctx, deps.accounts, deps.instruments);
    this.hedger = new Hedger(ctx, { dealers: this.registry, venues, submit: (c, r) => deps.orders.submit(c, r) });
    const pricer = new DealerPricer(ctx, venues, this.hedger, this.walletBook);
    this.fermataAccounts = new FermataAccounts(ctx, deps.accounts, this.walletBook, this.registry);
    this.quotes = new QuoteDesk(ctx, { accounts: deps.accounts, dealers: this.registry, wallets: this.walletBook, pricer, hedger: this.hedger, ledger: deps.orders.ledger, book: deps.book, positions: deps.positions });
    this.wallets = new WalletService(ctx, this.walletBook, this.fermataAccounts, this.registry, (caller) => deps.tradingAccounts.requireRoom(caller));
    this.dealers = new DealerService(ctx, { dealers: this.registry, accounts: deps.accounts, fermata: this.fermataAccounts, hedger: this.hedger, quotes: this.quotes });
  }

  /** The desk's memory: dealers, wallets and balances, open quotes, exposures and hedges in flight. */
  async load(): Promise<void> {
    await Promise.all([this.registry.load(), this.walletBook.load(), this.quotes.load(), this.hedger.load()]);
  }

  /** Takes QUOTED orders, arms quote expiry, sends the hedges a restart interrupted. */
  start(): void {
    this.deps.tradingAccounts.fermata = (caller, input, beforeNew) => this.fermataAccounts.connect(caller, input, beforeNew);
    this.deps.tradingAccounts.fermataDeletable = (account) => this.wallets.requireDeletable(account.tradingAccountId);
    this.deps.orders.desk.quoted = (caller, account, req, key) => this.quotes.accept(caller, account, req, key);
    this.walletBook.restorePortfolios();
    this.quotes.start();
    this.hedger.start();
  }

  stop(): void {
    this.quotes.stop();
    this.hedger.stop();
  }
}
