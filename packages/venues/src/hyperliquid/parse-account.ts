/**
 * @module hyperliquid/parse-account
 * Hyperliquid payloads of the account's own business → port values: orders (`orderUpdates` items, `orderStatus`
 * answers), fills (`userFills` messages and `userFillsByTime` answers), and `clearinghouseState` /
 * `spotClearinghouseState` as balances and positions.
 *
 * An order's status word says how it ended: `open`/`triggered` is working, `filled` done, `canceled` and every
 * `…Canceled` (margin, reduce-only, self-trade, scheduled…) cancelled — an IOC remainder Hyperliquid cancels itself
 * is EXPIRED unless we asked — and every `…Rejected` rejected.
 */
import type { VenueFill, VenueOrderState, VenuePosition } from '@cadenza/domain';
import { dec, normalizeDecimal, str } from '@cadenza/domain';
import { decimalField, wire } from './parse.ts';

export interface HyperliquidOrder {
  oid: string;
  cloid: string | undefined;
  coin: string;
  side: 'B' | 'A';
  limitPx: string;
  /** Remaining size. */
  sz: string;
  origSz: string;
  tif: string | undefined;
  status: string;
  statusTimestamp: number;
  /** When the order was placed. */
  timestamp: number;
}

/** An `orderUpdates` item, or the `order` of an `orderStatus` answer: `{order: {...}, status, statusTimestamp}`. */
export function parseOrderUpdate(raw: unknown): HyperliquidOrder {
  const o = wire.object(raw, 'order update');
  const order = wire.object(o.order, 'order');
  const side = wire.str(order, 'side');
  if (side !== 'B' && side !== 'A') wire.fail('side must be B or A', side);
  const sz = decimalField(order, 'sz');
  return {
    oid: String(wire.int(order, 'oid')),
    cloid: wire.optStr(order, 'cloid'),
    coin: wire.str(order, 'coin'),
    side: side as 'B' | 'A',
    limitPx: decimalField(order, 'limitPx'),
    sz,
    origSz: typeof order.origSz === 'string' ? decimalField(order, 'origSz') : sz,
    tif: wire.optStr(order, 'tif'),
    status: wire.str(o, 'status'),
    statusTimestamp: typeof o.statusTimestamp === 'number' ? o.statusTimestamp : wire.int(order, 'timestamp'),
    timestamp: wire.int(order, 'timestamp'),
  };
}

/** An `orderStatus` answer: the order, or undefined for `{"status": "unknownOid"}`. */
export function parseOrderStatus(answer: unknown): HyperliquidOrder | undefined {
  const o = wire.object(answer, 'orderStatus');
  if (o.status !== 'order') return undefined;
  return parseOrderUpdate(o.order);
}

export interface HyperliquidFill {
  tid: string;
  oid: string;
  coin: string;
  px: string;
  sz: string;
  fee: string;
  feeToken: string;
  crossed: boolean;
  time: number;
}

export function parseFill(raw: unknown): HyperliquidFill {
  const o = wire.object(raw, 'fill');
  const fee = wire.signedDecimal(o, 'fee');
  return {
    tid: String(wire.int(o, 'tid')),
    oid: String(wire.int(o, 'oid')),
    coin: wire.str(o, 'coin'),
    px: decimalField(o, 'px'),
    sz: decimalField(o, 'sz'),
    // A negative fee is a maker rebate; the port's fee is what was charged.
    fee: fee.startsWith('-') ? '0' : normalizeDecimal(fee),
    feeToken: wire.optStr(o, 'feeToken') ?? 'USDC',
    crossed: o.crossed === true,
    time: wire.int(o, 'time'),
  };
}

/** A `userFills` message: `{user, fills, isSnapshot?}`. */
export function parseUserFills(data: unknown): { user: string; isSnapshot: boolean; fills: HyperliquidFill[] } {
  const o = wire.object(data, 'userFills');
  return { user: wire.str(o, 'user').toLowerCase(), isSnapshot: o.isSnapshot === true, fills: wire.array(o.fills, 'fills').map(parseFill) };
}

export function toVenueFill(f: HyperliquidFill): VenueFill {
  return { tradeId: f.tid, price: f.px, quantity: f.sz, fee: f.fee, feeAsset: f.feeToken, liquidity: f.crossed ? 'TAKER' : 'MAKER', timestamp: f.time };
}

export function orderStatusOf(order: HyperliquidOrder, cancelRequested: boolean): VenueOrderState['status'] {
  const s = order.status;
  if (s === 'open' || s === 'triggered') return 'OPEN';
  if (s === 'filled') return 'FILLED';
  if (s === 'rejected' || s.endsWith('Rejected')) return 'REJECTED';
  if (s === 'canceled' && order.tif === 'Ioc' && !cancelRequested) return 'EXPIRED';
  return 'CANCELLED';
}

/** What `queryOrder` answers for an order Hyperliquid has, with its fills. */
export function orderState(order: HyperliquidOrder, fills: HyperliquidFill[], cancelRequested: boolean): VenueOrderState {
  const status = orderStatusOf(order, cancelRequested);
  const state: VenueOrderState = {
    status,
    externalOrderId: order.oid,
    executedQuantity: str(dec(order.origSz).minus(order.sz)),
    fills: fills.map(toVenueFill).sort((a, b) => a.timestamp - b.timestamp),
    updatedAt: order.statusTimestamp,
  };
  if (status !== 'OPEN' && status !== 'FILLED') state.reason = order.status;
  return state;
}

type Balance = { asset: string; free: string; locked: string };

/** `clearinghouseState` (perps margin account, USDC) and `spotClearinghouseState` → balances (spot USDC added to the margin account's). */
export function parseBalances(perp: unknown, spot: unknown): Balance[] {
  const p = wire.object(perp, 'clearinghouseState');
  const summary = wire.object(p.marginSummary, 'marginSummary');
  const value = dec(decimalOrZero(summary, 'accountValue'));
  const withdrawable = dec(decimalOrZero(p, 'withdrawable'));
  const free = withdrawable.gt(value) ? value : withdrawable;
  const out = new Map<string, { free: ReturnType<typeof dec>; locked: ReturnType<typeof dec> }>();
  out.set('USDC', { free, locked: value.minus(free) });
  for (const raw of wire.array(wire.object(spot, 'spotClearinghouseState').balances, 'balances')) {
    const b = wire.object(raw, 'balance');
    const total = dec(decimalField(b, 'total'));
    const hold = dec(decimalField(b, 'hold'));
    const coin = wire.str(b, 'coin');
    const prev = out.get(coin) ?? { free: dec(0), locked: dec(0) };
    out.set(coin, { free: prev.free.plus(total.minus(hold)), locked: prev.locked.plus(hold) });
  }
  return [...out].map(([asset, b]) => ({ asset, free: str(b.free), locked: str(b.locked) }));
}

function decimalOrZero(o: Readonly<Record<string, unknown>>, key: string): string {
  const v = o[key];
  return typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) && !v.startsWith('-') ? v : '0';
}

/** `clearinghouseState.assetPositions` → the port's positions (size in the coin; `szi` signed: negative is short). */
export function parsePositions(perp: unknown, symbolOf: (coin: string) => string | undefined, now: number): VenuePosition[] {
  const out: VenuePosition[] = [];
  for (const raw of wire.array(wire.object(perp, 'clearinghouseState').assetPositions, 'assetPositions')) {
    const p = wire.object(wire.object(raw, 'asset position').position, 'position');
    const coin = wire.str(p, 'coin');
    const symbol = symbolOf(coin);
    const szi = wire.signedDecimal(p, 'szi');
    if (!symbol || dec(szi).isZero()) continue;
    const pos: VenuePosition = {
      symbol,
      side: szi.startsWith('-') ? 'SHORT' : 'LONG',
      quantity: normalizeDecimal(szi.replace(/^-/, '')),
      entryPrice: typeof p.entryPx === 'string' ? decimalField(p, 'entryPx') : '0',
      settleAsset: 'USDC',
      updatedAt: now,
    };
    if (typeof p.unrealizedPnl === 'string') pos.unrealizedPnl = str(dec(wire.signedDecimal(p, 'unrealizedPnl')));
    if (typeof p.marginUsed === 'string') pos.initialMargin = decimalField(p, 'marginUsed');
    if (typeof p.liquidationPx === 'string') pos.liquidationPrice = decimalField(p, 'liquidationPx');
    const lev = p.leverage as { type?: unknown; value?: unknown } | undefined;
    if (lev && typeof lev.value === 'number') pos.leverage = lev.value;
    if (lev?.type === 'isolated' || lev?.type === 'cross') pos.marginMode = lev.type === 'isolated' ? 'ISOLATED' : 'CROSS';
    out.push(pos);
  }
  return out;
}
