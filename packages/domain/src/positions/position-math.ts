/**
 * @module positions/position-math
 * Pure position arithmetic: what a trade does to a position, what a position is worth at a price, what funding it
 * pays. No rounding except where a division must (a reduction's pro-rata share of the entry value, inverse values).
 *
 * A position keeps its entry value (`cost`, in the settle asset) rather than an entry price, and a reduction realises
 * `direction × (value at the trade price − the share of cost it removes)`. Because the removed share appears once in
 * the realised PnL and once in what is left of the cost, the rounding of that share cancels out, and for any sequence
 * of trades, exactly:
 *
 *   Σ realised trading PnL + unrealised PnL at mark = Σ over trades of signed quantity × (value at mark − value at price)
 *
 * — the mark-to-market change of everything traded (property-tested). Net realised PnL subtracts fees and adds
 * funding on top, so `realizedPnl + unrealised = MTM change − fees + funding` holds as exactly.
 *
 * Value of q contracts at price p: linear q × contractSize × p (in the quote asset), inverse q × contractSize ÷ p (in
 * the base asset, which falls as the price rises, hence the flipped direction of inverse PnL). Holdings are linear with
 * a contract size of 1.
 *
 * Every quotient is cut to `WORKING_DECIMALS` fraction digits — or, for derivatives, to the settle asset's
 * (`ContractMath.amountDecimals`) — so the sums and differences built from it stay exact in 40 significant digits
 * (amounts below 10^20): "exactly" above means to the last digit, not approximately.
 */
import { Dec, ZERO, type Dec as D } from '../model/decimal.ts';
import { ROUND_HALF_EVEN, mulDivUnits, mulUnits, onGrid } from '../model/money-units.ts';
import type { PositionSideValue } from '../model/position.ts';

/** Fraction digits kept of a quotient (far beyond any asset's precision; see the module notes). */
export const WORKING_DECIMALS = 20;

/** `a ÷ b` cut to WORKING_DECIMALS. */
export function quotient(a: D, b: D | number): D {
  return a.div(b).toDecimalPlaces(WORKING_DECIMALS, Dec.ROUND_HALF_EVEN);
}

/** What a contract is worth (holdings: contractSize 1, linear). */
export interface ContractMath {
  contractSize: D;
  inverse: boolean;
  /**
   * Fraction digits of the settle asset, when amounts booked to a wallet come from this math (derivatives): the
   * quotients that become money — a reduction's share of the entry value, an inverse value, a share of collateral —
   * are cut there instead of at WORKING_DECIMALS, so a balance never carries more digits than its asset has. The
   * identities above still hold exactly: each cut amount is used on both sides of its sum.
   */
  amountDecimals?: number;
}

/** `a ÷ b` cut to the settle asset's digits (see `ContractMath.amountDecimals`), else to WORKING_DECIMALS. */
export function settleQuotient(m: ContractMath, a: D, b: D | number): D {
  return m.amountDecimals === undefined ? quotient(a, b) : a.div(b).toDecimalPlaces(m.amountDecimals, Dec.ROUND_HALF_EVEN);
}

export const HOLDING_MATH: ContractMath = { contractSize: new Dec(1), inverse: false };

/** The figures of one open (or just closed) position. */
export interface PositionCore {
  side: PositionSideValue;
  quantity: D;
  /** Entry value of `quantity`, in the settle asset. */
  cost: D;
  /** Net: trading PnL − fees + funding. */
  realizedPnl: D;
  fees: D;
  funding: D;
  exitPrice?: D;
}

export function emptyPosition(side: PositionSideValue): PositionCore {
  return { side, quantity: ZERO, cost: ZERO, realizedPnl: ZERO, fees: ZERO, funding: ZERO };
}

/** Value of `quantity` contracts at `price`, in the settle asset (unsigned). */
export function contractValue(m: ContractMath, quantity: D, price: D): D {
  return m.inverse ? settleQuotient(m, quantity.mul(m.contractSize), price) : quantity.mul(m.contractSize).mul(price);
}

/** +1 when the position gains as its value at the price rises (linear long, inverse short), else −1. */
function direction(m: ContractMath, side: PositionSideValue): 1 | -1 {
  return (side === 'LONG') !== m.inverse ? 1 : -1;
}

/** Unrealised PnL of `p` at `mark`, in the settle asset. */
export function unrealizedPnl(m: ContractMath, p: PositionCore, mark: D): D {
  if (p.quantity.isZero()) return ZERO;
  const change = contractValue(m, p.quantity, mark).sub(p.cost);
  return direction(m, p.side) === 1 ? change : change.neg();
}

/** Average entry price (linear: cost ÷ (quantity × size); inverse: quantity × size ÷ cost); undefined when flat. */
export function entryPrice(m: ContractMath, p: Pick<PositionCore, 'quantity' | 'cost'>): D | undefined {
  if (p.quantity.isZero() || p.cost.isZero()) return undefined;
  const units = p.quantity.mul(m.contractSize);
  return m.inverse ? units.div(p.cost) : p.cost.div(units);
}

/** `p` grown by `quantity` at `price`; `extraCost` adds to the entry value (a holding's fees paid in the quote asset). */
export function increase(m: ContractMath, p: PositionCore, quantity: D, price: D, extraCost: D = ZERO): PositionCore {
  return { ...p, quantity: p.quantity.add(quantity), cost: p.cost.add(contractValue(m, quantity, price)).add(extraCost) };
}

/** `p` reduced by `quantity` (at most its size) at `price`, and the trading PnL that realises (before fees). */
export function reduce(m: ContractMath, p: PositionCore, quantity: D, price: D): { position: PositionCore; realized: D } {
  if (quantity.gt(p.quantity)) throw new Error(`cannot reduce a position of ${p.quantity.toFixed()} by ${quantity.toFixed()}`);
  const removed = quantity.eq(p.quantity) ? p.cost : settleQuotient(m, p.cost.mul(quantity), p.quantity);
  const change = contractValue(m, quantity, price).sub(removed);
  const realized = direction(m, p.side) === 1 ? change : change.neg();
  return {
    position: { ...p, quantity: p.quantity.sub(quantity), cost: p.cost.sub(removed), realizedPnl: p.realizedPnl.add(realized), exitPrice: price },
    realized,
  };
}

/** `p` charged `fee` (settle asset). */
export function chargeFee(p: PositionCore, fee: D): PositionCore {
  return fee.isZero() ? p : { ...p, fees: p.fees.add(fee), realizedPnl: p.realizedPnl.sub(fee) };
}

/**
 * What one trade does to one position: the position before (undefined = a new one opens), after, and how much the
 * trade reduced and increased it. A NETTING trade through zero is two steps: the old position closes, a new one opens.
 */
export interface PositionStep {
  before: PositionCore | undefined;
  after: PositionCore;
  reduced: D;
  increased: D;
  /** Trading PnL realised by the reduction (before fees). */
  realized: D;
  /** The trade's fee charged to this step (the trade's fee split pro rata over its steps). */
  fee: D;
}

export interface Trade {
  side: 'BUY' | 'SELL';
  quantity: D;
  price: D;
  /** In the settle asset (derivatives) or the fee the trade charged in the quote asset (holdings). */
  fee: D;
}

const sideOf = (t: Trade): PositionSideValue => (t.side === 'BUY' ? 'LONG' : 'SHORT');

/** Splits `fee` over parts of `total` exactly: the last part takes the rounding remainder. */
function feeShares(fee: D, total: D, parts: D[]): D[] {
  let left = fee;
  return parts.map((q, i) => {
    if (i === parts.length - 1) return left;
    const share = total.isZero() ? ZERO : quotient(fee.mul(q), total);
    left = left.sub(share);
    return share;
  });
}

/**
 * NETTING: a trade in the position's direction (or on no position) increases it; against it, reduces it, and past
 * zero closes it and opens the other side with the rest at the trade price.
 */
export function netTrade(m: ContractMath, open: PositionCore | undefined, t: Trade): PositionStep[] {
  const side = sideOf(t);
  if (!open || open.quantity.isZero() || open.side === side) {
    const before = open && !open.quantity.isZero() ? open : undefined;
    const after = chargeFee(increase(m, before ?? emptyPosition(side), t.quantity, t.price), t.fee);
    return [{ before, after, reduced: ZERO, increased: t.quantity, realized: ZERO, fee: t.fee }];
  }
  const closing = Dec.min(t.quantity, open.quantity);
  const rest = t.quantity.sub(closing);
  const [closeFee, openFee] = feeShares(t.fee, t.quantity, rest.isZero() ? [closing] : [closing, rest]) as [D, D | undefined];
  const r = reduce(m, open, closing, t.price);
  const steps: PositionStep[] = [{ before: open, after: chargeFee(r.position, closeFee), reduced: closing, increased: ZERO, realized: r.realized, fee: closeFee }];
  if (rest.gt(0)) {
    steps.push({ before: undefined, after: chargeFee(increase(m, emptyPosition(side), rest, t.price), openFee!), reduced: ZERO, increased: rest, realized: ZERO, fee: openFee! });
  }
  return steps;
}

/** HEDGE (or a trade aimed at one position): the trade only reduces `target`, by at most its size. */
export function reducingTrade(m: ContractMath, target: PositionCore, t: Trade): PositionStep {
  const qty = Dec.min(t.quantity, target.quantity);
  const r = reduce(m, target, qty, t.price);
  return { before: target, after: chargeFee(r.position, t.fee), reduced: qty, increased: ZERO, realized: r.realized, fee: t.fee };
}

/** HEDGE: the trade increases the position of its own side (opening it when there is none). */
export function increasingTrade(m: ContractMath, open: PositionCore | undefined, t: Trade): PositionStep {
  const before = open && !open.quantity.isZero() ? open : undefined;
  const after = chargeFee(increase(m, before ?? emptyPosition(sideOf(t)), t.quantity, t.price), t.fee);
  return { before, after, reduced: ZERO, increased: t.quantity, realized: ZERO, fee: t.fee };
}

/**
 * A spot holding: a BUY adds what was received (`quantity − baseFee`) at its cost (`price × quantity + quoteFee`);
 * a SELL reduces the holding by at most what it holds — what is sold beyond it (funded or transferred assets) is not
 * the holding's and never opens a short. Undefined when the trade does not touch the holding.
 */
export function holdingTrade(open: PositionCore | undefined, t: { side: 'BUY' | 'SELL'; quantity: D; price: D; baseFee: D; quoteFee: D }): PositionStep | undefined {
  if (t.side === 'BUY') {
    const received = t.quantity.sub(t.baseFee);
    if (!received.gt(0)) return undefined;
    const before = open && !open.quantity.isZero() ? open : undefined;
    const base = before ?? emptyPosition('LONG');
    const after = { ...base, quantity: base.quantity.add(received), cost: base.cost.add(t.price.mul(t.quantity)).add(t.quoteFee) };
    return { before, after, reduced: ZERO, increased: received, realized: ZERO, fee: ZERO };
  }
  if (!open || open.quantity.isZero()) return undefined;
  const qty = Dec.min(t.quantity, open.quantity);
  const fee = qty.eq(t.quantity) ? t.quoteFee : quotient(t.quoteFee.mul(qty), t.quantity);
  const r = reduce(HOLDING_MATH, open, qty, t.price);
  return { before: open, after: chargeFee(r.position, fee), reduced: qty, increased: ZERO, realized: r.realized, fee };
}

/**
 * Funding one position pays (negative) or receives (positive) at a settlement: `rate` × its value at `mark`, paid by
 * longs to shorts when the rate is positive (and the other way when negative).
 */
export function fundingPayment(m: ContractMath, p: Pick<PositionCore, 'side' | 'quantity'>, rate: D, mark: D): D {
  const amount = contractValue(m, p.quantity, mark).mul(rate);
  return p.side === 'LONG' ? amount.neg() : amount;
}

/** `p` after a funding payment (booked into realised PnL). */
export function applyFunding(p: PositionCore, payment: D): PositionCore {
  return { ...p, funding: p.funding.add(payment), realizedPnl: p.realizedPnl.add(payment) };
}

/** A holding's figures in units of 10^-20 (model/money-units.ts); a holding is always LONG. */
export interface HoldingUnits {
  quantity: bigint;
  cost: bigint;
  realizedPnl: bigint;
  fees: bigint;
  funding: bigint;
  /** Set by a reducing trade (its price); otherwise the record keeps the exit price it has. */
  exitPrice?: bigint;
}

/** A spot trade in units: `holdingTrade`'s input. */
export interface HoldingTradeUnits {
  side: 'BUY' | 'SELL';
  quantity: bigint;
  price: bigint;
  baseFee: bigint;
  quoteFee: bigint;
}

const FLAT_HOLDING: HoldingUnits = { quantity: 0n, cost: 0n, realizedPnl: 0n, fees: 0n, funding: 0n };

/**
 * `holdingTrade` in exact integers: the holding after the trade, the same figures to the last digit (property-tested);
 * 'untouched' when the trade does not touch the holding; 'off-grid' when a figure leaves the grid (then the caller
 * books it with `holdingTrade`).
 */
export function holdingTradeUnits(open: HoldingUnits | undefined, t: HoldingTradeUnits): HoldingUnits | 'untouched' | 'off-grid' {
  if (t.side === 'BUY') {
    const received = t.quantity - t.baseFee;
    if (received <= 0n) return 'untouched';
    const base = open !== undefined && open.quantity !== 0n ? open : FLAT_HOLDING;
    const value = mulUnits(t.price, t.quantity);
    if (value === undefined) return 'off-grid';
    const after: HoldingUnits = { quantity: base.quantity + received, cost: base.cost + value + t.quoteFee, realizedPnl: base.realizedPnl, fees: base.fees, funding: base.funding };
    return onGrid(after.quantity) && onGrid(after.cost) ? after : 'off-grid';
  }
  if (open === undefined || open.quantity === 0n) return 'untouched';
  const qty = t.quantity < open.quantity ? t.quantity : open.quantity;
  // As holdingTrade: the fee's share of what the holding held (pro rata), the cost's share of what it reduced.
  const fee = qty === t.quantity ? t.quoteFee : mulDivUnits(t.quoteFee, qty, t.quantity, WORKING_DECIMALS, ROUND_HALF_EVEN);
  const removed = qty === open.quantity ? open.cost : mulDivUnits(open.cost, qty, open.quantity, WORKING_DECIMALS, ROUND_HALF_EVEN);
  const value = mulUnits(qty, t.price);
  if (fee === undefined || removed === undefined || value === undefined) return 'off-grid';
  const realized = value - removed;
  const after: HoldingUnits = {
    quantity: open.quantity - qty,
    cost: open.cost - removed,
    realizedPnl: open.realizedPnl + realized - fee,
    fees: open.fees + fee,
    funding: open.funding,
    exitPrice: t.price,
  };
  return onGrid(after.cost) && onGrid(after.realizedPnl) && onGrid(after.fees) ? after : 'off-grid';
}
