/**
 * @module model/market-data
 * Market data as venues report it and consumers read it: book snapshots (top levels), trades, tickers, klines, and
 * the key of one market-data stream. Decimal strings, epoch milliseconds.
 */
import type { DecimalString, EpochMs, OrderSideValue, VenueId } from './primitives.ts';

export interface BookLevel {
  price: DecimalString;
  quantity: DecimalString;
  orderCount?: number;
}

/** Top of the book; bids best (highest) first, asks best (lowest) first. */
export interface BookSnapshot {
  instrumentId: string;
  venue: VenueId;
  symbol: string;
  bids: BookLevel[];
  asks: BookLevel[];
  timestamp: EpochMs;
}

/**
 * A book read on its instrument's grid (`Venue.readGridBook`): one side's levels, best first, as counts of the
 * instrument's tick (prices) and lot (quantities), and the best price of each side. The reader owns it and hands the
 * same one to read after read; the venue overwrites it.
 */
export interface GridBook {
  /** The grid the counts are on: the venue's tick and lot size for the symbol. */
  tickSize: DecimalString;
  lotSize: DecimalString;
  /** Levels written into `ticks` and `lots` (their entries past it are stale). */
  count: number;
  ticks: number[];
  lots: number[];
  /** The best bid and ask in ticks; undefined when that side is empty. */
  bestBid: number | undefined;
  bestAsk: number | undefined;
}

export interface TradeTick {
  instrumentId: string;
  venue: VenueId;
  symbol: string;
  tradeId: string;
  price: DecimalString;
  quantity: DecimalString;
  /** The taker's side. */
  side: OrderSideValue;
  timestamp: EpochMs;
}

export interface TickerSnapshot {
  instrumentId: string;
  venue: VenueId;
  symbol: string;
  lastPrice?: DecimalString;
  lastQuantity?: DecimalString;
  bidPrice?: DecimalString;
  bidQuantity?: DecimalString;
  askPrice?: DecimalString;
  askQuantity?: DecimalString;
  /** Change over the last 24 h, in percent, e.g. "-1.25". */
  priceChangePercent?: DecimalString;
  timestamp: EpochMs;
}

export interface Candle {
  openTime: EpochMs;
  open: DecimalString;
  high: DecimalString;
  low: DecimalString;
  close: DecimalString;
  volume: DecimalString | null;
}

export interface KlineUpdate {
  instrumentId: string;
  venue: VenueId;
  symbol: string;
  /** KlineInterval value, e.g. '1m'. */
  interval: string;
  candle: Candle;
  /** True once the bar is final. */
  isClosed: boolean;
  timestamp: EpochMs;
}

/**
 * A derivative's mark price: what its positions are valued and margined at (venues derive it from an index and their
 * own book, so one trade cannot move it). Index and funding figures, open interest, and an option's implied volatility
 * and greeks come along when the venue gives them. Signed decimals may start with "-".
 */
export interface MarkPriceUpdate {
  instrumentId: string;
  venue: VenueId;
  symbol: string;
  markPrice: DecimalString;
  indexPrice?: DecimalString;
  /** Perpetuals: the rate the next settlement will apply (a fraction of position value per interval), and when. */
  fundingRate?: DecimalString;
  nextFundingTime?: EpochMs;
  openInterest?: DecimalString;
  /** Options: implied volatility of the mark price (a fraction, "0.55" = 55 %). */
  markIv?: DecimalString;
  greeks?: { delta?: DecimalString; gamma?: DecimalString; vega?: DecimalString; theta?: DecimalString; rho?: DecimalString };
  timestamp: EpochMs;
}

/**
 * A perpetual's funding settlement: at `fundingTime` every long paid `rate` × its position's value at `markPrice` to
 * the shorts (the shorts paid the longs when the rate is negative). The domain books it on the positions it keeps
 * (domain-ledger venues); venues that keep the ledger report each account's payment as a `funding` execution event.
 */
export interface FundingSettlement {
  instrumentId: string;
  venue: VenueId;
  symbol: string;
  /** Signed fraction, e.g. "0.0001" (0.01 %). */
  rate: DecimalString;
  markPrice: DecimalString;
  fundingTime: EpochMs;
}

export type MarketStreamKind = 'orderbook' | 'trade' | 'ticker' | 'kline';

/** One market-data stream of one instrument; `interval` only for klines. */
export interface MarketStreamKey {
  kind: MarketStreamKind;
  symbol: string;
  interval?: string;
}

/** Market data an external feeder pushes for one instrument (`command.orderbook.save`, `.ticker.save`, `.kline.save`). */
export type ExternalMarketData = { kind: 'book'; book: BookSnapshot } | { kind: 'ticker'; ticker: TickerSnapshot } | { kind: 'klines'; klines: KlineUpdate[] };
