/**
 * @module venue-fakes/binance/fake-account
 * The trading side of the fake Binance: one account per API key, orders checked against the documented
 * filters and balances, matched against the fake's top of book, and reported the way Binance reports them
 * (FULL order answers, `executionReport` and `outboundAccountPosition` events). Deliberately small: a MARKET or
 * crossing LIMIT order fills completely at the best opposite price; everything else rests until a test calls
 * `fillResting`. Decimal arithmetic via decimal.js — never floats.
 */
import { Decimal } from 'decimal.js';

const D = Decimal.clone({ precision: 40, toExpNeg: -40, toExpPos: 40 });
type Dec = InstanceType<typeof D>;
const s = (d: Dec): string => d.toFixed(8);

export interface FakeSymbol {
  symbol: string;
  base: string;
  quote: string;
  tickSize: string;
  stepSize: string;
  minQty: string;
  minNotional: string;
}

export interface FakeOrder {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  side: 'BUY' | 'SELL';
  type: string;
  timeInForce: string;
  price: string;
  stopPrice: string;
  origQty: string;
  executedQty: string;
  cummulativeQuoteQty: string;
  /** PENDING_NEW: a leg of an order list waiting for its working order (fake-order-lists.ts). */
  status: 'NEW' | 'PENDING_NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED' | 'REJECTED';
  time: number;
  updateTime: number;
  /** Fills as `GET /api/v3/myTrades` reports them. */
  trades: Array<Fill & { isMaker: boolean; time: number }>;
  /** The order list it is a leg of. */
  orderListId?: number;
}

export interface Fill {
  price: string;
  qty: string;
  commission: string;
  commissionAsset: string;
  tradeId: number;
}

export class BinanceRefusal extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    msg: string,
  ) {
    super(msg);
  }
}

/** Emits user-data events for an account (wired to WebSocket API subscriptions by the server). */
export type AccountEventSink = (apiKey: string, event: Record<string, unknown>) => void;

export class FakeAccount {
  readonly balances = new Map<string, { free: Dec; locked: Dec }>();
  readonly orders = new Map<number, FakeOrder>();

  constructor(
    readonly apiKey: string,
    initial: Record<string, string>,
  ) {
    for (const [asset, amount] of Object.entries(initial)) this.balances.set(asset, { free: new D(amount), locked: new D(0) });
  }

  balance(asset: string): { free: Dec; locked: Dec } {
    let b = this.balances.get(asset);
    if (!b) {
      b = { free: new D(0), locked: new D(0) };
      this.balances.set(asset, b);
    }
    return b;
  }

  balanceRows(assets?: readonly string[]): Array<{ asset: string; free: string; locked: string }> {
    return [...this.balances.entries()]
      .filter(([a]) => !assets || assets.includes(a))
      .map(([asset, b]) => ({ asset, free: s(b.free), locked: s(b.locked) }));
  }

  byClientId(clientOrderId: string): FakeOrder | undefined {
    for (const o of this.orders.values()) if (o.clientOrderId === clientOrderId) return o;
    return undefined;
  }
}

export interface PlaceRequest {
  symbol: FakeSymbol;
  side: string;
  type: string;
  timeInForce?: string;
  quantity?: string;
  quoteOrderQty?: string;
  price?: string;
  stopPrice?: string;
  newClientOrderId?: string;
}

export interface Ids {
  nextOrderId(): number;
  nextTradeId(): number;
  now(): number;
}

function multipleOf(v: Dec, step: Dec): boolean {
  return step.isZero() || v.mod(step).isZero();
}

/** Validates and executes one new order; returns the order and its fills, emitting reports through `emit`. */
export function placeOrder(
  account: FakeAccount,
  req: PlaceRequest,
  top: { bestBid?: string; bestAsk?: string },
  ids: Ids,
  emit: (event: Record<string, unknown>) => void,
): { order: FakeOrder; fills: Fill[] } {
  const { symbol } = req;
  if (req.side !== 'BUY' && req.side !== 'SELL') throw new BinanceRefusal(400, -1117, 'Invalid side.');
  const side = req.side;
  const clientOrderId = req.newClientOrderId ?? `fake${ids.nextOrderId()}`;
  for (const o of account.orders.values()) {
    if (o.clientOrderId === clientOrderId && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED')) throw new BinanceRefusal(400, -2010, 'Duplicate order sent.');
  }
  const limitTypes = ['LIMIT', 'LIMIT_MAKER', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'];
  if (!['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'].includes(req.type)) throw new BinanceRefusal(400, -1116, 'Invalid orderType.');
  const step = new D(symbol.stepSize);
  const tick = new D(symbol.tickSize);
  if (limitTypes.includes(req.type)) {
    if (!req.price) throw new BinanceRefusal(400, -1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed.");
    if (!multipleOf(new D(req.price), tick)) throw new BinanceRefusal(400, -1013, 'Filter failure: PRICE_FILTER');
  }
  const bestAsk = top.bestAsk ? new D(top.bestAsk) : undefined;
  const bestBid = top.bestBid ? new D(top.bestBid) : undefined;
  const opposite = side === 'BUY' ? bestAsk : bestBid;
  let qty: Dec;
  if (req.type === 'MARKET' && req.quoteOrderQty) {
    if (!opposite) throw new BinanceRefusal(400, -2010, 'Order book liquidity is less than symbol minimum quantity.');
    qty = new D(req.quoteOrderQty).div(opposite).toDecimalPlaces(step.decimalPlaces(), Decimal.ROUND_DOWN);
  } else {
    if (!req.quantity) throw new BinanceRefusal(400, -1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.");
    qty = new D(req.quantity);
  }
  if (qty.lessThan(symbol.minQty) || !multipleOf(qty, step)) throw new BinanceRefusal(400, -1013, 'Filter failure: LOT_SIZE');
  const refPrice = req.price ? new D(req.price) : opposite;
  if (refPrice && refPrice.mul(qty).lessThan(symbol.minNotional)) throw new BinanceRefusal(400, -1013, 'Filter failure: NOTIONAL');

  const crosses = opposite !== undefined && (req.type === 'MARKET' || (req.type === 'LIMIT' || req.type === 'LIMIT_MAKER') && (side === 'BUY' ? new D(req.price!).gte(opposite) : new D(req.price!).lte(opposite)));
  if (req.type === 'LIMIT_MAKER' && crosses) throw new BinanceRefusal(400, -2010, 'Order would immediately match and take.');
  if (req.type === 'MARKET' && !opposite) throw new BinanceRefusal(400, -2010, 'Order book liquidity is less than symbol minimum quantity.');

  const execPrice = crosses ? opposite! : refPrice ?? new D(0);
  const quoteNeeded = side === 'BUY' ? (crosses ? execPrice : new D(req.price ?? execPrice)).mul(qty) : new D(0);
  const spendAsset = side === 'BUY' ? symbol.quote : symbol.base;
  const spendAmount = side === 'BUY' ? quoteNeeded : qty;
  const spend = account.balance(spendAsset);
  if (spend.free.lessThan(spendAmount)) throw new BinanceRefusal(400, -2010, 'Account has insufficient balance for requested action.');

  const now = ids.now();
  const order: FakeOrder = {
    symbol: symbol.symbol,
    orderId: ids.nextOrderId(),
    clientOrderId,
    side,
    type: req.type,
    timeInForce: req.timeInForce ?? 'GTC',
    price: s(new D(req.price ?? 0)),
    stopPrice: s(new D(req.stopPrice ?? 0)),
    origQty: s(qty),
    executedQty: s(new D(0)),
    cummulativeQuoteQty: s(new D(0)),
    status: 'NEW',
    time: now,
    updateTime: now,
    trades: [],
  };
  account.orders.set(order.orderId, order);
  const fills: Fill[] = [];
  if (!crosses && (order.timeInForce === 'IOC' || order.timeInForce === 'FOK') && req.type !== 'MARKET') {
    order.status = 'EXPIRED';
    emit(executionReport(order, 'NEW', now));
    emit(executionReport(order, 'EXPIRED', now));
    return { order, fills };
  }
  // Lock what a resting order may spend, then execute if it crosses.
  spend.free = spend.free.minus(spendAmount);
  spend.locked = spend.locked.plus(spendAmount);
  emit(executionReport(order, 'NEW', now));
  if (crosses) fills.push(execute(account, symbol, order, qty, execPrice, spendAmount, false, ids, emit));
  else emit(accountPosition(account, [symbol.base, symbol.quote], now));
  return { order, fills };
}

/** Fills `qty` of `order` at `price`, moving balances and emitting TRADE + outboundAccountPosition. */
export function execute(
  account: FakeAccount,
  symbol: FakeSymbol,
  order: FakeOrder,
  qty: Dec,
  price: Dec,
  releaseLocked: Dec,
  isMaker: boolean,
  ids: Ids,
  emit: (event: Record<string, unknown>) => void,
): Fill {
  const now = ids.now();
  const quote = qty.mul(price);
  const base = account.balance(symbol.base);
  const q = account.balance(symbol.quote);
  const feeRate = new D('0.001');
  let fee: Dec;
  let feeAsset: string;
  if (order.side === 'BUY') {
    q.locked = q.locked.minus(releaseLocked);
    q.free = q.free.plus(releaseLocked.minus(quote));
    fee = qty.mul(feeRate);
    feeAsset = symbol.base;
    base.free = base.free.plus(qty.minus(fee));
  } else {
    base.locked = base.locked.minus(releaseLocked);
    base.free = base.free.plus(releaseLocked.minus(qty));
    fee = quote.mul(feeRate);
    feeAsset = symbol.quote;
    q.free = q.free.plus(quote.minus(fee));
  }
  const executed = new D(order.executedQty).plus(qty);
  order.executedQty = s(executed);
  order.cummulativeQuoteQty = s(new D(order.cummulativeQuoteQty).plus(quote));
  order.status = executed.gte(order.origQty) ? 'FILLED' : 'PARTIALLY_FILLED';
  order.updateTime = now;
  const fill: Fill = { price: s(price), qty: s(qty), commission: s(fee), commissionAsset: feeAsset, tradeId: ids.nextTradeId() };
  order.trades.push({ ...fill, isMaker, time: now });
  emit(executionReport(order, 'TRADE', now, { fill, isMaker }));
  emit(accountPosition(account, [symbol.base, symbol.quote], now));
  return fill;
}

/** Cancels a resting order, releasing its locked funds. */
export function cancelOrder(account: FakeAccount, symbol: FakeSymbol, order: FakeOrder, cancelClientId: string, ids: Ids, emit: (event: Record<string, unknown>) => void): void {
  if (order.status !== 'NEW' && order.status !== 'PARTIALLY_FILLED') throw new BinanceRefusal(400, -2011, 'Unknown order sent.');
  const now = ids.now();
  const remaining = new D(order.origQty).minus(order.executedQty);
  if (order.side === 'BUY') {
    const q = account.balance(symbol.quote);
    const locked = remaining.mul(order.price);
    q.locked = q.locked.minus(locked);
    q.free = q.free.plus(locked);
  } else {
    const b = account.balance(symbol.base);
    b.locked = b.locked.minus(remaining);
    b.free = b.free.plus(remaining);
  }
  order.status = 'CANCELED';
  order.updateTime = now;
  emit(executionReport(order, 'CANCELED', now, { cancelClientId }));
  emit(accountPosition(account, [symbol.base, symbol.quote], now));
}

export function executionReport(
  order: FakeOrder,
  x: 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED',
  now: number,
  extra: { fill?: Fill; isMaker?: boolean; cancelClientId?: string } = {},
): Record<string, unknown> {
  return {
    e: 'executionReport',
    E: now,
    s: order.symbol,
    c: x === 'CANCELED' && extra.cancelClientId ? extra.cancelClientId : order.clientOrderId,
    S: order.side,
    o: order.type,
    f: order.timeInForce,
    q: order.origQty,
    p: order.price,
    P: order.stopPrice,
    F: '0.00000000',
    g: order.orderListId ?? -1,
    C: x === 'CANCELED' ? order.clientOrderId : '',
    x,
    X: order.status,
    r: 'NONE',
    i: order.orderId,
    l: extra.fill?.qty ?? '0.00000000',
    z: order.executedQty,
    L: extra.fill?.price ?? '0.00000000',
    n: extra.fill?.commission ?? '0',
    N: extra.fill?.commissionAsset ?? null,
    T: now,
    t: extra.fill?.tradeId ?? -1,
    I: 0,
    w: order.status === 'NEW',
    m: extra.isMaker ?? false,
    M: false,
    O: order.time,
    Z: order.cummulativeQuoteQty,
    Y: extra.fill ? s(new D(extra.fill.qty).mul(extra.fill.price)) : '0.00000000',
    Q: '0.00000000',
    W: order.time,
    V: 'NONE',
  };
}

export function accountPosition(account: FakeAccount, assets: readonly string[], now: number): Record<string, unknown> {
  return {
    e: 'outboundAccountPosition',
    E: now,
    u: now,
    B: account.balanceRows(assets).map((b) => ({ a: b.asset, f: b.free, l: b.locked })),
  };
}

export { D as FakeDecimal };
