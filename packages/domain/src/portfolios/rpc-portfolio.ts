/**
 * @module portfolios/rpc-portfolio
 * Balances, positions and summaries in the contract's `RpcPortfolio` shapes.
 */
import type { RpcBalanceEntry, RpcPortfolio, RpcPortfolioSummary, RpcPositionEntry, RpcTradingAccount } from '@cadenza/contract';
import { dec, str, type Dec } from '../model/decimal.ts';
import { toIso } from '../model/time.ts';
import { securityTypeOf } from '../instruments/rpc-instrument.ts';
import type { Balance, Position } from '../model/balance.ts';

export function toRpcBalance(b: Balance): RpcBalanceEntry {
  return {
    balanceId: b.balanceId,
    tradingAccountId: b.tradingAccountId,
    securitySymbol: b.asset,
    securityType: securityTypeOf(b.asset),
    status: 'ACTIVE',
    free: b.free,
    locked: b.locked,
    total: str(dec(b.free).add(b.locked)),
    createdAt: toIso(b.createdAt),
    updatedAt: toIso(b.updatedAt),
  };
}

/** `currentPrice` (when known) fills the mark-to-market fields. */
export function toRpcPosition(p: Position, currentPrice?: Dec): RpcPositionEntry {
  const qty = dec(p.quantity);
  const out: RpcPositionEntry = {
    positionId: p.positionId,
    tradingAccountId: p.tradingAccountId,
    securitySymbol: p.securitySymbol,
    instrumentId: p.instrumentId,
    securityType: securityTypeOf(p.securitySymbol),
    status: qty.isZero() ? 'CLOSED' : 'OPEN',
    positionSide: qty.isNeg() ? 'SHORT' : 'LONG',
    quantity: str(qty.abs()),
    entryPrice: p.entryPrice,
    realizedPnl: p.realizedPnl,
    createdAt: toIso(p.createdAt),
    updatedAt: toIso(p.updatedAt),
  };
  if (p.exitPrice !== undefined) out.exitPrice = p.exitPrice;
  if (currentPrice !== undefined) {
    out.currentPrice = str(currentPrice);
    out.unrealizedPnl = str(currentPrice.sub(p.entryPrice).mul(qty));
  }
  return out;
}

export interface PortfolioView {
  tradingAccountId: string;
  account?: RpcTradingAccount;
  balances: Balance[];
  positions: Position[];
  summary?: RpcPortfolioSummary;
  updateMode: 'DELTA' | 'SNAPSHOT';
  updatedAt: number;
  prices?: Map<string, Dec>;
}

export function toRpcPortfolio(v: PortfolioView): RpcPortfolio {
  const out: RpcPortfolio = {
    tradingAccountId: v.tradingAccountId,
    balances: v.balances.map(toRpcBalance),
    positions: v.positions.map((p) => toRpcPosition(p, v.prices?.get(p.instrumentId))),
    updateMode: v.updateMode,
    updatedAt: toIso(v.updatedAt),
  };
  if (v.account) out.accountInfo = v.account;
  if (v.summary) out.summary = v.summary;
  return out;
}
