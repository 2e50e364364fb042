/**
 * @module channels
 * The only place channel names are built and parsed (docs/architecture.md, decision 2).
 *
 *   market:orderbook:{VENUE}:{SYMBOL}            OrderBook SNAPSHOTs (SYMBOL: BASE/QUOTE, or a derivative's name)
 *   market:trade:{VENUE}:{BASE/QUOTE}            MarketTrade
 *   market:ticker:{VENUE}:{BASE/QUOTE}           Ticker
 *   market:ticker:{VENUE}                        Ticker, every instrument of the venue
 *   market:kline:{VENUE}:{BASE/QUOTE}:{interval} Kline (forming bar, isClosed on close)
 *   market:instrument:{VENUE}                    AccountEvent `event.instrument.updated` (RpcInstrument[]) on admin changes
 *   market:security:{VENUE}                      AccountEvent `event.security.updated` (RpcSecurity[]) on admin changes
 *   tradingAccount:{tradingAccountId}            AccountEvent (owner only)
 *   user:{userId}                                AccountEvent (the user's other events; server-side subscription)
 *
 * Venue is exactly a `Venue` enum value (upper case); the symbol keeps its slash.
 */
import { KlineIntervalValues, VenueValues, type KlineInterval, type Venue } from './generated/enums.ts';

export type MarketStream = 'orderbook' | 'trade' | 'ticker' | 'kline' | 'instrument' | 'security';

export type ChannelRef =
  | { kind: 'market'; stream: MarketStream; venue: Venue; symbol?: string; interval?: KlineInterval }
  | { kind: 'tradingAccount'; tradingAccountId: string }
  | { kind: 'user'; userId: string };

/**
 * A spot pair `BASE/QUOTE`, or a derivative's own name as its venue spells it: letters and digits in dash-separated
 * parts ('BTC-PERP', 'BTC-PERPETUAL', 'BTC-27JUN25-60000-C', Hyperliquid's 'BTC' and 'kPEPE'), at most 64 characters.
 */
const SYMBOL = /^(?:[A-Z0-9]{1,20}\/[A-Z0-9]{1,20}|(?=.{1,64}$)[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)$/;
const venues = new Set<string>(VenueValues);

/** True for a market symbol channels and instrument ids may carry: `BASE/QUOTE`, or a derivative's own name. */
export function isMarketSymbol(symbol: string): boolean {
  return SYMBOL.test(symbol);
}
const intervals = new Set<string>(KlineIntervalValues);

export const channels = {
  orderBook: (venue: string, symbol: string) => `market:orderbook:${venue}:${symbol}`,
  trades: (venue: string, symbol: string) => `market:trade:${venue}:${symbol}`,
  ticker: (venue: string, symbol?: string) => (symbol ? `market:ticker:${venue}:${symbol}` : `market:ticker:${venue}`),
  kline: (venue: string, symbol: string, interval: string) => `market:kline:${venue}:${symbol}:${interval}`,
  /** A venue's catalogue changes: `event.instrument.updated` / `event.security.updated`. */
  catalogue: (kind: 'instrument' | 'security', venue: string) => `market:${kind}:${venue}`,
  tradingAccount: (tradingAccountId: string) => `tradingAccount:${tradingAccountId}`,
  user: (userId: string) => `user:${userId}`,
} as const;

/** Parses a channel name; undefined when it is not one of ours (unknown namespace, venue, symbol or interval). */
export function parseChannel(name: string): ChannelRef | undefined {
  const parts = name.split(':');
  const [ns] = parts;
  if (ns === 'tradingAccount' && parts.length === 2 && parts[1]) return { kind: 'tradingAccount', tradingAccountId: parts[1] };
  if (ns === 'user' && parts.length === 2 && parts[1]) return { kind: 'user', userId: parts[1] };
  if (ns !== 'market') return undefined;
  const [, stream, venue, symbol, interval] = parts;
  if (!venue || !venues.has(venue)) return undefined;
  const v = venue as Venue;
  if (symbol !== undefined && !SYMBOL.test(symbol)) return undefined;
  switch (stream) {
    case 'orderbook':
    case 'trade':
      return parts.length === 4 && symbol ? { kind: 'market', stream, venue: v, symbol } : undefined;
    case 'ticker':
      if (parts.length === 3) return { kind: 'market', stream, venue: v };
      return parts.length === 4 && symbol ? { kind: 'market', stream, venue: v, symbol } : undefined;
    case 'instrument':
    case 'security':
      return parts.length === 3 ? { kind: 'market', stream, venue: v } : undefined;
    case 'kline':
      return parts.length === 5 && symbol && interval && intervals.has(interval)
        ? { kind: 'market', stream, venue: v, symbol, interval: interval as KlineInterval }
        : undefined;
    default:
      return undefined;
  }
}

/** `{VENUE}:{BASE/QUOTE}` ⇄ parts. */
export function instrumentId(venue: string, symbol: string): string {
  return `${venue}:${symbol}`;
}

export function parseInstrumentId(id: string): { venue: Venue; symbol: string } | undefined {
  const i = id.indexOf(':');
  if (i <= 0) return undefined;
  const venue = id.slice(0, i);
  const symbol = id.slice(i + 1);
  if (!venues.has(venue) || !SYMBOL.test(symbol)) return undefined;
  return { venue: venue as Venue, symbol };
}
