/**
 * @module kit/rate-budget
 * A venue's documented request budgets, enforced before anything is sent, and its back-off answers honoured.
 *
 *  - A budget is "at most `limit` requests per rolling `windowMs`" under a key (an endpoint, an endpoint and an
 *    instrument, the connection rate of a socket host …). `acquire` waits until the request fits — counted as
 *    `throttled` — or refuses when the wait would exceed what the caller accepts (an order is not delayed for long).
 *    It answers a `settle` function the caller calls when the answer arrives: until then the request counts as
 *    sent "now" (it never leaves the window while in flight), afterwards as sent when its answer arrived — the venue
 *    counted it somewhere in between, and under load that can be long after we sent it.
 *  - `backOff` records a 429 or ban answer: nothing is sent under the venue until it has passed; `rateLimited` and
 *    `banned` count those answers. The counters are what `/metrics` shows per venue.
 *
 * Windows are kept as the send times of the requests in them (a log, at most `limit` entries per key), measured on
 * the injected clock, so tests can drive time. Each window is held `marginMs` longer than documented: the venue
 * counts a request when it arrives, a little after we count it, so a budget filled to the brim at the window's edge
 * would otherwise look one request over to the venue.
 */
import { VenueError } from './venue-error.ts';

/** How often a request waiting only on in-flight requests looks again. */
const IN_FLIGHT_POLL_MS = 50;

export interface Budget {
  limit: number;
  windowMs: number;
}

/** Rate-limit counters of one venue, as `/metrics` exports them. */
export interface RateLimitStats {
  /** Requests that waited for their own budget before being sent. */
  throttled: number;
  /** 429 (or the venue's "too many requests" code) answers received. */
  rateLimited: number;
  /** Ban answers received (Binance 418, Bitfinex's 60-second IP block…). */
  banned: number;
  /** Requests refused locally because a back-off was running or the budget wait was too long. */
  refused: number;
}

export interface RateBudgetsOptions {
  venue: string;
  clock: { now(): number };
  budgets: Readonly<Record<string, Budget>>;
  /** Waits are real timers; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Added to every window (see the module comment). Default 100 ms. */
  marginMs?: number;
}

export class RateBudgets {
  private readonly sent = new Map<string, number[]>();
  /** Requests under a key that were sent and not yet answered. */
  private readonly inFlight = new Map<string, number>();
  private blockedUntil = 0;
  private blockKind: 'rate-limited' | 'banned' = 'rate-limited';
  private readonly counters: RateLimitStats = { throttled: 0, rateLimited: 0, banned: 0, refused: 0 };
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: RateBudgetsOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  stats(): RateLimitStats {
    return { ...this.counters };
  }

  /** The budget of a key: its own entry, else the entry of its family (the part before the first '|'). */
  budgetOf(key: string): Budget | undefined {
    const b = this.options.budgets[key] ?? this.options.budgets[key.split('|')[0]!];
    return b && { limit: b.limit, windowMs: b.windowMs + (this.options.marginMs ?? 100) };
  }

  /** Milliseconds until a request under `key` fits its budget (0 = now). Keys without a budget always fit. */
  waitMs(key: string): number {
    const budget = this.budgetOf(key);
    if (!budget) return 0;
    const now = this.options.clock.now();
    const log = this.prune(key, now, budget);
    const used = log.length + (this.inFlight.get(key) ?? 0);
    if (used < budget.limit) return 0;
    // That many answered requests must leave the window; in-flight ones only leave after their answer.
    const need = used - budget.limit + 1;
    if (need > log.length) return IN_FLIGHT_POLL_MS;
    return log[need - 1]! + budget.windowMs - now;
  }

  /** Milliseconds the venue told us to stay quiet for (0 when not backing off). */
  blockedForMs(): number {
    return Math.max(0, this.blockedUntil - this.options.clock.now());
  }

  /**
   * Waits until `keys` all fit their budgets and no back-off runs, then books the request under each key.
   * Refuses (`rate-limited` / `banned`) when that would take longer than `maxWaitMs`, at once while banned, and at once
   * during a back-off the venue imposed unless `waitForBackOff` (orders are never silently held back by the venue's
   * back-off; reads may wait it out).
   */
  async acquire(keys: readonly string[], maxWaitMs: number, waitForBackOff = true): Promise<() => void> {
    let waitedMs = 0;
    for (;;) {
      const blocked = this.blockedForMs();
      if (blocked > 0 && (this.blockKind === 'banned' || waitedMs + blocked > maxWaitMs || !waitForBackOff)) throw this.refusal(blocked);
      const wait = Math.max(blocked, ...keys.map((k) => this.waitMs(k)));
      if (wait <= 0) {
        const booked = keys.filter((k) => this.budgetOf(k));
        for (const k of booked) this.inFlight.set(k, (this.inFlight.get(k) ?? 0) + 1);
        if (waitedMs > 0) this.counters.throttled++;
        let settled = false;
        return () => {
          if (settled) return;
          settled = true;
          this.land(booked);
        };
      }
      if (waitedMs + wait > maxWaitMs) throw this.refusal(wait);
      await this.sleep(wait);
      waitedMs += wait;
    }
  }

  /** Like `acquire`, booked at once as sent now (connection attempts: they count when made). */
  async acquireNow(keys: readonly string[], maxWaitMs: number): Promise<void> {
    (await this.acquire(keys, maxWaitMs))();
  }

  /** The answer arrived: the request leaves the in-flight count and is logged at this time. */
  private land(keys: readonly string[]): void {
    const now = this.options.clock.now();
    for (const k of keys) {
      const n = (this.inFlight.get(k) ?? 1) - 1;
      if (n > 0) this.inFlight.set(k, n);
      else this.inFlight.delete(k);
      this.log(k).push(now);
    }
  }

  /** Books a request that was sent without asking (e.g. a frame the venue pushed us to answer). */
  record(key: string): void {
    if (this.budgetOf(key)) this.log(key).push(this.options.clock.now());
  }

  /** The venue answered "too many requests" (or banned us): stay quiet for `retryAfterMs`. */
  backOff(kind: 'rate-limited' | 'banned', retryAfterMs: number): void {
    const until = this.options.clock.now() + Math.max(0, retryAfterMs);
    if (kind === 'banned') this.counters.banned++;
    else this.counters.rateLimited++;
    if (until >= this.blockedUntil || kind === 'banned') this.blockKind = kind;
    this.blockedUntil = Math.max(this.blockedUntil, until);
  }

  private refusal(waitMs: number): VenueError {
    this.counters.refused++;
    const banned = this.blockKind === 'banned' && this.blockedForMs() > 0;
    return new VenueError(
      this.options.venue,
      banned ? 'banned' : 'rate-limited',
      banned
        ? `${this.options.venue} has banned this client for ${Math.ceil(waitMs / 1000)} s more; not sending`
        : `${this.options.venue} rate limit: no room for ${Math.ceil(waitMs / 1000)} s; not sending`,
      { retryAfterMs: waitMs },
    );
  }

  private log(key: string): number[] {
    let log = this.sent.get(key);
    if (!log) {
      log = [];
      this.sent.set(key, log);
    }
    return log;
  }

  private prune(key: string, now: number, budget: Budget): number[] {
    const log = this.log(key);
    let drop = 0;
    while (drop < log.length && log[drop]! <= now - budget.windowMs) drop++;
    if (drop > 0) log.splice(0, drop);
    return log;
  }
}

/** Anything that can report rate-limit counters (connectors built on the kit). */
export interface RateLimitReporter {
  rateLimitStats(): RateLimitStats;
}

/** The counters of a venue that reports them, else undefined (the composition root reads them for /metrics). */
export function rateLimitStatsOf(venue: object): RateLimitStats | undefined {
  const r = venue as Partial<RateLimitReporter>;
  return typeof r.rateLimitStats === 'function' ? r.rateLimitStats() : undefined;
}
