/**
 * @module portfolios/rpc-portfolio
 * Balances, positions and summaries in the contract's `RpcPortfolio` shapes.
 */
import type { RpcBalanceEntry, RpcPortfolio, RpcPortfolioSummary, RpcPositionEntry, RpcTradingAccount } from '@cadenza/contract';
import { dec, str, type Dec } from '../model/decimal.ts';
import { addDecimal } from '../model/fixed-decimal.ts';
import { toIso } from '../model/time.ts';
import { securityTypeOf } from '../instruments/rpc-instrument.ts';
import type { Balance } from '../model/balance.ts';
import type { Position } from '../model/position.ts';
import { entryPrice, unrealizedPnl } from '../positions/position-math.ts';
import { coreOf, holdingUnitsOf, mathOf } from '../positions/position-records.ts';
import type { HoldingUnits } from '../positions/position-math.ts';
import { ROUND_HALF_UP, UNIT_PLACES, divUnits, mulUnits, roundUnits, textOf, unitsOf } from '../model/money-units.ts';
import type { MarginState } from '../margin/margin-math.ts';

/** `margin`, for a settle asset of derivative positions, fills the balance's margin fields. */
export function toRpcBalance(b: Balance, margin?: MarginState): RpcBalanceEntry {
  const out: RpcBalanceEntry = {
    balanceId: b.balanceId,
    tradingAccountId: b.tradingAccountId,
    securitySymbol: b.asset,
    securityType: securityTypeOf(b.asset),
    status: 'ACTIVE',
    free: b.free,
    locked: b.locked,
    // Balances are canonical text (PortfolioBook writes them with str()), so with nothing locked the total is free.
    total: b.locked === '0' ? b.free : (addDecimal(b.free, b.locked) ?? str(dec(b.free).add(b.locked))),
    createdAt: toIso(b.createdAt),
    updatedAt: toIso(b.updatedAt),
  };
  if (margin) {
    out.crossMargin = str(margin.crossInitial.toDecimalPlaces(8));
    out.isolatedMargin = str(margin.isolatedCollateral.toDecimalPlaces(8));
    if (margin.crossMaintenance.gt(0)) out.marginRatio = margin.crossEquity.gt(0) ? str(margin.crossMaintenance.div(margin.crossEquity).toDecimalPlaces(4)) : '1';
  }
  return out;
}

/**
 * A position in the contract's shape, its figures rounded for display: prices (entry, exit, current) to the position's
 * price decimals, PnL to its settle asset's decimals, half up. `currentPrice` — the mark price of a derivative, the
 * last price of a spot pair — fills the mark-to-market fields when known. A holding's figures are worked in exact
 * integers (model/money-units.ts) to the same text; derivatives, and anything off the grid, with Dec.
 */
export function toRpcPosition(p: Position, currentPrice?: Dec): RpcPositionEntry {
  const { priceDecimals, amountDecimals } = p.terms;
  const held = p.kind === 'HOLDING' && p.side === 'LONG' && p.terms.contractSize === '1' && !p.terms.inverse && priceDecimals <= UNIT_PLACES && amountDecimals <= UNIT_PLACES ? holdingUnitsOf(p) : undefined;
  const figures = held ? holdingFigures(p, held, currentPrice) : undefined;
  const out: RpcPositionEntry = {
    positionId: p.positionId,
    tradingAccountId: p.tradingAccountId,
    securitySymbol: p.securitySymbol,
    instrumentId: p.instrumentId,
    securityType: securityTypeOf(p.securitySymbol),
    status: p.status,
    positionSide: p.side,
    quantity: p.quantity,
    entryPrice: '0',
    realizedPnl: '0',
    createdAt: toIso(p.createdAt),
    updatedAt: toIso(p.updatedAt),
  };
  if (figures) {
    out.entryPrice = figures.entryPrice;
    out.realizedPnl = figures.realizedPnl;
  } else {
    const core = coreOf(p);
    const entry = entryPrice(mathOf(p.terms), core) ?? (p.entryPrice !== undefined ? dec(p.entryPrice) : undefined);
    if (entry) out.entryPrice = rounded(entry, priceDecimals);
    out.realizedPnl = rounded(core.realizedPnl, amountDecimals);
  }
  if (p.externalPositionId !== undefined) out.externalPositionId = p.externalPositionId;
  if (p.exitPrice !== undefined) out.exitPrice = roundedText(p.exitPrice, priceDecimals);
  if (currentPrice !== undefined) {
    out.currentPrice = rounded(currentPrice, priceDecimals);
    out.unrealizedPnl = figures?.unrealizedPnl ?? rounded(unrealizedPnl(mathOf(p.terms), coreOf(p), currentPrice), amountDecimals);
  }
  return out;
}

/** A holding's displayed entry price, realised PnL and (at `mark`) unrealised PnL, from its figures in units. */
function holdingFigures(p: Position, h: HoldingUnits, mark: Dec | undefined): { entryPrice: string; realizedPnl: string; unrealizedPnl?: string } | undefined {
  const { priceDecimals, amountDecimals } = p.terms;
  let entryPrice = '0';
  if (h.quantity !== 0n && h.cost !== 0n) {
    const e = divUnits(h.cost, h.quantity, priceDecimals, ROUND_HALF_UP);
    if (e === undefined) return undefined;
    entryPrice = textOf(e);
  } else if (p.entryPrice !== undefined) entryPrice = roundedText(p.entryPrice, priceDecimals);
  const out: { entryPrice: string; realizedPnl: string; unrealizedPnl?: string } = { entryPrice, realizedPnl: textOf(roundUnits(h.realizedPnl, amountDecimals, ROUND_HALF_UP)) };
  if (mark !== undefined) {
    // Dec's unrealizedPnl of a LONG linear holding: quantity × mark − cost (zero when flat).
    const markUnits = h.quantity === 0n ? 0n : unitsOf(mark.toFixed());
    const value = markUnits === undefined ? undefined : mulUnits(h.quantity, markUnits);
    if (value !== undefined) out.unrealizedPnl = textOf(roundUnits(h.quantity === 0n ? 0n : value - h.cost, amountDecimals, ROUND_HALF_UP));
  }
  return out;
}

/** `d` to `places` fraction digits, half up (a module function: a closure per call cost a name definition under tsx). */
function rounded(d: Dec, places: number): string {
  return str(d.toDecimalPlaces(places));
}

/** `rounded` of a decimal text: in units when it is on the grid. */
function roundedText(text: string, places: number): string {
  const u = places <= UNIT_PLACES ? unitsOf(text) : undefined;
  return u === undefined ? rounded(dec(text), places) : textOf(roundUnits(u, places, ROUND_HALF_UP));
}

export interface PortfolioView {
  tradingAccountId: string;
  account?: RpcTradingAccount;
  balances: Balance[];
  positions: Position[];
  summary?: RpcPortfolioSummary;
  updateMode: 'DELTA' | 'SNAPSHOT';
  updatedAt: number;
  /** The price each position's instrument is valued at (mark, else last price). */
  prices?: Map<string, Dec>;
  /** Margin per settle asset, for the balances' margin fields. */
  margin?: Map<string, MarginState>;
}

export function toRpcPortfolio(v: PortfolioView): RpcPortfolio {
  const out: RpcPortfolio = {
    tradingAccountId: v.tradingAccountId,
    balances: v.balances.map((b) => toRpcBalance(b, v.margin?.get(b.asset))),
    positions: v.positions.map((p) => toRpcPosition(p, v.prices?.get(p.instrumentId))),
    updateMode: v.updateMode,
    updatedAt: toIso(v.updatedAt),
  };
  if (v.account) out.accountInfo = v.account;
  if (v.summary) out.summary = v.summary;
  return out;
}

/**
 * An event's portfolio in the contract's shape, built when the event is serialised (`toJSON`) rather than when it is
 * published: most of a desk's portfolio pushes go to channels no client reads (the server keeps them in the channel's
 * history as the event object, serialised only if read — publish/serialised-events.ts), and every sink reads events
 * as JSON. Sound because nothing in a published event changes: its balances are records, its positions are never
 * changed once made (positions/position-records.ts), and the view is the publisher's alone.
 */
export class LaterPortfolio {
  constructor(private readonly view: PortfolioView) {}
  toJSON(): RpcPortfolio {
    return toRpcPortfolio(this.view);
  }
}
