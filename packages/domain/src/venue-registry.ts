/**
 * @module venue-registry
 * The venue adapters this server runs, by id.
 */
import { DomainError } from './errors.ts';
import { boundedText } from './bounded-text.ts';
import type { Venue } from './ports/venue.ts';

export class VenueRegistry {
  private readonly byId = new Map<string, Venue>();
  constructor(venues: Venue[]) {
    for (const v of venues) this.byId.set(v.id, v);
  }
  get(id: string): Venue | undefined {
    return this.byId.get(id);
  }
  /** The adapter of `id`, or VENUE_NOT_CONFIGURED. */
  require(id: string): Venue {
    const v = this.byId.get(id);
    if (!v) throw new DomainError('VENUE_NOT_CONFIGURED', `venue ${boundedText(id)} is not available on this server`);
    return v;
  }
  ids(): string[] {
    return [...this.byId.keys()];
  }
  all(): Venue[] {
    return [...this.byId.values()];
  }
}
