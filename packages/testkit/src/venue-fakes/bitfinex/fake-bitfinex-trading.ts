/**
 * @module venue-fakes/bitfinex/fake-bitfinex-trading
 * The fake Bitfinex's trading state: the accounts by API key (fake-bitfinex-account.ts), the authenticated REST
 * endpoints on them (wallets, order submit and cancel, orders, order history, order trades), exchange orders matched
 * at the market's touch with balances reserved and settled (maker 0.1 %, taker 0.2 %), fills and cancels made on
 * Bitfinex's side, and each change pushed on the account's channel 0 (`on`, `ou`, `oc`, `te`, `tu`, `wu`).
 */
import { Decimal } from 'decimal.js';
import { FakeBitfinexAccount, fixtureArray, type FakeBfxOrder, type FakeBfxTrade } from './fake-bitfinex-account.ts';
import type { FakeBitfinexMarket, TradeIds } from './fake-bitfinex-market.ts';

/** Writes an HTTP answer (the transport's). */
export interface Answer {
  json(body: unknown, status?: number): void;
  /** `["error", code, msg]`, HTTP 500 unless told. */
  error(code: number, msg: string, status?: number): void;
}

export class FakeBitfinexTrading {
  readonly accounts = new Map<string, FakeBitfinexAccount>();
  private readonly refusals: Array<{ code: number; msg: string }> = [];
  private nextOrderId = 50_000_000;

  constructor(
    private readonly market: FakeBitfinexMarket,
    private readonly ids: TradeIds,
    /** Sends a channel-0 message to the account's authenticated sockets. */
    private readonly pushAuth: (acct: FakeBitfinexAccount, type: string, data: unknown) => void,
  ) {}

  refuseNextOrder(code: number, msg: string): void {
    this.refusals.push({ code, msg });
  }

  fillResting(apiKey: string, cid: number, qty?: string): void {
    const acct = this.accounts.get(apiKey)!;
    const o = acct.byCid(cid);
    if (!o || !(o.status.startsWith('ACTIVE') || o.status.startsWith('PARTIALLY'))) throw new Error(`no resting order with cid ${cid}`);
    this.execute(acct, o, new Decimal(qty ?? o.amount.abs()), o.price, true);
  }

  cancelResting(apiKey: string, cid: number): void {
    const acct = this.accounts.get(apiKey)!;
    const o = acct.byCid(cid);
    if (!o) throw new Error(`no order with cid ${cid}`);
    this.cancel(acct, o);
  }

  /** An authenticated request of an account (`family`: the endpoint, order trades by any order as one). */
  privateRequest(acct: FakeBitfinexAccount, family: string, path: string, b: Record<string, unknown>, answer: Answer): void {
    switch (family) {
      case 'auth/r/wallets':
        return answer.json(acct.wallets());
      case 'auth/w/order/submit':
        return this.submit(acct, b, answer);
      case 'auth/w/order/cancel': {
        const o = typeof b.id === 'number' ? acct.orders.get(b.id) : typeof b.cid === 'number' ? acct.byCid(b.cid) : undefined;
        if (!o || !(o.status.startsWith('ACTIVE') || o.status.startsWith('PARTIALLY'))) return answer.error(10001, 'Order not found.');
        const note = [...fixtureArray('notification-cancel')];
        note[0] = Date.now();
        note[4] = acct.orderArray(o);
        note[7] = `Submitted for cancellation; waiting for confirmation (ID: ${o.id}).`;
        answer.json(note);
        this.cancel(acct, o);
        return;
      }
      case 'auth/r/orders': {
        const ids = Array.isArray(b.id) ? (b.id as number[]) : undefined;
        return answer.json([...acct.orders.values()].filter((o) => (o.status.startsWith('ACTIVE') || o.status.startsWith('PARTIALLY')) && (!ids || ids.includes(o.id))).map((o) => acct.orderArray(o)));
      }
      case 'auth/r/orders/hist': {
        const ids = Array.isArray(b.id) ? (b.id as number[]) : undefined;
        return answer.json([...acct.orders.values()].filter((o) => !(o.status.startsWith('ACTIVE') || o.status.startsWith('PARTIALLY')) && (!ids || ids.includes(o.id))).reverse().map((o) => acct.orderArray(o)));
      }
      case 'auth/r/order/trades': {
        const m = /^auth\/r\/order\/(t[^:]+(?::[^:]+)?):(\d+)\/trades$/.exec(path);
        if (!m) return answer.error(10020, 'symbol: invalid');
        return answer.json(acct.trades.filter((t) => t.symbol === m[1] && t.orderId === Number(m[2])).map((t) => acct.tradeArray(t, true)));
      }
      default:
        return answer.error(10020, 'unknown endpoint', 404);
    }
  }

  private submit(acct: FakeBitfinexAccount, b: Record<string, unknown>, answer: Answer): void {
    const refusal = this.refusals.shift();
    if (refusal) return answer.error(refusal.code, refusal.msg);
    const symbol = String(b.symbol ?? '');
    const pair = this.market.pairs.get(symbol.slice(1));
    if (!pair) return answer.error(10001, 'symbol: invalid');
    const type = String(b.type ?? '');
    if (!['EXCHANGE LIMIT', 'EXCHANGE MARKET', 'EXCHANGE IOC', 'EXCHANGE FOK', 'EXCHANGE STOP', 'EXCHANGE STOP LIMIT', 'EXCHANGE TRAILING STOP'].includes(type)) return answer.error(10001, 'Invalid order: type');
    if (typeof b.amount !== 'string' || !/^-?\d+(\.\d+)?$/.test(b.amount)) return answer.error(10001, 'Invalid order: amount');
    if (typeof b.cid !== 'number' || !Number.isSafeInteger(b.cid)) return answer.error(10001, 'Invalid order: cid');
    const amount = new Decimal(b.amount);
    if (amount.abs().lt(pair.minSize)) return answer.error(10001, `Invalid order: minimum size for ${pair.base}/${pair.quote} is ${pair.minSize}`);
    const price = new Decimal(typeof b.price === 'string' ? b.price : '0');
    const buy = amount.gt(0);
    const book = this.market.book(symbol);
    const touch = buy ? book.best('ask') : book.best('bid');
    const execPrice = type === 'EXCHANGE MARKET' ? new Decimal(touch ?? '0') : price;
    const need = buy ? amount.times(execPrice) : amount.abs();
    const ccy = buy ? pair.quote : pair.base;
    if (acct.available(ccy).lt(need)) return answer.error(10001, `Invalid order: not enough exchange balance for ${amount.abs().toFixed()} ${pair.pair} at ${execPrice.toFixed()}`);
    const now = Date.now();
    const o: FakeBfxOrder = {
      id: this.nextOrderId++, cid: b.cid, cidDate: new Date(now).toISOString().slice(0, 10), symbol, amountOrig: amount, amount, type, price, flags: typeof b.flags === 'number' ? b.flags : 0,
      status: 'ACTIVE', created: now, updated: now,
    };
    const crosses = type !== 'EXCHANGE STOP' && touch !== undefined && (type === 'EXCHANGE MARKET' || (buy ? price.gte(touch) : price.lte(touch)));
    if ((o.flags & 4096) !== 0 && crosses) {
      o.status = 'POSTONLY CANCELED';
    } else if (type !== 'EXCHANGE MARKET') acct.add(acct.reserved, ccy, need);
    acct.orders.set(o.id, o);
    const note = [...fixtureArray('notification-submit')];
    note[0] = now;
    note[4] = [acct.orderArray(o)];
    answer.json(note);
    this.pushAuth(acct, o.status === 'ACTIVE' ? 'on' : 'oc', acct.orderArray(o));
    if (o.status !== 'ACTIVE') return;
    if (crosses) this.execute(acct, o, amount.abs(), new Decimal(touch!), false);
    else if (type === 'EXCHANGE IOC' || type === 'EXCHANGE FOK') this.cancel(acct, o, `${type === 'EXCHANGE IOC' ? 'IOC' : 'FOK'} CANCELED`);
  }

  private execute(acct: FakeBitfinexAccount, o: FakeBfxOrder, qty: Decimal, price: Decimal, maker: boolean): void {
    const pair = this.market.pairs.get(o.symbol.slice(1))!;
    const buy = o.amountOrig.gt(0);
    const notional = qty.times(price);
    if (o.type !== 'EXCHANGE MARKET') acct.add(acct.reserved, buy ? pair.quote : pair.base, buy ? qty.times(o.price).neg() : qty.neg());
    const feeCcy = buy ? pair.base : pair.quote;
    const fee = (buy ? qty : notional).times(maker ? '0.001' : '0.002').toDecimalPlaces(8, Decimal.ROUND_DOWN);
    if (buy) {
      acct.add(acct.balance, pair.quote, notional.neg());
      acct.add(acct.balance, pair.base, qty.minus(fee));
    } else {
      acct.add(acct.balance, pair.base, qty.neg());
      acct.add(acct.balance, pair.quote, notional.minus(fee));
    }
    o.amount = buy ? o.amount.minus(qty) : o.amount.plus(qty);
    o.updated = Date.now();
    const filled = o.amountOrig.abs().minus(o.amount.abs());
    o.status = o.amount.isZero() ? `EXECUTED @ ${price.toFixed()}(${o.amountOrig.isNeg() ? '-' : ''}${filled.toFixed()})` : `PARTIALLY FILLED @ ${price.toFixed()}(${o.amountOrig.isNeg() ? '-' : ''}${filled.toFixed()})`;
    const t: FakeBfxTrade = { id: this.ids.nextTradeId++, symbol: o.symbol, time: o.updated, orderId: o.id, execAmount: buy ? qty : qty.neg(), price, orderType: o.type, orderPrice: o.price, maker, fee, feeCcy, cid: o.cid };
    acct.trades.push(t);
    this.pushAuth(acct, 'te', acct.tradeArray(t, false));
    this.pushAuth(acct, o.amount.isZero() ? 'oc' : 'ou', acct.orderArray(o));
    this.pushAuth(acct, 'tu', acct.tradeArray(t, true));
    for (const c of [pair.base, pair.quote]) this.pushAuth(acct, 'wu', acct.walletArray(c));
  }

  private cancel(acct: FakeBitfinexAccount, o: FakeBfxOrder, status?: string): void {
    const pair = this.market.pairs.get(o.symbol.slice(1))!;
    const buy = o.amountOrig.gt(0);
    if (o.type !== 'EXCHANGE MARKET') acct.add(acct.reserved, buy ? pair.quote : pair.base, buy ? o.amount.times(o.price).neg() : o.amount.abs().neg());
    o.status = status ?? (o.status.startsWith('PARTIALLY') ? `CANCELED was: ${o.status}` : 'CANCELED');
    o.updated = Date.now();
    this.pushAuth(acct, 'oc', acct.orderArray(o));
    for (const c of [pair.base, pair.quote]) this.pushAuth(acct, 'wu', acct.walletArray(c));
  }
}
