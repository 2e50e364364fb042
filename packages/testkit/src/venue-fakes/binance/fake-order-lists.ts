/**
 * @module venue-fakes/binance/fake-order-lists
 * Binance's order lists in the fake: `POST /api/v3/orderList/oco`, `/oto` and `/otoco` checked as the docs describe
 * them, then run as Binance runs them.
 *
 * Checked: the mandatory parameters of each leg's type (`-1102`), none a type does not take (`-1106`), the types a
 * list allows — an OCO pair is one of LIMIT_MAKER/TAKE_PROFIT/TAKE_PROFIT_LIMIT and one of STOP_LOSS/STOP_LOSS_LIMIT,
 * an OTO/OTOCO's working order LIMIT or LIMIT_MAKER (`-1014` otherwise) — and the prices of an OCO pair against the
 * reference price (the last trade Binance would use; here the middle of the book, or the working price for an
 * OTOCO's pending pair): SELL take-profit above and stop below, BUY the other way (`-2010` "The relationship of the
 * prices for the orders is not correct."). Prices on the tick, quantities on the step (`-1013`).
 *
 * Run: an OCO's legs both work and share one lock; when one trades the other EXPIRES. An OTO/OTOCO's working order
 * works alone and its pending legs wait (PENDING_NEW) until it is filled, then work (NEW). Cancelling any leg cancels
 * the list. Every leg's reports carry the list id (`g`); the list's own changes go out as `listStatus` events.
 */
import { BinanceRefusal, FakeDecimal as D, executionReport, accountPosition, execute, type FakeAccount, type FakeOrder, type FakeSymbol, type Ids } from './fake-account.ts';

type Emit = (event: Record<string, unknown>) => void;
type Dec = InstanceType<typeof D>;

export interface FakeOrderList {
  orderListId: number;
  listClientOrderId: string;
  contingencyType: 'OCO' | 'OTO' | 'OTOCO';
  symbol: string;
  working?: FakeOrder;
  /** Legs waiting for the working order (OTO: one; OTOCO: the pair). */
  pending: FakeOrder[];
  /** The pair that cancels itself: an OCO's legs, an OTOCO's pending legs once they work. */
  pair: FakeOrder[];
  /** What the working legs hold, released once. */
  lock: { asset: string; amount: Dec };
  status: 'EXECUTING' | 'ALL_DONE';
}

const PROFIT = ['LIMIT_MAKER', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'];
const STOP = ['STOP_LOSS', 'STOP_LOSS_LIMIT'];
const TAKES: Record<string, { price: boolean; stop: boolean; tif: boolean }> = {
  LIMIT: { price: true, stop: false, tif: true },
  LIMIT_MAKER: { price: true, stop: false, tif: false },
  MARKET: { price: false, stop: false, tif: false },
  STOP_LOSS: { price: false, stop: true, tif: false },
  TAKE_PROFIT: { price: false, stop: true, tif: false },
  STOP_LOSS_LIMIT: { price: true, stop: true, tif: true },
  TAKE_PROFIT_LIMIT: { price: true, stop: true, tif: true },
};

const missing = (name: string) => new BinanceRefusal(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
const notRequired = (name: string) => new BinanceRefusal(400, -1106, `Parameter '${name}' sent when not required.`);
const combination = () => new BinanceRefusal(400, -1014, 'Unsupported order combination.');
const relationship = () => new BinanceRefusal(400, -2010, 'The relationship of the prices for the orders is not correct.');

interface LegTerms {
  type: string;
  side: 'BUY' | 'SELL';
  quantity: string;
  price?: string;
  stopPrice?: string;
  timeInForce?: string;
  clientOrderId?: string;
}

function mandatory(p: URLSearchParams, name: string): string {
  const v = p.get(name);
  if (!v) throw missing(name);
  return v;
}

function sideOf(p: URLSearchParams, name: string): 'BUY' | 'SELL' {
  const v = mandatory(p, name);
  if (v !== 'BUY' && v !== 'SELL') throw new BinanceRefusal(400, -1117, 'Invalid side.');
  return v;
}

/** One leg's terms under `prefix` (`above`, `working`, `pendingBelow`, …), checked against what its type takes. */
function readLeg(p: URLSearchParams, prefix: string, side: 'BUY' | 'SELL', quantity: string, allowed: readonly string[], symbol: FakeSymbol): LegTerms {
  const type = mandatory(p, `${prefix}Type`);
  if (!TAKES[type]) throw new BinanceRefusal(400, -1116, 'Invalid orderType.');
  if (!allowed.includes(type)) throw combination();
  const takes = TAKES[type]!;
  const price = p.get(`${prefix}Price`) ?? undefined;
  const stopPrice = p.get(`${prefix}StopPrice`) ?? undefined;
  const timeInForce = p.get(`${prefix}TimeInForce`) ?? undefined;
  for (const [value, wanted, name] of [[price, takes.price, 'Price'], [stopPrice, takes.stop, 'StopPrice'], [timeInForce, takes.tif, 'TimeInForce']] as const) {
    if (wanted && !value) throw missing(`${prefix}${name}`);
    if (!wanted && value) throw notRequired(`${prefix}${name}`);
  }
  const tick = new D(symbol.tickSize);
  for (const v of [price, stopPrice]) if (v !== undefined && (!(Number(v) > 0) || !new D(v).mod(tick).isZero())) throw new BinanceRefusal(400, -1013, 'Filter failure: PRICE_FILTER');
  if (timeInForce !== undefined && !['GTC', 'IOC', 'FOK'].includes(timeInForce)) throw new BinanceRefusal(400, -1115, 'Invalid timeInForce.');
  const clientOrderId = p.get(`${prefix}ClientOrderId`) ?? undefined;
  return { type, side, quantity, ...(price ? { price } : {}), ...(stopPrice ? { stopPrice } : {}), ...(timeInForce ? { timeInForce } : {}), ...(clientOrderId ? { clientOrderId } : {}) };
}

function checkQuantity(quantity: string, symbol: FakeSymbol): void {
  const q = new D(quantity);
  if (!(Number(quantity) > 0) || q.lessThan(symbol.minQty) || !q.mod(new D(symbol.stepSize)).isZero()) throw new BinanceRefusal(400, -1013, 'Filter failure: LOT_SIZE');
}

/** The price that places a leg above or below the market: a limit's price, a stop's trigger. */
const placedAt = (leg: LegTerms): Dec => new D(leg.type === 'LIMIT_MAKER' ? leg.price! : leg.stopPrice!);

/** An OCO pair: one take-profit and one stop-loss, on the right sides of `reference`. */
function checkPair(side: 'BUY' | 'SELL', above: LegTerms, below: LegTerms, reference: Dec | undefined): void {
  const profit = PROFIT.includes(above.type) ? above : PROFIT.includes(below.type) ? below : undefined;
  const stop = STOP.includes(above.type) ? above : STOP.includes(below.type) ? below : undefined;
  if (!profit || !stop || profit === stop) throw combination();
  if (side === 'SELL' ? profit !== above : profit !== below) throw relationship();
  if (reference === undefined) return;
  const ok = side === 'SELL' ? placedAt(profit).gt(reference) && placedAt(stop).lt(reference) : placedAt(profit).lt(reference) && placedAt(stop).gt(reference);
  if (!ok) throw relationship();
}

export class FakeOrderLists {
  private nextListId = 1;
  private readonly lists = new Map<number, FakeOrderList>();

  constructor(private readonly ids: Ids) {}

  /** The list an order is a leg of. */
  listOf(order: FakeOrder): FakeOrderList | undefined {
    return order.orderListId === undefined ? undefined : this.lists.get(order.orderListId);
  }

  /** Checks and places a list (`kind` from the path); answers Binance's list answer. */
  place(kind: 'oco' | 'oto' | 'otoco', p: URLSearchParams, account: FakeAccount, symbol: FakeSymbol, top: { bestBid?: string; bestAsk?: string }, emit: Emit): Record<string, unknown> {
    const mid = top.bestBid && top.bestAsk ? new D(top.bestBid).plus(top.bestAsk).div(2) : undefined;
    let working: LegTerms | undefined;
    let pending: LegTerms[] = [];
    let pair: LegTerms[] = [];
    if (kind === 'oco') {
      const side = sideOf(p, 'side');
      const quantity = mandatory(p, 'quantity');
      checkQuantity(quantity, symbol);
      const above = readLeg(p, 'above', side, quantity, [...PROFIT, ...STOP], symbol);
      const below = readLeg(p, 'below', side, quantity, [...PROFIT, ...STOP], symbol);
      checkPair(side, above, below, mid);
      pair = [above, below];
    } else {
      const workingSide = sideOf(p, 'workingSide');
      const workingQuantity = mandatory(p, 'workingQuantity');
      checkQuantity(workingQuantity, symbol);
      if (!p.get('workingPrice')) throw missing('workingPrice');
      working = readLeg(p, 'working', workingSide, workingQuantity, ['LIMIT', 'LIMIT_MAKER'], symbol);
      const pendingSide = sideOf(p, 'pendingSide');
      const pendingQuantity = mandatory(p, 'pendingQuantity');
      checkQuantity(pendingQuantity, symbol);
      if (kind === 'oto') {
        pending = [readLeg(p, 'pending', pendingSide, pendingQuantity, Object.keys(TAKES), symbol)];
      } else {
        const above = readLeg(p, 'pendingAbove', pendingSide, pendingQuantity, [...PROFIT, ...STOP], symbol);
        const below = readLeg(p, 'pendingBelow', pendingSide, pendingQuantity, [...PROFIT, ...STOP], symbol);
        checkPair(pendingSide, above, below, new D(working.price!));
        pending = [above, below];
      }
      if (working.type === 'LIMIT_MAKER') {
        const opposite = workingSide === 'BUY' ? top.bestAsk : top.bestBid;
        if (opposite && (workingSide === 'BUY' ? new D(working.price!).gte(opposite) : new D(working.price!).lte(opposite))) throw new BinanceRefusal(400, -2010, 'Order would immediately match and take.');
      }
    }
    const listClientOrderId = p.get('listClientOrderId') ?? `list${this.nextListId}`;
    for (const l of this.lists.values()) if (l.listClientOrderId === listClientOrderId && l.status === 'EXECUTING') throw new BinanceRefusal(400, -2010, 'Duplicate order sent.');
    const clientIds = [working, ...pair, ...pending].flatMap((l) => (l?.clientOrderId ? [l.clientOrderId] : []));
    for (const o of account.orders.values()) if (clientIds.includes(o.clientOrderId) && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED' || o.status === 'PENDING_NEW')) throw new BinanceRefusal(400, -2010, 'Duplicate order sent.');

    // One lock for what works now: the pair shares it (a SELL's base; a BUY's quote at its highest price).
    const lock = lockFor(working ? [working] : pair, symbol);
    const funds = account.balance(lock.asset);
    if (funds.free.lessThan(lock.amount)) throw new BinanceRefusal(400, -2010, 'Account has insufficient balance for requested action.');
    funds.free = funds.free.minus(lock.amount);
    funds.locked = funds.locked.plus(lock.amount);

    const now = this.ids.now();
    const list: FakeOrderList = { orderListId: this.nextListId++, listClientOrderId, contingencyType: kind.toUpperCase() as FakeOrderList['contingencyType'], symbol: symbol.symbol, pending: [], pair: [], lock, status: 'EXECUTING' };
    const make = (leg: LegTerms, status: FakeOrder['status']): FakeOrder => {
      const o: FakeOrder = {
        symbol: symbol.symbol,
        orderId: this.ids.nextOrderId(),
        clientOrderId: leg.clientOrderId ?? `fake${this.ids.nextOrderId()}`,
        side: leg.side,
        type: leg.type,
        timeInForce: leg.timeInForce ?? 'GTC',
        price: new D(leg.price ?? 0).toFixed(8),
        stopPrice: new D(leg.stopPrice ?? 0).toFixed(8),
        origQty: new D(leg.quantity).toFixed(8),
        executedQty: '0.00000000',
        cummulativeQuoteQty: '0.00000000',
        status,
        time: now,
        updateTime: now,
        trades: [],
        orderListId: list.orderListId,
      };
      account.orders.set(o.orderId, o);
      return o;
    };
    if (working) {
      list.working = make(working, 'NEW');
      list.pending = pending.map((l) => make(l, 'PENDING_NEW'));
    } else {
      list.pair = pair.map((l) => make(l, 'NEW'));
    }
    this.lists.set(list.orderListId, list);
    const legs = [list.working, ...list.pair, ...list.pending].filter((o): o is FakeOrder => o !== undefined);
    emit(listStatus(list, legs, 'EXEC_STARTED', now));
    for (const o of legs) emit(executionReport(o, 'NEW', now));
    emit(accountPosition(account, [symbol.base, symbol.quote], now));
    return {
      orderListId: list.orderListId,
      contingencyType: list.contingencyType,
      listStatusType: 'EXEC_STARTED',
      listOrderStatus: 'EXECUTING',
      listClientOrderId,
      transactionTime: now,
      symbol: symbol.symbol,
      orders: legs.map((o) => ({ symbol: o.symbol, orderId: o.orderId, clientOrderId: o.clientOrderId })),
      orderReports: legs.map((o) => ({
        symbol: o.symbol, orderId: o.orderId, orderListId: list.orderListId, clientOrderId: o.clientOrderId, transactTime: now, price: o.price, origQty: o.origQty,
        executedQty: o.executedQty, origQuoteOrderQty: '0.00000000', cummulativeQuoteQty: o.cummulativeQuoteQty, status: o.status, timeInForce: o.timeInForce,
        type: o.type, side: o.side, ...(new D(o.stopPrice).isZero() ? {} : { stopPrice: o.stopPrice }), workingTime: o.status === 'PENDING_NEW' ? -1 : now, selfTradePreventionMode: 'NONE',
      })),
    };
  }

  /** Fills (part of) a working leg at its price — a stop at its trigger — and runs the list on. */
  fill(account: FakeAccount, symbol: FakeSymbol, order: FakeOrder, qty: Dec, emit: Emit): void {
    const list = this.listOf(order)!;
    if (order.status !== 'NEW' && order.status !== 'PARTIALLY_FILLED') throw new Error(`leg ${order.clientOrderId} is not working (${order.status})`);
    const price = new D(new D(order.price).isZero() ? order.stopPrice : order.price);
    // The list's lock pays for the fill; what the fill does not use is released once the leg is done.
    const spent = order.side === 'BUY' ? qty.mul(price) : qty;
    const willFinish = new D(order.executedQty).plus(qty).gte(order.origQty);
    const release = willFinish ? list.lock.amount : spent;
    list.lock.amount = list.lock.amount.minus(release);
    execute(account, symbol, order, qty, price, release, true, this.ids, emit);
    const now = this.ids.now();
    const filled = (order.status as FakeOrder['status']) === 'FILLED';
    if (list.pair.includes(order)) {
      // One of the pair traded: the other expires (sharing the lock, it releases nothing more).
      for (const other of list.pair) if (other !== order && other.status === 'NEW') this.end(other, 'EXPIRED', now, emit);
      if (filled) this.done(list, now, emit);
      return;
    }
    if (order === list.working && filled) {
      // The pending legs work now, on what the working order bought or sold.
      const legs = list.pending;
      const lock = lockFor(legs.map((o) => ({ type: o.type, side: o.side, quantity: o.origQty, price: o.price, stopPrice: o.stopPrice })), symbol);
      const funds = account.balance(lock.asset);
      const amount = D.min(lock.amount, funds.free);
      funds.free = funds.free.minus(amount);
      funds.locked = funds.locked.plus(amount);
      list.lock = { asset: lock.asset, amount };
      for (const o of legs) {
        o.status = 'NEW';
        o.updateTime = now;
        emit(executionReport(o, 'NEW', now));
      }
      if (list.contingencyType === 'OTOCO') list.pair = legs;
      list.pending = [];
      emit(accountPosition(account, [symbol.base, symbol.quote], now));
      return;
    }
    if (filled) this.done(list, now, emit);
  }

  /** Cancelling a leg cancels the list: every leg still open ends CANCELED, the lock comes back. */
  cancel(account: FakeAccount, symbol: FakeSymbol, order: FakeOrder, cancelClientId: string, emit: Emit): void {
    const list = this.listOf(order)!;
    if (list.status !== 'EXECUTING' || !['NEW', 'PARTIALLY_FILLED', 'PENDING_NEW'].includes(order.status)) throw new BinanceRefusal(400, -2011, 'Unknown order sent.');
    const now = this.ids.now();
    const funds = account.balance(list.lock.asset);
    funds.locked = funds.locked.minus(list.lock.amount);
    funds.free = funds.free.plus(list.lock.amount);
    list.lock.amount = new D(0);
    for (const o of [list.working, ...list.pair, ...list.pending]) {
      if (!o || !['NEW', 'PARTIALLY_FILLED', 'PENDING_NEW'].includes(o.status)) continue;
      o.status = 'CANCELED';
      o.updateTime = now;
      emit(executionReport(o, 'CANCELED', now, o === order ? { cancelClientId } : {}));
    }
    this.done(list, now, emit);
    emit(accountPosition(account, [symbol.base, symbol.quote], now));
  }

  private end(o: FakeOrder, status: 'EXPIRED', now: number, emit: Emit): void {
    o.status = status;
    o.updateTime = now;
    emit(executionReport(o, 'EXPIRED', now));
  }

  private done(list: FakeOrderList, now: number, emit: Emit): void {
    list.status = 'ALL_DONE';
    const legs = [list.working, ...list.pair, ...list.pending].filter((o): o is FakeOrder => o !== undefined);
    emit(listStatus(list, legs, 'ALL_DONE', now));
  }
}

/** What the legs that work at once hold: a SELL's quantity of base; a BUY's quantity at its highest price in quote. */
function lockFor(legs: Array<{ side: string; quantity: string; price?: string; stopPrice?: string }>, symbol: FakeSymbol): { asset: string; amount: Dec } {
  const leg = legs[0]!;
  if (leg.side === 'SELL') return { asset: symbol.base, amount: new D(leg.quantity) };
  const prices = legs.flatMap((l) => [l.price, l.stopPrice]).filter((v): v is string => v !== undefined && !new D(v).isZero());
  return { asset: symbol.quote, amount: new D(leg.quantity).mul(D.max(...prices.map((v) => new D(v)))) };
}

function listStatus(list: FakeOrderList, legs: FakeOrder[], type: 'EXEC_STARTED' | 'ALL_DONE', now: number): Record<string, unknown> {
  return {
    e: 'listStatus',
    E: now,
    s: list.symbol,
    g: list.orderListId,
    c: list.contingencyType,
    l: type,
    L: type === 'ALL_DONE' ? 'ALL_DONE' : 'EXECUTING',
    r: 'NONE',
    C: list.listClientOrderId,
    T: now,
    O: legs.map((o) => ({ s: o.symbol, i: o.orderId, c: o.clientOrderId })),
  };
}
