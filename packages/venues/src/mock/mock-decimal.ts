/**
 * @module mock/mock-decimal
 * The little exact arithmetic the MOCK venue needs: decimal strings as BigInt units at a fixed scale.
 * (Venue folders do not import each other, so MOCK keeps its own rather than borrowing PAPER's.)
 */

const PLAIN = /^(\d+)(?:\.(\d+))?$/;

/** `text` in units of 10^-scale; undefined when not a plain non-negative decimal or finer than `scale`. */
export function toUnits(text: string, scale: number): bigint | undefined {
  if (typeof text !== 'string' || text.length > 64) return undefined;
  const m = PLAIN.exec(text);
  if (!m) return undefined;
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  if (fraction.length > scale) return undefined;
  return BigInt((m[1] ?? '0') + fraction.padEnd(scale, '0'));
}

/** `units / 10^scale` with exactly `scale` fraction digits. */
export function fromUnits(units: bigint, scale: number): string {
  const digits = units.toString();
  if (scale === 0) return digits;
  const padded = digits.padStart(scale + 1, '0');
  return `${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}

/** Fraction digits of a step such as "0.01" (→ 2). */
export function scaleOf(step: string): number {
  const m = PLAIN.exec(step);
  if (!m) throw new Error(`not a plain decimal: ${step}`);
  return (m[2] ?? '').replace(/0+$/, '').length;
}

/** 10^n as a BigInt. */
export const TEN = (n: number): bigint => 10n ** BigInt(n);
