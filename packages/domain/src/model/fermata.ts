/**
 * @module model/fermata
 * The OTC desk ("Fermata") as the domain keeps it: dealers, ledger wallets and their entries, quotes, hedges and
 * each dealer's open exposure. Amounts are decimal strings, times epoch milliseconds.
 */
import type { OrderSideValue } from './primitives.ts';

/** The venue id of the OTC desk: its trading accounts, quotes and QUOTED orders carry it. */
export const FERMATA = 'FERMATA';

export type DealerStatusValue = 'ACTIVE' | 'PAUSED' | 'ARCHIVED';

/** A dealer: quotes clients on request from its linked venues' books and hedges what it trades there. */
export interface Dealer {
  /** The dealer's own FERMATA trading account (provisioned with it): its id names the dealer. */
  dealerAccountId: string;
  /** Owner of that account (the administrator who created the dealer); linked accounts must be theirs too. */
  userId: string;
  name: string;
  status: DealerStatusValue;
  /** Settlement (quote) currencies the dealer trades against, e.g. ['USDT']. */
  baseCurrencies: string[];
  /** Largest open exposure, valued in the settlement currency, the dealer may carry; none = no limit. */
  riskThreshold?: string;
  /** Exchange trading accounts (PAPER, MOCK, BINANCE, …) it prices from and hedges on, in link order. */
  linkedAccountIds: string[];
  /** Free map; `pricingProfileId` and `pricingProfiles` are read by pricing (otc/pricing-profiles.ts). */
  config: Record<string, unknown>;
  /** The dealer's ledger wallet (DEALER, may go negative). */
  walletId: string;
  createdAt: number;
  updatedAt: number;
}

export type WalletTypeValue = 'DEALER' | 'CLIENT' | 'EXCHANGE' | 'ACCOUNTING';
export type WalletStatusValue = 'ACTIVE' | 'FROZEN' | 'CLOSED';

/** A ledger wallet. Its balances are the sums of its entries; they show as the portfolio of its trading account. */
export interface Wallet {
  walletId: string;
  walletType: WalletTypeValue;
  status: WalletStatusValue;
  /** May go below zero (dealer and accounting wallets). */
  allowNegative: boolean;
  /** String map: name, created_by, tradingAccountId (the FERMATA account that owns the wallet). */
  metadata: Record<string, string>;
  /** Owner. */
  userId: string;
  /** The FERMATA trading account whose portfolio shows the balances. */
  tradingAccountId: string;
  createdAt: number;
  updatedAt: number;
}

/** One immutable movement of one asset in one wallet. A transfer writes two, a trade four. */
export interface LedgerEntry {
  entryId: string;
  walletId: string;
  asset: string;
  /** Signed: positive in, negative out. */
  amount: string;
  /** The wallet's balance of the asset once this entry is applied (the running sum of its entries). */
  balanceAfter: string;
  kind: 'TRANSFER' | 'TRADE';
  /** The transfer id, or the trader's tradeOrderId for a trade. */
  referenceId: string;
  counterpartyWalletId: string;
  createdAt: number;
}

export type QuoteStatusValue = 'CREATED' | 'ACCEPTED' | 'REJECTED' | 'EXPIRED' | 'REPLACED';

/** A dealer's firm price for one trader, one side and one size, until `expireAt`. */
export interface QuoteRecord {
  quoteId: string;
  /** The client's reference: the same (user, quoteRequestId) returns this quote again. */
  quoteRequestId?: string;
  /** Who asked. */
  userId: string;
  dealerAccountId: string;
  /** The trader's FERMATA account, when the request named one: only it may accept. */
  traderAccountId?: string;
  /** `FERMATA:{BASE}/{QUOTE}`. */
  instrumentId: string;
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  /** The trader's side. */
  side: OrderSideValue;
  /** How the request sized it: BASE (quantity) or QUOTE (quoteQuantity). */
  quantityType: 'BASE' | 'QUOTE';
  quantity: string;
  quoteQuantity: string;
  price: string;
  status: QuoteStatusValue;
  rejectReason?: string;
  pricingProfileId: string;
  /** The linked exchange instrument the price came from; the hedge goes there. */
  hedgeInstrumentId?: string;
  /** Set once accepted: the trader's QUOTED order. */
  tradeOrderId?: string;
  createdAt: number;
  updatedAt: number;
  expireAt: number;
}

/** A hedge order the desk sent for a dealer; PENDING until the order is closed and its fills booked on the exposure. */
export interface Hedge {
  hedgeId: string;
  dealerAccountId: string;
  /** The linked exchange trading account it trades on. */
  tradingAccountId: string;
  instrumentId: string;
  /** `{BASE}/{QUOTE}`: the exposure it reduces. */
  symbol: string;
  side: OrderSideValue;
  quantity: string;
  status: 'PENDING' | 'DONE';
  /** The order on the exchange account (its idempotencyKey is `fermata-hedge-{hedgeId}`). */
  tradeOrderId?: string;
  executedQuantity?: string;
  createdAt: number;
  updatedAt: number;
}

/** A dealer's net open position in one pair's base asset: client trades minus filled hedges (signed, base units). */
export interface Exposure {
  dealerAccountId: string;
  symbol: string;
  quantity: string;
  updatedAt: number;
}
