/**
 * @module http/api-v3/models/portfolio
 * `RpcPortfolio` → the REST `Portfolio` with its `BalanceEntry`, `PositionEntry` and `PortfolioSummary`. Spot
 * accounts borrow nothing: `borrowed` is "0", `net` equals `total`, and the summary's margin, credit and risk
 * figures are "0" (the contract requires them).
 */
import type { BalanceEntry, Portfolio, PortfolioSummary, PositionEntry, RpcBalanceEntry, RpcPortfolio, RpcPositionEntry, Venue } from '@cadenza/contract';
import { dec, str } from '@cadenza/domain';
import { restTime } from './rest-time.ts';

function toRestBalance(b: RpcBalanceEntry): BalanceEntry {
  const borrowed = b.borrowed ?? '0';
  const out: BalanceEntry = {
    securitySymbol: b.securitySymbol!,
    securityType: b.securityType!,
    tradingAccountId: b.tradingAccountId!,
    status: b.status ?? 'ACTIVE',
    free: b.free!,
    locked: b.locked!,
    borrowed,
    total: b.total!,
    net: b.net ?? str(dec(b.total!).sub(borrowed)),
    ...restTime('updatedAt', b.updatedAt),
  };
  if (b.externalBalanceId !== undefined) out.externalBalanceId = b.externalBalanceId;
  return out;
}

function toRestPosition(p: RpcPositionEntry): PositionEntry {
  const out: PositionEntry = {
    positionId: p.positionId!,
    securitySymbol: p.securitySymbol!,
    tradingAccountId: p.tradingAccountId!,
    securityType: p.securityType!,
    status: p.status!,
    positionSide: p.positionSide!,
    quantity: p.quantity!,
    ...restTime('createdAt', p.createdAt),
    ...restTime('updatedAt', p.updatedAt),
    // RpcPositionEntry has no closedAt; a closed position is never changed again, so it closed when last updated.
    ...(p.status === 'CLOSED' ? restTime('closedAt', p.updatedAt) : {}),
  };
  for (const k of ['externalPositionId', 'instrumentId', 'entryPrice', 'exitPrice', 'currentPrice', 'unrealizedPnl', 'realizedPnl'] as const) {
    if (p[k] !== undefined) out[k] = p[k];
  }
  return out;
}

function toRestSummary(p: RpcPortfolio): PortfolioSummary {
  const s = p.summary ?? {};
  const zero = (v: string | undefined) => v ?? '0';
  const out: PortfolioSummary = {
    tradingAccountId: p.tradingAccountId!,
    currency: s.currency ?? '',
    leverage: s.leverage ?? null,
    equity: zero(s.equity),
    margin: zero(s.margin),
    marginLoan: zero(s.marginLoan),
    marginUsage: zero(s.marginUsage),
    marginRequirement: zero(s.marginRequirement),
    marginLevel: zero(s.marginLevel),
    credit: zero(s.credit),
    riskExposure: zero(s.riskExposure),
  };
  if (s.maxRiskExposure !== undefined) out.maxRiskExposure = s.maxRiskExposure;
  if (s.riskExposureRate !== undefined) out.riskExposureRate = s.riskExposureRate;
  return out;
}

export function toRestPortfolio(p: RpcPortfolio): Portfolio {
  return {
    tradingAccountId: p.tradingAccountId!,
    venue: p.accountInfo?.venue as Venue,
    positions: (p.positions ?? []).map(toRestPosition),
    balances: (p.balances ?? []).map(toRestBalance),
    summary: toRestSummary(p),
    ...restTime('updatedAt', p.updatedAt),
  };
}
