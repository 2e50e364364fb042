/**
 * @module venues
 * The venue registry: venue id → adapter factory. A new venue is one folder in packages/venues plus one line here.
 */
import type { Venue, VenueDeps } from '@cadenza/domain';
import { createPaperVenue } from '@cadenza/venues/paper';
import { createMockVenue } from '@cadenza/venues/mock';
import { createExternalVenue } from '@cadenza/venues/external';
import { createBinanceVenue } from '@cadenza/venues/binance';
import { createOkxVenue } from '@cadenza/venues/okx';
import { createBitfinexVenue } from '@cadenza/venues/bitfinex';
import { createDeribitVenue } from '@cadenza/venues/deribit';
import { createHyperliquidVenue } from '@cadenza/venues/hyperliquid';
import { rateLimitStatsOf } from '@cadenza/venues/kit';
import type { ServerConfig } from './config.ts';

type Factory = (deps: VenueDeps, config: ServerConfig) => Venue;

const registry: Record<string, Factory> = {
  PAPER: (deps, c) => createPaperVenue(deps, { seed: c.paper.seed, lively: c.paper.lively, fundingIntervalMs: c.paper.fundingIntervalMs }),
  MOCK: (deps) => createMockVenue(deps),
  BINANCE: (deps, c) => createBinanceVenue(deps, { venueId: 'BINANCE', ...c.binance }),
  BINANCE_UAT: (deps, c) => createBinanceVenue(deps, { venueId: 'BINANCE_UAT', ...c.endpoints.BINANCE_UAT }),
  // The spot testnet under its deprecated name: the same connector and endpoints, kept for existing accounts.
  BINANCE_SANDBOX: (deps, c) => createBinanceVenue(deps, { venueId: 'BINANCE_SANDBOX', ...c.binanceSandbox }),
  OKX: (deps, c) => createOkxVenue(deps, { venueId: 'OKX', ...c.endpoints.OKX }),
  OKX_UAT: (deps, c) => createOkxVenue(deps, { venueId: 'OKX_UAT', ...c.endpoints.OKX_UAT }),
  BITFINEX: (deps, c) => createBitfinexVenue(deps, { venueId: 'BITFINEX', ...c.endpoints.BITFINEX }),
  BITFINEX_UAT: (deps, c) => createBitfinexVenue(deps, { venueId: 'BITFINEX_UAT', ...c.endpoints.BITFINEX_UAT }),
  DERIBIT: (deps, c) => createDeribitVenue(deps, { venueId: 'DERIBIT', ...deribitUrl(c.endpoints.DERIBIT) }),
  DERIBIT_UAT: (deps, c) => createDeribitVenue(deps, { venueId: 'DERIBIT_UAT', ...deribitUrl(c.endpoints.DERIBIT_UAT) }),
  HYPERLIQUID: (deps, c) => createHyperliquidVenue(deps, { venueId: 'HYPERLIQUID', ...c.endpoints.HYPERLIQUID }),
  HYPERLIQUID_UAT: (deps, c) => createHyperliquidVenue(deps, { venueId: 'HYPERLIQUID_UAT', ...c.endpoints.HYPERLIQUID_UAT }),
};

/** Deribit's one base URL (DERIBIT_URL), given as the endpoint's `restBaseUrl`. */
function deribitUrl(e: { restBaseUrl?: string; wsBaseUrl?: string } | undefined): { url?: string } {
  const url = e?.restBaseUrl ?? e?.wsBaseUrl;
  return url ? { url } : {};
}

export const supportedVenues = Object.keys(registry);

export function createVenues(config: ServerConfig, deps: (id: string) => VenueDeps, extra: Array<(deps: VenueDeps) => Venue>): Venue[] {
  const external = config.externalVenues ?? [];
  const twice = external.find((id) => config.venues.includes(id));
  if (twice) throw new Error(`venue ${twice} is in both CADENZA_VENUES and CADENZA_EXTERNAL_VENUES: an externally fed venue has no connector of its own`);
  const out: Venue[] = [];
  for (const id of config.venues) {
    const factory = registry[id];
    if (!factory) throw new Error(`unknown venue ${id} in CADENZA_VENUES (supported: ${supportedVenues.join(', ')})`);
    out.push(factory(deps(id), config));
  }
  // Market data only, pushed by an external feeder (docs/domain.md, "Instruments, securities, market data").
  for (const id of external) out.push(createExternalVenue(id, deps(id)));
  for (const make of extra) out.push(make(deps('extra')));
  return out;
}

/** Rate-limit counters of the venues that keep them, as `{venue, kind}` samples for /metrics. */
export function venueRateLimitSamples(venues: readonly Venue[]): Array<{ labels: Record<string, string>; value: number }> {
  return venues.flatMap((v) => {
    const stats = rateLimitStatsOf(v);
    if (!stats) return [];
    return [
      { labels: { venue: v.id, kind: 'throttled' }, value: stats.throttled },
      { labels: { venue: v.id, kind: 'rate_limited' }, value: stats.rateLimited },
      { labels: { venue: v.id, kind: 'banned' }, value: stats.banned },
      { labels: { venue: v.id, kind: 'refused' }, value: stats.refused },
    ];
  });
}
