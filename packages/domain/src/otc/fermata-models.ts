/**
 * @module otc/fermata-models
 * Dealers, wallets and quotes in the contract's shapes (`FermataDealer`, `FermataWallet`, `Quote`): the REST models,
 * which the RPC methods answer too (docs/otc.md). Times are epoch milliseconds with their ISO-8601 companions.
 */
import type { FermataDealer, FermataWallet, Quote } from '@cadenza/contract';
import { toIso } from '../model/time.ts';
import { FERMATA, type Dealer, type QuoteRecord, type Wallet } from '../model/fermata.ts';

export function toFermataDealer(d: Dealer): FermataDealer {
  const out: FermataDealer = {
    dealerAccountId: d.dealerAccountId,
    name: d.name,
    status: d.status,
    baseCurrencies: [...d.baseCurrencies],
    linkedAccountIds: [...d.linkedAccountIds],
    config: d.config,
    createdAt: d.createdAt,
    createdAtDateTime: toIso(d.createdAt),
    updatedAt: d.updatedAt,
    updatedAtDateTime: toIso(d.updatedAt),
  };
  if (d.riskThreshold !== undefined) out.riskThreshold = d.riskThreshold;
  return out;
}

export function toFermataWallet(w: Wallet): FermataWallet {
  return {
    walletId: w.walletId,
    walletType: w.walletType,
    status: w.status,
    allowNegative: w.allowNegative,
    metadata: { ...w.metadata },
    createdAt: w.createdAt,
    createdAtDateTime: toIso(w.createdAt),
    updatedAt: w.updatedAt,
    updatedAtDateTime: toIso(w.updatedAt),
  };
}

export function toQuote(q: QuoteRecord): Quote {
  const out: Quote = {
    quoteId: q.quoteId,
    venue: FERMATA,
    instrumentId: q.instrumentId,
    dealerAccountId: q.dealerAccountId,
    baseAsset: q.baseAsset,
    quoteAsset: q.quoteAsset,
    orderSide: q.side,
    quantityType: q.quantityType,
    quantity: q.quantity,
    quoteQuantity: q.quoteQuantity,
    price: q.price,
    status: q.status,
    createdAt: q.createdAt,
    createdAtDateTime: toIso(q.createdAt),
    updatedAt: q.updatedAt,
    updatedAtDateTime: toIso(q.updatedAt),
    expireAt: q.expireAt,
    expireAtDateTime: toIso(q.expireAt),
    pricingProfileId: q.pricingProfileId,
  };
  if (q.quoteRequestId !== undefined) out.quoteRequestId = q.quoteRequestId;
  if (q.traderAccountId !== undefined) out.traderAccountId = q.traderAccountId;
  if (q.rejectReason !== undefined) out.rejectReason = q.rejectReason;
  return out;
}
