/**
 * @module venues
 * The venue registry: venue id → adapter factory. A new venue is one folder in packages/venues plus one line here.
 */
import type { Venue, VenueDeps } from '@cadenza/domain';
import { createPaperVenue } from '@cadenza/venues/paper';
import { createMockVenue } from '@cadenza/venues/mock';
import { createBinanceVenue } from '@cadenza/venues/binance';
import type { ServerConfig } from './config.ts';

type Factory = (deps: VenueDeps, config: ServerConfig) => Venue;

const registry: Record<string, Factory> = {
  PAPER: (deps, c) => createPaperVenue(deps, { seed: c.paper.seed, lively: c.paper.lively }),
  MOCK: (deps) => createMockVenue(deps),
  BINANCE: (deps, c) => createBinanceVenue(deps, { venueId: 'BINANCE', ...c.binance }),
  BINANCE_SANDBOX: (deps, c) => createBinanceVenue(deps, { venueId: 'BINANCE_SANDBOX', ...c.binanceSandbox }),
};

export const supportedVenues = Object.keys(registry);

export function createVenues(config: ServerConfig, deps: (id: string) => VenueDeps, extra: Array<(deps: VenueDeps) => Venue>): Venue[] {
  const out: Venue[] = [];
  for (const id of config.venues) {
    const factory = registry[id];
    if (!factory) throw new Error(`unknown venue ${id} in CADENZA_VENUES (supported: ${supportedVenues.join(', ')})`);
    out.push(factory(deps(id), config));
  }
  for (const make of extra) out.push(make(deps('extra')));
  return out;
}
