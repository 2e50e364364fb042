/**
 * @module instruments/venue-listings
 * When the catalogue asks the venues for their instrument lists. Promises:
 * - one automatic listing per venue at a time: a caller asking while one is in flight joins it;
 * - each venue's outcome is remembered (`needsListing`: no listing has succeeded, or the last one failed);
 * - on-demand listings (a request named an instrument the catalogue lacks) start at most once per `onDemandGapMs`
 *   per venue, so a flood of such requests costs the venue one call;
 * - the periodic refresh lists every venue each `intervalMs` (the next round is timed from the end of the last);
 *   its timer is unref'd and `stop()` ends it; results arriving after `stop()` are dropped (the store may be
 *   closed by then).
 */
import { causeChain } from '../errors.ts';
import type { Logger } from '../ports/logger.ts';
import type { InstrumentSpec } from '../model/instrument.ts';

export interface VenueListingsOptions {
  venues: () => string[];
  /** Asks the venue for its list; rejects when it cannot answer. */
  fetch: (venue: string) => Promise<InstrumentSpec[]>;
  /** Applies a list (automatic refresh rules: the catalogue's module note). */
  apply: (venue: string, specs: InstrumentSpec[]) => void;
  now: () => number;
  log: Logger;
  /** Minimum time between two on-demand listings of one venue. */
  onDemandGapMs: number;
}

interface VenueState {
  inFlight?: Promise<void>;
  /** Outcome of the last finished listing; undefined before the first. */
  failed?: boolean;
  lastOnDemandAt?: number;
}

export class VenueListings {
  private readonly state = new Map<string, VenueState>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly options: VenueListingsOptions) {}

  /** Lists the venue and applies the result, or joins the listing in flight. Rejects when the venue failed. */
  refresh(venue: string): Promise<void> {
    const s = this.of(venue);
    if (s.inFlight) return s.inFlight;
    const run = (async () => {
      try {
        const specs = await this.options.fetch(venue);
        if (this.stopped) return;
        this.options.apply(venue, specs);
        s.failed = false;
      } catch (err) {
        s.failed = true;
        throw err;
      } finally {
        s.inFlight = undefined;
      }
    })();
    s.inFlight = run;
    return run;
  }

  /** Records the outcome of a listing made outside (an admin's explicit sync). */
  record(venue: string, ok: boolean): void {
    this.of(venue).failed = !ok;
  }

  /** No listing of the venue has succeeded yet, or its last one failed. */
  needsListing(venue: string): boolean {
    return this.of(venue).failed !== false;
  }

  /**
   * The listing to wait for on behalf of a request: the one in flight, else a new one unless the venue was listed
   * on demand less than `onDemandGapMs` ago (then undefined). Failures are logged here; the promise never rejects.
   */
  onDemand(venue: string): Promise<void> | undefined {
    if (this.stopped) return undefined;
    const s = this.of(venue);
    if (!s.inFlight) {
      const now = this.options.now();
      if (s.lastOnDemandAt !== undefined && now - s.lastOnDemandAt < this.options.onDemandGapMs) return undefined;
      s.lastOnDemandAt = now;
      this.options.log.info({ venue }, 'a request named an instrument the catalogue lacks: listing the venue again');
    }
    return this.refresh(venue).catch((err: unknown) => {
      this.options.log.warn({ venue, reason: causeChain(err) }, 'on-demand instrument listing failed');
    });
  }

  /** Lists every venue every `intervalMs` (0 = never). */
  startPeriodic(intervalMs: number): void {
    if (intervalMs <= 0 || this.stopped || this.timer) return;
    const tick = async () => {
      await Promise.all(
        this.options.venues().map((venue) =>
          this.refresh(venue).catch((err: unknown) => {
            this.options.log.warn({ venue, reason: causeChain(err) }, 'periodic instrument refresh failed; keeping the catalogue');
          }),
        ),
      );
      schedule();
    };
    const schedule = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => void tick(), intervalMs);
      this.timer.unref();
    };
    schedule();
  }

  /** Ends the periodic refresh and on-demand listings; later results are dropped. Idempotent. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private of(venue: string): VenueState {
    let s = this.state.get(venue);
    if (!s) this.state.set(venue, (s = {}));
    return s;
  }
}
