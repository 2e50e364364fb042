/**
 * @module otc/dealer-pricer
 * What a dealer answers an RFQ: a price from the best of its linked venues (otc/pricing.ts), or the reason it will not
 * quote — paused, an unsupported settlement currency, a pair no linked venue trades, not enough depth, a trade that
 * would take it over its risk threshold (otc/exposure.ts), or a wallet that cannot trade.
 */
import type { DomainContext } from '../context.ts';
import { ZERO, dec, str, type Dec } from '../model/decimal.ts';
import { parseFixed, plainFixed, toUnits } from '../model/fixed-decimal.ts';
import type { Dealer } from '../model/fermata.ts';
import type { OrderSideValue } from '../model/primitives.ts';
import type { InstrumentSpec } from '../model/instrument.ts';
import type { BookSnapshot, GridBook } from '../model/market-data.ts';
import { PRICE_SCALE, VALUE_SCALE, exposureValue, exposureValueUnits } from './exposure.ts';
import type { HeldExposure } from './exposure-units.ts';
import type { HedgeVenue, HedgeVenues } from './hedge-venues.ts';
import type { Hedger } from './hedger.ts';
import type { PricingProfile } from './pricing-profiles.ts';
import { priceRequestDec } from './pricing.ts';
import { GridLevels, markupOf, priceInUnits, textLevels, units, type Markup } from './pricing-units.ts';
import type { RfqSize } from './rfq-request.ts';
import type { WalletBook } from './wallet-book.ts';

export interface RfqTerms {
  side: OrderSideValue;
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  quantity?: RfqSize;
  quoteQuantity?: RfqSize;
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

/** A profile's spread: the markup of each side (undefined when not a plain fraction below 1), and the fraction. */
interface Markups {
  BUY: Markup | undefined;
  SELL: Markup | undefined;
  fraction: Dec;
}

/** The requested size in units of 10^-18 (undefined off that grid: priced with decimal.js). */
interface Size {
  quantity?: bigint | undefined;
  quoteQuantity?: bigint | undefined;
}

/** A profile's spread as the markup of each side, read once per profile. */
const markups = new WeakMap<PricingProfile, Markups>();
const markupsOf = (profile: PricingProfile): Markups => {
  let m = markups.get(profile);
  if (!m) {
    const fraction = profile.spreadBps.div(10_000);
    markups.set(profile, (m = { BUY: markupOf('BUY', str(fraction)), SELL: markupOf('SELL', str(fraction)), fraction }));
  }
  return m;
};

/** One venue's offer: its texts, and its price and quantity in units of 10^-18 (`quantityUnits` undefined off that grid). */
interface Offer {
  ok: true;
  price: string;
  quantity: string;
  quoteQuantity: string;
  /** Ranks venues; exact when `quantityUnits` is given. */
  priceUnits: bigint;
  quantityUnits: bigint | undefined;
}

type Priced = Offer | { ok: false; reason: 'NO_DEPTH' | 'BELOW_ONE_LOT' | 'TOO_FINE' };

/** Decimal places of a canonical decimal text (`RfqSize.text`: no trailing zeros). */
const placesOf = (text: string): number => {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
};

/**
 * Why a venue cannot take a requested base size as it is, before any book is read: below one lot, or with more decimal
 * places than the base asset has there (a trade settles what the quote states, and the hedge could never match it).
 * By `quoteQuantity` the size is whole lots by construction.
 */
function sizeRefusal(spec: InstrumentSpec, quantity: RfqSize | undefined, units: bigint | undefined, lot: bigint | undefined): 'BELOW_ONE_LOT' | 'TOO_FINE' | undefined {
  if (quantity === undefined) return undefined;
  if (placesOf(quantity.text) > spec.basePrecision) return 'TOO_FINE';
  if (units !== undefined && lot !== undefined ? units < lot : dec(quantity.text).lt(spec.lotSize)) return 'BELOW_ONE_LOT';
  return undefined;
}

/**
 * A risk threshold, parsed once per text: as a decimal, and in units of 10^-VALUE_SCALE when it is exact there and
 * decimal.js holds it unrounded (40 significant digits), so both compare against the same number.
 */
const thresholds = new Map<string, { dec: Dec; units: bigint | undefined }>();
const thresholdOf = (text: string) => {
  let t = thresholds.get(text);
  if (!t) {
    if (thresholds.size > 1_000) thresholds.clear();
    const f = parseFixed(text);
    const units = f && f.units.toString().length <= 40 ? toUnits(text, VALUE_SCALE) : undefined;
    thresholds.set(text, (t = { dec: dec(text), units }));
  }
  return t;
};

/** A price in units of 10^-18 times this is in units of 10^-PRICE_SCALE. */
const TO_PRICE_SCALE = 10n ** BigInt(PRICE_SCALE - 18);

/** The mid of a book's best bid and ask (both present), the decimal.js reference of `midUnits`. */
const midOf = (book: BookSnapshot): Dec => dec(book.bids[0]!.price).add(book.asks[0]!.price).div(2);

/** The mid of a book's best bid and ask in units of 10^-PRICE_SCALE (exact: one place finer than the prices), or null off the grid. */
const midUnits = (bid: string, ask: string): bigint | null => {
  const b = units(bid);
  const a = units(ask);
  return b === undefined || a === undefined ? null : (b + a) * 5n;
};

/** Where the pair's mid comes from: the first linked book that shows both sides (read on its grid, or as text). */
interface Top {
  /** The mid in units of 10^-PRICE_SCALE; null off that grid. */
  units: bigint | null;
  /** The book it was read from, when read as text (the decimal.js reference takes its mid from there). */
  book: BookSnapshot | undefined;
}

export class DealerPricer {
  /** The grid read every RFQ reuses (read and priced synchronously, one venue after the other). */
  private readonly grid: GridBook = { tickSize: '', lotSize: '', count: 0, ticks: [], lots: [], bestBid: undefined, bestAsk: undefined };
  private readonly gridLevels = new GridLevels();
  /** The mid `priceOn` found, when asked for it (a field rather than a copy of each answer with it added). */
  private readTop: Top | undefined;

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
    const size = terms.quantity !== undefined ? { quantity: terms.quantity.units } : { quoteQuantity: terms.quoteQuantity ? terms.quoteQuantity.units : 0n };
    const markup = markupsOf(profile);
    let best: Offer | undefined;
    let hedgeInstrumentId = '';
    let tooSmall = false;
    let tooFine = false;
    // The first book that shows both sides: the risk check values the pair at its mid.
    let top: Top | undefined;
    for (const w of where) {
      this.readTop = undefined;
      const p = this.priceOn(w, terms, size, markup, top === undefined);
      top ??= this.readTop;
      if (p === undefined) continue;
      if (!p.ok) {
        tooSmall ||= p.reason === 'BELOW_ONE_LOT';
        tooFine ||= p.reason === 'TOO_FINE';
        continue;
      }
      const better = !best || (terms.side === 'BUY' ? p.priceUnits < best.priceUnits : p.priceUnits > best.priceUnits);
      if (better) {
        best = p;
        hedgeInstrumentId = w.spec.instrumentId;
      }
    }
    if (!best) {
      if (tooFine) return { ok: false, reason: `the size has more decimal places than ${terms.baseAsset} has on the linked venues` };
      return { ok: false, reason: tooSmall ? 'the size is below one lot of the linked venues' : `not enough depth on the linked venues for ${terms.symbol}` };
    }
    if (dealer.riskThreshold !== undefined && this.overThreshold(dealer, dealer.riskThreshold, terms, best, top)) {
      return { ok: false, reason: `over the dealer's risk threshold (${dealer.riskThreshold})` };
    }
    return { ok: true, price: best.price, quantity: best.quantity, quoteQuantity: best.quoteQuantity, hedgeInstrumentId };
  }

  /**
   * The price on one linked venue (undefined when it has no book for the pair), and in `readTop` the pair's mid
   * there when `wantTop` and its book shows both sides. On the venue's grid when it reads one and the request is
   * priced in integers; else from its book's texts.
   */
  private priceOn(w: HedgeVenue, terms: RfqTerms, size: Size, markup: Markups, wantTop: boolean): Priced | undefined {
    const { tick, lot } = gridOf(w.spec);
    const refused = sizeRefusal(w.spec, terms.quantity, size.quantity, lot);
    if (refused) return { ok: false, reason: refused };
    const m = markup[terms.side];
    const amount = size.quantity ?? size.quoteQuantity;
    const deep = this.ctx.config.otcBookDepth;
    if (tick && lot && m && amount !== undefined && w.venue.readGridBook) {
      const g = this.grid;
      const side = terms.side === 'BUY' ? 'asks' : 'bids';
      if (!w.venue.readGridBook(terms.symbol, side, Math.min(FIRST_DEPTH, deep), g)) return undefined;
      // Counts on another grid than the instrument's (a catalogue older than the venue's rules): read the texts.
      if (g.tickSize === w.spec.tickSize && g.lotSize === w.spec.lotSize) {
        if (wantTop && g.bestBid !== undefined && g.bestAsk !== undefined) this.readTop = { units: (BigInt(g.bestBid) + BigInt(g.bestAsk)) * tick * 5n, book: undefined };
        const sized = size.quantity !== undefined ? { quantity: amount } : { quoteQuantity: amount };
        const req = { side: terms.side, markup: m, tick, lot, levels: this.gridLevels.of(g, tick, lot), ...sized };
        let p = priceInUnits(req);
        if (p && !p.ok && p.reason === 'NO_DEPTH' && g.count >= FIRST_DEPTH && deep > FIRST_DEPTH) {
          w.venue.readGridBook(terms.symbol, side, deep, g);
          p = priceInUnits({ ...req, levels: this.gridLevels.of(g, tick, lot) });
        }
        if (p) return p;
      }
    }
    let book = w.venue.getBook(terms.symbol, Math.min(FIRST_DEPTH, deep));
    if (!book) return undefined;
    if (wantTop && book.bids[0] && book.asks[0]) this.readTop = { units: midUnits(book.bids[0].price, book.asks[0].price), book };
    let p = this.price(w.spec, terms, size, markup, book);
    const taken = terms.side === 'BUY' ? book.asks : book.bids;
    if (!p.ok && p.reason === 'NO_DEPTH' && taken.length >= FIRST_DEPTH && deep > FIRST_DEPTH) {
      book = w.venue.getBook(terms.symbol, deep);
      if (book) p = this.price(w.spec, terms, size, markup, book);
    }
    return p;
  }

  /**
   * Whether the trade would take the dealer's exposure, valued at the pairs' mids, over `threshold`: in exact integers
   * when every number is on the grid, else with the decimal.js reference (`exposureValue`).
   */
  private overThreshold(dealer: Dealer, threshold: string, terms: RfqTerms, best: Offer, top: Top | undefined): boolean {
    const limit = thresholdOf(threshold);
    const exposures = this.hedger.exposureOf(dealer.dealerAccountId);
    if (limit.units !== undefined && best.quantityUnits !== undefined) {
      const value = this.valueInUnits(dealer, exposures, terms, best.quantityUnits, best.priceUnits, top);
      if (value !== undefined) return value > limit.units;
    }
    const quantity = dec(best.quantity);
    const delta = terms.side === 'BUY' ? quantity.neg() : quantity;
    const mid = top && midDec(top);
    const values = new Map<string, Dec>();
    for (const [s, held] of exposures) values.set(s, held.value);
    return exposureValue(values, (s) => (s === terms.symbol ? mid : this.mid(dealer, s)), { symbol: terms.symbol, delta, price: dec(best.price) }).gt(limit.dec);
  }

  /** The exposure's value after the trade in units of 10^-VALUE_SCALE; undefined when a number is off the grid. */
  private valueInUnits(dealer: Dealer, exposures: ReadonlyMap<string, HeldExposure>, terms: RfqTerms, quantity: bigint, price: bigint, top: Top | undefined): bigint | undefined {
    const mid = top?.units;
    // The dealer's side of the trade: it sells what the trader buys.
    const change = { symbol: terms.symbol, delta: terms.side === 'BUY' ? -quantity : quantity, price: price * TO_PRICE_SCALE };
    return exposureValueUnits(exposures, unitsOfHeld, (s) => (s === terms.symbol ? mid : this.top(dealer, s)?.units), change);
  }

  /** The price on one venue's book: in exact integers on its grid, else with the decimal.js reference. */
  private price(spec: InstrumentSpec, terms: RfqTerms, size: Size, markup: Markups, book: BookSnapshot): Priced {
    const { tick, lot } = gridOf(spec);
    const m = markup[terms.side];
    const amount = size.quantity ?? size.quoteQuantity;
    if (tick && lot && m && amount !== undefined) {
      const sized = size.quantity !== undefined ? { quantity: amount } : { quoteQuantity: amount };
      const p = priceInUnits({ side: terms.side, markup: m, tick, lot, levels: textLevels(terms.side === 'BUY' ? book.asks : book.bids), ...sized });
      if (p) return p;
    }
    const req = { side: terms.side, spread: markup.fraction, tick: dec(spec.tickSize), lot: dec(spec.lotSize), bids: book.bids, asks: book.asks };
    const p = priceRequestDec(terms.quantity !== undefined ? { ...req, quantity: dec(terms.quantity.text) } : { ...req, quoteQuantity: terms.quoteQuantity ? dec(terms.quoteQuantity.text) : ZERO });
    if (!p.ok) return p;
    const price = str(p.price);
    const quantity = str(p.quantity);
    const priceUnits = units(price);
    const quantityUnits = priceUnits === undefined ? undefined : units(quantity);
    // Off the 10^-18 grid (no tick): rank by the price scaled and truncated, enough to pick the better venue.
    return { ok: true, price, quantity, quoteQuantity: str(p.quoteQuantity), priceUnits: priceUnits ?? BigInt(p.price.mul('1000000000000000000').floor().toFixed()), quantityUnits };
  }

  /** The mid price of the pair on the first linked venue that shows both sides. */
  private mid(dealer: Dealer, symbol: string): Dec | undefined {
    const t = this.top(dealer, symbol);
    return t && midDec(t);
  }

  /** The pair's mid on the first linked venue that shows both sides: on its grid when it reads one, else from its book's best levels. */
  private top(dealer: Dealer, symbol: string): Top | undefined {
    for (const w of this.venues.for(dealer, symbol)) {
      const tick = gridOf(w.spec).tick;
      const g = this.grid;
      if (tick && w.venue.readGridBook && w.venue.readGridBook(symbol, 'bids', 0, g) && g.tickSize === w.spec.tickSize) {
        if (g.bestBid !== undefined && g.bestAsk !== undefined) return { units: (BigInt(g.bestBid) + BigInt(g.bestAsk)) * tick * 5n, book: undefined };
        continue;
      }
      const b = w.venue.getBook(symbol, 1);
      if (b?.bids[0] && b.asks[0]) return { units: midUnits(b.bids[0].price, b.asks[0].price), book: b };
    }
    return undefined;
  }
}

/** An exposure's units of 10^-18 (null off that grid), for `exposureValueUnits`. */
function unitsOfHeld(held: HeldExposure): bigint | null {
  return held.inUnits;
}

/** The mid as a decimal: from the book's texts when it was read so (the reference), else from its exact units. */
function midDec(top: Top): Dec {
  return top.book ? midOf(top.book) : dec(plainFixed(top.units!, PRICE_SCALE));
}
