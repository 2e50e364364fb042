/**
 * @module binance/http/parse
 * REST payloads → port values. Shapes follow the spot REST API docs (recorded in @cadenza/testkit's venue-fakes/binance/fixtures).
 */
import type { Candle, InstrumentSpec, KlineUpdate } from '@cadenza/domain';
import { asArray, asObject, decimal, int, levels, optDecimal, optInt, optStr, str, type WireObject } from '../wire.ts';
import { BinanceVenueError } from '../errors.ts';
import type { DepthSnapshotData } from '../ws/depth-sync.ts';
import { KLINE_INTERVALS, decimalPlaces, normalizeDecimal } from '@cadenza/domain';

/** Kline intervals Binance spot serves (REST and streams): every one of the contract's `KlineInterval` values. */
export const BINANCE_KLINE_INTERVALS = KLINE_INTERVALS;

/** Binance's standard spot fee (0.1 %); exchangeInfo carries no fees and /api/v3/account needs a key. */
export const DEFAULT_FEE_RATE = '0.001';

type BinanceSymbolStatus = 'PRE_TRADING' | 'TRADING' | 'POST_TRADING' | 'END_OF_DAY' | 'HALT' | 'AUCTION_MATCH' | 'BREAK';
const SYMBOL_STATUSES: readonly string[] = ['PRE_TRADING', 'TRADING', 'POST_TRADING', 'END_OF_DAY', 'HALT', 'AUCTION_MATCH', 'BREAK'];

function mapStatus(raw: string): InstrumentSpec['status'] {
  if (!SYMBOL_STATUSES.includes(raw)) return 'INACTIVE';
  const status = raw as BinanceSymbolStatus;
  switch (status) {
    case 'TRADING':
      return 'ACTIVE';
    case 'BREAK':
      // Binance keeps delisted pairs in exchangeInfo with status BREAK.
      return 'DELISTED';
    case 'HALT':
      return 'DISABLED';
    case 'PRE_TRADING':
    case 'POST_TRADING':
    case 'END_OF_DAY':
    case 'AUCTION_MATCH':
      return 'INACTIVE';
  }
}

/** Binance order types we can submit, plus the generic aliases the domain may use for them. */
function mapOrderTypes(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of raw) {
    switch (t) {
      case 'LIMIT':
      case 'LIMIT_MAKER':
      case 'MARKET':
      case 'TAKE_PROFIT':
      case 'TAKE_PROFIT_LIMIT':
        out.push(t);
        break;
      case 'STOP_LOSS':
        out.push('STOP_LOSS', 'STOP');
        break;
      case 'STOP_LOSS_LIMIT':
        out.push('STOP_LOSS_LIMIT', 'STOP_LIMIT');
        break;
      default:
        break;
    }
  }
  return out;
}

function filterOf(filters: readonly WireObject[], type: string): WireObject | undefined {
  return filters.find((f) => f.filterType === type);
}

/** One exchangeInfo symbol → InstrumentSpec. Throws `protocol` when required filters are missing. */
export function parseSymbolInfo(raw: unknown, venue: string): InstrumentSpec {
  const s = asObject(raw, 'symbol');
  const external = str(s, 'symbol');
  const baseAsset = str(s, 'baseAsset');
  const quoteAsset = str(s, 'quoteAsset');
  const filters = asArray(s.filters, `${external}.filters`).map((f, i) => asObject(f, `${external}.filters[${i}]`));
  const price = filterOf(filters, 'PRICE_FILTER');
  const lot = filterOf(filters, 'LOT_SIZE');
  if (!price || !lot) throw new BinanceVenueError('protocol', `${external}: PRICE_FILTER and LOT_SIZE are required`);
  const notional = filterOf(filters, 'NOTIONAL');
  const minNotional = filterOf(filters, 'MIN_NOTIONAL');
  const stepSize = decimal(lot, 'stepSize');
  const orderTypes = asArray(s.orderTypes, `${external}.orderTypes`).filter((t): t is string => typeof t === 'string');
  const quotePrecision = optInt(s, 'quoteAssetPrecision') ?? optInt(s, 'quotePrecision') ?? 8;
  const maxNotional = notional ? optDecimal(notional, 'maxNotional') : undefined;
  const symbol = `${baseAsset}/${quoteAsset}`;
  return {
    instrumentId: `${venue}:${symbol}`,
    venue,
    symbol,
    externalSymbol: external,
    baseAsset,
    quoteAsset,
    status: mapStatus(str(s, 'status')),
    tickSize: normalizeDecimal(decimal(price, 'tickSize')),
    lotSize: normalizeDecimal(stepSize),
    minQuantity: normalizeDecimal(decimal(lot, 'minQty')),
    maxQuantity: normalizeDecimal(decimal(lot, 'maxQty')),
    minNotional: normalizeDecimal(
      (notional ? optDecimal(notional, 'minNotional') : undefined) ?? (minNotional ? optDecimal(minNotional, 'minNotional') : undefined) ?? '0',
    ),
    ...(maxNotional !== undefined ? { maxNotional: normalizeDecimal(maxNotional) } : {}),
    basePrecision: decimalPlaces(stepSize),
    quotePrecision,
    orderTypes: mapOrderTypes(orderTypes),
    timeInForceOptions: ['GTC', 'IOC', 'FOK'],
    makerFee: DEFAULT_FEE_RATE,
    takerFee: DEFAULT_FEE_RATE,
    klineIntervals: [...BINANCE_KLINE_INTERVALS],
    description: `${baseAsset}/${quoteAsset} on Binance spot`,
  };
}

/** exchangeInfo → instruments; symbols that do not parse are listed in `skipped` instead of failing the lot. */
export function parseExchangeInfo(
  raw: unknown,
  venue: string,
): { instruments: InstrumentSpec[]; skipped: Array<{ symbol: string; reason: string }>; weightLimitPerMinute?: number } {
  const info = asObject(raw, 'exchangeInfo');
  let weightLimitPerMinute: number | undefined;
  for (const r of Array.isArray(info.rateLimits) ? info.rateLimits : []) {
    if (typeof r !== 'object' || r === null) continue;
    const l = r as WireObject;
    if (l.rateLimitType === 'REQUEST_WEIGHT' && l.interval === 'MINUTE' && l.intervalNum === 1 && typeof l.limit === 'number') weightLimitPerMinute = l.limit;
  }
  const instruments: InstrumentSpec[] = [];
  const skipped: Array<{ symbol: string; reason: string }> = [];
  for (const entry of asArray(info.symbols, 'exchangeInfo.symbols')) {
    try {
      instruments.push(parseSymbolInfo(entry, venue));
    } catch (err) {
      const name = typeof entry === 'object' && entry !== null && 'symbol' in entry ? String((entry as { symbol: unknown }).symbol) : '?';
      skipped.push({ symbol: name, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  return { instruments, skipped, ...(weightLimitPerMinute !== undefined ? { weightLimitPerMinute } : {}) };
}

/** `GET /api/v3/depth` → the snapshot the depth synchroniser takes (levels kept as Binance's text). */
export function parseDepthSnapshot(raw: unknown): DepthSnapshotData {
  const o = asObject(raw, 'depth');
  return { lastUpdateId: int(o, 'lastUpdateId'), bids: levels(o, 'bids'), asks: levels(o, 'asks') };
}

/** `GET /api/v3/time` → Binance's clock, epoch ms. */
export function parseServerTime(raw: unknown): number {
  return int(asObject(raw, 'time'), 'serverTime');
}

/** One REST kline row `[openTime, open, high, low, close, volume, closeTime, …]`. */
export function parseKlineRow(raw: unknown): { candle: Candle; closeTime: number } {
  const row = asArray(raw, 'kline');
  const o: WireObject = { t: row[0], o: row[1], h: row[2], l: row[3], c: row[4], v: row[5], T: row[6] };
  return {
    candle: {
      openTime: int(o, 't'),
      open: normalizeDecimal(decimal(o, 'o')),
      high: normalizeDecimal(decimal(o, 'h')),
      low: normalizeDecimal(decimal(o, 'l')),
      close: normalizeDecimal(decimal(o, 'c')),
      volume: normalizeDecimal(decimal(o, 'v')),
    },
    closeTime: int(o, 'T'),
  };
}

/** REST klines → KlineUpdates, oldest first; a bar is closed once its close time has passed. */
export function parseKlines(raw: unknown, meta: { instrumentId: string; venue: string; symbol: string; interval: string; now: number }): KlineUpdate[] {
  return asArray(raw, 'klines').map((row) => {
    const { candle, closeTime } = parseKlineRow(row);
    return {
      instrumentId: meta.instrumentId,
      venue: meta.venue,
      symbol: meta.symbol,
      interval: meta.interval,
      candle,
      isClosed: closeTime < meta.now,
      timestamp: Math.min(closeTime, meta.now),
    };
  });
}

/** One asset of `GET /api/v3/account`, normalised decimals. */
export interface AccountBalance {
  asset: string;
  free: string;
  locked: string;
}

/** `GET /api/v3/account` → its balances. */
export function parseAccountBalances(raw: unknown): AccountBalance[] {
  const o = asObject(raw, 'account');
  return asArray(o.balances, 'account.balances').map((b, i) => {
    const row = asObject(b, `balances[${i}]`);
    return { asset: str(row, 'asset'), free: normalizeDecimal(decimal(row, 'free')), locked: normalizeDecimal(decimal(row, 'locked')) };
  });
}

/** Order statuses of the REST API (`status`), exhaustively. */
export type BinanceOrderStatus = 'NEW' | 'PENDING_NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'PENDING_CANCEL' | 'REJECTED' | 'EXPIRED' | 'EXPIRED_IN_MATCH';
const ORDER_STATUSES: readonly string[] = ['NEW', 'PENDING_NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'PENDING_CANCEL', 'REJECTED', 'EXPIRED', 'EXPIRED_IN_MATCH'];

/** One fill in a FULL order answer. */
export interface OrderFill {
  tradeId: string;
  price: string;
  quantity: string;
  fee: string;
  feeAsset: string;
}

/** POST/GET/DELETE /api/v3/order answers (ACK, RESULT, FULL, query, cancel). `status` is absent in ACK. */
export interface OrderReport {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  origClientOrderId?: string;
  status?: BinanceOrderStatus;
  transactTime?: number;
  /** Base quantity executed so far (absent in ACK answers). */
  executedQty?: string;
  /** Quote amount executed so far; absent in ACK answers, and when Binance reports it as unavailable (< 0). */
  cummulativeQuoteQty?: string;
  fills: OrderFill[];
}

/** Any `/api/v3/order` answer → OrderReport; an unknown `status` is a protocol error. */
export function parseOrderReport(raw: unknown): OrderReport {
  const o = asObject(raw, 'order');
  const statusRaw = optStr(o, 'status');
  if (statusRaw !== undefined && !ORDER_STATUSES.includes(statusRaw)) throw new BinanceVenueError('protocol', `unknown order status ${statusRaw}`);
  const fills = o.fills === undefined ? [] : asArray(o.fills, 'fills').map((f, i) => {
    const row = asObject(f, `fills[${i}]`);
    return {
      tradeId: String(int(row, 'tradeId')),
      price: normalizeDecimal(decimal(row, 'price')),
      quantity: normalizeDecimal(decimal(row, 'qty')),
      fee: normalizeDecimal(decimal(row, 'commission')),
      feeAsset: str(row, 'commissionAsset'),
    };
  });
  const origClientOrderId = optStr(o, 'origClientOrderId');
  const transactTime = optInt(o, 'transactTime') ?? optInt(o, 'updateTime');
  const executedQty = optDecimal(o, 'executedQty');
  // "For some historical orders cummulativeQuoteQty will be < 0, meaning the data is not available at this time."
  const quoteQtyRaw = typeof o.cummulativeQuoteQty === 'string' && o.cummulativeQuoteQty.startsWith('-') ? undefined : optDecimal(o, 'cummulativeQuoteQty');
  return {
    symbol: str(o, 'symbol'),
    orderId: int(o, 'orderId'),
    clientOrderId: str(o, 'clientOrderId'),
    ...(origClientOrderId !== undefined ? { origClientOrderId } : {}),
    ...(statusRaw !== undefined ? { status: statusRaw as BinanceOrderStatus } : {}),
    ...(transactTime !== undefined ? { transactTime } : {}),
    ...(executedQty !== undefined ? { executedQty: normalizeDecimal(executedQty) } : {}),
    ...(quoteQtyRaw !== undefined ? { cummulativeQuoteQty: normalizeDecimal(quoteQtyRaw) } : {}),
    fills,
  };
}

/** One row of `GET /api/v3/myTrades`: a fill of one of the account's orders. */
export interface AccountTrade extends OrderFill {
  orderId: number;
  isMaker: boolean;
  time: number;
}

export function parseMyTrades(raw: unknown): AccountTrade[] {
  return asArray(raw, 'myTrades').map((t, i) => {
    const row = asObject(t, `myTrades[${i}]`);
    const isMaker = row.isMaker;
    if (typeof isMaker !== 'boolean') throw new BinanceVenueError('protocol', `myTrades[${i}].isMaker must be a boolean`);
    return {
      tradeId: String(int(row, 'id')),
      orderId: int(row, 'orderId'),
      price: normalizeDecimal(decimal(row, 'price')),
      quantity: normalizeDecimal(decimal(row, 'qty')),
      fee: normalizeDecimal(decimal(row, 'commission')),
      feeAsset: str(row, 'commissionAsset'),
      isMaker,
      time: int(row, 'time'),
    };
  });
}

/** `{code, msg}` error payloads; undefined when the body is not one. */
export function parseErrorPayload(raw: unknown): { code: number; msg: string } | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const o = raw as WireObject;
  if (typeof o.code !== 'number' || typeof o.msg !== 'string') return undefined;
  return { code: o.code, msg: o.msg };
}

/** An order list's answer (`POST /api/v3/orderList/*`): the list's id and status, and each leg's report. */
export interface OrderListReport {
  orderListId: number;
  /** EXECUTING, ALL_DONE or REJECT. */
  listOrderStatus: string;
  orderReports: OrderReport[];
}

export function parseOrderListReport(raw: unknown): OrderListReport {
  const o = asObject(raw, 'orderList');
  return {
    orderListId: int(o, 'orderListId'),
    listOrderStatus: str(o, 'listOrderStatus'),
    orderReports: o.orderReports === undefined ? [] : asArray(o.orderReports, 'orderReports').map((r) => parseOrderReport(r)),
  };
}
