/**
 * @module positions/position-records
 * Between the stored `Position` record (decimal strings) and the math's `PositionCore` / `HeldPosition` (Dec), and
 * the reading of records written before positions had kinds (releases up to the first derivatives one).
 */
import { ZERO, dec, str } from '../model/decimal.ts';
import type { InstrumentSpec } from '../model/instrument.ts';
import type { Position, PositionTerms } from '../model/position.ts';
import type { HeldPosition } from './derivative-fill.ts';
import { divideText, textOf, unitsOf } from '../model/money-units.ts';
import { HOLDING_MATH, entryPrice, type ContractMath, type HoldingUnits, type PositionCore } from './position-math.ts';

/**
 * Where a record made by `withCore` keeps the figures it was made from: a non-enumerable symbol property (spreads,
 * JSON and the store do not see it). A position is never changed once made (every change is a new record), so the
 * next fill on it and its push read them instead of parsing its five decimal strings again, twice a fill.
 */
const CORE = Symbol('PositionCore');

/** The position's figures as Dec; shared with the record, so callers must not change what they get (spread it). */
export function coreOf(p: Position): PositionCore {
  const held = (p as { [CORE]?: PositionCore })[CORE];
  if (held !== undefined) return held;
  const core: PositionCore = { side: p.side, quantity: dec(p.quantity), cost: dec(p.cost), realizedPnl: dec(p.realizedPnl), fees: dec(p.fees), funding: dec(p.funding) };
  if (p.exitPrice !== undefined) core.exitPrice = dec(p.exitPrice);
  return core;
}

/**
 * The last records `withUnits` made, with their figures: their push (toRpcPosition) and the holding's next trade read
 * them without parsing the text again. By identity: a record is never changed once made. A few slots, reused in
 * turn — not a property on the record, which costs microseconds to define and sends every later spread of the record
 * down V8's slow path.
 */
const RECENT = 8;
const recentRecords: (Position | undefined)[] = new Array<Position | undefined>(RECENT).fill(undefined);
const recentUnits: (HoldingUnits | undefined)[] = new Array<HoldingUnits | undefined>(RECENT).fill(undefined);
let nextRecent = 0;

/**
 * A holding's figures in units (model/money-units.ts); undefined when one is off the grid (the caller then uses
 * `coreOf`). The exit price is not read: the record keeps its own until a reducing trade sets the next (withUnits).
 * Shared: callers must not change what they get.
 */
export function holdingUnitsOf(p: Position): HoldingUnits | undefined {
  for (let i = 0; i < RECENT; i++) if (recentRecords[i] === p) return recentUnits[i];
  const quantity = unitsOf(p.quantity);
  const cost = unitsOf(p.cost);
  const realizedPnl = unitsOf(p.realizedPnl);
  const fees = unitsOf(p.fees);
  const funding = unitsOf(p.funding);
  if (quantity === undefined || cost === undefined || realizedPnl === undefined || fees === undefined || funding === undefined) return undefined;
  return { quantity, cost, realizedPnl, fees, funding };
}

export function heldOf(p: Position): HeldPosition {
  return { core: coreOf(p), marginMode: p.marginMode ?? 'CROSS', leverage: p.leverage ?? 1, isolatedMargin: dec(p.isolatedMargin ?? '0') };
}

export function mathOf(terms: Pick<PositionTerms, 'contractSize' | 'inverse'>): ContractMath {
  return terms.contractSize === '1' && !terms.inverse ? HOLDING_MATH : { contractSize: dec(terms.contractSize), inverse: terms.inverse === true };
}

/** A position opening now, flat until its first step is booked onto it. */
export function openingPosition(
  at: Pick<Position, 'positionId' | 'tradingAccountId' | 'instrumentId' | 'securitySymbol' | 'kind' | 'mode' | 'side' | 'terms'>,
  now: number,
): Position {
  // Written out, not spread: one of these opens on most fills that buy.
  return {
    positionId: at.positionId, tradingAccountId: at.tradingAccountId, instrumentId: at.instrumentId, securitySymbol: at.securitySymbol, kind: at.kind, mode: at.mode, side: at.side, terms: at.terms,
    status: 'OPEN', quantity: '0', cost: '0', realizedPnl: '0', fees: '0', funding: '0', createdAt: now, updatedAt: now,
  };
}

/** The terms of positions in a derivative instrument: its contract, prices at the quote precision, amounts at the settle asset's. */
export function derivativeTerms(spec: InstrumentSpec): PositionTerms {
  const c = spec.contract!;
  return {
    contractSize: c.contractSize,
    settleAsset: c.settleAsset,
    priceDecimals: spec.quotePrecision,
    amountDecimals: c.inverse ? spec.basePrecision : spec.quotePrecision,
    maintenanceMarginRate: c.maintenanceMarginRate ?? DEFAULT_MAINTENANCE_RATE,
    ...(c.inverse ? { inverse: true } : {}),
  };
}

/** Maintenance rate of a contract whose venue states none (0.5 %, the usual first tier of a major perpetual). */
export const DEFAULT_MAINTENANCE_RATE = '0.005';

/** `p` with the figures of `core` (status CLOSED once flat), at `now`. */
export function withCore(p: Position, core: PositionCore, now: number): Position {
  const next: Position = { ...p, side: core.side, quantity: str(core.quantity), cost: str(core.cost), realizedPnl: str(core.realizedPnl), fees: str(core.fees), funding: str(core.funding), updatedAt: now };
  if (core.exitPrice !== undefined) next.exitPrice = str(core.exitPrice);
  // What coreOf(next) would parse: the core's figures, with the exit price the record kept when the core has none.
  const held: PositionCore = { side: core.side, quantity: core.quantity, cost: core.cost, realizedPnl: core.realizedPnl, fees: core.fees, funding: core.funding };
  if (core.exitPrice !== undefined) held.exitPrice = core.exitPrice;
  else if (next.exitPrice !== undefined) held.exitPrice = dec(next.exitPrice);
  Object.defineProperty(next, CORE, { value: held });
  if (core.quantity.isZero()) {
    // The entry price a closed position showed while open stays on it (its cost is gone with its quantity).
    const entry = p.status === 'OPEN' ? entryPrice(mathOf(p.terms), coreOf(p)) : undefined;
    if (entry) next.entryPrice = str(entry);
    next.status = 'CLOSED';
    next.closedAt = now;
  }
  return next;
}

/**
 * `withCore` for a holding's figures in units: the same record, to the character (the entry price a closing holding
 * keeps is Dec's quotient, money-units' `divideText`), without decimal.js. `before` is what `holdingUnitsOf(p)` read
 * (undefined for a holding opening now): figures the trade left alone keep their text.
 */
export function withUnits(p: Position, before: HoldingUnits | undefined, core: HoldingUnits, now: number): Position {
  // Copied field by field, not spread: a spread of a record here cost ~1 µs (V8's generic path), several a trade.
  // POSITION_FIELDS below makes a field added to Position a type error until it is copied here too.
  const next: Position = {
    positionId: p.positionId,
    tradingAccountId: p.tradingAccountId,
    instrumentId: p.instrumentId,
    securitySymbol: p.securitySymbol,
    kind: p.kind,
    mode: p.mode,
    side: 'LONG',
    terms: p.terms,
    status: p.status,
    quantity: figure(p.quantity, before?.quantity, core.quantity),
    cost: figure(p.cost, before?.cost, core.cost),
    realizedPnl: figure(p.realizedPnl, before?.realizedPnl, core.realizedPnl),
    fees: figure(p.fees, before?.fees, core.fees),
    funding: figure(p.funding, before?.funding, core.funding),
    createdAt: p.createdAt,
    updatedAt: now,
  };
  if (core.exitPrice !== undefined) next.exitPrice = textOf(core.exitPrice);
  else if (p.exitPrice !== undefined) next.exitPrice = p.exitPrice;
  if (p.entryPrice !== undefined) next.entryPrice = p.entryPrice;
  if (p.leverage !== undefined) next.leverage = p.leverage;
  if (p.marginMode !== undefined) next.marginMode = p.marginMode;
  if (p.isolatedMargin !== undefined) next.isolatedMargin = p.isolatedMargin;
  if (p.fundedUntil !== undefined) next.fundedUntil = p.fundedUntil;
  if (p.externalPositionId !== undefined) next.externalPositionId = p.externalPositionId;
  if (p.closedAt !== undefined) next.closedAt = p.closedAt;
  if (core.quantity === 0n) {
    // As withCore: the entry price the holding showed while open (cost ÷ quantity) stays on it once closed.
    const open = p.status === 'OPEN' ? (before ?? holdingUnitsOf(p)) : undefined;
    if (open !== undefined && open.quantity !== 0n && open.cost !== 0n) next.entryPrice = divideText(open.cost, open.quantity);
    else if (open === undefined && p.status === 'OPEN') {
      const entry = entryPrice(mathOf(p.terms), coreOf(p));
      if (entry) next.entryPrice = str(entry);
    }
    next.status = 'CLOSED';
    next.closedAt = now;
  }
  recentRecords[nextRecent] = next;
  recentUnits[nextRecent] = core;
  nextRecent = (nextRecent + 1) % RECENT;
  return next;
}

/** Every field of a Position, each as `withUnits` copies it: the type fails until a new field is listed (and copied). */
export const POSITION_FIELDS = {
  positionId: 'copied', tradingAccountId: 'copied', instrumentId: 'copied', securitySymbol: 'copied', kind: 'copied', mode: 'copied', side: 'set',
  terms: 'copied', status: 'copied', quantity: 'set', cost: 'set', realizedPnl: 'set', fees: 'set', funding: 'set', createdAt: 'copied', updatedAt: 'set',
  exitPrice: 'set', entryPrice: 'copied', leverage: 'copied', marginMode: 'copied', isolatedMargin: 'copied', fundedUntil: 'copied',
  externalPositionId: 'copied', closedAt: 'copied',
} as const satisfies Record<keyof Position, 'copied' | 'set'>;

/**
 * The text of a figure after a trade: the record's own when the figure did not change (formatting a BigInt is not
 * free), or "0".
 */
function figure(text: string, before: bigint | undefined, after: bigint): string {
  return before === after ? text : after === 0n ? '0' : textOf(after);
}

/** `p` with the margin of `held` (ISOLATED collateral, leverage). */
export function withHeld(p: Position, held: HeldPosition, now: number): Position {
  const next = withCore(p, held.core, now);
  next.leverage = held.leverage;
  next.marginMode = held.marginMode;
  if (held.marginMode === 'ISOLATED') next.isolatedMargin = str(next.status === 'CLOSED' ? ZERO : held.isolatedMargin);
  return next;
}

/**
 * A stored record as this release reads it. Records of earlier releases were spot net positions keyed by instrument,
 * with a signed quantity and an entry price: a long one becomes an open holding at that entry; a flat or short one
 * (the short was never real: it came from selling funded assets) a closed holding.
 */
export function readPosition(raw: Position | LegacyPosition): Position {
  if ('kind' in raw && raw.kind) return raw;
  const legacy = raw as LegacyPosition;
  const quantity = dec(legacy.quantity);
  const quote = legacy.instrumentId.includes('/') ? legacy.instrumentId.slice(legacy.instrumentId.lastIndexOf('/') + 1) : 'USDT';
  const open = quantity.gt(0);
  const p: Position = {
    positionId: legacy.positionId,
    tradingAccountId: legacy.tradingAccountId,
    instrumentId: legacy.instrumentId,
    securitySymbol: legacy.securitySymbol,
    kind: 'HOLDING',
    mode: 'NETTING',
    side: 'LONG',
    status: open ? 'OPEN' : 'CLOSED',
    quantity: open ? str(quantity) : '0',
    cost: open ? str(quantity.mul(legacy.entryPrice)) : '0',
    realizedPnl: legacy.realizedPnl,
    fees: '0',
    funding: '0',
    terms: { contractSize: '1', settleAsset: quote, priceDecimals: 8, amountDecimals: 8 },
    createdAt: legacy.createdAt,
    updatedAt: legacy.updatedAt,
  };
  if (legacy.exitPrice !== undefined) p.exitPrice = legacy.exitPrice;
  if (!open) {
    p.closedAt = legacy.updatedAt;
    if (!dec(legacy.entryPrice).isZero()) p.entryPrice = legacy.entryPrice;
  }
  return p;
}

/** The stored shape of a position before derivatives (signed netting quantity, entry price). */
export interface LegacyPosition {
  positionId: string;
  tradingAccountId: string;
  instrumentId: string;
  securitySymbol: string;
  quantity: string;
  entryPrice: string;
  exitPrice?: string;
  realizedPnl: string;
  createdAt: number;
  updatedAt: number;
}
