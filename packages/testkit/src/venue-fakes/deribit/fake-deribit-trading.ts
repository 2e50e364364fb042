/**
 * @module venue-fakes/deribit/fake-deribit-trading
 * The fake Deribit's trading state: the accounts by client id (fake-deribit-account.ts), the private methods on them
 * (`private/buy|sell|cancel`, order state by id and by label, trades by order, account summaries, positions), orders
 * matched against the market's book (its levels are the market's, not consumed), fills and cancels made on Deribit's
 * side, and each change announced on the account's `user.changes` and `user.portfolio` channels.
 */
import { Decimal } from 'decimal.js';
import { FakeDeribitAccount, type FakeDeribitOrder, type FakeDeribitTrade } from './fake-deribit-account.ts';
import type { FakeDeribitMarket, TradeIds } from './fake-deribit-market.ts';
import { ERR, Refusal, decimalParam, type RpcError } from './fake-deribit-protocol.ts';

const TAKER_FEE = new Decimal('0.0005');

export class FakeDeribitTrading {
  readonly accounts = new Map<string, FakeDeribitAccount>();
  private readonly refusals: RpcError[] = [];
  private nextOrderId = 8_000_000_000;

  constructor(
    private readonly market: FakeDeribitMarket,
    private readonly ids: TradeIds,
    /** Sends to the connections authenticated as `clientId` that subscribed the channel. */
    private readonly notify: (clientId: string, channel: string, data: unknown) => void,
  ) {}

  /** The next buy or sell is refused with this error. */
  refuseNextOrder(rpc: RpcError): void {
    this.refusals.push(rpc);
  }

  /** Fills a resting order (in full, or `amount` of it, in Deribit's units) as maker at its price. */
  fillResting(clientId: string, label: string, amount?: string): void {
    const acct = this.accounts.get(clientId)!;
    const o = acct.byLabel(label).find((x) => x.state === 'open');
    if (!o || !o.price) throw new Error(`no resting order labelled ${label}`);
    const t = this.trade(acct, o, o.price, new Decimal(amount ?? o.amount.minus(o.filled)), 'M');
    this.announce(acct, o, [t]);
  }

  cancelResting(clientId: string, label: string): void {
    const acct = this.accounts.get(clientId)!;
    const o = acct.byLabel(label).find((x) => x.state === 'open');
    if (!o) throw new Error(`no resting order labelled ${label}`);
    o.state = 'cancelled';
    o.cancelReason = 'user_request';
    o.updated = Date.now();
    this.announce(acct, o, []);
  }

  /** The private methods of an authenticated account. */
  privateMethod(acct: FakeDeribitAccount, method: string, p: Record<string, unknown>): unknown {
    switch (method) {
      case 'private/buy':
      case 'private/sell':
        return this.place(acct, method === 'private/buy' ? 'buy' : 'sell', p);
      case 'private/cancel': {
        const o = acct.orders.get(String(p.order_id ?? ''));
        if (!o) throw new Refusal(ERR.notFound);
        if (o.state !== 'open') throw new Refusal(ERR.notOpen);
        o.state = 'cancelled';
        o.cancelReason = 'user_request';
        o.updated = Date.now();
        this.announce(acct, o, []);
        return acct.orderRow(o);
      }
      case 'private/get_order_state': {
        const o = acct.orders.get(String(p.order_id ?? ''));
        if (!o) throw new Refusal(ERR.notFound);
        return acct.orderRow(o);
      }
      case 'private/get_order_state_by_label': {
        const currency = String(p.currency ?? '');
        return acct.byLabel(String(p.label ?? '')).filter((o) => this.market.instruments.get(o.instrument)?.settlement === currency).map((o) => acct.orderRow(o));
      }
      case 'private/get_user_trades_by_order': {
        const rows = acct.trades.filter((t) => t.orderId === String(p.order_id ?? ''));
        return (p.sorting === 'desc' ? [...rows].reverse() : rows).map((t) => acct.tradeRow(t));
      }
      case 'private/get_account_summaries':
        return { id: 1, email: 'fake@example.com', system_name: acct.clientId, type: 'main', summaries: [...acct.equity.keys()].map((ccy) => acct.summaryRow(ccy, (n) => this.settlementOf(n))) };
      case 'private/get_positions':
        return [...acct.positions.values()].filter((x) => p.currency === undefined || this.market.instruments.get(x.instrument)?.settlement === p.currency).map((x) => acct.positionRow(x, this.market.instruments.get(x.instrument)!.inverse));
      default:
        throw new Refusal(ERR.method);
    }
  }

  private settlementOf(name: string): { ccy: string; inverse: boolean } {
    const i = this.market.instruments.get(name);
    return { ccy: i?.settlement ?? '', inverse: i?.inverse ?? false };
  }

  private place(acct: FakeDeribitAccount, direction: 'buy' | 'sell', p: Record<string, unknown>): unknown {
    const refusal = this.refusals.shift();
    if (refusal) throw new Refusal(refusal);
    const inst = this.market.instruments.get(String(p.instrument_name ?? ''));
    if (!inst) throw new Refusal(ERR.params('instrument_name', 'instrument not found'));
    const amount = decimalParam(p.amount, 'amount');
    if (amount.lte(0) || !amount.mod(inst.minTradeAmount).isZero()) throw new Refusal(ERR.params('amount', `must be a multiple of ${inst.minTradeAmount}`));
    const label = p.label === undefined ? '' : String(p.label);
    if (label.length > 64) throw new Refusal(ERR.params('label', 'too long'));
    const type = p.type === undefined ? 'limit' : String(p.type);
    if (type !== 'limit' && type !== 'market') throw new Refusal(ERR.params('type', 'unsupported by the fake'));
    const price = type === 'limit' ? decimalParam(p.price, 'price') : undefined;
    if (price && !price.mod(inst.tickSize).isZero()) throw new Refusal(ERR.params('price', `must be a multiple of the tick size ${inst.tickSize}`));
    const tif = p.time_in_force === undefined ? 'good_til_cancelled' : String(p.time_in_force);
    if (!['good_til_cancelled', 'immediate_or_cancel', 'fill_or_kill', 'good_til_day'].includes(tif)) throw new Refusal(ERR.params('time_in_force', 'unknown'));
    const now = Date.now();
    const o: FakeDeribitOrder = {
      orderId: `${inst.base}-${this.nextOrderId++}`, label, instrument: inst.name, direction, orderType: type, price, amount, filled: new Decimal(0), cost: new Decimal(0),
      state: 'open', timeInForce: tif, postOnly: p.post_only === true, reduceOnly: p.reduce_only === true, created: now, updated: now,
    };
    // Marketable quantity against the book (levels are not consumed: the book is the market's, not ours).
    const opposite = this.market.book(inst.name).top(direction === 'buy' ? 'ask' : 'bid', 1000).filter(([px]) => !price || (direction === 'buy' ? price.gte(px) : price.lte(px)));
    const available = opposite.reduce((s, [, q]) => s.plus(q), new Decimal(0));
    if (o.postOnly && opposite.length > 0) {
      o.state = 'rejected';
      o.cancelReason = 'post_only_reject';
    } else if (tif === 'fill_or_kill' && available.lt(amount)) {
      o.state = 'cancelled';
      o.cancelReason = 'fill_or_kill';
    }
    acct.orders.set(o.orderId, o);
    const trades: FakeDeribitTrade[] = [];
    if (o.state === 'open') {
      for (const [px, q] of opposite) {
        const rest = o.amount.minus(o.filled);
        if (rest.lte(0)) break;
        trades.push(this.trade(acct, o, new Decimal(px), Decimal.min(rest, q), 'T'));
      }
      if (o.state === 'open' && (type === 'market' || tif !== 'good_til_cancelled')) {
        o.state = 'cancelled';
        o.cancelReason = type === 'market' ? 'market_remainder' : 'immediate_or_cancel';
      }
    }
    this.announce(acct, o, trades);
    return { order: acct.orderRow(o), trades: trades.map((t) => acct.tradeRow(t)) };
  }

  private trade(acct: FakeDeribitAccount, o: FakeDeribitOrder, price: Decimal, amount: Decimal, liquidity: 'M' | 'T'): FakeDeribitTrade {
    const inst = this.market.instruments.get(o.instrument)!;
    const value = inst.inverse ? amount.div(price) : amount.mul(price);
    const fee = liquidity === 'M' ? new Decimal(0) : value.mul(TAKER_FEE).toDecimalPlaces(8);
    const t: FakeDeribitTrade = {
      tradeId: String(this.ids.nextTradeId++), tradeSeq: this.ids.nextTradeSeq++, orderId: o.orderId, instrument: o.instrument, direction: o.direction, orderType: o.orderType,
      price, amount, fee, feeCurrency: inst.settlement, liquidity, timestamp: Date.now(),
    };
    acct.book(o, t, inst.kind);
    return t;
  }

  /** `user.changes` (the order, its new trades, the position) and `user.portfolio` to the account's connections. */
  private announce(acct: FakeDeribitAccount, o: FakeDeribitOrder, trades: FakeDeribitTrade[]): void {
    const inst = this.market.instruments.get(o.instrument)!;
    const position = acct.positions.get(o.instrument);
    const data = {
      instrument_name: o.instrument,
      orders: [acct.orderRow(o)],
      trades: trades.map((t) => acct.tradeRow(t)),
      positions: position ? [acct.positionRow(position, inst.inverse)] : [],
    };
    for (const ch of [`user.changes.any.any.raw`, `user.changes.${inst.kind}.${inst.settlement}.raw`, `user.changes.${o.instrument}.raw`, 'user.changes.any.any.100ms']) this.notify(acct.clientId, ch, data);
    const summary = acct.summaryRow(inst.settlement, (n) => this.settlementOf(n));
    for (const ch of ['user.portfolio.any', `user.portfolio.${inst.settlement.toLowerCase()}`]) this.notify(acct.clientId, ch, summary);
  }
}
