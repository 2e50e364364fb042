/**
 * @module paper/matching/engine-messages
 * What the matching engine takes (SubmitOrder) and what it returns (EngineEvent), in integer ticks and lots,
 * plus the order-type and time-in-force rules that need no book to check.
 */
import type { Side } from './order-book.ts';

/** The contract's OrderType values the engine implements. */
export const ENGINE_ORDER_TYPES = [
  'LIMIT',
  'LIMIT_MAKER',
  'MARKET',
  'STOP',
  'STOP_LIMIT',
  'STOP_LOSS',
  'STOP_LOSS_LIMIT',
  'TAKE_PROFIT',
  'TAKE_PROFIT_LIMIT',
  'TRAILING_STOP',
] as const;
/** One of ENGINE_ORDER_TYPES. */
export type EngineOrderType = (typeof ENGINE_ORDER_TYPES)[number];

/** The contract's TimeInForce values the engine implements. */
export const ENGINE_TIME_IN_FORCE = ['GTC', 'IOC', 'FOK', 'GTX', 'GTD', 'DAY'] as const;
/** One of ENGINE_TIME_IN_FORCE. */
export type EngineTimeInForce = (typeof ENGINE_TIME_IN_FORCE)[number];

/**
 * Self-trade prevention: what happens when a taker would match a resting order of the same owner.
 * EXPIRE_MAKER expires the resting order and the taker carries on; EXPIRE_TAKER expires the taker's remainder;
 * EXPIRE_BOTH does both; NONE lets them trade.
 */
export type StpMode = 'EXPIRE_MAKER' | 'EXPIRE_TAKER' | 'EXPIRE_BOTH' | 'NONE';

/** A new order, in engine units; validated by the engine (`structuralProblem`) before anything else. */
export interface SubmitOrder {
  /** Unique per engine (the engine rejects a live duplicate). */
  id: number;
  /** Account identity for self-trade prevention. */
  owner: number;
  side: Side;
  type: EngineOrderType;
  timeInForce: EngineTimeInForce;
  /** Base quantity in lots; 0 when `quoteBudget` is set. */
  lots: number;
  /** Quote amount to spend (BUY) or receive (SELL), in tick-lots; only for orders that execute as MARKET. */
  quoteBudget?: bigint;
  /** Limit price (LIMIT, LIMIT_MAKER, *_LIMIT, optional on TRAILING_STOP). */
  priceTicks?: number;
  /** Trigger price of STOP/STOP_LOSS/TAKE_PROFIT(_LIMIT) orders; of a TRAILING_STOP, where its trigger starts (optional). */
  stopTicks?: number;
  /** TRAILING_STOP distance from the best price seen since acceptance. */
  trailingTicks?: number;
  /** GTD expiry, epoch ms. */
  expireAt?: number;
}

/** One trade between a taker and a resting maker. */
export interface FillEvent {
      type: 'fill';
      /** Engine-wide trade sequence number (1, 2, …). */
      tradeSeq: number;
      priceTicks: number;
      lots: number;
      takerId: number;
      takerOwner: number;
      takerSide: Side;
      makerId: number;
      makerOwner: number;
      /** In the asset each party receives: base units for the buyer, quote units for the seller (see fees.ts). */
      makerFee: bigint;
      takerFee: bigint;
      /** The maker's remaining lots after this fill (0 = done). */
      makerRemaining: number;
      /** True on the fill that completes the taker (all lots filled, or its quote budget cannot buy another lot). */
      takerDone: boolean;
}

/** What a command caused, in the order it happened. Events of every owner are returned; callers filter. */
export type EngineEvent =
  | { type: 'accepted'; id: number; owner: number }
  | { type: 'triggered'; id: number; owner: number; lastTicks: number }
  /** A trailing stop's trigger moved with the price (never against the position); reported once per command. */
  | { type: 'trailed'; id: number; owner: number; stopTicks: number }
  | FillEvent
  | { type: 'cancelled'; id: number; owner: number; reason: string }
  | { type: 'expired'; id: number; owner: number; reason: string }
  | { type: 'rejected'; id: number; owner: number; reason: string };

/** Stop-family orders wait for a trigger before they execute. */
export function isTriggered(type: EngineOrderType): boolean {
  return type !== 'LIMIT' && type !== 'LIMIT_MAKER' && type !== 'MARKET';
}

/** Whether an order (once triggered, for stops) executes with a limit price. */
export function hasLimitPrice(order: Pick<SubmitOrder, 'type' | 'priceTicks'>): boolean {
  switch (order.type) {
    case 'LIMIT':
    case 'LIMIT_MAKER':
    case 'STOP_LIMIT':
    case 'STOP_LOSS_LIMIT':
    case 'TAKE_PROFIT_LIMIT':
      return true;
    case 'TRAILING_STOP':
      return order.priceTicks !== undefined;
    default:
      return false;
  }
}

/**
 * Whether a stop order fires at `last`: STOP/STOP_LOSS(_LIMIT) buy when the price rises to the stop and sell when it
 * falls to it; TAKE_PROFIT(_LIMIT) the other way round. Trailing stops are handled by the engine.
 */
export function stopFires(type: EngineOrderType, side: Side, stopTicks: number, last: number): boolean {
  const takeProfit = type === 'TAKE_PROFIT' || type === 'TAKE_PROFIT_LIMIT';
  const rising = (side === 'BUY') !== takeProfit;
  return rising ? last >= stopTicks : last <= stopTicks;
}

const KNOWN_TYPES: ReadonlySet<string> = new Set(ENGINE_ORDER_TYPES);
const KNOWN_TIF: ReadonlySet<string> = new Set(ENGINE_TIME_IN_FORCE);

function positiveInt(n: number | undefined): boolean {
  return n !== undefined && Number.isSafeInteger(n) && n > 0;
}

/** Checks the order-type / time-in-force rules that need no book; returns a reason when the order is refused. */
export function structuralProblem(o: SubmitOrder, now: number): string | undefined {
  if (!KNOWN_TYPES.has(o.type)) return `order type ${o.type} is not supported`;
  if (!KNOWN_TIF.has(o.timeInForce)) return `time in force ${o.timeInForce} is not supported`;
  if (o.side !== 'BUY' && o.side !== 'SELL') return `side ${String(o.side)} is invalid`;
  const limit = hasLimitPrice(o);
  if (o.quoteBudget !== undefined) {
    if (o.quoteBudget <= 0n) return 'quote quantity must be greater than zero';
    if (limit) return 'a quote quantity is only accepted on orders that execute at market';
    if (o.timeInForce === 'FOK') return 'FOK is not supported with a quote quantity';
  } else if (!positiveInt(o.lots)) {
    return 'quantity must be a positive number of lots';
  }
  if (limit && !positiveInt(o.priceTicks)) return `${o.type} order needs a positive limit price`;
  if (isTriggered(o.type)) {
    if (o.type === 'TRAILING_STOP') {
      if (!positiveInt(o.trailingTicks)) return 'TRAILING_STOP order needs a positive trailing delta';
    } else if (!positiveInt(o.stopTicks)) {
      return `${o.type} order needs a positive stop price`;
    }
  }
  if (o.timeInForce === 'GTX' && !limit) return `post-only (GTX) needs a limit price; ${o.type} has none`;
  if (o.type === 'LIMIT_MAKER' && (o.timeInForce === 'IOC' || o.timeInForce === 'FOK')) {
    return `LIMIT_MAKER cannot be ${o.timeInForce}`;
  }
  if (o.timeInForce === 'GTD') {
    if (o.expireAt === undefined || !Number.isFinite(o.expireAt)) return 'GTD order needs expireAt';
    if (o.expireAt <= now) return `expireAt ${o.expireAt} is not in the future`;
  }
  return undefined;
}

/** The end of the UTC day containing `now`: when DAY orders expire. */
export function endOfUtcDay(now: number): number {
  return (Math.floor(now / 86_400_000) + 1) * 86_400_000;
}
