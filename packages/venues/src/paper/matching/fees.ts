/**
 * @module paper/matching/fees
 * Maker/taker fee arithmetic. A fee is charged in the asset the party receives — a buyer pays in the base asset,
 * a seller in the quote asset — at that asset's precision, rounded DOWN (never more than the nominal rate).
 * Everything is BigInt, so `received − fee` is exact and the domain can reconcile balances to the unit.
 */
import { parseFixed, pow10, type Fixed } from './decimal.ts';
import type { InstrumentScale } from './instrument-scale.ts';

export class FeeSchedule {
  readonly #maker: Fixed;
  readonly #taker: Fixed;
  readonly #baseUnitsPerLot: bigint;
  readonly #quoteUnitsPerTickLot: bigint;

  constructor(scale: InstrumentScale, makerRate: string, takerRate: string) {
    const maker = parseFixed(makerRate);
    const taker = parseFixed(takerRate);
    if (!maker || maker.units >= pow10(maker.scale)) throw new Error(`invalid maker fee rate ${makerRate}`);
    if (!taker || taker.units >= pow10(taker.scale)) throw new Error(`invalid taker fee rate ${takerRate}`);
    this.#maker = maker;
    this.#taker = taker;
    this.#baseUnitsPerLot = scale.baseUnitsPerLot;
    this.#quoteUnitsPerTickLot = scale.quoteUnitsPerTickLot;
  }

  /**
   * The fee of one side of a fill, in units of the received asset at its precision:
   * base units (10^-basePrecision) when `side` is BUY, quote units (10^-quotePrecision) when SELL.
   */
  fee(side: 'BUY' | 'SELL', maker: boolean, priceTicks: number, lots: number): bigint {
    const rate = maker ? this.#maker : this.#taker;
    if (rate.units === 0n) return 0n;
    const received =
      side === 'BUY' ? BigInt(lots) * this.#baseUnitsPerLot : BigInt(priceTicks) * BigInt(lots) * this.#quoteUnitsPerTickLot;
    return (received * rate.units) / pow10(rate.scale);
  }
}
