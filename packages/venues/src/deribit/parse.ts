/**
 * @module deribit/parse
 * Deribit API v2 payloads (JSON-RPC results and subscription notifications, shapes as the docs' examples show them)
 * → port values: instruments and market data (the account's own payloads: parse-account.ts). Deribit sends prices
 * and amounts as JSON numbers: every message is parsed losslessly (kit/lossless-json), so a number reaches us as the
 * text it was written in.
 *
 * Quantities. Deribit's `amount` is USD for inverse futures and perpetuals (BTC-PERPETUAL: 10 USD a contract), the
 * base coin for linear ones and options. Cadenza counts every derivative in contracts (docs/venues-deribit.md): books,
 * trades, orders and fills are divided by the instrument's `contract_size` on the way in and multiplied on the way
 * out, exactly (Deribit's minimum trade amount is a whole number of contracts).
 */
import type { Candle, ContractTerms, InstrumentSpec, KlineUpdate, TickerSnapshot, TradeTick } from '@cadenza/domain';
import { dec, decimalPlaces, isNegativeDecimal, negateDecimal, normalizeDecimal, str, truncateDecimal } from '@cadenza/domain';
import { Wire, type WireObject } from '../kit/wire.ts';
import { int, isNumber, num } from '../kit/lossless-json.ts';
import type { DeribitBookMessage, Level } from './book-sync.ts';

export const wire = new Wire('DERIBIT');

/** Contract kline intervals → Deribit chart resolutions (minutes, or 1D). */
export const DERIBIT_RESOLUTIONS: Readonly<Record<string, string>> = {
  '1m': '1', '3m': '3', '5m': '5', '15m': '15', '30m': '30', '1h': '60', '2h': '120', '6h': '360', '12h': '720', '1d': '1D',
};
export const DERIBIT_KLINE_INTERVALS = Object.keys(DERIBIT_RESOLUTIONS);
export const RESOLUTION_MS: Readonly<Record<string, number>> = {
  '1m': 60_000, '3m': 180_000, '5m': 300_000, '15m': 900_000, '30m': 1_800_000, '1h': 3_600_000, '2h': 7_200_000, '6h': 21_600_000, '12h': 43_200_000, '1d': 86_400_000,
};

export interface InstrumentRef {
  instrumentId: string;
  venue: string;
  symbol: string;
}

/** What the connector keeps of an instrument besides its spec: how to turn amounts into contracts. */
export interface DeribitInstrument {
  spec: InstrumentSpec;
  kind: 'future' | 'option';
  /** Deribit's `contract_size`: USD per contract (inverse), coin per contract (linear, options). */
  contractSize: string;
  settlementCurrency: string;
  inverse: boolean;
  perpetual: boolean;
  expiry?: number;
  strike?: string;
  optionType?: 'CALL' | 'PUT';
  priceIndex: string;
  maxLeverage?: number;
}

/** A signed plain decimal without redundant zeros ("-25.10" → "-25.1"): PnL, funding, greeks, rebates. */
export function signedDecimal(s: string): string {
  return s.startsWith('-') ? negateDecimal(normalizeDecimal(s.slice(1))) : normalizeDecimal(s);
}

/** Deribit amount → contracts (exact). */
export function toContracts(amount: string, contractSize: string): string {
  return str(dec(amount).div(contractSize));
}

/** Contracts → Deribit amount (exact). */
export function toAmount(contracts: string, contractSize: string): string {
  return str(dec(contracts).mul(contractSize));
}

function mapState(state: string | undefined, active: boolean): InstrumentSpec['status'] {
  if (state === undefined) return active ? 'ACTIVE' : 'INACTIVE';
  switch (state) {
    case 'open':
      return active ? 'ACTIVE' : 'INACTIVE';
    case 'locked':
      return 'DISABLED';
    case 'closed':
    case 'settled':
    case 'deactivated':
    case 'delivered':
      return 'DELISTED';
    default:
      return 'INACTIVE'; // created, inactive…
  }
}

/** A fee rate the port can carry: Deribit's maker rebates (negative commissions) are shown as 0. */
function feeRate(v: unknown, what: string): string {
  const rate = signedDecimal(num(v, what));
  return isNegativeDecimal(rate) ? '0' : rate;
}

/** One `public/get_instruments` result item (futures, perpetuals, options) → DeribitInstrument; undefined for other kinds. */
export function parseInstrument(raw: unknown, venue: string): DeribitInstrument | undefined {
  const o = wire.object(raw, 'instrument');
  const kind = wire.str(o, 'kind');
  if (kind !== 'future' && kind !== 'option') return undefined;
  const name = wire.str(o, 'instrument_name');
  const contractSize = normalizeDecimal(num(o.contract_size, 'contract_size'));
  const minTrade = normalizeDecimal(num(o.min_trade_amount, 'min_trade_amount'));
  const tick = normalizeDecimal(num(o.tick_size, 'tick_size'));
  const lot = toContracts(minTrade, contractSize);
  const base = wire.str(o, 'base_currency');
  const quote = wire.optStr(o, 'counter_currency') ?? wire.str(o, 'quote_currency');
  const settlement = wire.str(o, 'settlement_currency');
  const perpetual = wire.optStr(o, 'settlement_period') === 'perpetual';
  const inverse = (wire.optStr(o, 'instrument_type') ?? wire.optStr(o, 'future_type')) === 'reversed';
  const optionType = kind === 'option' ? wire.str(o, 'option_type') : undefined;
  const inst: DeribitInstrument = {
    kind,
    contractSize,
    settlementCurrency: settlement,
    inverse,
    perpetual,
    priceIndex: wire.str(o, 'price_index'),
    spec: {
      instrumentId: `${venue}:${name}`,
      venue,
      symbol: name,
      externalSymbol: name,
      baseAsset: base,
      quoteAsset: quote,
      status: mapState(wire.optStr(o, 'state'), o.is_active === true),
      tickSize: tick,
      lotSize: lot,
      minQuantity: lot,
      maxQuantity: '0',
      minNotional: '0',
      basePrecision: decimalPlaces(lot),
      quotePrecision: Math.max(8, decimalPlaces(tick)),
      orderTypes: ['LIMIT', 'MARKET', 'LIMIT_MAKER'],
      timeInForceOptions: ['GTC', 'IOC', 'FOK', 'GTX'],
      makerFee: feeRate(o.maker_commission, 'maker_commission'),
      takerFee: feeRate(o.taker_commission, 'taker_commission'),
      klineIntervals: [...DERIBIT_KLINE_INTERVALS],
      description: describe(name, kind, perpetual, inverse, contractSize, quote, base),
    },
  };
  if (!perpetual && o.expiration_timestamp !== undefined) inst.expiry = int(o.expiration_timestamp, 'expiration_timestamp');
  if (kind === 'option') {
    inst.strike = normalizeDecimal(num(o.strike, 'strike'));
    inst.optionType = optionType === 'put' ? 'PUT' : 'CALL';
  }
  if (isNumber(o.max_leverage)) inst.maxLeverage = int(o.max_leverage, 'max_leverage');
  inst.spec.instrumentType = kind === 'option' ? 'OPTION' : perpetual ? 'PERPETUAL' : 'FUTURES';
  inst.spec.contract = contractTerms(inst);
  return inst;
}

/** The port's contract terms of a Deribit instrument. */
function contractTerms(i: DeribitInstrument): ContractTerms {
  const terms: ContractTerms = { contractSize: i.contractSize, settleAsset: i.settlementCurrency, underlying: i.priceIndex };
  if (i.inverse) terms.inverse = true;
  if (i.expiry !== undefined) terms.expiry = i.expiry;
  if (i.strike !== undefined) terms.strike = i.strike;
  if (i.optionType !== undefined) terms.optionType = i.optionType;
  if (i.maxLeverage !== undefined) terms.maxLeverage = i.maxLeverage;
  // Deribit quotes its perpetuals' funding as an 8-hour rate (`funding_8h`), accrued continuously.
  if (i.perpetual) terms.fundingIntervalMs = 8 * 3_600_000;
  return terms;
}

function describe(name: string, kind: string, perpetual: boolean, inverse: boolean, contractSize: string, quote: string, base: string): string {
  const what = kind === 'option' ? 'option' : perpetual ? 'perpetual' : 'future';
  const unit = inverse ? `${contractSize} ${quote}` : `${contractSize} ${base}`;
  return `${name} on Deribit (${what}, ${inverse ? 'inverse' : 'linear'}, ${unit} per contract)`;
}

export function parseInstruments(data: readonly unknown[], venue: string): { instruments: DeribitInstrument[]; skipped: string[] } {
  const instruments: DeribitInstrument[] = [];
  const skipped: string[] = [];
  for (const row of data) {
    try {
      const i = parseInstrument(row, venue);
      if (i) instruments.push(i);
    } catch (err) {
      skipped.push(err instanceof Error ? err.message : String(err));
    }
  }
  return { instruments, skipped };
}

/** `[action, price, amount]` tuples → levels in contracts ("delete" → quantity 0). */
function levels(v: unknown, what: string, contractSize: string): Level[] {
  return wire.array(v, what).map((row, i) => {
    const r = wire.array(row, `${what}[${i}]`);
    const action = r[0];
    const price = normalizeDecimal(num(r[1], `${what}[${i}] price`));
    if (action === 'delete') return [price, '0'];
    if (action !== 'new' && action !== 'change') wire.fail(`${what}[${i}] action must be new, change or delete`, action);
    return [price, toContracts(num(r[2], `${what}[${i}] amount`), contractSize)];
  });
}

/** A `book.<instrument>.<interval>` notification. */
export function parseBookMessage(data: unknown, contractSize: string): DeribitBookMessage {
  const o = wire.object(data, 'book');
  const type = wire.optStr(o, 'type');
  return {
    type: type === 'snapshot' ? 'snapshot' : 'change',
    changeId: int(o.change_id, 'change_id'),
    prevChangeId: o.prev_change_id === undefined ? undefined : int(o.prev_change_id, 'prev_change_id'),
    timestamp: int(o.timestamp, 'timestamp'),
    bids: levels(o.bids, 'bids', contractSize),
    asks: levels(o.asks, 'asks', contractSize),
  };
}

/** One item of a `trades.<instrument>.<interval>` notification; `direction` is the taker's. */
export function parseTrade(raw: unknown, ref: InstrumentRef, contractSize: string): TradeTick {
  const o = wire.object(raw, 'trade');
  const direction = wire.str(o, 'direction');
  if (direction !== 'buy' && direction !== 'sell') wire.fail('direction must be buy or sell', direction);
  return {
    ...ref,
    tradeId: wire.str(o, 'trade_id'),
    price: normalizeDecimal(num(o.price, 'price')),
    quantity: toContracts(num(o.amount, 'amount'), contractSize),
    side: direction === 'buy' ? 'BUY' : 'SELL',
    timestamp: int(o.timestamp, 'timestamp'),
  };
}

/** Mark, index, funding, open interest and (options) IV and greeks of a ticker, as Deribit gives them. */
export interface DeribitMark {
  markPrice: string;
  indexPrice?: string;
  fundingRate?: string;
  openInterest?: string;
  markIv?: string;
  greeks?: { delta?: string; gamma?: string; vega?: string; theta?: string; rho?: string };
  timestamp: number;
}

/** A `ticker.<instrument>.<interval>` notification (or `public/ticker` result). */
export function parseTicker(data: unknown, ref: InstrumentRef, contractSize: string): { ticker: TickerSnapshot; mark: DeribitMark | undefined } {
  const o = wire.object(data, 'ticker');
  const timestamp = int(o.timestamp, 'timestamp');
  const t: TickerSnapshot = { ...ref, timestamp };
  const price = (k: string) => (isNumber(o[k]) ? normalizeDecimal(num(o[k], k)) : undefined);
  const qty = (k: string) => (isNumber(o[k]) ? toContracts(num(o[k], k), contractSize) : undefined);
  const set = (key: keyof TickerSnapshot, v: string | undefined) => {
    if (v !== undefined) (t as unknown as Record<string, unknown>)[key] = v;
  };
  set('lastPrice', price('last_price'));
  set('bidPrice', price('best_bid_price'));
  set('bidQuantity', qty('best_bid_amount'));
  set('askPrice', price('best_ask_price'));
  set('askQuantity', qty('best_ask_amount'));
  const stats = o.stats === undefined ? undefined : wire.object(o.stats, 'stats');
  if (stats && isNumber(stats.price_change)) t.priceChangePercent = truncateDecimal(num(stats.price_change, 'price_change'), 2);
  const mark = price('mark_price');
  if (mark === undefined) return { ticker: t, mark: undefined };
  const m: DeribitMark = { markPrice: mark, timestamp };
  const signed = (k: string, from: WireObject = o) => (isNumber(from[k]) ? signedDecimal(num(from[k], k)) : undefined);
  const index = signed('index_price');
  if (index !== undefined) m.indexPrice = index;
  const funding = signed('current_funding');
  if (funding !== undefined) m.fundingRate = funding;
  const oi = signed('open_interest');
  if (oi !== undefined) m.openInterest = oi;
  const iv = signed('mark_iv');
  // Deribit quotes IV in percent ("55.2"); the port's markIv is a fraction.
  if (iv !== undefined) m.markIv = str(dec(iv).div(100));
  if (o.greeks !== undefined) {
    const g = wire.object(o.greeks, 'greeks');
    const greeks: NonNullable<DeribitMark['greeks']> = {};
    for (const k of ['delta', 'gamma', 'vega', 'theta', 'rho'] as const) {
      const v = signed(k, g);
      if (v !== undefined) greeks[k] = v;
    }
    m.greeks = greeks;
  }
  return { ticker: t, mark: m };
}

/** A `chart.trades.<instrument>.<resolution>` notification; volume in the base coin as Deribit reports it. */
export function parseChartBar(data: unknown, ref: InstrumentRef, interval: string, now: number): KlineUpdate {
  const o = wire.object(data, 'chart');
  const candle: Candle = {
    openTime: int(o.tick, 'tick'),
    open: normalizeDecimal(num(o.open, 'open')),
    high: normalizeDecimal(num(o.high, 'high')),
    low: normalizeDecimal(num(o.low, 'low')),
    close: normalizeDecimal(num(o.close, 'close')),
    volume: normalizeDecimal(num(o.volume, 'volume')),
  };
  return { ...ref, interval, candle, isClosed: candle.openTime + RESOLUTION_MS[interval]! <= now, timestamp: candle.openTime };
}

/** `public/get_tradingview_chart_data` → bars oldest first; the one still forming (ends after `now`) is not closed. */
export function parseChartData(data: unknown, ref: InstrumentRef, interval: string, now: number): KlineUpdate[] {
  const o = wire.object(data, 'chart data');
  const ticks = wire.array(o.ticks, 'ticks');
  const col = (k: string) => wire.array(o[k], k);
  const [open, high, low, close, volume] = [col('open'), col('high'), col('low'), col('close'), col('volume')];
  return ticks.map((tick, i) => {
    const candle: Candle = {
      openTime: int(tick, 'tick'),
      open: normalizeDecimal(num(open[i], 'open')),
      high: normalizeDecimal(num(high[i], 'high')),
      low: normalizeDecimal(num(low[i], 'low')),
      close: normalizeDecimal(num(close[i], 'close')),
      volume: normalizeDecimal(num(volume[i], 'volume')),
    };
    return { ...ref, interval, candle, isClosed: candle.openTime + RESOLUTION_MS[interval]! <= now, timestamp: candle.openTime };
  });
}
