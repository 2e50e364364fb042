/**
 * @module kit/credit-bucket
 * Venue limits stated as a refilling pool rather than a count per window: Deribit's credits (each request costs
 * credits from a pool of `capacity`, refilled at `refillPerSecond`) and Hyperliquid's weights (1200 per minute per IP,
 * kept here as a pool of 600 refilled at 10 a second, so no rolling minute ever sees more than 1200).
 *
 *  - `acquire(key, cost)` takes `cost` credits from the pool of `key` (its own pool, else its family's — the part
 *    before the first '|' — so `matching|<clientId>` is one account's pool of the `matching` kind). It waits until
 *    the pool holds them (counted as `throttled`), or refuses when that wait exceeds what the caller accepts — an
 *    order is not delayed for long.
 *  - `backOff` records a "too many requests" answer: nothing is sent under this venue until it has passed (reads may
 *    wait it out, orders are refused at once). The counters are the ones `/metrics` shows per venue, as for the
 *    window budgets (kit/rate-budget.ts).
 *
 * Pools are measured on the injected clock, so tests drive time. A pool may be kept `margin` credits emptier than the
 * venue's: the venue counts a request when it arrives, so a pool spent to the last credit could look overdrawn there.
 */
import { VenueError } from './venue-error.ts';
import type { RateLimitStats } from './rate-budget.ts';

export interface CreditPool {
  capacity: number;
  refillPerSecond: number;
  /** Credits held back (see the module comment). Default: none. */
  margin?: number;
}

export interface CreditBucketsOptions {
  venue: string;
  clock: { now(): number };
  pools: Readonly<Record<string, CreditPool>>;
  sleep?: (ms: number) => Promise<void>;
}

interface Level {
  credits: number;
  at: number;
}

export class CreditBuckets {
  private readonly levels = new Map<string, Level>();
  private blockedUntil = 0;
  private readonly counters: RateLimitStats = { throttled: 0, rateLimited: 0, banned: 0, refused: 0 };
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: CreditBucketsOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  stats(): RateLimitStats {
    return { ...this.counters };
  }

  poolOf(key: string): CreditPool | undefined {
    return this.options.pools[key] ?? this.options.pools[key.split('|')[0]!];
  }

  /** Credits in the pool of `key` now (capacity for a pool not used yet; Infinity for keys without a pool). */
  available(key: string): number {
    const pool = this.poolOf(key);
    if (!pool) return Infinity;
    return this.level(key, pool).credits;
  }

  /** Milliseconds until `cost` credits are in the pool of `key` (0 = now). */
  waitMs(key: string, cost: number): number {
    const pool = this.poolOf(key);
    if (!pool) return 0;
    const need = Math.min(cost, pool.capacity - (pool.margin ?? 0)) + (pool.margin ?? 0) - this.level(key, pool).credits;
    return need <= 0 ? 0 : Math.ceil((need * 1000) / pool.refillPerSecond);
  }

  blockedForMs(): number {
    return Math.max(0, this.blockedUntil - this.options.clock.now());
  }

  /**
   * Waits until the pool of `key` holds `cost` credits and no back-off runs, then spends them. Refuses
   * (`rate-limited`) when that would take longer than `maxWaitMs`, and at once during a back-off unless
   * `waitForBackOff`.
   */
  async acquire(key: string, cost: number, maxWaitMs: number, waitForBackOff = true): Promise<void> {
    let waited = 0;
    for (;;) {
      const blocked = this.blockedForMs();
      if (blocked > 0 && (!waitForBackOff || waited + blocked > maxWaitMs)) throw this.refusal(blocked);
      const wait = Math.max(blocked, this.waitMs(key, cost));
      if (wait <= 0) {
        const pool = this.poolOf(key);
        if (pool) this.level(key, pool).credits -= Math.min(cost, pool.capacity);
        if (waited > 0) this.counters.throttled++;
        return;
      }
      if (waited + wait > maxWaitMs) throw this.refusal(wait);
      await this.sleep(wait);
      waited += wait;
    }
  }

  /** Spends credits for a request sent without asking (or charged after the fact, e.g. by the size of an answer). */
  charge(key: string, cost: number): void {
    const pool = this.poolOf(key);
    if (pool) this.level(key, pool).credits -= cost;
  }

  /** The venue answered "too many requests": stay quiet for `retryAfterMs`, and treat its pools as empty. */
  backOff(retryAfterMs: number): void {
    this.counters.rateLimited++;
    const now = this.options.clock.now();
    this.blockedUntil = Math.max(this.blockedUntil, now + Math.max(0, retryAfterMs));
    for (const level of this.levels.values()) {
      level.credits = Math.min(level.credits, 0);
      level.at = now;
    }
  }

  private refusal(waitMs: number): VenueError {
    this.counters.refused++;
    return new VenueError(this.options.venue, 'rate-limited', `${this.options.venue} rate limit: no room for ${Math.ceil(waitMs / 1000)} s; not sending`, { retryAfterMs: waitMs });
  }

  /** The pool of `key` refilled up to now. */
  private level(key: string, pool: CreditPool): Level {
    const now = this.options.clock.now();
    let level = this.levels.get(key);
    if (!level) {
      level = { credits: pool.capacity, at: now };
      this.levels.set(key, level);
      return level;
    }
    level.credits = Math.min(pool.capacity, level.credits + ((now - level.at) * pool.refillPerSecond) / 1000);
    level.at = now;
    return level;
  }
}
