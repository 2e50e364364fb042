/**
 * @module deribit/parse-account
 * Deribit API v2 payloads of the account's own business → port values: orders, the account's trades, account
 * summaries and positions (JSON-RPC results of the private methods and `user.*` notifications). Amounts stay in
 * Deribit's units here except a position's size, which is in contracts as everywhere in Cadenza (parse.ts).
 */
import type { VenuePosition } from '@cadenza/domain';
import { dec, isNegativeDecimal, isZeroDecimal, normalizeDecimal, str } from '@cadenza/domain';
import { int, isNumber, num, optNum } from '../kit/lossless-json.ts';
import { signedDecimal, toContracts, wire, type DeribitInstrument } from './parse.ts';

export type DeribitOrderState = 'open' | 'filled' | 'rejected' | 'cancelled' | 'untriggered' | 'triggered';

/** What the connector uses of an order (results of buy/sell/cancel/get_order_state, and `user.changes` orders). */
export interface DeribitOrder {
  orderId: string;
  label: string;
  instrument: string;
  state: DeribitOrderState;
  /** Filled amount in Deribit's units. */
  filledAmount: string;
  orderType: string;
  timeInForce: string;
  cancelReason?: string;
  updatedAt: number;
}

const STATES: readonly string[] = ['open', 'filled', 'rejected', 'cancelled', 'untriggered', 'triggered'];

export function parseOrder(raw: unknown): DeribitOrder {
  const o = wire.object(raw, 'order');
  const state = wire.str(o, 'order_state');
  if (!STATES.includes(state)) wire.fail('unknown order_state', state);
  const order: DeribitOrder = {
    orderId: wire.str(o, 'order_id'),
    label: wire.optStr(o, 'label') ?? '',
    instrument: wire.str(o, 'instrument_name'),
    state: state as DeribitOrderState,
    filledAmount: normalizeDecimal(optNum(o.filled_amount, 'filled_amount') ?? '0'),
    orderType: wire.optStr(o, 'order_type') ?? 'limit',
    timeInForce: wire.optStr(o, 'time_in_force') ?? 'good_til_cancelled',
    updatedAt: int(o.last_update_timestamp ?? o.creation_timestamp, 'last_update_timestamp'),
  };
  const reason = wire.optStr(o, 'cancel_reason');
  if (reason) order.cancelReason = reason;
  return order;
}

/** One of the account's trades (buy/sell results, `get_user_trades_by_order`, `user.changes`). */
export interface DeribitUserTrade {
  tradeId: string;
  orderId: string;
  instrument: string;
  price: string;
  /** In Deribit's units. */
  amount: string;
  fee: string;
  feeCurrency: string;
  liquidity: 'MAKER' | 'TAKER';
  timestamp: number;
}

export function parseUserTrade(raw: unknown): DeribitUserTrade {
  const o = wire.object(raw, 'trade');
  const fee = signedDecimal(optNum(o.fee, 'fee') ?? '0');
  return {
    tradeId: wire.str(o, 'trade_id'),
    orderId: wire.str(o, 'order_id'),
    instrument: wire.str(o, 'instrument_name'),
    price: normalizeDecimal(num(o.price, 'price')),
    amount: normalizeDecimal(num(o.amount, 'amount')),
    // Negative fees are maker rebates; the port's fee is what was charged.
    fee: isNegativeDecimal(fee) ? '0' : fee,
    feeCurrency: wire.str(o, 'fee_currency'),
    liquidity: wire.optStr(o, 'liquidity') === 'M' ? 'MAKER' : 'TAKER',
    timestamp: int(o.timestamp, 'timestamp'),
  };
}

/** An account summary (`get_account_summaries` item, `user.portfolio` notification): equity split as free + margin. */
export function parseSummary(raw: unknown): { asset: string; free: string; locked: string } {
  const o = wire.object(raw, 'account summary');
  const equity = dec(num(o.equity, 'equity'));
  const available = dec(num(o.available_funds, 'available_funds'));
  const free = available.isNegative() ? dec(0) : available;
  const locked = equity.minus(free);
  return { asset: wire.str(o, 'currency'), free: str(free), locked: str(locked.isNegative() ? dec(0) : locked) };
}

/**
 * One `get_positions` item (or a `user.changes` position) as the port's venue position: quantity in contracts,
 * unsigned, with the side; amounts in the settlement currency. Deribit's `direction` "zero" means no position.
 */
export type DeribitPosition = VenuePosition;

export function parsePosition(raw: unknown, instrument: (name: string) => DeribitInstrument | undefined): DeribitPosition | undefined {
  const o = wire.object(raw, 'position');
  const direction = wire.str(o, 'direction');
  if (direction !== 'buy' && direction !== 'sell' && direction !== 'zero') wire.fail('direction must be buy, sell or zero', direction);
  const name = wire.str(o, 'instrument_name');
  const inst = instrument(name);
  const size = signedDecimal(num(o.size, 'size')).replace(/^-/, '');
  if (direction === 'zero' || isZeroDecimal(size) || !inst) return undefined;
  const p: DeribitPosition = {
    symbol: name,
    side: direction === 'buy' ? 'LONG' : 'SHORT',
    quantity: toContracts(size, inst.contractSize),
    entryPrice: signedDecimal(optNum(o.average_price, 'average_price') ?? '0'),
    settleAsset: inst.settlementCurrency,
  };
  const opt = (k: string) => (isNumber(o[k]) ? signedDecimal(num(o[k], k)) : undefined);
  const set = <K extends keyof DeribitPosition>(k: K, v: DeribitPosition[K] | undefined) => {
    if (v !== undefined) p[k] = v;
  };
  set('markPrice', opt('mark_price'));
  set('unrealizedPnl', opt('floating_profit_loss'));
  set('realizedPnl', opt('realized_profit_loss'));
  set('initialMargin', opt('initial_margin'));
  set('maintenanceMargin', opt('maintenance_margin'));
  const liq = opt('estimated_liquidation_price');
  if (liq !== undefined && !isNegativeDecimal(liq) && !isZeroDecimal(liq)) p.liquidationPrice = liq;
  if (isNumber(o.leverage)) p.leverage = int(o.leverage, 'leverage');
  return p;
}

/** A `user.changes` notification's positions applied to the ones held: a changed position replaces, a closed one leaves. */
export function applyPositionChanges(held: Map<string, DeribitPosition>, changed: readonly unknown[], instrument: (name: string) => DeribitInstrument | undefined): void {
  for (const row of changed) {
    const name = wire.str(wire.object(row, 'position'), 'instrument_name');
    const p = parsePosition(row, instrument);
    if (p) held.set(name, p);
    else held.delete(name);
  }
}
