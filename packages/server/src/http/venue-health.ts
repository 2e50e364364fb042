/**
 * @module http/venue-health
 * Venue connectivity (venue-connectivity.ts) as `/health` and `/metrics` show it: `checks.venues` is `degraded`
 * while a configured live venue cannot be reached, with each venue's state beside it; the gauge
 * `cadenza_venue_reachable{venue}` is 1 or 0 per configured venue.
 */
import type { Venue } from '@cadenza/domain';
import type { VenueConnectivity } from '../venue-connectivity.ts';
import type { HealthProbe } from './health.ts';

export function venueHealthProbe(connectivity: VenueConnectivity, venues: readonly Venue[]): HealthProbe {
  return {
    name: 'venues',
    check() {
      const detail: Record<string, { status: 'healthy' | 'unhealthy'; state: string; since?: string }> = {};
      for (const v of venues) {
        const { reach, since } = connectivity.reach(v.id);
        detail[v.id] = reach === 'down' ? { status: 'unhealthy', state: reach, since: new Date(since!).toISOString() } : { status: 'healthy', state: reach };
      }
      const down = Object.values(detail).some((d) => d.status === 'unhealthy');
      return { status: down ? 'degraded' : 'healthy', venues: detail };
    },
  };
}

export function venueReachableSamples(connectivity: VenueConnectivity, venues: readonly Venue[]): Array<{ labels: Record<string, string>; value: number }> {
  return venues.map((v) => ({ labels: { venue: v.id }, value: connectivity.reach(v.id).reach === 'down' ? 0 : 1 }));
}
