/**
 * @module http/api-v3/operations/market-operations
 * `/market/*`: venues, the instrument and security catalogue, order books, tickers, klines and order-book
 * subscriptions. REST names one instrument where the RPC takes lists (`instrumentId` → `instrumentIds`), and
 * answers one model where the RPC answers a list (ticker/get, kline/get, the order-book subscribe).
 */
import { parseInstrumentId, type Kline, type KlineInterval, type RpcInstrument, type RpcSecurity, type RpcSubscription, type Ticker, type Venue } from '@cadenza/contract';
import { toRestInstrument, toRestSecurity, securityOfId } from '../models/instrument.ts';
import { isoOf } from '../models/rest-time.ts';
import { toRestSubscription } from '../models/subscription.ts';
import { invalidRequest, statusOfError } from '../http-status.ts';
import { RestError } from '../envelope.ts';
import { compact, pagination, type RestOperation } from '../rest-operation.ts';
import type { RestInput } from '../request-checks.ts';

/** The one instrument a get names: the contract marks it optional, but nothing else identifies the instrument. */
function oneInstrument(q: RestInput): string[] {
  if (typeof q.instrumentId !== 'string') throw invalidRequest('instrumentId is required');
  return [q.instrumentId];
}

function klineParams(q: RestInput): Record<string, unknown> {
  return compact({
    instrumentIds: oneInstrument(q),
    interval: q.interval,
    startTime: typeof q.from === 'number' ? isoOf(q.from) : undefined,
    endTime: typeof q.to === 'number' ? isoOf(q.to) : undefined,
    limit: q.limit,
  });
}

/** The series, or an empty one when the window holds no bar. */
function oneKline(klines: Kline[], q: RestInput): Kline {
  if (klines[0]) return klines[0];
  const id = parseInstrumentId(q.instrumentId as string);
  return { instrumentId: q.instrumentId as string, venue: id!.venue, symbol: id!.symbol, interval: q.interval as KlineInterval, candles: [], isClosed: true, timestamp: Date.now() };
}

function oneTicker(tickers: Ticker[], q: RestInput): Ticker {
  if (tickers[0]) return tickers[0];
  throw new RestError(statusOfError.MARKET_DATA_UNAVAILABLE, 15003, 'MARKET_DATA_UNAVAILABLE', `no ticker for ${q.instrumentId as string} yet; subscribe to it first`);
}

function unsubscribeParams(b: RestInput): Record<string, unknown> {
  if (b.subscriptionId === undefined && b.instrumentId === undefined) throw invalidRequest('give subscriptionId or instrumentId (tradingAccountId names an account stream: use /api/v3/tradingAccount/subscription/unsubscribe)');
  return compact({ subscriptionId: b.subscriptionId, instrumentId: b.instrumentId });
}

export const marketOperations: RestOperation[] = [
  { operationId: 'listMarketVenues', rpc: 'query.venue.list', response: (venues: Venue[], _q, context) => venues.map((venue) => ({ venue, status: context.venueStatus(venue) })) },
  { operationId: 'syncMarketInstruments', rpc: 'command.instrument.sync', request: (b) => ({ venue: b.venue, symbols: b.symbols }) },
  { operationId: 'deleteMarketInstrument', rpc: 'command.instrument.delete', request: (b) => ({ instrumentId: b.instrumentId }), response: (i: RpcInstrument) => i.instrumentId },
  { operationId: 'enableMarketInstrument', rpc: 'command.instrument.enable', request: (b) => ({ instrumentId: b.instrumentId }), response: toRestInstrument },
  { operationId: 'disableMarketInstrument', rpc: 'command.instrument.disable', request: (b) => ({ instrumentId: b.instrumentId }), response: toRestInstrument },
  {
    operationId: 'listMarketInstruments',
    rpc: 'query.instrument.list',
    request: (q) => compact({ venue: q.venue, symbols: q.symbols, securityType: q.securityType, instrumentStatus: q.instrumentStatus, limit: q.limit, offset: q.offset }),
    response: (list: RpcInstrument[]) => list.map((i) => toRestInstrument(i)),
  },
  { operationId: 'syncMarketSecurities', rpc: 'command.security.sync', request: (b) => ({ venue: b.venue }), response: (synced: RpcSecurity[]) => String(synced.length) },
  { operationId: 'deleteMarketSecurity', rpc: 'command.security.delete', request: (b) => ({ securityIds: [b.securityId] }), response: (_none, b) => securityOfId(b.securityId as string) },
  {
    operationId: 'listMarketSecurities',
    rpc: 'query.security.list',
    request: (q) => compact({ venue: q.venue, securities: q.securityId === undefined ? undefined : [q.securityId], limit: q.limit, offset: q.offset }),
    response: (list: RpcSecurity[]) => list.map((s) => toRestSecurity(s)),
  },
  { operationId: 'getMarketOrderBook', rpc: 'query.orderbook.get', request: (q) => compact({ instrumentId: q.instrumentId, depth: q.depth }) },
  { operationId: 'listMarketOrderBooks', rpc: 'query.orderbook.list', request: (q) => compact({ instrumentIds: q.instrumentIds, depth: q.depth }) },
  { operationId: 'getMarketTicker', rpc: 'query.ticker.list', request: (q) => ({ instrumentIds: oneInstrument(q) }), response: oneTicker },
  { operationId: 'listMarketTickers', rpc: 'query.ticker.list', request: (q) => compact({ instrumentIds: q.instrumentIds, pagination: pagination(q) }) },
  { operationId: 'getMarketKline', rpc: 'query.kline.list', request: klineParams, response: oneKline },
  {
    operationId: 'subscribeMarketOrderBook',
    rpc: 'command.market.subscription.orderbook.subscribe',
    request: (b) => ({ instrumentIds: [b.instrumentId] }),
    response: (subs: RpcSubscription[]) => toRestSubscription(subs[0]!),
  },
  { operationId: 'unsubscribeMarketOrderBook', rpc: 'command.market.subscription.orderbook.unsubscribe', request: unsubscribeParams, response: (s: RpcSubscription) => toRestSubscription(s) },
  {
    operationId: 'listMarketOrderBookSubscriptions',
    rpc: 'query.market.subscription.orderbook.list',
    request: (q) => compact({ instrumentIds: q.instrumentId === undefined ? undefined : [q.instrumentId] }),
    response: (subs: RpcSubscription[]) => subs.map((s) => toRestSubscription(s)),
  },
];
