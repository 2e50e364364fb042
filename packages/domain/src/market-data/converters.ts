/**
 * @module market-data/converters
 * Venue snapshots → the contract's unified market-data models. Used by the RPC queries and by the server's
 * channel bridge, so a book looks the same over RPC and on `market:orderbook:*`.
 */
import type { Kline, KlineCandle, MarketTrade, OrderBook, Ticker } from '@cadenza/contract';
import type { BookSnapshot, KlineUpdate, TickerSnapshot, TradeTick } from '../model/market-data.ts';

/** An L2 SNAPSHOT: rows `[price, quantity]`, bids best first, asks best first, timestamp epoch ms. */
export function toOrderBook(b: BookSnapshot): OrderBook {
  return {
    updateType: 'SNAPSHOT',
    instrumentId: b.instrumentId,
    venue: b.venue as OrderBook['venue'],
    symbol: b.symbol,
    orderBookType: 'L2',
    columns: ['price', 'quantity'],
    bids: b.bids.map((l) => [l.price, l.quantity]),
    asks: b.asks.map((l) => [l.price, l.quantity]),
    timestamp: b.timestamp,
  };
}

export function toTicker(t: TickerSnapshot): Ticker {
  const out: Ticker = { instrumentId: t.instrumentId, venue: t.venue as Ticker['venue'], symbol: t.symbol, timestamp: t.timestamp };
  for (const k of ['lastPrice', 'lastQuantity', 'bidPrice', 'bidQuantity', 'askPrice', 'askQuantity', 'priceChangePercent'] as const) {
    const v = t[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function candleOf(k: KlineUpdate): KlineCandle {
  const c = k.candle;
  return [c.openTime, c.open, c.high, c.low, c.close, c.volume] as KlineCandle;
}

/**
 * One `Kline` from one update (a channel push: the forming or just-closed bar) or from a run of bars of one
 * instrument and interval, oldest first (a query); `isClosed` describes the last bar.
 */
export function toKline(k: KlineUpdate | KlineUpdate[]): Kline | undefined {
  const list = Array.isArray(k) ? k : [k];
  const last = list[list.length - 1];
  if (!last) return undefined;
  return {
    instrumentId: last.instrumentId,
    venue: last.venue as Kline['venue'],
    symbol: last.symbol,
    interval: last.interval as Kline['interval'],
    candles: list.map(candleOf),
    isClosed: last.isClosed,
    timestamp: last.timestamp,
  };
}

export function toMarketTrade(t: TradeTick): MarketTrade {
  return {
    instrumentId: t.instrumentId,
    venue: t.venue,
    symbol: t.symbol,
    tradeId: t.tradeId,
    price: t.price,
    quantity: t.quantity,
    side: t.side,
    timestamp: t.timestamp,
  };
}
