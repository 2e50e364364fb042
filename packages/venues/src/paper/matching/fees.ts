/**
 * @module paper/matching/fees
 * Maker/taker fee arithmetic. A fee is charged in the asset the party receives — a buyer pays in the base asset,
 * a seller in the quote asset — at that asset's precision, rounded DOWN (never more than the nominal rate). On a
 * perpetual nothing is received but margin and PnL: both sides pay in the quote asset (its settle asset).
 * Everything is BigInt, so `received − fee` is exact and the domain can reconcile balances to the unit.
 */
import { parseFixed, pow10, type InstrumentRules } from '@cadenza/domain';

/** A rate as integer numerator over a power-of-ten denominator, in both number and BigInt form. */
interface Rate {
  units: bigint;
  divisor: bigint;
  unitsN: number;
  divisorN: number;
}

function rate(text: string, what: string): Rate {
  const f = parseFixed(text);
  if (!f || f.units >= pow10(f.scale)) throw new Error(`invalid ${what} fee rate ${text}`);
  return { units: f.units, divisor: pow10(f.scale), unitsN: Number(f.units), divisorN: Number(pow10(f.scale)) };
}

/** The maker and taker rates of one instrument, applied per fill side. */
export class FeeSchedule {
  readonly #maker: Rate;
  readonly #taker: Rate;
  readonly #baseUnitsPerLot: bigint;
  readonly #quoteUnitsPerTickLot: bigint;
  readonly #baseUnitsPerLotN: number;
  readonly #quoteUnitsPerTickLotN: number;
  readonly #inQuote: boolean;

  /** `inQuote`: every fee in quote units, whichever the side (perpetuals). */
  constructor(scale: InstrumentRules, makerRate: string, takerRate: string, inQuote = false) {
    this.#inQuote = inQuote;
    this.#maker = rate(makerRate, 'maker');
    this.#taker = rate(takerRate, 'taker');
    this.#baseUnitsPerLot = scale.baseUnitsPerLot;
    this.#quoteUnitsPerTickLot = scale.quoteUnitsPerTickLot;
    this.#baseUnitsPerLotN = Number(scale.baseUnitsPerLot);
    this.#quoteUnitsPerTickLotN = Number(scale.quoteUnitsPerTickLot);
  }

  /**
   * The fee of one side of a fill, in units of the received asset at its precision:
   * base units (10^-basePrecision) when `side` is BUY, quote units (10^-quotePrecision) when SELL or `inQuote`.
   * Exact: integer arithmetic in doubles while every intermediate stays below 2^53, BigInt otherwise.
   */
  fee(side: 'BUY' | 'SELL', maker: boolean, priceTicks: number, lots: number): bigint {
    const r = maker ? this.#maker : this.#taker;
    if (r.unitsN === 0) return 0n;
    const inBase = side === 'BUY' && !this.#inQuote;
    const receivedN = inBase ? lots * this.#baseUnitsPerLotN : priceTicks * lots * this.#quoteUnitsPerTickLotN;
    const productN = receivedN * r.unitsN;
    if (productN <= Number.MAX_SAFE_INTEGER) {
      // Exact floor division of safe integers: subtract the (exact) remainder, then divide a multiple.
      return BigInt((productN - (productN % r.divisorN)) / r.divisorN);
    }
    const received =
      inBase ? BigInt(lots) * this.#baseUnitsPerLot : BigInt(priceTicks) * BigInt(lots) * this.#quoteUnitsPerTickLot;
    return (received * r.units) / r.divisor;
  }
}
