/**
 * @module paper/market-data/price-texts
 * The decimal text of a price by its tick count, and of a quantity by its lot count, remembered. The same figures
 * are formatted over and over — the close of every interval's forming bar after each trade, the same book levels in
 * every snapshot — and each format is a BigInt product and a string build. Direct-mapped (one slot per count modulo
 * the size), so it never grows; a slot holds the text the instrument's rules gave for exactly that count, so the
 * answer is always the same text.
 */
import type { InstrumentRules } from '@cadenza/domain';

const SLOTS = 256;
const MASK = SLOTS - 1;

/** Remembered texts of one kind of count (ticks or lots). */
export class CountTexts {
  readonly #counts = new Float64Array(SLOTS).fill(Number.NaN);
  readonly #texts: string[] = new Array<string>(SLOTS).fill('');

  constructor(private readonly format: (count: number) => string) {}

  of(count: number): string {
    const slot = count & MASK;
    if (this.#counts[slot] === count) return this.#texts[slot]!;
    const text = this.format(count);
    this.#counts[slot] = count;
    this.#texts[slot] = text;
    return text;
  }
}

/** Prices and quantities of one instrument as text. */
export class PriceTexts {
  readonly prices: CountTexts;
  readonly quantities: CountTexts;

  constructor(rules: InstrumentRules) {
    this.prices = new CountTexts((ticks) => rules.ticksToPrice(ticks));
    this.quantities = new CountTexts((lots) => rules.lotsToQuantity(lots));
  }

  price(ticks: number): string {
    return this.prices.of(ticks);
  }

  quantity(lots: number): string {
    return this.quantities.of(lots);
  }
}
