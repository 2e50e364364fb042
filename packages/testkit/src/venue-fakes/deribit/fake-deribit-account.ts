/**
 * @module venue-fakes/deribit/fake-deribit-account
 * One API key's account on the fake Deribit: an equity per settlement currency, orders, the account's trades and
 * positions, changed the way Deribit documents — amounts in Deribit's units (USD for inverse futures and perpetuals,
 * the coin for linear ones and options), limit orders rest, marketable ones fill at once against the book, fees are
 * charged in the settlement currency, a position is a signed size with an average price. Rows are the documented
 * examples (fixtures/) with the account's values written over them.
 */
import { Decimal } from 'decimal.js';
import { loadFixture } from '../shared/fixtures.ts';

export interface FakeDeribitOrder {
  orderId: string;
  label: string;
  instrument: string;
  direction: 'buy' | 'sell';
  orderType: 'limit' | 'market';
  price: Decimal | undefined;
  amount: Decimal;
  filled: Decimal;
  /** Sum of price × amount of the fills (for the average price). */
  cost: Decimal;
  state: 'open' | 'filled' | 'cancelled' | 'rejected';
  timeInForce: string;
  postOnly: boolean;
  reduceOnly: boolean;
  cancelReason?: string;
  created: number;
  updated: number;
}

export interface FakeDeribitTrade {
  tradeId: string;
  tradeSeq: number;
  orderId: string;
  instrument: string;
  direction: 'buy' | 'sell';
  orderType: string;
  price: Decimal;
  amount: Decimal;
  fee: Decimal;
  feeCurrency: string;
  liquidity: 'M' | 'T';
  timestamp: number;
}

export interface FakeDeribitPosition {
  instrument: string;
  kind: 'future' | 'option';
  /** Signed, in Deribit's units. */
  size: Decimal;
  averagePrice: Decimal;
}

const DIR = new URL('./', import.meta.url);

export class FakeDeribitAccount {
  readonly equity = new Map<string, Decimal>();
  readonly orders = new Map<string, FakeDeribitOrder>();
  readonly trades: FakeDeribitTrade[] = [];
  readonly positions = new Map<string, FakeDeribitPosition>();

  constructor(
    readonly clientId: string,
    readonly secret: string,
    balances: Record<string, string>,
  ) {
    for (const [ccy, v] of Object.entries(balances)) this.equity.set(ccy, new Decimal(v));
  }

  byLabel(label: string): FakeDeribitOrder[] {
    return [...this.orders.values()].filter((o) => o.label === label);
  }

  /** Books a fill: the order's filled amount, the position, the fee off the equity. */
  book(o: FakeDeribitOrder, t: FakeDeribitTrade, kind: 'future' | 'option'): void {
    o.filled = o.filled.plus(t.amount);
    o.cost = o.cost.plus(t.price.mul(t.amount));
    o.updated = t.timestamp;
    if (o.filled.gte(o.amount)) o.state = 'filled';
    this.trades.push(t);
    this.equity.set(t.feeCurrency, (this.equity.get(t.feeCurrency) ?? new Decimal(0)).minus(t.fee));
    const p = this.positions.get(t.instrument) ?? { instrument: t.instrument, kind, size: new Decimal(0), averagePrice: new Decimal(0) };
    const signed = t.direction === 'buy' ? t.amount : t.amount.neg();
    const next = p.size.plus(signed);
    if (p.size.isZero() || p.size.isNegative() === signed.isNegative()) {
      p.averagePrice = p.averagePrice.mul(p.size.abs()).plus(t.price.mul(t.amount)).div(next.abs());
    } else if (!next.isZero() && next.isNegative() !== p.size.isNegative()) {
      p.averagePrice = t.price;
    }
    p.size = next;
    if (p.size.isZero()) p.averagePrice = new Decimal(0);
    this.positions.set(t.instrument, p);
  }

  orderRow(o: FakeDeribitOrder): Record<string, unknown> {
    const row: Record<string, unknown> = {
      ...loadFixture(DIR, 'order'),
      order_id: o.orderId,
      label: o.label,
      instrument_name: o.instrument,
      direction: o.direction,
      order_type: o.orderType,
      order_state: o.state,
      price: o.price ? o.price.toNumber() : 'market_price',
      amount: o.amount.toNumber(),
      max_show: o.amount.toNumber(),
      filled_amount: o.filled.toNumber(),
      average_price: o.filled.isZero() ? 0 : o.cost.div(o.filled).toNumber(),
      time_in_force: o.timeInForce,
      post_only: o.postOnly,
      reduce_only: o.reduceOnly,
      creation_timestamp: o.created,
      last_update_timestamp: o.updated,
    };
    if (o.cancelReason) row.cancel_reason = o.cancelReason;
    return row;
  }

  tradeRow(t: FakeDeribitTrade): Record<string, unknown> {
    return {
      ...loadFixture(DIR, 'user-trade'),
      trade_id: t.tradeId,
      trade_seq: t.tradeSeq,
      order_id: t.orderId,
      instrument_name: t.instrument,
      direction: t.direction,
      order_type: t.orderType,
      price: t.price.toNumber(),
      mark_price: t.price.toNumber(),
      index_price: t.price.toNumber(),
      amount: t.amount.toNumber(),
      fee: t.fee.toNumber(),
      fee_currency: t.feeCurrency,
      liquidity: t.liquidity,
      timestamp: t.timestamp,
    };
  }

  positionRow(p: FakeDeribitPosition, inverse: boolean): Record<string, unknown> {
    const sizeCurrency = inverse && !p.averagePrice.isZero() ? p.size.div(p.averagePrice) : p.size;
    return {
      ...loadFixture(DIR, 'position'),
      instrument_name: p.instrument,
      kind: p.kind,
      size: p.size.toNumber(),
      size_currency: sizeCurrency.toDecimalPlaces(9).toNumber(),
      direction: p.size.isZero() ? 'zero' : p.size.isNegative() ? 'sell' : 'buy',
      average_price: p.averagePrice.toDecimalPlaces(4).toNumber(),
      mark_price: p.averagePrice.toDecimalPlaces(4).toNumber(),
      delta: sizeCurrency.toDecimalPlaces(9).toNumber(),
      initial_margin: sizeCurrency.abs().mul('0.02').toDecimalPlaces(9).toNumber(),
      maintenance_margin: sizeCurrency.abs().mul('0.01').toDecimalPlaces(9).toNumber(),
      leverage: 50,
      estimated_liquidation_price: null,
    };
  }

  /** Initial margin held in `ccy`: 2 % of open positions and of the rest of open orders (50× leverage). */
  private margin(ccy: string, settlementOf: (instrument: string) => { ccy: string; inverse: boolean }): Decimal {
    let m = new Decimal(0);
    const value = (instrument: string, amount: Decimal, price: Decimal) => {
      const s = settlementOf(instrument);
      if (s.ccy !== ccy || price.isZero()) return new Decimal(0);
      return (s.inverse ? amount.div(price) : amount.mul(price)).abs().mul('0.02');
    };
    for (const p of this.positions.values()) m = m.plus(value(p.instrument, p.size, p.averagePrice));
    for (const o of this.orders.values()) if (o.state === 'open' && o.price) m = m.plus(value(o.instrument, o.amount.minus(o.filled), o.price));
    return m;
  }

  summaryRow(ccy: string, settlementOf: (instrument: string) => { ccy: string; inverse: boolean }): Record<string, unknown> {
    const equity = this.equity.get(ccy) ?? new Decimal(0);
    const margin = this.margin(ccy, settlementOf);
    const available = equity.minus(margin);
    return {
      ...loadFixture(DIR, 'account-summary'),
      currency: ccy,
      balance: equity.toNumber(),
      equity: equity.toNumber(),
      margin_balance: equity.toNumber(),
      available_funds: available.toDecimalPlaces(9).toNumber(),
      available_withdrawal_funds: available.toDecimalPlaces(9).toNumber(),
      initial_margin: margin.toDecimalPlaces(9).toNumber(),
      maintenance_margin: margin.div(2).toDecimalPlaces(9).toNumber(),
    };
  }
}
