/**
 * The console's arithmetic on the contract's decimal strings: the SDK's exact helpers (BigInt units at a scale,
 * never floats — a price typed into the ticket is sent exactly as shown), made forgiving of what a person types
 * (blanks, `1e3`, `1.`), plus the display helpers.
 */
import { addDecimal, compareDecimal, isDecimalString, multiplyDecimal, roundDecimalToStep, truncateDecimal } from '@cadenza/client';

export { addDecimal, multiplyDecimal };

export function isDecimal(s: string): boolean {
  return isDecimalString(s.trim());
}

/** Digits after the point that matter in a step: `"0.010"` → 2, `"1"` → 0. */
export function decimalsOf(step: string | undefined): number {
  if (!step || !step.includes('.')) return 0;
  return step.split('.')[1]!.replace(/0+$/, '').length;
}

/** -1, 0, 1; undefined when either side is not a decimal. */
export function compare(a: string, b: string): number | undefined {
  return isDecimal(a) && isDecimal(b) ? compareDecimal(a.trim(), b.trim()) : undefined;
}

/** `value` on a multiple of `step`, written with the step's decimals; undefined unless both are decimals and the step is positive. */
export function roundToStep(value: string, step: string, mode: 'down' | 'nearest'): string | undefined {
  if (!isDecimal(value) || !isDecimal(step) || compare(step, '0')! <= 0) return undefined;
  return truncateDecimal(roundDecimalToStep(value.trim(), step.trim(), mode), decimalsOf(step));
}

/** The decimal written with exactly `decimals` digits after the point (truncating extra digits). */
export function fixed(value: string, decimals: number): string {
  return isDecimal(value) ? truncateDecimal(value.trim(), decimals) : value;
}

/** Thousands separators for display (`64123.5` → `64,123.5`); the digits are untouched. */
export function grouped(value: string): string {
  const [int, frac] = value.split('.');
  const g = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? g : `${g}.${frac}`;
}

/** A ratio for drawing only (depth bars): never used for an amount. */
export function ratio(part: string, whole: string): number {
  const w = Number(whole);
  return w > 0 ? Math.min(1, Number(part) / w) : 0;
}
