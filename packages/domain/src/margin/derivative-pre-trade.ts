/**
 * @module margin/derivative-pre-trade
 * The pre-trade check of an order on a derivative instrument, and what it reserves. Pure: the caller passes the
 * instrument, the book (MARKET orders), the account's positions on the instrument and what its margin makes available.
 *
 * - The order's shape (type, time in force, tick, lot, quantity and notional limits) is checked as for spot
 *   (orders/pre-trade.ts). Quantities are contracts; a QUOTE quantity is refused.
 * - Leverage: the order's (REST `leverage`, or `tradeOrder.leverage` over RPC), else the open position's, else the
 *   account's `config.leverage`, else 1; a whole number from 1 to the instrument's maximum.
 * - `positionId` names an open position of the account on the instrument to reduce: the order must be on the other
 *   side and no larger than the position. POSITION_RATIO / POSITION_PERCENTAGE is a share of that position (or, with
 *   no positionId, of the position the order would reduce), rounded down to the lot: a close when it is 1 / 100.
 *   Such orders are reduce-only and reserve nothing.
 * - What an order reserves (in the settle asset): the initial margin of the part that increases exposure
 *   (value ÷ leverage at the limit price, the stop price, or the book's price × (1 + buffer) for MARKET orders) plus
 *   the taker fee on the whole order. It must fit in what the account's margin makes available, together with the
 *   extra margin a higher leverage requirement puts on an open CROSS position; else MARGIN_INSUFFICIENT (14002).
 */
import { DomainError } from '../errors.ts';
import { quoted } from '../bounded-text.ts';
import { Dec, ZERO, floorTo, str, type Dec as D } from '../model/decimal.ts';
import type { InstrumentSpec } from '../model/instrument.ts';
import type { BookSnapshot } from '../model/market-data.ts';
import type { OrderDerivativeTerms } from '../model/order.ts';
import type { MarginModeValue, PositionModeValue, PositionSideValue } from '../model/position.ts';
import { preTradeCheck, type PreTradeOk } from '../orders/pre-trade.ts';
import type { OrderDraft } from '../orders/order-draft.ts';
import { contractValue, quotient, type ContractMath } from '../positions/position-math.ts';
import { derivativeTerms } from '../positions/position-records.ts';

/** An open position of the account on the instrument, as the check needs it. */
export interface OpenPositionView {
  positionId: string;
  instrumentId: string;
  side: PositionSideValue;
  quantity: D;
  leverage: number;
  marginMode: MarginModeValue;
  status: 'OPEN' | 'CLOSED';
}

export interface DerivativePreTradeInput {
  draft: OrderDraft;
  spec: InstrumentSpec;
  /** The platform's status of the instrument. */
  status: string;
  book?: BookSnapshot;
  buffer: D;
  positionMode: PositionModeValue;
  /** The account's margin mode for new positions. */
  marginMode: MarginModeValue;
  /** The order's leverage (unchecked client input), and the account's default. */
  leverage?: unknown;
  defaultLeverage?: number;
  /** The position the client named by positionId (undefined: none named, or not found). */
  positionId?: string;
  named?: OpenPositionView;
  /** The open positions of the account on the instrument: NETTING the net one; HEDGE one per side. */
  open: Partial<Record<PositionSideValue, OpenPositionView>>;
  /** What the account's margin in the settle asset makes available (margin/margin-math.ts). */
  available: D;
  /** The instrument's mark price, when known (values the open position for a leverage change). */
  mark?: D;
}

export type DerivativePreTradeResult = (PreTradeOk & { derivative: OrderDerivativeTerms; positionId?: string }) | { ok: false; error: DomainError };

const no = (name: ConstructorParameters<typeof DomainError>[0], message: string): DerivativePreTradeResult => ({ ok: false, error: new DomainError(name, message) });

/** Balances the shape check sees: large enough that only the shape decides (margin is checked here). */
const UNBOUNDED = new Dec('1e30');

const opposite = (side: PositionSideValue): PositionSideValue => (side === 'LONG' ? 'SHORT' : 'LONG');

export function derivativePreTrade(input: DerivativePreTradeInput): DerivativePreTradeResult {
  const { draft, spec } = input;
  const contract = spec.contract;
  if (!contract) throw new Error(`${spec.instrumentId} is not a derivative`);
  const math: ContractMath = { contractSize: new Dec(contract.contractSize), inverse: contract.inverse === true };
  const own: PositionSideValue = draft.side === 'BUY' ? 'LONG' : 'SHORT';
  if (draft.quantityType === 'QUOTE') return no('QUANTITY_TYPE_NOT_SUPPORTED', `${spec.instrumentId} trades in contracts: give a BASE quantity`);

  // The position the order reduces, if it reduces one.
  let reduces: OpenPositionView | undefined;
  if (input.positionId !== undefined) {
    const p = input.named;
    if (!p || p.status !== 'OPEN') return no('POSITION_NOT_FOUND', `position ${quoted(input.positionId)} is not an open position of the trading account`);
    if (p.instrumentId !== spec.instrumentId) return no('INVALID_ORDER_PARAMETERS', `position ${p.positionId} is on ${p.instrumentId}, not ${spec.instrumentId}`);
    if (p.side === own) return no('INVALID_ORDER_PARAMETERS', `a ${draft.side} order cannot reduce a ${p.side} position: use ${draft.side === 'BUY' ? 'SELL' : 'BUY'}`);
    reduces = p;
  }
  const byShare = draft.quantityType === 'POSITION_RATIO' || draft.quantityType === 'POSITION_PERCENTAGE';
  if (byShare && !reduces) {
    reduces = input.open[opposite(own)];
    if (!reduces) return no('POSITION_NOT_FOUND', `no open ${opposite(own)} position on ${spec.instrumentId} for a ${draft.quantityType} ${draft.side} order to reduce`);
  }
  let quantity = draft.quantity;
  if (byShare) {
    const share = draft.quantityType === 'POSITION_RATIO' ? draft.quantity : draft.quantity.div(100);
    quantity = share.eq(1) ? reduces!.quantity : floorTo(reduces!.quantity.mul(share), new Dec(spec.lotSize));
    if (!quantity.gt(0)) return no('QUANTITY_OUT_OF_RANGE', `the share of the position amounts to less than one lot (${spec.lotSize})`);
  }
  if (input.positionId !== undefined && quantity.gt(reduces!.quantity)) {
    return no('INVALID_ORDER_PARAMETERS', `quantity ${str(quantity)} is more than the ${str(reduces!.quantity)} position ${reduces!.positionId} holds`);
  }

  const shape = preTradeCheck({ draft: { ...draft, quantityType: 'BASE', quantity }, spec, status: input.status, ...(input.book ? { book: input.book } : {}), freeBase: UNBOUNDED, freeQuote: UNBOUNDED, buffer: input.buffer });
  if (!shape.ok) return shape;
  quantity = shape.quantity;

  // Leverage: the order's, else the open position's, else the account's.
  const current = input.open[own] ?? (input.positionMode === 'NETTING' ? input.open[opposite(own)] : undefined);
  const maxLeverage = contract.maxLeverage ?? 100;
  const leverage = input.leverage ?? current?.leverage ?? input.defaultLeverage ?? 1;
  if (typeof leverage !== 'number' || !Number.isInteger(leverage) || leverage < 1 || leverage > maxLeverage) {
    return no('INVALID_ORDER_PARAMETERS', `leverage must be a whole number from 1 to ${maxLeverage} on ${spec.instrumentId}, got ${quoted(String(leverage))}`);
  }
  const marginMode = current?.marginMode ?? input.marginMode;
  const reduceOnly = reduces !== undefined;
  const terms = derivativeTerms(spec);
  const derivative: OrderDerivativeTerms = {
    instrumentType: spec.instrumentType === 'FUTURES' || spec.instrumentType === 'OPTION' ? spec.instrumentType : 'PERPETUAL',
    contractSize: terms.contractSize,
    settleAsset: terms.settleAsset,
    maintenanceMarginRate: terms.maintenanceMarginRate!,
    priceDecimals: terms.priceDecimals,
    amountDecimals: terms.amountDecimals,
    leverage,
    marginMode,
    positionMode: input.positionMode,
    ...(terms.inverse ? { inverse: true } : {}),
    ...(reduceOnly ? { reduceOnly: true } : {}),
  };
  const ok = (lockAmount: D): DerivativePreTradeResult => ({
    ok: true, quantityType: 'BASE', quantity, lockAsset: contract.settleAsset, lockAmount, derivative,
    ...(reduces ? { positionId: reduces.positionId } : {}),
  });
  if (reduceOnly) return ok(ZERO);

  // What the order reserves: margin for what it adds, the taker fee on all of it.
  const against = input.positionMode === 'NETTING' ? input.open[opposite(own)] : undefined;
  const opening = against ? Dec.max(quantity.sub(against.quantity), ZERO) : quantity;
  const price = referencePrice(draft, input.book, input.mark);
  if (!price) return no('NO_LIQUIDITY', `no price on ${spec.instrumentId} to margin a MARKET order; retry, or give a limit price`);
  const estimate = draft.limitPrice ? price : price.mul(input.buffer.add(1));
  const margin = quotient(contractValue(math, opening, estimate), leverage);
  const fee = contractValue(math, quantity, estimate).mul(spec.takerFee);
  const lock = margin.add(fee).toDecimalPlaces(derivative.amountDecimals, Dec.ROUND_UP);
  // A higher leverage requirement on the open CROSS position this order adds to (it takes the order's leverage).
  let extra = ZERO;
  const grows = input.open[own];
  if (grows && grows.marginMode === 'CROSS' && opening.gt(0) && leverage < grows.leverage) {
    const value = contractValue(math, grows.quantity, input.mark ?? price);
    extra = quotient(value, leverage).sub(quotient(value, grows.leverage));
  }
  if (input.available.lt(lock.add(extra))) {
    const needs = extra.gt(0) ? `${str(lock)} ${contract.settleAsset} of initial margin and fees (and ${str(extra.toDecimalPlaces(derivative.amountDecimals, Dec.ROUND_UP))} more for the position's new leverage)` : `${str(lock)} ${contract.settleAsset} of initial margin and fees`;
    return no('MARGIN_INSUFFICIENT', `insufficient margin: the order needs ${needs} at ${leverage}×, available ${str(Dec.max(input.available, ZERO).toDecimalPlaces(derivative.amountDecimals, Dec.ROUND_DOWN))}`);
  }
  return ok(lock);
}

/** Limit price, else stop price, else the touch the order would take, else the mark. */
function referencePrice(draft: OrderDraft, book: BookSnapshot | undefined, mark: D | undefined): D | undefined {
  if (draft.limitPrice) return draft.limitPrice;
  if (draft.stopPrice) return draft.stopPrice;
  const touch = draft.side === 'BUY' ? book?.asks[0]?.price : book?.bids[0]?.price;
  return touch !== undefined ? new Dec(touch) : mark;
}
