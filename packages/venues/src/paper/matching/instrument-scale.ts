/**
 * @module paper/matching/instrument-scale
 * Decimal strings ⇄ the integer ticks and lots the matching engine works in, for one instrument.
 *
 * A price of `t` ticks is `t × tickSize`; a quantity of `l` lots is `l × lotSize`. Ticks and lots are JS numbers
 * (always safe integers: conversions refuse anything above 2^53); anything that multiplies them (notional, fees,
 * quote budgets) is computed in BigInt. A "tick-lot" is the notional of one lot at one tick (`tickSize × lotSize`):
 * quote budgets are expressed in tick-lots so the engine can compare them with `ticks × lots` exactly.
 */
import { formatFixed, parseFixed, pow10, rescaleDown, rescaleExact, type Fixed } from './decimal.ts';

/** A conversion result: the integer number of steps, or why the input is refused. */
export type Scaled = { ok: true; value: number } | { ok: false; reason: string };

/** The parts of an instrument spec that fix its integer units. */
export interface ScaleSpec {
  tickSize: string;
  lotSize: string;
  /** Fraction digits of base-asset amounts (fees on buys are expressed at this precision). */
  basePrecision: number;
  /** Fraction digits of quote-asset amounts (fees on sells are expressed at this precision). */
  quotePrecision: number;
}

/** Exact conversions between one instrument's decimal strings and its ticks/lots. */
export class InstrumentScale {
  readonly tickSize: string;
  readonly lotSize: string;
  /** Fraction digits of prices (those of tickSize). */
  readonly priceScale: number;
  /** Fraction digits of quantities (those of lotSize). */
  readonly quantityScale: number;
  readonly basePrecision: number;
  readonly quotePrecision: number;
  /** tickSize in units of 10^-priceScale. */
  readonly tickUnits: bigint;
  /** lotSize in units of 10^-quantityScale. */
  readonly lotUnits: bigint;

  constructor(spec: ScaleSpec) {
    const tick = parseFixed(spec.tickSize);
    const lot = parseFixed(spec.lotSize);
    if (!tick || tick.units === 0n) throw new Error(`invalid tick size ${spec.tickSize}`);
    if (!lot || lot.units === 0n) throw new Error(`invalid lot size ${spec.lotSize}`);
    if (spec.basePrecision < lot.scale) throw new Error(`base precision ${spec.basePrecision} is finer than lot size ${spec.lotSize} needs`);
    if (spec.quotePrecision < tick.scale + lot.scale) {
      throw new Error(`quote precision ${spec.quotePrecision} cannot hold price × quantity exactly (needs ${tick.scale + lot.scale})`);
    }
    this.tickSize = spec.tickSize;
    this.lotSize = spec.lotSize;
    this.priceScale = tick.scale;
    this.quantityScale = lot.scale;
    this.tickUnits = tick.units;
    this.lotUnits = lot.units;
    this.basePrecision = spec.basePrecision;
    this.quotePrecision = spec.quotePrecision;
  }

  /** A strictly positive price that is an exact multiple of the tick size, in ticks. */
  priceToTicks(text: string, what = 'price'): Scaled {
    return this.#toSteps(text, what, this.priceScale, this.tickUnits, this.tickSize, 'tick size');
  }

  /** A strictly positive quantity that is an exact multiple of the lot size, in lots. */
  quantityToLots(text: string, what = 'quantity'): Scaled {
    return this.#toSteps(text, what, this.quantityScale, this.lotUnits, this.lotSize, 'lot size');
  }

  ticksToPrice(ticks: number): string {
    return formatFixed(BigInt(ticks) * this.tickUnits, this.priceScale);
  }

  lotsToQuantity(lots: number): string {
    return formatFixed(BigInt(lots) * this.lotUnits, this.quantityScale);
  }

  /** Exact `price × quantity` in the quote asset, at scale priceScale + quantityScale. */
  notional(ticks: number, lots: number): Fixed {
    return { units: BigInt(ticks) * this.tickUnits * BigInt(lots) * this.lotUnits, scale: this.priceScale + this.quantityScale };
  }

  /** `notional` as a decimal string at quote precision (exact: the constructor guarantees the precision suffices). */
  formatNotional(ticks: number, lots: number): string {
    const n = this.notional(ticks, lots);
    return formatFixed(rescaleDown(n, this.quotePrecision), this.quotePrecision);
  }

  /** A quote amount as a budget in tick-lots (rounded down): the largest b with b × tickSize × lotSize ≤ amount. */
  quoteToTickLots(amount: Fixed): bigint {
    const scale = this.priceScale + this.quantityScale;
    return rescaleDown(amount, scale) / (this.tickUnits * this.lotUnits);
  }

  /** Base units (10^-basePrecision) in one lot. */
  get baseUnitsPerLot(): bigint {
    return this.lotUnits * pow10(this.basePrecision - this.quantityScale);
  }

  /** Quote units (10^-quotePrecision) in one tick-lot. */
  get quoteUnitsPerTickLot(): bigint {
    return this.tickUnits * this.lotUnits * pow10(this.quotePrecision - this.priceScale - this.quantityScale);
  }

  /** Lots (rounded down) that a quote amount buys at a price in ticks. */
  lotsForQuote(amount: Fixed, ticks: number): number {
    const lots = this.quoteToTickLots(amount) / BigInt(ticks);
    return lots > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(lots);
  }

  #toSteps(text: string, what: string, scale: number, stepUnits: bigint, step: string, stepName: string): Scaled {
    const value = parseFixed(text);
    if (!value) return { ok: false, reason: `${what} ${JSON.stringify(text)} is not a plain decimal number` };
    if (value.units === 0n) return { ok: false, reason: `${what} must be greater than zero` };
    const units = rescaleExact(value, scale);
    if (units === undefined || units % stepUnits !== 0n) {
      return { ok: false, reason: `${what} ${text} is not a multiple of ${stepName} ${step}` };
    }
    const steps = units / stepUnits;
    if (steps > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: `${what} ${text} is too large` };
    return { ok: true, value: Number(steps) };
  }
}
