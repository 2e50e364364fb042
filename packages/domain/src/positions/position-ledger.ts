/**
 * @module positions/position-ledger
 * Books fills on positions: a spot order's fill on the account's holding of the instrument, a derivative order's on
 * its positions (with the margin and PnL the fill moves, positions/derivative-fill.ts). The order ledger plans first
 * (the plan's balance effects and position id go into the order's fill, orders/apply-fill.ts), then commits the plan
 * inside the unit of work that books the fill.
 */
import type { DomainContext } from '../context.ts';
import type { InstrumentCatalog } from '../instruments/instrument-catalog.ts';
import { ZERO, dec } from '../model/decimal.ts';
import type { Order } from '../model/order.ts';
import type { Position, PositionSideValue, PositionTerms } from '../model/position.ts';
import type { FillEffects } from '../portfolios/fill-effects.ts';
import type { FillReport } from '../orders/apply-fill.ts';
import { derivativeFill, type HeldStep } from './derivative-fill.ts';
import type { PositionBook } from './position-book.ts';
import { heldOf, coreOf, holdingUnitsOf, mathOf, openingPosition, withCore, withHeld, withUnits } from './position-records.ts';
import { holdingTrade, holdingTradeUnits, type HoldingUnits, type PositionCore } from './position-math.ts';
import { unitsOf } from '../model/money-units.ts';

/** What a fill will do to positions, computed before anything is written. */
export interface FillPlan {
  /** The position the order acts on once the fill is booked (undefined: the fill touches none). */
  positionId: string | undefined;
  /** Derivative fills: the balance effects that replace the spot exchange of assets. */
  effects?: FillEffects;
  /** Writes the changed positions (inside the unit of work booking the fill); returns them. */
  commit(): Position[];
}

/** One spot trade as a holding sees it: decimal strings, the fee in whichever asset it was charged. */
export interface SpotTrade {
  side: 'BUY' | 'SELL';
  quantity: string;
  price: string;
  fee?: string;
  feeAsset?: string;
  /**
   * `quantity` and `price` in units (`unitsOf` of each), when the caller has read them: an accept's two holdings and
   * its ledger leg read the same quote's texts, read once.
   */
  units?: TradeUnits;
}

/** A trade's quantity and price in units (model/money-units.ts). */
export interface TradeUnits {
  quantity: bigint;
  price: bigint;
}

/** The holding (in units, or undefined for none) after `t`; undefined when the trade leaves it untouched, null off the grid. */
function spotInUnits(open: HoldingUnits | undefined, at: Pick<Order, 'baseAsset' | 'quoteAsset'>, t: SpotTrade): HoldingUnits | undefined | null {
  const quantity = t.units !== undefined ? t.units.quantity : unitsOf(t.quantity);
  const price = t.units !== undefined ? t.units.price : unitsOf(t.price);
  const fee = t.fee === undefined ? 0n : unitsOf(t.fee);
  if (quantity === undefined || price === undefined || fee === undefined) return null;
  const after = holdingTradeUnits(open, { side: t.side, quantity, price, baseFee: t.feeAsset === at.baseAsset ? fee : 0n, quoteFee: t.feeAsset === at.quoteAsset ? fee : 0n });
  return after === 'untouched' ? undefined : after === 'off-grid' ? null : after;
}

/** A fill that touches no position: nothing to write. */
class UntouchedPlan implements FillPlan {
  constructor(readonly positionId: string | undefined) {}
  commit(): Position[] {
    return [];
  }
}

/** A spot trade's holding, figured at plan time (Dec or units), written on commit. A class: no closure per fill. */
class HoldingPlan implements FillPlan {
  readonly positionId: string;
  constructor(
    private readonly book: PositionBook,
    private readonly record: Position,
    private readonly now: number,
    private readonly after: PositionCore | HoldingUnits,
    /** In units: what the record's figures were (undefined for a holding opening now). */
    private readonly before?: HoldingUnits,
  ) {
    this.positionId = record.positionId;
  }

  commit(): Position[] {
    return [this.commitOne()];
  }

  commitOne(): Position {
    const a = this.after;
    return this.book.write(typeof a.quantity === 'bigint' ? withUnits(this.record, this.before, a as HoldingUnits, this.now) : withCore(this.record, a as PositionCore, this.now));
  }
}

const ownSide = (side: 'BUY' | 'SELL'): PositionSideValue => (side === 'BUY' ? 'LONG' : 'SHORT');

export class PositionLedger {
  constructor(
    private readonly ctx: DomainContext,
    private readonly book: PositionBook,
    private readonly instruments: InstrumentCatalog,
  ) {}

  planFill(order: Order, fill: FillReport): FillPlan {
    return order.derivative ? this.planDerivative(order, fill) : this.planHolding(order, fill);
  }

  private planHolding(order: Order, fill: FillReport): FillPlan {
    const plan = this.planSpot(order, { side: order.side, quantity: fill.quantity, price: fill.price, fee: fill.fee, feeAsset: fill.feeAsset });
    return plan ?? new UntouchedPlan(order.positionId);
  }

  /**
   * A spot trade booked outside a venue order (an OTC QUOTED trade, otc/quote-desk.ts) on the account's holding of
   * the instrument, inside the caller's unit of work; the holding written, or undefined when the trade touches none.
   * `now`: the trade's time when the caller has read it (an accept's holdings change when its order fills).
   */
  holdingTrade(at: Pick<Order, 'tradingAccountId' | 'instrumentId' | 'baseAsset' | 'quoteAsset'>, trade: SpotTrade, now?: number): Position | undefined {
    return this.planSpot(at, trade, now)?.commitOne();
  }

  /** The holding after the trade: in exact integers on the grid (model/money-units.ts), else with Dec. */
  private planSpot(at: Pick<Order, 'tradingAccountId' | 'instrumentId' | 'baseAsset' | 'quoteAsset'>, t: SpotTrade, time?: number): HoldingPlan | undefined {
    const current = this.book.open(at.tradingAccountId, at.instrumentId, 'NET');
    const open = current === undefined ? undefined : holdingUnitsOf(current);
    const inUnits = current !== undefined && open === undefined ? null : spotInUnits(open, at, t);
    if (inUnits === undefined) return undefined;
    // One time for the holding opening now and its first step.
    const now = time ?? this.ctx.clock.now();
    const record = current ?? this.fresh(at, 'HOLDING', 'NETTING', 'LONG', this.holdingTerms(at), now);
    if (inUnits !== null) return new HoldingPlan(this.book, record, now, inUnits, open);
    const after = this.spotInDec(current, at, t);
    return after === undefined ? undefined : new HoldingPlan(this.book, record, now, after);
  }

  /** The reference: the holding after `t` with Dec (position-math.ts). */
  private spotInDec(current: Position | undefined, at: Pick<Order, 'baseAsset' | 'quoteAsset'>, t: SpotTrade): PositionCore | undefined {
    const fee = dec(t.fee ?? '0');
    const step = holdingTrade(current ? coreOf(current) : undefined, {
      side: t.side,
      quantity: dec(t.quantity),
      price: dec(t.price),
      baseFee: t.feeAsset === at.baseAsset ? fee : ZERO,
      quoteFee: t.feeAsset === at.quoteAsset ? fee : ZERO,
    });
    return step?.after;
  }

  private planDerivative(order: Order, fill: FillReport): FillPlan {
    const d = order.derivative!;
    const own = ownSide(order.side);
    let target: Position | undefined;
    let open: Position | undefined;
    if (d.positionMode === 'HEDGE') {
      const named = order.positionId ? this.book.get(order.positionId) : undefined;
      if (d.reduceOnly && named?.status === 'OPEN' && named.side !== own) target = named;
      open = this.book.open(order.tradingAccountId, order.instrumentId, own);
    } else {
      open = this.book.open(order.tradingAccountId, order.instrumentId, 'NET');
    }
    const result = derivativeFill({
      // Money booked to the wallet is cut to the settle asset's digits (position-math.ts, ContractMath.amountDecimals).
      math: { ...mathOf(d), amountDecimals: d.amountDecimals },
      settleAsset: d.settleAsset,
      mode: d.positionMode,
      leverage: d.leverage,
      marginMode: d.marginMode,
      ...(target ? { reduces: heldOf(target) } : {}),
      ...(open ? { open: heldOf(open) } : {}),
      trade: { side: order.side, quantity: dec(fill.quantity), price: dec(fill.price), fee: dec(fill.fee), feeAsset: fill.feeAsset },
      lockAsset: order.lockAsset,
      lockedRemaining: dec(order.lockedAmount),
    });
    const terms: PositionTerms = {
      contractSize: d.contractSize, settleAsset: d.settleAsset, priceDecimals: d.priceDecimals, amountDecimals: d.amountDecimals, maintenanceMarginRate: d.maintenanceMarginRate,
      ...(d.inverse ? { inverse: true } : {}),
    };
    // Each step's record: the named target, the open position it grew or reduced, or a new one (opened at plan time,
    // so the order can carry its id).
    const records = result.steps.map((s: HeldStep) => {
      if (s.step.before && target && s.step.before.side === target.side) return target;
      if (s.step.before && open) return open;
      return this.fresh(order, 'DERIVATIVE', d.positionMode, s.after.core.side, terms);
    });
    const last = records[records.length - 1];
    return {
      positionId: d.reduceOnly && order.positionId ? order.positionId : last?.positionId,
      effects: { deltas: result.deltas, lockConsumed: result.lockConsumed },
      commit: () => {
        const now = this.ctx.clock.now();
        return result.steps.map((s, i) => this.book.write(withHeld(records[i]!, s.after, now)));
      },
    };
  }

  /** A position opening now (not yet written). */
  private fresh(order: Pick<Order, 'tradingAccountId' | 'instrumentId' | 'baseAsset'>, kind: Position['kind'], mode: Position['mode'], side: PositionSideValue, terms: PositionTerms, now = this.ctx.clock.now()): Position {
    const at = { positionId: this.ctx.ids.uuid(), tradingAccountId: order.tradingAccountId, instrumentId: order.instrumentId, securitySymbol: order.baseAsset, kind, mode, side, terms };
    return openingPosition(at, now);
  }

  private holdingTerms(order: Pick<Order, 'instrumentId' | 'quoteAsset'>): PositionTerms {
    // The instrument's precision when the catalogue knows it; a miss (an OTC pair: no venue lists it) is no reason to
    // list a venue again.
    const spec = this.instruments.known(order.instrumentId)?.spec;
    const decimals = spec?.quotePrecision ?? 8;
    return { contractSize: '1', settleAsset: order.quoteAsset, priceDecimals: decimals, amountDecimals: decimals };
  }
}
