/**
 * @module hyperliquid/prices
 * Hyperliquid's tick and lot rules (docs: "Tick and lot size"), checked before an order is signed so a refusal is
 * ours, clear and free:
 *  - sizes are multiples of 10^-szDecimals of the asset;
 *  - prices have at most 5 significant figures — integer prices are always allowed — and at most
 *    MAX_DECIMALS − szDecimals decimals (MAX_DECIMALS 6 for perpetuals, 8 for spot).
 * The tick is therefore not one number: it is 10^(e−4) for a price with e+1 integer digits, never finer than the
 * decimals allow and never coarser than 1. The catalogue reports the tick at the mark price it was loaded at.
 * Wire texts have no trailing zeros ("64000", "0.5"): Hyperliquid hashes the text it is sent.
 */
import { decimalPlaces, normalizeDecimal, parseFixed, pow10, formatFixed } from '@cadenza/domain';

export const PERP_MAX_DECIMALS = 6;
export const SPOT_MAX_DECIMALS = 8;
const MAX_SIG_FIGS = 5;

/** Significant figures of an unsigned decimal ("64000.5" → 6, "0.0012345" → 5, "64000" → 2). */
export function significantFigures(price: string): number {
  return normalizeDecimal(price).replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
}

/** Why a price breaks the rules, or undefined when it is fine. */
export function priceProblem(price: string, maxDecimals: number): string | undefined {
  const p = normalizeDecimal(price);
  if (p === '0') return 'price must be positive';
  const places = decimalPlaces(p);
  if (places > maxDecimals) return `price ${p} has ${places} decimals; Hyperliquid allows ${maxDecimals} for this asset`;
  if (places > 0 && significantFigures(p) > MAX_SIG_FIGS) return `price ${p} has more than ${MAX_SIG_FIGS} significant figures (Hyperliquid's tick rule)`;
  return undefined;
}

/** Why a size breaks the lot rule, or undefined. */
export function sizeProblem(size: string, szDecimals: number): string | undefined {
  const s = normalizeDecimal(size);
  if (s === '0') return 'quantity must be positive';
  if (decimalPlaces(s) > szDecimals) return `quantity ${s} is finer than the asset's ${szDecimals} size decimals`;
  return undefined;
}

/** The tick at a price: 10^(e−4) for 5 significant figures, clamped to [10^-maxDecimals, 1]. */
export function tickAt(price: string, maxDecimals: number): string {
  const whole = normalizeDecimal(price).split('.')[0]!;
  const exponent = whole === '0' ? leadingExponent(price) : whole.length - 1;
  const e = Math.min(0, Math.max(-maxDecimals, exponent - (MAX_SIG_FIGS - 1)));
  return e === 0 ? '1' : formatFixed(1n, -e);
}

/** The exponent of the first significant digit of a price below 1 ("0.0123" → -2). */
function leadingExponent(price: string): number {
  const frac = normalizeDecimal(price).split('.')[1] ?? '';
  const zeros = frac.length - frac.replace(/^0+/, '').length;
  return -(zeros + 1);
}

/** A price moved onto the grid at its level, toward `direction` (MARKET orders' limit prices). */
export function roundToTick(price: string, maxDecimals: number, direction: 'up' | 'down'): string {
  const tick = parseFixed(tickAt(price, maxDecimals))!;
  const p = parseFixed(normalizeDecimal(price))!;
  const scale = Math.max(p.scale, tick.scale);
  const units = p.units * pow10(scale - p.scale);
  const step = tick.units * pow10(scale - tick.scale);
  const floor = units - (units % step);
  const rounded = direction === 'down' || floor === units ? floor : floor + step;
  return normalizeDecimal(formatFixed(rounded, scale));
}
