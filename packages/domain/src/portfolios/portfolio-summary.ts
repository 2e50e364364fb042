/**
 * @module portfolios/portfolio-summary
 * The portfolio summary (`RpcPortfolioSummary`), valued in one currency (`valuationCurrency`, USDT by default). Pure.
 *
 * - equity: every balance total at its price in the currency, plus the unrealised PnL of derivative positions;
 * - margin: initial margin in use (CROSS requirement + ISOLATED collateral); marginRequirement: maintenance margin;
 * - marginUsage = margin ÷ equity ("1" once equity is gone); marginLevel = equity ÷ marginRequirement (liquidation
 *   looms as it nears 1) — both "0" when there is no margin in use;
 * - riskExposure: Σ derivative position values at mark; riskExposureRate = riskExposure ÷ equity (the effective
 *   leverage); marginLoan and credit: "0" (nothing is borrowed).
 * Amounts at 8 decimals, ratios at 4 (half up). Assets without a price in the currency count for nothing.
 */
import type { RpcPortfolioSummary } from '@cadenza/contract';
import { Dec, ZERO, dec, str, type Dec as D } from '../model/decimal.ts';
import type { Balance } from '../model/balance.ts';
import type { MarginState } from '../margin/margin-math.ts';

export interface SummaryInput {
  tradingAccountId: string;
  currency: string;
  leverage: number;
  balances: Balance[];
  /** Margin per settle asset (margin/account-margin.ts). */
  margin: Map<string, MarginState>;
  /** An asset's price in the currency (1 for the currency itself), or undefined when unknown. */
  priceOf(asset: string): D | undefined;
}

const amount = (d: D) => str(d.toDecimalPlaces(8));
const ratio = (a: D, b: D) => (b.gt(0) ? str(a.div(b).toDecimalPlaces(4)) : '0');

export function portfolioSummary(input: SummaryInput): RpcPortfolioSummary {
  let equity = ZERO;
  for (const b of input.balances) {
    const total = dec(b.free).add(b.locked);
    if (total.isZero()) continue;
    const px = input.priceOf(b.asset);
    if (px) equity = equity.add(total.mul(px));
  }
  let margin = ZERO;
  let requirement = ZERO;
  let exposure = ZERO;
  for (const [asset, s] of input.margin) {
    const px = input.priceOf(asset);
    if (!px) continue;
    equity = equity.add(s.unrealized.mul(px));
    margin = margin.add(s.initial.mul(px));
    requirement = requirement.add(s.maintenance.mul(px));
    exposure = exposure.add(s.exposure.mul(px));
  }
  return {
    portfolioSummaryId: input.tradingAccountId,
    tradingAccountId: input.tradingAccountId,
    currency: input.currency,
    leverage: input.leverage,
    equity: amount(equity),
    margin: amount(margin),
    marginLoan: '0',
    marginUsage: margin.gt(0) && !equity.gt(0) ? '1' : ratio(margin, equity),
    marginRequirement: amount(requirement),
    marginLevel: requirement.gt(0) ? str(Dec.max(equity, ZERO).div(requirement).toDecimalPlaces(4)) : '0',
    credit: '0',
    riskExposure: amount(exposure),
    riskExposureRate: ratio(exposure, equity),
  };
}
