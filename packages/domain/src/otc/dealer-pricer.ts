/**
 * @module otc/dealer-pricer
 * What a dealer answers an RFQ: a price from the best of its linked venues (otc/pricing.ts), or the reason it will not
 * quote — paused, an unsupported settlement currency, a pair no linked venue trades, not enough depth, a trade that
 * would take it over its risk threshold (otc/exposure.ts), or a wallet that cannot trade.
 */
import type { DomainContext } from '../context.ts';
import { ZERO, dec, type Dec } from '../model/decimal.ts';
import type { Dealer } from '../model/fermata.ts';
import type { OrderSideValue } from '../model/primitives.ts';
import { exposureValue } from './exposure.ts';
import type { HedgeVenues } from './hedge-venues.ts';
import type { Hedger } from './hedger.ts';
import type { PricingProfile } from './pricing-profiles.ts';
import { priceRequest } from './pricing.ts';
import type { WalletBook } from './wallet-book.ts';

export interface RfqTerms {
  side: OrderSideValue;
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  quantity?: Dec;
  quoteQuantity?: Dec;
}

export type DealerAnswer =
  | { ok: true; price: Dec; quantity: Dec; quoteQuantity: Dec; hedgeInstrumentId: string }
  | { ok: false; reason: string };

export class DealerPricer {
  constructor(
    private readonly ctx: DomainContext,
    private readonly venues: HedgeVenues,
    private readonly hedger: Hedger,
    private readonly wallets: WalletBook,
  ) {}

  answer(dealer: Dealer, terms: RfqTerms, profile: PricingProfile): DealerAnswer {
    if (dealer.status !== 'ACTIVE') return { ok: false, reason: `dealer is ${dealer.status.toLowerCase()}` };
    if (!dealer.baseCurrencies.includes(terms.quoteAsset)) return { ok: false, reason: `unsupported currency ${terms.quoteAsset}: the dealer settles in ${dealer.baseCurrencies.join(', ')}` };
    const wallet = this.wallets.wallet(dealer.walletId);
    if (!wallet || wallet.status !== 'ACTIVE') return { ok: false, reason: `the dealer's wallet is ${wallet?.status.toLowerCase() ?? 'missing'}` };
    const where = this.venues.for(dealer, terms.symbol);
    if (where.length === 0) return { ok: false, reason: `unsupported pair ${terms.symbol}: no linked venue trades it` };
    const spread = profile.spreadBps.div(10_000);
    let best: { price: Dec; quantity: Dec; quoteQuantity: Dec; hedgeInstrumentId: string } | undefined;
    let tooSmall = false;
    for (const w of where) {
      const book = w.venue.getBook(terms.symbol, this.ctx.config.otcBookDepth);
      if (!book) continue;
      const req = { side: terms.side, spread, tick: dec(w.spec.tickSize), lot: dec(w.spec.lotSize), bids: book.bids, asks: book.asks };
      const p = priceRequest(terms.quantity !== undefined ? { ...req, quantity: terms.quantity } : { ...req, quoteQuantity: terms.quoteQuantity ?? ZERO });
      if (!p.ok) {
        tooSmall ||= p.reason === 'BELOW_ONE_LOT';
        continue;
      }
      const better = !best || (terms.side === 'BUY' ? p.price.lt(best.price) : p.price.gt(best.price));
      if (better) best = { price: p.price, quantity: p.quantity, quoteQuantity: p.quoteQuantity, hedgeInstrumentId: w.spec.instrumentId };
    }
    if (!best) return { ok: false, reason: tooSmall ? 'the size is below one lot of the linked venues' : `not enough depth on the linked venues for ${terms.symbol}` };
    if (dealer.riskThreshold !== undefined) {
      const delta = terms.side === 'BUY' ? best.quantity.neg() : best.quantity;
      const value = exposureValue(this.hedger.exposureOf(dealer.dealerAccountId), (s) => this.mid(dealer, s), { symbol: terms.symbol, delta, price: best.price });
      if (value.gt(dealer.riskThreshold)) return { ok: false, reason: `over the dealer's risk threshold (${dealer.riskThreshold})` };
    }
    return { ok: true, ...best };
  }

  /** The mid price of the pair on the first linked venue that shows both sides. */
  private mid(dealer: Dealer, symbol: string): Dec | undefined {
    for (const w of this.venues.for(dealer, symbol)) {
      const b = w.venue.getBook(symbol, 1);
      if (b?.bids[0] && b.asks[0]) return dec(b.bids[0].price).add(b.asks[0].price).div(2);
    }
    return undefined;
  }
}
