/**
 * @module model/position
 * A position as the domain keeps it: what one trading account holds of one instrument, from its opening trade until
 * it is flat. A position that closes stays CLOSED (its figures final); trading again opens a new one with a new id.
 *
 * Two kinds:
 * - HOLDING — what a spot account bought of an asset through a spot instrument, at its average cost. Always LONG;
 *   selling more than was bought (funded or transferred assets) closes it and never opens a short.
 * - DERIVATIVE — a position in contracts of a PERPETUAL, FUTURES or OPTION instrument, LONG or SHORT, margined and
 *   settled in the contract's settlement asset. NETTING mode keeps one per instrument (a trade through zero closes it
 *   and opens the other side); HEDGE mode keeps a LONG and a SHORT one side by side.
 *
 * Amounts are exact decimal strings; the contract's rounded `entryPrice`/PnL figures are made at the edge
 * (portfolios/rpc-portfolio.ts) with `terms`' decimals.
 */

export type PositionSideValue = 'LONG' | 'SHORT';
export type PositionKind = 'HOLDING' | 'DERIVATIVE';
export type PositionModeValue = 'NETTING' | 'HEDGE';
export type MarginModeValue = 'CROSS' | 'ISOLATED';

/** What the position's figures mean and how they are shown; fixed when it opens. */
export interface PositionTerms {
  /** Linear: base units per contract; inverse: quote units per contract. Holdings: "1". */
  contractSize: string;
  inverse?: boolean;
  /** Asset of `cost`, PnL, fees, funding and margin. */
  settleAsset: string;
  /** Fraction digits of prices shown (the instrument's quote precision). */
  priceDecimals: number;
  /** Fraction digits of amounts of the settle asset shown. */
  amountDecimals: number;
  /** Derivatives: maintenance margin as a fraction of the position's value at mark. */
  maintenanceMarginRate?: string;
}

export interface Position {
  positionId: string;
  tradingAccountId: string;
  instrumentId: string;
  /** The base asset. */
  securitySymbol: string;
  kind: PositionKind;
  mode: PositionModeValue;
  side: PositionSideValue;
  status: 'OPEN' | 'CLOSED';
  /** Unsigned: contracts (derivatives) or base units held (holdings); "0" once CLOSED. */
  quantity: string;
  /**
   * Entry value of the open quantity, in the settle asset: each increase adds its value at the trade price
   * (linear: quantity × contractSize × price; inverse: quantity × contractSize ÷ price; holdings: the quote paid,
   * fees included), each reduction removes its pro-rata share. The entry price is derived from it.
   */
  cost: string;
  /** Net realised PnL in the settle asset: the trading PnL of reductions − fees charged + funding received. */
  realizedPnl: string;
  /** Fees charged to the position, in the settle asset (a holding's buy fees are in its cost instead). */
  fees: string;
  /** Funding received (positive) or paid (negative), in the settle asset. */
  funding: string;
  /** Price of the last reducing trade. */
  exitPrice?: string;
  /** CLOSED positions: the average entry price they had while open. */
  entryPrice?: string;
  terms: PositionTerms;
  /** Derivatives: the leverage the position's initial margin is figured at. */
  leverage?: number;
  marginMode?: MarginModeValue;
  /** ISOLATED: collateral posted to the position, held in the settle asset's locked balance. */
  isolatedMargin?: string;
  /** Perpetuals: funding settlements up to this time are booked (each is booked once). */
  fundedUntil?: number;
  /** The venue's id of the position (live derivatives venues). */
  externalPositionId?: string;
  createdAt: number;
  updatedAt: number;
  closedAt?: number;
}

/**
 * Where a position lives in an account: one per instrument in NETTING mode (holdings included), one per instrument and
 * side in HEDGE mode. At most one OPEN position per slot; the store keeps the latest CLOSED one per slot for snapshots.
 */
export type PositionSlot = 'NET' | PositionSideValue;

export function positionSlot(p: Pick<Position, 'mode' | 'side'>): PositionSlot {
  return p.mode === 'HEDGE' ? p.side : 'NET';
}
