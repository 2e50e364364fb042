/**
 * @module otc/pricing-units
 * The dealer's price (otc/pricing.ts) in exact integers, for the RFQ's hot path: the book's prices and quantities as
 * BigInt units of 10^-18, the spread as a ratio of integers, the price as a whole number of ticks. No decimal.js in
 * the walk, and no rounding on the way: the tick rounding is the only one, and it is exact (the Dec reference divides
 * at 40 significant digits first). Prices and quantities are answered as plain decimal strings.
 *
 * It needs a grid: a tick and a lot above zero, and every number at most 18 decimal places (all venues we speak use
 * at most 10). Otherwise it answers undefined and the caller prices with the Dec reference (`priceRequestDec`).
 */
import type { BookLevel, GridBook } from '../model/market-data.ts';
import { parseFixed, plainFixed, pow10, toUnits } from '../model/fixed-decimal.ts';
import type { OrderSideValue } from '../model/primitives.ts';

/** Decimal places of a unit. */
const S = 18;
const ONE = pow10(S);

/** A price times `num / den`: the spread's markup on the side the trader takes. */
export interface Markup {
  num: bigint;
  den: bigint;
}

/** The markup of a spread given as a fraction ("0.001" = 10 bps); undefined for anything but a plain decimal below 1. */
export function markupOf(side: OrderSideValue, spreadFraction: string): Markup | undefined {
  const f = parseFixed(spreadFraction);
  if (!f) return undefined;
  const den = pow10(f.scale);
  if (side === 'SELL' && f.units > den) return undefined;
  return { num: side === 'BUY' ? den + f.units : den - f.units, den };
}

/**
 * The side of a book the hedge takes, best first, in units of 10^-18: a price and a quantity per level, undefined when
 * that level is off the grid. Read from the levels' texts (`textLevels`) or from a venue's grid read (`GridLevels`).
 */
export interface UnitLevels {
  readonly count: number;
  price(i: number): bigint | undefined;
  quantity(i: number): bigint | undefined;
}

class TextLevels implements UnitLevels {
  constructor(private readonly levels: readonly BookLevel[]) {}
  get count(): number {
    return this.levels.length;
  }
  price(i: number): bigint | undefined {
    return units(this.levels[i]!.price);
  }
  quantity(i: number): bigint | undefined {
    return units(this.levels[i]!.quantity);
  }
}

/** Book levels given as decimal texts. */
export const textLevels = (levels: readonly BookLevel[]): UnitLevels => new TextLevels(levels);

/**
 * A venue's grid read (`GridBook`): tick and lot counts times the grid's tick and lot in units — no text parsed. The
 * pricer keeps one and points it at each read (`of`).
 */
export class GridLevels implements UnitLevels {
  private ticks: readonly number[] = [];
  private lots: readonly number[] = [];
  private tick = 0n;
  private lot = 0n;
  count = 0;

  /** The levels of `book`, whose tick and lot are `tick` and `lot` units. */
  of(book: GridBook, tick: bigint, lot: bigint): this {
    this.ticks = book.ticks;
    this.lots = book.lots;
    this.count = book.count;
    this.tick = tick;
    this.lot = lot;
    return this;
  }
  price(i: number): bigint {
    return BigInt(this.ticks[i]!) * this.tick;
  }
  quantity(i: number): bigint {
    return BigInt(this.lots[i]!) * this.lot;
  }
}

export interface UnitsRequest {
  side: OrderSideValue;
  /** Exactly one of them, in units (`toUnits(text, 18)`). */
  quantity?: bigint;
  quoteQuantity?: bigint;
  markup: Markup;
  /** The venue instrument's tick and lot, in units, above zero. */
  tick: bigint;
  lot: bigint;
  /** The side the hedge takes: the asks when the trader buys, the bids when it sells. */
  levels: UnitLevels;
}

export type PricedText =
  | {
      ok: true;
      price: string;
      quantity: string;
      quoteQuantity: string;
      /** The price and quantity in units (10^-18): to rank venues, and for the risk check. */
      priceUnits: bigint;
      quantityUnits: bigint;
      /** What the hedge costs on the book, in units of 10^-36 (formatted only by those who read it). */
      hedgeCostUnits: bigint;
    }
  | { ok: false; reason: 'NO_DEPTH' | 'BELOW_ONE_LOT' };

/** `text` in units, or undefined when it is not an unsigned plain decimal of at most 18 places. */
export const units = (text: string): bigint | undefined => toUnits(text, S);

const ceilDiv = (n: bigint, d: bigint): bigint => (n + d - 1n) / d;

/** The price of `q` units of base: the walk's cost plus the spread, in whole ticks, rounded in the dealer's favour. */
function priceFor(r: UnitsRequest, levels: UnitLevels, q: bigint): PricedText | undefined {
  let left = q;
  let cost = 0n; // scale 36
  for (let i = 0; i < levels.count; i++) {
    if (left <= 0n) break;
    const lq = levels.quantity(i);
    const lp = levels.price(i);
    if (lq === undefined || lp === undefined) return undefined;
    const take = lq < left ? lq : left;
    cost += take * lp;
    left -= take;
  }
  if (left > 0n) return { ok: false, reason: 'NO_DEPTH' };
  // ticks = (cost / 10^36) / (q / 10^18) × num / den / (tick / 10^18)
  const n = cost * r.markup.num;
  const d = q * r.markup.den * r.tick;
  const ticks = r.side === 'BUY' ? ceilDiv(n, d) : n / d;
  const price = ticks * r.tick;
  return { ok: true, price: plainFixed(price, S), quantity: plainFixed(q, S), quoteQuantity: plainFixed(price * q, 2 * S), priceUnits: price, quantityUnits: q, hedgeCostUnits: cost };
}

/** The dealer's firm price for the request from this book; undefined when a level is off the 10^-18 grid. */
export function priceInUnits(r: UnitsRequest): PricedText | undefined {
  const levels = r.levels;
  const { num, den } = r.markup;
  if (r.quantity !== undefined) {
    if (r.quantity <= 0n) return { ok: false, reason: 'BELOW_ONE_LOT' };
    return priceFor(r, levels, r.quantity);
  }
  const amount = r.quoteQuantity ?? 0n;
  // The whole lots the amount buys net of the spread (amount × den / num), as exact fractions: everything is kept
  // multiplied by `num` at scale 36, and only the final lot count is floored.
  let left = amount * den * ONE;
  let whole = 0n; // base of the levels taken whole, scale 18
  let part: { left: bigint; price: bigint } | undefined;
  for (let i = 0; i < levels.count; i++) {
    if (left <= 0n) break;
    const lq = levels.quantity(i);
    const lp = levels.price(i);
    if (lq === undefined || lp === undefined) return undefined;
    if (lp <= 0n) continue;
    const levelCost = lp * lq * num;
    if (levelCost <= left) {
      whole += lq;
      left -= levelCost;
    } else {
      part = { left, price: lp };
      left = 0n;
    }
  }
  if (left > 0n) return { ok: false, reason: 'NO_DEPTH' };
  let q = part ? ((whole * part.price * num + part.left) / (part.price * num * r.lot)) * r.lot : (whole / r.lot) * r.lot;
  // Step down while rounding the price to the tick makes it cost more than the amount.
  for (let i = 0; i < 8 && q > 0n; i++) {
    const p = priceFor(r, levels, q);
    if (!p || !p.ok || p.priceUnits * q <= amount * ONE) return p;
    q -= r.lot;
  }
  return { ok: false, reason: 'BELOW_ONE_LOT' };
}
