/**
 * @module venue-fakes/binance/fake-trading
 * The fake Binance's trading state behind its signed endpoints: accounts (fake-account.ts), orders, order lists
 * (fake-order-lists.ts) and their reports to the account's user data subscriptions. The transport
 * (fake-binance-server.ts) has checked the signature and the timestamp; this answers the request, or throws the
 * `BinanceRefusal` Binance would send.
 */
import { fixtureObject } from './fixtures.ts';
import { BinanceRefusal, FakeAccount, FakeDecimal, cancelOrder, execute, placeOrder, type FakeOrder, type FakeSymbol, type Ids } from './fake-account.ts';
import { FakeOrderLists } from './fake-order-lists.ts';

export interface SignedAnswer {
  body: unknown;
  /** Request weight Binance counts for it. */
  weight: number;
  headers?: Record<string, string>;
}

type Top = (symbol: string) => { bestBid?: string; bestAsk?: string };
type EmitUser = (apiKey: string, event: Record<string, unknown>) => void;

const LIST_PATHS: Record<string, 'oco' | 'oto' | 'otoco'> = { '/api/v3/orderList/oco': 'oco', '/api/v3/orderList/oto': 'oto', '/api/v3/orderList/otoco': 'otoco' };

export class FakeTrading {
  readonly accounts = new Map<string, FakeAccount>();
  readonly lists: FakeOrderLists;
  private readonly orderRejections: Array<{ code: number; msg: string }> = [];
  private orderCount = 0;

  constructor(
    private readonly symbols: Map<string, FakeSymbol>,
    private readonly ids: Ids,
    private readonly top: Top,
    private readonly emitUser: EmitUser,
  ) {
    this.lists = new FakeOrderLists(ids);
  }

  /** The signed routes this state answers. */
  static serves(method: string, path: string): boolean {
    return (path === '/api/v3/order' && ['POST', 'GET', 'DELETE'].includes(method)) || (method === 'GET' && (path === '/api/v3/account' || path === '/api/v3/myTrades')) || (method === 'POST' && path in LIST_PATHS);
  }

  openAccount(apiKey: string, balances: Record<string, string>): void {
    this.accounts.set(apiKey, new FakeAccount(apiKey, balances));
  }

  account(apiKey: string): FakeAccount {
    const a = this.accounts.get(apiKey);
    if (!a) throw new Error(`no account for key ${apiKey}`);
    return a;
  }

  /** The next new order (or order list) is refused with this `{code,msg}`. */
  rejectNextOrder(code: number, msg: string): void {
    this.orderRejections.push({ code, msg });
  }

  /** Fills (part of) a resting order as the maker, at its limit price (a list's stop leg: at its trigger). */
  fillResting(apiKey: string, clientOrderId: string, qty?: string): void {
    const account = this.account(apiKey);
    const order = account.byClientId(clientOrderId);
    if (!order) throw new Error(`no order ${clientOrderId}`);
    const symbol = this.symbols.get(order.symbol)!;
    const q = new FakeDecimal(qty ?? new FakeDecimal(order.origQty).minus(order.executedQty).toFixed());
    const emit = (ev: Record<string, unknown>) => this.emitUser(apiKey, ev);
    if (this.lists.listOf(order)) return this.lists.fill(account, symbol, order, q, emit);
    const release = order.side === 'BUY' ? q.mul(order.price) : q;
    execute(account, symbol, order, q, new FakeDecimal(order.price), release, true, this.ids, emit);
  }

  /** Cancels a resting order on Binance's side (a list's leg: the whole list). */
  cancelResting(apiKey: string, clientOrderId: string): void {
    const account = this.account(apiKey);
    const order = account.byClientId(clientOrderId);
    if (!order) throw new Error(`no order ${clientOrderId}`);
    this.cancel(account, order, `web_${this.ids.nextOrderId()}`, (ev) => this.emitUser(apiKey, ev));
  }

  /** A signed request whose signature and timestamp the transport has checked. */
  answer(method: string, path: string, p: URLSearchParams, apiKey: string): SignedAnswer {
    const account = this.account(apiKey);
    const emit = (ev: Record<string, unknown>) => this.emitUser(apiKey, ev);
    if (method === 'GET' && path === '/api/v3/account') {
      const rows = account.balanceRows().filter((b) => p.get('omitZeroBalances') !== 'true' || !new FakeDecimal(b.free).isZero() || !new FakeDecimal(b.locked).isZero());
      return { weight: 20, body: { ...fixtureObject('account'), updateTime: this.ids.now(), balances: rows } };
    }
    const symbol = this.symbols.get(p.get('symbol') ?? '');
    if (!symbol) throw new BinanceRefusal(400, -1121, 'Invalid symbol.');
    const kind = LIST_PATHS[path];
    if (kind) {
      const rejection = this.orderRejections.shift();
      if (rejection) throw new BinanceRefusal(400, rejection.code, rejection.msg);
      const body = this.lists.place(kind, p, account, symbol, this.top(symbol.symbol), emit);
      this.orderCount += kind === 'oco' ? 2 : kind === 'oto' ? 2 : 3;
      return { weight: 1, body, headers: this.orderCountHeaders() };
    }
    if (path === '/api/v3/myTrades') return { weight: 5, body: this.myTrades(account, symbol, p) };
    if (method === 'POST') {
      const rejection = this.orderRejections.shift();
      if (rejection) throw new BinanceRefusal(400, rejection.code, rejection.msg);
      const get = (k: string) => (p.get(k) ? { [k]: p.get(k)! } : {});
      const { order, fills } = placeOrder(
        account,
        { symbol, side: p.get('side') ?? '', type: p.get('type') ?? '', ...get('timeInForce'), ...get('quantity'), ...get('quoteOrderQty'), ...get('price'), ...get('stopPrice'), ...get('newClientOrderId') },
        this.top(symbol.symbol),
        this.ids,
        emit,
      );
      this.orderCount += 1;
      return { weight: 1, body: { ...orderBody(order), transactTime: order.time, workingTime: order.time, selfTradePreventionMode: 'NONE', fills }, headers: this.orderCountHeaders() };
    }
    const find = () => {
      const id = p.get('orderId');
      const o = id ? account.orders.get(Number(id)) : account.byClientId(p.get('origClientOrderId') ?? '');
      if (o && p.get('origClientOrderId') && o.clientOrderId !== p.get('origClientOrderId')) return undefined;
      return o;
    };
    if (method === 'DELETE') {
      const order = find();
      if (!order) throw new BinanceRefusal(400, -2011, 'Unknown order sent.');
      const cancelId = p.get('newClientOrderId') ?? `cancel${this.ids.nextOrderId()}`;
      this.cancel(account, order, cancelId, emit);
      return { weight: 1, body: { ...orderBody(order), origClientOrderId: order.clientOrderId, clientOrderId: cancelId, transactTime: this.ids.now(), selfTradePreventionMode: 'NONE' } };
    }
    const order = find();
    if (!order) throw new BinanceRefusal(400, -2013, 'Order does not exist.');
    return {
      weight: 4,
      body: { ...orderBody(order), stopPrice: order.stopPrice, icebergQty: '0.00000000', time: order.time, updateTime: order.updateTime, isWorking: order.status !== 'PENDING_NEW', workingTime: order.status === 'PENDING_NEW' ? -1 : order.time, origQuoteOrderQty: '0.000000', selfTradePreventionMode: 'NONE' },
    };
  }

  private cancel(account: FakeAccount, order: FakeOrder, cancelId: string, emit: (ev: Record<string, unknown>) => void): void {
    const symbol = this.symbols.get(order.symbol)!;
    if (this.lists.listOf(order)) this.lists.cancel(account, symbol, order, cancelId, emit);
    else cancelOrder(account, symbol, order, cancelId, this.ids, emit);
  }

  private myTrades(account: FakeAccount, symbol: FakeSymbol, p: URLSearchParams): unknown[] {
    if (!p.get('orderId')) throw new BinanceRefusal(400, -1102, "fake Binance serves myTrades only with 'orderId'");
    const order = account.orders.get(Number(p.get('orderId')));
    // "If fromId is set, it will get trades >= that fromId. Otherwise most recent trades are returned." Default 500, max 1000.
    const limit = Math.min(1000, Number(p.get('limit') ?? 500));
    const fromId = p.get('fromId');
    const all = [...(order?.trades ?? [])].sort((a, b) => a.tradeId - b.tradeId);
    const page = fromId !== null ? all.filter((t) => t.tradeId >= Number(fromId)).slice(0, limit) : all.slice(-limit);
    return page.map((t) => ({
      symbol: symbol.symbol,
      id: t.tradeId,
      orderId: order!.orderId,
      orderListId: order!.orderListId ?? -1,
      price: t.price,
      qty: t.qty,
      quoteQty: new FakeDecimal(t.qty).mul(t.price).toFixed(8),
      commission: t.commission,
      commissionAsset: t.commissionAsset,
      time: t.time,
      isBuyer: order!.side === 'BUY',
      isMaker: t.isMaker,
      isBestMatch: true,
    }));
  }

  private orderCountHeaders(): Record<string, string> {
    return { 'x-mbx-order-count-10s': String(this.orderCount), 'x-mbx-order-count-1d': String(this.orderCount) };
  }
}

function orderBody(o: FakeOrder) {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: o.orderListId ?? -1,
    clientOrderId: o.clientOrderId,
    price: o.price,
    origQty: o.origQty,
    executedQty: o.executedQty,
    origQuoteOrderQty: '0.000000',
    cummulativeQuoteQty: o.cummulativeQuoteQty,
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
  };
}
