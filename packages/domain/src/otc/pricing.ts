/**
 * @module otc/pricing
 * A dealer's price for one request, from one venue's book, computed without touching anything.
 *
 * The dealer hedges what it sells on the venue, so it prices what the hedge would cost: it walks the side of the book
 * the hedge takes (the asks when the trader buys, the bids when the trader sells) for the requested size, level by
 * level — a bigger clip reaches deeper, worse levels — and adds its spread to the average. The price is rounded to
 * the venue's tick in the dealer's favour (up when the trader buys, down when the trader sells).
 *
 * A request by `quoteQuantity` is filled to whole lots at or below that amount: the trader pays (or receives) at most
 * what it asked for, and `quoteQuantity = price × quantity` exactly, as it settles.
 *
 * Two implementations of the same rules: exact integers (otc/pricing-units.ts, the RFQ's path whenever the
 * instrument has a tick and a lot) and decimal.js (`priceRequestDec` here: no grid, or numbers finer than 10^-18).
 */
import type { BookLevel } from '../model/market-data.ts';
import { ZERO, dec, floorTo, min, str, type Dec } from '../model/decimal.ts';
import type { OrderSideValue } from '../model/primitives.ts';
import { plainFixed } from '../model/fixed-decimal.ts';
import { markupOf, priceInUnits, textLevels, units } from './pricing-units.ts';

export interface Walk {
  /** Base quantity taken. */
  quantity: Dec;
  /** Quote amount those levels cost (or pay). */
  cost: Dec;
  /** The book held the whole size. */
  complete: boolean;
}

/** Takes `quantity` of base from `levels`, best first. */
export function walkForBase(levels: readonly BookLevel[], quantity: Dec): Walk {
  let left = quantity;
  let cost = ZERO;
  for (const l of levels) {
    if (left.lte(0)) break;
    const take = min(left, dec(l.quantity));
    cost = cost.add(take.mul(l.price));
    left = left.sub(take);
  }
  return { quantity: quantity.sub(left.gt(0) ? left : ZERO), cost, complete: left.lte(0) };
}

/** Takes levels, best first, until `amount` of quote is reached; the base that amount buys (or sells for). */
export function walkForQuote(levels: readonly BookLevel[], amount: Dec): Walk {
  let left = amount;
  let base = ZERO;
  for (const l of levels) {
    if (left.lte(0)) break;
    const price = dec(l.price);
    if (price.lte(0)) continue;
    const levelCost = price.mul(l.quantity);
    if (levelCost.lte(left)) {
      base = base.add(l.quantity);
      left = left.sub(levelCost);
    } else {
      base = base.add(left.div(price));
      left = ZERO;
    }
  }
  return { quantity: base, cost: amount.sub(left.gt(0) ? left : ZERO), complete: left.lte(0) };
}

export interface PriceRequest {
  /** The trader's side. */
  side: OrderSideValue;
  /** Exactly one of them. */
  quantity?: Dec;
  quoteQuantity?: Dec;
  /** The dealer's spread as a fraction (0.001 = 10 bps). */
  spread: Dec;
  /** The venue instrument's tick and lot (zero = no grid). */
  tick: Dec;
  lot: Dec;
  /** The venue's book: bids best (highest) first, asks best (lowest) first. */
  bids: readonly BookLevel[];
  asks: readonly BookLevel[];
}

export type Priced =
  | { ok: true; price: Dec; quantity: Dec; quoteQuantity: Dec; /** what the hedge costs on the book */ hedgeCost: Dec }
  | { ok: false; reason: 'NO_DEPTH' | 'BELOW_ONE_LOT' };

/** The dealer's firm price for the request, or why it cannot quote from this book. */
export function priceRequest(r: PriceRequest): Priced {
  const tick = units(str(r.tick));
  const lot = units(str(r.lot));
  const markup = markupOf(r.side, str(r.spread));
  const size = r.quantity !== undefined ? { quantity: units(str(r.quantity)) } : { quoteQuantity: units(str(r.quoteQuantity ?? ZERO)) };
  if (tick && lot && markup && (size.quantity ?? size.quoteQuantity) !== undefined) {
    const p = priceInUnits({ side: r.side, markup, tick, lot, levels: textLevels(r.side === 'BUY' ? r.asks : r.bids), ...size });
    if (p) return p.ok ? { ok: true, price: dec(p.price), quantity: dec(p.quantity), quoteQuantity: dec(p.quoteQuantity), hedgeCost: dec(plainFixed(p.hedgeCostUnits, 36)) } : p;
  }
  return priceRequestDec(r);
}

/** `priceRequest` in decimal.js: any grid (or none), any precision; the reference the integer path is held to. */
export function priceRequestDec(r: PriceRequest): Priced {
  const levels = r.side === 'BUY' ? r.asks : r.bids;
  const markup = r.side === 'BUY' ? dec(1).add(r.spread) : dec(1).sub(r.spread);
  const priceFor = (q: Dec): Priced => {
    const w = walkForBase(levels, q);
    if (!w.complete) return { ok: false, reason: 'NO_DEPTH' };
    const price = roundToTick(w.cost.div(q).mul(markup), r.tick, r.side === 'BUY' ? 'up' : 'down');
    return { ok: true, price, quantity: q, quoteQuantity: price.mul(q), hedgeCost: w.cost };
  };
  if (r.quantity !== undefined) {
    if (!r.quantity.gt(0)) return { ok: false, reason: 'BELOW_ONE_LOT' };
    return priceFor(r.quantity);
  }
  const amount = r.quoteQuantity ?? ZERO;
  // What the book gives for the amount net of the spread, in whole lots; then step down while rounding the price
  // to the tick would make it cost more than the amount.
  const w = walkForQuote(levels, amount.div(markup));
  if (!w.complete) return { ok: false, reason: 'NO_DEPTH' };
  let q = r.lot.gt(0) ? floorTo(w.quantity, r.lot) : w.quantity;
  for (let i = 0; i < 8 && q.gt(0); i++) {
    const p = priceFor(q);
    if (!p.ok || p.quoteQuantity.lte(amount)) return p;
    q = r.lot.gt(0) ? q.sub(r.lot) : floorTo(amount.div(p.price), dec('0.00000001'));
  }
  return { ok: false, reason: 'BELOW_ONE_LOT' };
}

/** `value` on the `tick` grid, rounded `up` or `down`; unchanged without a grid. */
export function roundToTick(value: Dec, tick: Dec, direction: 'up' | 'down'): Dec {
  if (!tick.gt(0)) return value;
  const steps = value.div(tick);
  return (direction === 'up' ? steps.ceil() : steps.floor()).mul(tick);
}
