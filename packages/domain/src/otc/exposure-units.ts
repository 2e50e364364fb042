/**
 * @module otc/exposure-units
 * A dealer's exposure in a pair as the hedger holds it (otc/hedger.ts): its canonical text (its row's), its units of
 * 10^-18 for the RFQ's risk check in integers (otc/exposure.ts; null off that grid), and its `Dec`, each made when
 * first asked. An accept moves the exposure in units and writes its text; only a hedging pass, a hedge's fill or a
 * value off the grid asks for the Dec — made on every accept it cost ~0.5 µs (a decimal.js parse of the text), and
 * writing the text of a decimal.js value ~1.3 µs. Immutable: an exposure is replaced, never changed.
 */
import { dec, str, type Dec } from '../model/decimal.ts';
import { plainFixed } from '../model/fixed-decimal.ts';
import { units } from './pricing-units.ts';

export class HeldExposure {
  private dec: Dec | undefined;
  private units: bigint | null | undefined;

  private constructor(
    /** The canonical text (`str`). */
    readonly text: string,
    units: bigint | null | undefined,
    value: Dec | undefined,
  ) {
    this.units = units;
    this.dec = value;
  }

  static ofDec(value: Dec): HeldExposure {
    return new HeldExposure(str(value), undefined, value);
  }

  /** The exposure of `u` units of 10^-18: its text as `str` writes it, its Dec made if asked. */
  static ofUnits(u: bigint): HeldExposure {
    return new HeldExposure(plainFixed(u, 18), u, undefined);
  }

  get value(): Dec {
    return (this.dec ??= dec(this.text));
  }

  /** Signed units of 10^-18, or null off that grid. */
  get inUnits(): bigint | null {
    if (this.units === undefined) {
      const negative = this.text.charCodeAt(0) === 45; /* - */
      const abs = units(negative ? this.text.slice(1) : this.text);
      this.units = abs === undefined ? null : negative ? -abs : abs;
    }
    return this.units;
  }
}

export const NO_EXPOSURE = HeldExposure.ofUnits(0n);
