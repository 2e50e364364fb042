/**
 * @module venues/test/binance/venue-harness
 * Test wiring: a BinanceVenue pointed at a FakeBinanceServer, on the shared live-venue harness (recording sinks,
 * every published book, and `until`, which re-checks a condition whenever the venue reports something).
 */
import { createBinanceVenue, type BinanceVenue } from '../../src/binance/binance-venue.ts';
import type { BinanceVenueOptions } from '../../src/binance/config.ts';
import type { FakeBinanceServer } from '@cadenza/testkit/venue-fakes/binance';
import { harness, type Harness as SharedHarness } from '@cadenza/testkit/venue-fakes/shared';

export type { Recorded } from '@cadenza/testkit/venue-fakes/shared';
export type Harness = SharedHarness<BinanceVenue>;

export function connectVenue(fake: FakeBinanceServer, options: Partial<BinanceVenueOptions> = {}): Harness {
  return harness((deps) =>
    createBinanceVenue(deps, {
      venueId: 'BINANCE',
      restBaseUrl: fake.restBaseUrl,
      wsBaseUrl: fake.wsBaseUrl,
      reconnectDelayMs: { min: 20, max: 200 },
      snapshotRetryDelayMs: 20,
      ...options,
    }),
  );
}
