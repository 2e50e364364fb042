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
import { coreOf, mathOf } from '../positions/position-records.ts';
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
    total: addDecimal(b.free, b.locked) ?? str(dec(b.free).add(b.locked)),
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
 * last price of a spot pair — fills the mark-to-market fields when known.
 */
export function toRpcPosition(p: Position, currentPrice?: Dec): RpcPositionEntry {
  const math = mathOf(p.terms);
  const core = coreOf(p);
  const { priceDecimals, amountDecimals } = p.terms;
  const entry = entryPrice(math, core) ?? (p.entryPrice !== undefined ? dec(p.entryPrice) : undefined);
  const out: RpcPositionEntry = {
    positionId: p.positionId,
    tradingAccountId: p.tradingAccountId,
    securitySymbol: p.securitySymbol,
    instrumentId: p.instrumentId,
    securityType: securityTypeOf(p.securitySymbol),
    status: p.status,
    positionSide: p.side,
    quantity: p.quantity,
    entryPrice: entry ? rounded(entry, priceDecimals) : '0',
    realizedPnl: rounded(core.realizedPnl, amountDecimals),
    createdAt: toIso(p.createdAt),
    updatedAt: toIso(p.updatedAt),
  };
  if (p.externalPositionId !== undefined) out.externalPositionId = p.externalPositionId;
  if (p.exitPrice !== undefined) out.exitPrice = rounded(dec(p.exitPrice), priceDecimals);
  if (currentPrice !== undefined) {
    out.currentPrice = rounded(currentPrice, priceDecimals);
    out.unrealizedPnl = rounded(unrealizedPnl(math, core, currentPrice), amountDecimals);
  }
  return out;
}

/** `d` to `places` fraction digits, half up (a module function: a closure per call cost a name definition under tsx). */
function rounded(d: Dec, places: number): string {
  return str(d.toDecimalPlaces(places));
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
