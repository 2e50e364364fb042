/**
 * @module venue-fakes/okx/fake-okx-trading
 * The fake OKX's trading state: the accounts by API key (fake-okx-account.ts), the private REST endpoints on them
 * (place and cancel an order, an order, fills, balance), orders matched at the market's touch with balances frozen
 * and settled as OKX does for spot cash accounts, fills and cancels made on OKX's side, and each change pushed on the
 * account's `orders` and `account` channels.
 */
import { Decimal } from 'decimal.js';
import { FEE_RATE, FakeOkxAccount, type FakeOkxFill, type FakeOkxOrder } from './fake-okx-account.ts';
import type { FakeOkxInstrument, FakeOkxMarket, TradeIds } from './fake-okx-market.ts';

/** Answers an HTTP request (the transport writes it). */
export type Reply = (status: number, body: unknown) => void;

export class FakeOkxTrading {
  readonly accounts = new Map<string, FakeOkxAccount>();
  private readonly refusals: Array<{ sCode: string; sMsg: string }> = [];
  private nextOrdId = 600_000_000_000_000_000n;

  constructor(
    private readonly market: FakeOkxMarket,
    private readonly ids: TradeIds,
    /** Sends to the account's logged-in private sockets subscribed to `channel`. */
    private readonly push: (acct: FakeOkxAccount, channel: 'orders' | 'account', frame: string) => void,
  ) {}

  /** The next new order is refused per item with this sCode/sMsg. */
  refuseNextOrder(sCode: string, sMsg: string): void {
    this.refusals.push({ sCode, sMsg });
  }

  /** Fills a resting order (in full, or `qty`) as maker at its price, pushed to logged-in sockets only. */
  fillResting(apiKey: string, clOrdId: string, qty?: string): void {
    const acct = this.accounts.get(apiKey)!;
    const o = acct.byClOrdId(clOrdId);
    if (!o || (o.state !== 'live' && o.state !== 'partially_filled')) throw new Error(`no resting order ${clOrdId}`);
    const rest = new Decimal(o.sz).minus(o.accFillSz);
    this.fill(acct, o, new Decimal(qty ?? rest), new Decimal(o.px), 'M');
  }

  cancelResting(apiKey: string, clOrdId: string): void {
    const acct = this.accounts.get(apiKey)!;
    const o = acct.byClOrdId(clOrdId);
    if (!o) throw new Error(`no order ${clOrdId}`);
    this.cancel(acct, o, '1');
  }

  /** A signed request of an account to a private endpoint (`METHOD /path`). */
  privateRequest(acct: FakeOkxAccount, endpoint: string, url: URL, body: Record<string, unknown> | undefined, reply: Reply): void {
    switch (endpoint) {
      case 'POST /api/v5/trade/order':
        return this.placeOrder(acct, body ?? {}, reply);
      case 'POST /api/v5/trade/cancel-order': {
        const o = this.findOrder(acct, body?.ordId, body?.clOrdId);
        if (!o) return reply(200, { code: '1', msg: 'All operations failed', data: [{ ordId: '', clOrdId: String(body?.clOrdId ?? ''), sCode: '51400', sMsg: 'Cancellation failed as the order has been filled, canceled or does not exist.' }] });
        if (o.state !== 'live' && o.state !== 'partially_filled') return reply(200, { code: '1', msg: 'All operations failed', data: [{ ordId: o.ordId, clOrdId: o.clOrdId, sCode: '51401', sMsg: 'Cancellation failed as the order has been canceled.' }] });
        this.cancel(acct, o, '1');
        return reply(200, { code: '0', msg: '', data: [{ ordId: o.ordId, clOrdId: o.clOrdId, sCode: '0', sMsg: '' }] });
      }
      case 'GET /api/v5/trade/order': {
        const o = this.findOrder(acct, url.searchParams.get('ordId'), url.searchParams.get('clOrdId'));
        if (!o) return reply(200, { code: '51603', msg: 'Order does not exist', data: [] });
        return reply(200, { code: '0', msg: '', data: [acct.orderRow(o)] });
      }
      case 'GET /api/v5/trade/fills': {
        const ordId = url.searchParams.get('ordId');
        const after = url.searchParams.get('after');
        const limit = Number(url.searchParams.get('limit') ?? 100);
        const rows = acct.fills.filter((f) => (!ordId || f.ordId === ordId) && (!after || BigInt(f.billId) < BigInt(after))).reverse().slice(0, limit);
        return reply(200, { code: '0', msg: '', data: rows.map((f) => acct.fillRow(f)) });
      }
      case 'GET /api/v5/account/balance':
        return reply(200, { code: '0', msg: '', data: [acct.balanceRow(Date.now())] });
      default:
        return reply(404, { code: '50000', msg: 'not found', data: [] });
    }
  }

  private findOrder(acct: FakeOkxAccount, ordId: unknown, clOrdId: unknown): FakeOkxOrder | undefined {
    if (typeof ordId === 'string' && ordId) return acct.orders.get(ordId);
    if (typeof clOrdId === 'string' && clOrdId) return acct.byClOrdId(clOrdId);
    return undefined;
  }

  private placeOrder(acct: FakeOkxAccount, b: Record<string, unknown>, reply: Reply): void {
    const s = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : '');
    const fail = (sCode: string, sMsg: string) => reply(200, { code: '1', msg: 'All operations failed', data: [{ ordId: '', clOrdId: s('clOrdId'), tag: '', ts: String(Date.now()), sCode, sMsg }] });
    const refusal = this.refusals.shift();
    if (refusal) return fail(refusal.sCode, refusal.sMsg);
    const inst = this.market.instruments.get(s('instId'));
    if (!inst) return fail('51001', "Instrument ID doesn't exist");
    if (s('tdMode') !== 'cash') return fail('51000', 'Parameter tdMode error');
    const side = s('side');
    if (side !== 'buy' && side !== 'sell') return fail('51000', 'Parameter side error');
    if (!/^[A-Za-z0-9]{1,32}$/.test(s('clOrdId'))) return fail('51000', 'Parameter clOrdId error');
    if (acct.byClOrdId(s('clOrdId'))) return fail('51016', 'Duplicated client order ID');
    const ordType = s('ordType');
    if (!['market', 'limit', 'post_only', 'ioc', 'fok'].includes(ordType)) return fail('51000', 'Parameter ordType error');
    const sz = s('sz');
    if (!/^\d+(\.\d+)?$/.test(sz) || new Decimal(sz).lt(inst.minSz)) return fail('51020', 'Your order should meet or exceed the minimum order amount.');
    const book = this.market.book(inst.instId);
    const now = Date.now();
    const o: FakeOkxOrder = {
      instId: inst.instId, ordId: String(this.nextOrdId++), clOrdId: s('clOrdId'), side, ordType, px: s('px'), sz, tgtCcy: s('tgtCcy') || 'base_ccy',
      state: 'live', accFillSz: new Decimal(0), cost: new Decimal(0), cTime: now, uTime: now, cancelSource: '',
    };
    const touch = side === 'buy' ? book.best('ask') : book.best('bid');
    if (ordType === 'market') {
      if (!touch) return fail('51008', 'Order failed. No liquidity.');
      const qty = o.tgtCcy === 'quote_ccy' ? new Decimal(sz).div(touch).toDecimalPlaces(8, Decimal.ROUND_DOWN) : new Decimal(sz);
      if (!this.affordable(acct, inst, side, qty, new Decimal(touch))) return fail('51008', `Order failed. Insufficient ${side === 'buy' ? inst.quote : inst.base} balance in account.`);
      o.sz = qty.toFixed();
      acct.orders.set(o.ordId, o);
      reply(200, { code: '0', msg: '', data: [{ ordId: o.ordId, clOrdId: o.clOrdId, tag: '', ts: String(now), sCode: '0', sMsg: 'Order placed' }] });
      this.pushOrder(acct, o);
      this.fill(acct, o, qty, new Decimal(touch), 'T');
      return;
    }
    if (!/^\d+(\.\d+)?$/.test(o.px)) return fail('51000', 'Parameter px error');
    const px = new Decimal(o.px);
    if (!px.mod(inst.tickSz).isZero()) return fail('51006', 'Order price is not within the price limit');
    const crosses = touch !== undefined && (side === 'buy' ? px.gte(touch) : px.lte(touch));
    if (ordType === 'post_only' && crosses) return fail('51015', 'Post only order would take liquidity');
    if (!this.affordable(acct, inst, side, new Decimal(sz), px)) return fail('51008', `Order failed. Insufficient ${side === 'buy' ? inst.quote : inst.base} balance in account.`);
    acct.orders.set(o.ordId, o);
    this.freeze(acct, inst, side, new Decimal(sz), px);
    reply(200, { code: '0', msg: '', data: [{ ordId: o.ordId, clOrdId: o.clOrdId, tag: '', ts: String(now), sCode: '0', sMsg: 'Order placed' }] });
    this.pushOrder(acct, o);
    if (crosses) this.fill(acct, o, new Decimal(sz), new Decimal(touch!), 'T');
    else if (ordType === 'ioc' || ordType === 'fok') this.cancel(acct, o, '14');
  }

  private affordable(acct: FakeOkxAccount, inst: Required<FakeOkxInstrument>, side: string, qty: Decimal, px: Decimal): boolean {
    const need = side === 'buy' ? qty.times(px) : qty;
    return (acct.available.get(side === 'buy' ? inst.quote : inst.base) ?? new Decimal(0)).gte(need);
  }

  private freeze(acct: FakeOkxAccount, inst: Required<FakeOkxInstrument>, side: string, qty: Decimal, px: Decimal): void {
    const ccy = side === 'buy' ? inst.quote : inst.base;
    const v = side === 'buy' ? qty.times(px) : qty;
    acct.add(ccy, acct.available, v.neg());
    acct.add(ccy, acct.frozen, v);
  }

  private fill(acct: FakeOkxAccount, o: FakeOkxOrder, qty: Decimal, px: Decimal, execType: 'T' | 'M'): void {
    const inst = this.market.instruments.get(o.instId)!;
    const resting = o.ordType !== 'market' && !(o.accFillSz.isZero() && o.state === 'live' && execType === 'T' && false);
    const limitPx = o.ordType === 'market' ? px : new Decimal(o.px);
    const now = Date.now();
    // Release what was frozen for this quantity, then settle the trade.
    if (resting && o.ordType !== 'market') {
      const ccy = o.side === 'buy' ? inst.quote : inst.base;
      const v = o.side === 'buy' ? qty.times(limitPx) : qty;
      acct.add(ccy, acct.frozen, v.neg());
      acct.add(ccy, acct.available, v);
    }
    const notional = qty.times(px);
    const feeCcy = o.side === 'buy' ? inst.base : inst.quote;
    const fee = (o.side === 'buy' ? qty : notional).times(FEE_RATE).toDecimalPlaces(8, Decimal.ROUND_DOWN);
    if (o.side === 'buy') {
      acct.add(inst.quote, acct.available, notional.neg());
      acct.add(inst.base, acct.available, qty.minus(fee));
    } else {
      acct.add(inst.base, acct.available, qty.neg());
      acct.add(inst.quote, acct.available, notional.minus(fee));
    }
    o.accFillSz = o.accFillSz.plus(qty);
    o.cost = o.cost.plus(notional);
    o.state = o.accFillSz.gte(o.sz) ? 'filled' : 'partially_filled';
    o.uTime = now;
    const f: FakeOkxFill = {
      instId: o.instId, ordId: o.ordId, clOrdId: o.clOrdId, tradeId: String(this.ids.nextTradeId++), billId: String(this.nextOrdId++), side: o.side,
      fillPx: px.toFixed(), fillSz: qty.toFixed(), fee: fee.isZero() ? '0' : fee.neg().toFixed(), feeCcy, execType, ts: now,
    };
    acct.fills.push(f);
    this.pushOrder(acct, o, f);
    this.pushBalances(acct);
  }

  private cancel(acct: FakeOkxAccount, o: FakeOkxOrder, source: string): void {
    const inst = this.market.instruments.get(o.instId)!;
    const rest = new Decimal(o.sz).minus(o.accFillSz);
    if (o.ordType !== 'market' && rest.gt(0)) {
      const ccy = o.side === 'buy' ? inst.quote : inst.base;
      const v = o.side === 'buy' ? rest.times(o.px) : rest;
      acct.add(ccy, acct.frozen, v.neg());
      acct.add(ccy, acct.available, v);
    }
    o.state = 'canceled';
    o.cancelSource = source;
    o.uTime = Date.now();
    this.pushOrder(acct, o);
    this.pushBalances(acct);
  }

  private pushOrder(acct: FakeOkxAccount, o: FakeOkxOrder, fill?: FakeOkxFill): void {
    this.push(acct, 'orders', JSON.stringify({ arg: { channel: 'orders', instType: 'SPOT', uid: '1' }, data: [acct.orderRow(o, fill)] }));
  }

  private pushBalances(acct: FakeOkxAccount): void {
    this.push(acct, 'account', JSON.stringify({ arg: { channel: 'account', uid: '1' }, data: [acct.balanceRow(Date.now())] }));
  }
}
