/**
 * @module otc/dealer-pricer
 * What a dealer answers an RFQ: a price from the best of its linked venues (otc/pricing.ts), or the reason it will not
 * quote — paused, an unsupported settlement currency, a pair no linked venue trades, not enough depth, a trade that
 * would take it over its risk threshold (otc/exposure.ts), or a wallet that cannot trade.
 */
import type { DomainContext } from '../context.ts';
import { ZERO, dec, str, type Dec } from '../model/decimal.ts';
import type { Dealer } from '../model/fermata.ts';
import type { OrderSideValue } from '../model/primitives.ts';
import type { InstrumentSpec } from '../model/instrument.ts';
import type { BookSnapshot } from '../model/market-data.ts';
import { exposureValue } from './exposure.ts';
import type { HedgeVenues } from './hedge-venues.ts';
import type { Hedger } from './hedger.ts';
import type { PricingProfile } from './pricing-profiles.ts';
import { priceRequestDec } from './pricing.ts';
import { markupOf, priceInUnits, units, type Markup, type PricedText } from './pricing-units.ts';
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
  | { ok: true; price: string; quantity: string; quoteQuantity: string; hedgeInstrumentId: string }
  | { ok: false; reason: string };

/** Levels asked of a book first; the whole `otcBookDepth` only when the walk needs more (a clip bigger than the top). */
const FIRST_DEPTH = 10;

/** An instrument's grid in units (pricing-units.ts), read once per spec. */
const grids = new WeakMap<InstrumentSpec, { tick: bigint | undefined; lot: bigint | undefined }>();
const gridOf = (spec: InstrumentSpec) => {
  let g = grids.get(spec);
  if (!g) grids.set(spec, (g = { tick: units(spec.tickSize), lot: units(spec.lotSize) }));
  return g;
};

/** A profile's spread as the markup of each side, read once per profile. */
const markups = new WeakMap<PricingProfile, { BUY: Markup | undefined; SELL: Markup | undefined; fraction: Dec }>();
const markupsOf = (profile: PricingProfile) => {
  let m = markups.get(profile);
  if (!m) {
    const fraction = profile.spreadBps.div(10_000);
    markups.set(profile, (m = { BUY: markupOf('BUY', str(fraction)), SELL: markupOf('SELL', str(fraction)), fraction }));
  }
  return m;
};

/** A risk threshold as a decimal, parsed once per text. */
const thresholds = new Map<string, Dec>();
const thresholdOf = (text: string): Dec => {
  let d = thresholds.get(text);
  if (!d) {
    if (thresholds.size > 1_000) thresholds.clear();
    thresholds.set(text, (d = dec(text)));
  }
  return d;
};

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
    const size = terms.quantity !== undefined ? { quantity: units(str(terms.quantity)) } : { quoteQuantity: units(str(terms.quoteQuantity ?? ZERO)) };
    const markup = markupsOf(profile);
    let best: (PricedText & { ok: true }) | undefined;
    let hedgeInstrumentId = '';
    let tooSmall = false;
    let mid: Dec | undefined;
    for (const w of where) {
      let book = w.venue.getBook(terms.symbol, Math.min(FIRST_DEPTH, this.ctx.config.otcBookDepth));
      if (!book) continue;
      if (mid === undefined && book.bids[0] && book.asks[0]) mid = dec(book.bids[0].price).add(book.asks[0].price).div(2);
      let p = this.price(w.spec, terms, size, markup, book);
      const taken = terms.side === 'BUY' ? book.asks : book.bids;
      if (!p.ok && p.reason === 'NO_DEPTH' && taken.length >= FIRST_DEPTH && this.ctx.config.otcBookDepth > FIRST_DEPTH) {
        book = w.venue.getBook(terms.symbol, this.ctx.config.otcBookDepth);
        if (book) p = this.price(w.spec, terms, size, markup, book);
      }
      if (!p.ok) {
        tooSmall ||= p.reason === 'BELOW_ONE_LOT';
        continue;
      }
      const better = !best || (terms.side === 'BUY' ? p.priceUnits < best.priceUnits : p.priceUnits > best.priceUnits);
      if (better) {
        best = p;
        hedgeInstrumentId = w.spec.instrumentId;
      }
    }
    if (!best) return { ok: false, reason: tooSmall ? 'the size is below one lot of the linked venues' : `not enough depth on the linked venues for ${terms.symbol}` };
    if (dealer.riskThreshold !== undefined) {
      const quantity = dec(best.quantity);
      const delta = terms.side === 'BUY' ? quantity.neg() : quantity;
      const value = exposureValue(this.hedger.exposureOf(dealer.dealerAccountId), (s) => (s === terms.symbol ? mid : this.mid(dealer, s)), { symbol: terms.symbol, delta, price: dec(best.price) });
      if (value.gt(thresholdOf(dealer.riskThreshold))) return { ok: false, reason: `over the dealer's risk threshold (${dealer.riskThreshold})` };
    }
    return { ok: true, price: best.price, quantity: best.quantity, quoteQuantity: best.quoteQuantity, hedgeInstrumentId };
  }

  /** The price on one venue's book: in exact integers on its grid, else with the decimal.js reference. */
  private price(spec: InstrumentSpec, terms: RfqTerms, size: { quantity?: bigint | undefined; quoteQuantity?: bigint | undefined }, markup: ReturnType<typeof markupsOf>, book: BookSnapshot): PricedText {
    const { tick, lot } = gridOf(spec);
    const m = markup[terms.side];
    const amount = size.quantity ?? size.quoteQuantity;
    if (tick && lot && m && amount !== undefined) {
      const sized = size.quantity !== undefined ? { quantity: amount } : { quoteQuantity: amount };
      const p = priceInUnits({ side: terms.side, markup: m, tick, lot, bids: book.bids, asks: book.asks, ...sized });
      if (p) return p;
    }
    const req = { side: terms.side, spread: markup.fraction, tick: dec(spec.tickSize), lot: dec(spec.lotSize), bids: book.bids, asks: book.asks };
    const p = priceRequestDec(terms.quantity !== undefined ? { ...req, quantity: terms.quantity } : { ...req, quoteQuantity: terms.quoteQuantity ?? ZERO });
    if (!p.ok) return p;
    const priceUnits = units(str(p.price));
    // Off the 10^-18 grid (no tick): rank by the price scaled and truncated, enough to pick the better venue.
    return { ok: true, price: str(p.price), quantity: str(p.quantity), quoteQuantity: str(p.quoteQuantity), hedgeCost: str(p.hedgeCost), priceUnits: priceUnits ?? BigInt(p.price.mul('1000000000000000000').floor().toFixed()) };
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
