/**
 * @module rpc/market-data
 * Order-book, ticker and kline queries from the venues' live state, and the `*.save` methods through which an
 * external feeder pushes books, tickers and bars into a venue that takes them (docs/domain.md, "Instruments, securities, market data").
 */
import type { RpcListKlinesParams, RpcListTickersParams } from '@cadenza/contract';
import { fromIso, pageOf, paginationOf, slicePage, type KlineWindow, type MarketSelection } from '@cadenza/domain';
import type { ListKlinesExtras, ListTickersExtras } from './params-extensions.ts';
import { admin, user, type RpcHandlers } from './rpc-handler.ts';

function selection(p: { instrumentIds?: string[]; venue?: string; symbols?: string[] }): MarketSelection {
  const s: MarketSelection = {};
  if (p.instrumentIds?.length) s.instrumentIds = p.instrumentIds;
  if (p.venue) s.venue = p.venue;
  if (p.symbols?.length) s.symbols = p.symbols;
  return s;
}

export const marketDataHandlers: RpcHandlers = {
  'query.orderbook.get': user((_c, p, z) => ({ data: z.marketData.orderBook(p.instrumentId, p.depth ?? 10) })),
  'query.orderbook.list': user((_c, p, z) => ({ data: z.marketData.orderBooks(selection(p), p.depth ?? 10) })),
  'query.ticker.list': user((_c, p: RpcListTickersParams & ListTickersExtras, z) => {
    const page = pageOf(p.pagination, 1000);
    const r = slicePage(z.marketData.tickers(selection(p)), page);
    return { data: r.items, pagination: paginationOf(page, r) };
  }),
  'query.kline.list': user(async (_c, p: RpcListKlinesParams & ListKlinesExtras, z) => {
    const window: KlineWindow = {};
    if (p.startTime) window.from = fromIso(p.startTime) ?? 0;
    if (p.endTime) window.to = fromIso(p.endTime) ?? Number.MAX_SAFE_INTEGER;
    if (p.limit) window.limit = p.limit;
    return { data: await z.marketData.klines(selection(p), p.interval ?? '1m', window) };
  }),
  // An external feeder's pushes, for venues that take them (MOCK, CADENZA_EXTERNAL_VENUES): admins and services only.
  'command.orderbook.save': admin((_c, p, z) => ({ data: z.marketData.saveOrderBooks(p.orderBooks) })),
  'command.ticker.save': admin((_c, p, z) => ({ data: z.marketData.saveTickers(p.tickers) })),
  'command.kline.save': admin((_c, p, z) => ({ data: z.marketData.saveKlines(p.klines) })),
};
