/**
 * @module model/instrument-rules
 * An instrument's trading rules, written once for the domain's pre-trade check, the in-process venues and every
 * connector: prices on the tick grid, quantities on the lot grid, quantity between min and max, notional between
 * min and max. A maximum of 0 (or none) means no maximum.
 *
 * Exact throughout (BigInt units, model/fixed-decimal.ts). The rules also convert between decimal strings and the
 * integer ticks and lots a matching engine works in: a price of `t` ticks is `t × tickSize`, a quantity of `l` lots
 * is `l × lotSize`; ticks and lots are safe integers (a conversion refuses anything above 2^53), and anything that
 * multiplies them (notional, quote budgets) is BigInt. A "tick-lot" is the notional of one lot at one tick.
 */
import { compareFixed, formatFixed, parseFixed, pow10, rescaleDown, rescaleExact, type Fixed } from './fixed-decimal.ts';

/** The fields of an instrument that fix its rules (an `InstrumentSpec` has them all). */
export interface RulesSpec {
  tickSize: string;
  lotSize: string;
  minQuantity: string;
  maxQuantity: string;
  minNotional: string;
  maxNotional?: string;
  /** Fraction digits of base-asset amounts. */
  basePrecision: number;
  /** Fraction digits of quote-asset amounts. */
  quotePrecision: number;
}

/** A conversion to integer steps: the number of steps, or why the input is refused (in words fit for a client). */
export type Scaled = { ok: true; value: number } | { ok: false; reason: string };

/** Which limit a value breaks. */
export type RangeBreach = 'BELOW_MIN' | 'ABOVE_MAX';

function required(text: string, what: string): Fixed {
  const f = parseFixed(text);
  if (!f) throw new Error(`invalid ${what} ${JSON.stringify(text)}`);
  return f;
}

/** A maximum, or undefined when there is none (absent or zero). */
function maximum(text: string | undefined, what: string): Fixed | undefined {
  if (text === undefined) return undefined;
  const f = required(text, what);
  return f.units === 0n ? undefined : f;
}

export class InstrumentRules {
  readonly tickSize: string;
  readonly lotSize: string;
  readonly minQuantity: string;
  readonly maxQuantity: string;
  readonly minNotional: string;
  readonly maxNotional: string | undefined;
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
  readonly #tick: Fixed;
  readonly #lot: Fixed;
  readonly #minQuantity: Fixed;
  readonly #maxQuantity: Fixed | undefined;
  readonly #minNotional: Fixed;
  readonly #maxNotional: Fixed | undefined;

  constructor(spec: RulesSpec) {
    this.#tick = required(spec.tickSize, 'tick size');
    this.#lot = required(spec.lotSize, 'lot size');
    this.#minQuantity = required(spec.minQuantity, 'minimum quantity');
    this.#maxQuantity = maximum(spec.maxQuantity, 'maximum quantity');
    this.#minNotional = required(spec.minNotional, 'minimum notional');
    this.#maxNotional = maximum(spec.maxNotional, 'maximum notional');
    this.tickSize = spec.tickSize;
    this.lotSize = spec.lotSize;
    this.minQuantity = spec.minQuantity;
    this.maxQuantity = spec.maxQuantity;
    this.minNotional = spec.minNotional;
    this.maxNotional = spec.maxNotional;
    this.priceScale = this.#tick.scale;
    this.quantityScale = this.#lot.scale;
    this.tickUnits = this.#tick.units;
    this.lotUnits = this.#lot.units;
    this.basePrecision = spec.basePrecision;
    this.quotePrecision = spec.quotePrecision;
  }

  // ── the rules ─────────────────────────────────────────────────────────────────────────────────────────
  /** True when `price` is a multiple of the tick size (a zero tick accepts every price). */
  onTick(price: Fixed): boolean {
    return this.#onGrid(price, this.#tick);
  }

  /** True when `quantity` is a multiple of the lot size (a zero lot accepts every quantity). */
  onLot(quantity: Fixed): boolean {
    return this.#onGrid(quantity, this.#lot);
  }

  /** Whether `quantity` (base asset) is below the minimum or above the maximum quantity. */
  quantityBreach(quantity: Fixed): RangeBreach | undefined {
    if (compareFixed(quantity, this.#minQuantity) < 0) return 'BELOW_MIN';
    if (this.#maxQuantity && compareFixed(quantity, this.#maxQuantity) > 0) return 'ABOVE_MAX';
    return undefined;
  }

  /** Whether `notional` (quote asset: price × quantity, or a quote amount) is below the minimum or above the maximum. */
  notionalBreach(notional: Fixed): RangeBreach | undefined {
    if (compareFixed(notional, this.#minNotional) < 0) return 'BELOW_MIN';
    if (this.#maxNotional && compareFixed(notional, this.#maxNotional) > 0) return 'ABOVE_MAX';
    return undefined;
  }

  /**
   * The quantity and notional rules for `lots` at a price of `ticks` (no price: quantity only), in words; undefined
   * when both hold. The notional is written at the quote precision (when that holds it exactly).
   */
  checkBase(lots: number, ticks: number | undefined, at = 'price'): string | undefined {
    const qty: Fixed = { units: BigInt(lots) * this.lotUnits, scale: this.quantityScale };
    const q = this.quantityBreach(qty);
    if (q === 'BELOW_MIN') return `quantity ${this.lotsToQuantity(lots)} is below the minimum quantity ${this.minQuantity}`;
    if (q === 'ABOVE_MAX') return `quantity ${this.lotsToQuantity(lots)} is above the maximum quantity ${this.maxQuantity}`;
    if (ticks === undefined) return undefined;
    const n = this.notionalBreach(this.notional(ticks, lots));
    if (n === 'BELOW_MIN') return `notional ${this.#notionalText(ticks, lots)} (${at} × quantity) is below the minimum notional ${this.minNotional}`;
    if (n === 'ABOVE_MAX') return `notional ${this.#notionalText(ticks, lots)} (${at} × quantity) is above the maximum notional ${this.maxNotional}`;
    return undefined;
  }

  /** The notional of `lots` at `ticks` for a refusal, at the quote precision when that holds it exactly. */
  #notionalText(ticks: number, lots: number): string {
    const exactScale = this.priceScale + this.quantityScale;
    return this.quotePrecision >= exactScale ? this.formatNotional(ticks, lots) : formatFixed(this.notional(ticks, lots).units, exactScale);
  }

  /** The notional rules for an amount of quote asset, in words; undefined when they hold. */
  checkQuoteAmount(amount: Fixed, text: string): string | undefined {
    const n = this.notionalBreach(amount);
    if (n === 'BELOW_MIN') return `quote quantity ${text} is below the minimum notional ${this.minNotional}`;
    if (n === 'ABOVE_MAX') return `quote quantity ${text} is above the maximum notional ${this.maxNotional}`;
    return undefined;
  }

  // ── ticks and lots ────────────────────────────────────────────────────────────────────────────────────
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

  /** `notional` as a decimal string at quote precision, truncated (exact when quotePrecision ≥ priceScale + quantityScale). */
  formatNotional(ticks: number, lots: number): string {
    return formatFixed(rescaleDown(this.notional(ticks, lots), this.quotePrecision), this.quotePrecision);
  }

  /** A quote amount as a budget in tick-lots (rounded down): the largest b with b × tickSize × lotSize ≤ amount. */
  quoteToTickLots(amount: Fixed): bigint {
    return rescaleDown(amount, this.priceScale + this.quantityScale) / (this.tickUnits * this.lotUnits);
  }

  /** Lots (rounded down) that a quote amount buys at a price in ticks. */
  lotsForQuote(amount: Fixed, ticks: number): number {
    const lots = this.quoteToTickLots(amount) / BigInt(ticks);
    return lots > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(lots);
  }

  /** Base units (10^-basePrecision) in one lot; needs basePrecision ≥ quantityScale. */
  get baseUnitsPerLot(): bigint {
    return this.lotUnits * pow10(this.basePrecision - this.quantityScale);
  }

  /** Quote units (10^-quotePrecision) in one tick-lot; needs quotePrecision ≥ priceScale + quantityScale. */
  get quoteUnitsPerTickLot(): bigint {
    return this.tickUnits * this.lotUnits * pow10(this.quotePrecision - this.priceScale - this.quantityScale);
  }

  /** Whether amounts in ticks and lots convert exactly to base and quote units (what an engine booking fills needs). */
  get exactInUnits(): boolean {
    return this.tickUnits > 0n && this.lotUnits > 0n && this.basePrecision >= this.quantityScale && this.quotePrecision >= this.priceScale + this.quantityScale;
  }

  #onGrid(value: Fixed, step: Fixed): boolean {
    if (step.units === 0n) return true;
    const scale = Math.max(value.scale, step.scale);
    return rescaleDown(value, scale) % rescaleDown(step, scale) === 0n;
  }

  #toSteps(text: string, what: string, scale: number, stepUnits: bigint, step: string, stepName: string): Scaled {
    const value = parseFixed(text);
    if (!value) return { ok: false, reason: `${what} ${JSON.stringify(text)} is not a plain decimal number` };
    if (value.units === 0n) return { ok: false, reason: `${what} must be greater than zero` };
    const units = rescaleExact(value, scale);
    if (stepUnits === 0n) return { ok: false, reason: `${what} cannot be expressed: the ${stepName} is zero` };
    if (units === undefined || units % stepUnits !== 0n) return { ok: false, reason: `${what} ${text} is not a multiple of ${stepName} ${step}` };
    const steps = units / stepUnits;
    if (steps > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: `${what} ${text} is too large` };
    return { ok: true, value: Number(steps) };
  }
}
