/**
 * @module rate-limits
 * In-memory limits against brute force and abuse (per process; a restart forgets them).
 *
 * - `TokenBucketLimiter`: per key (client IP), `burst` requests at once refilled at `perSecond` — GoTrue's model
 *   (its `/token` default: burst 30, 0.5/s; `/signup`, `/recover`: 30 per 5 min).
 * - `FailureLimiter`: per account (lower-cased email, known or not, so it reveals nothing), at most `maxFailures`
 *   failed password checks per `windowSeconds`; beyond that the account answers 429 without checking the
 *   password until the window has passed. A successful sign-in clears the count.
 */

export interface TokenBucketSettings {
  burst: number;
  perSecond: number;
}

const MAX_KEYS = 50_000;

/** Token buckets keyed by a string; `take` spends one token or says no. */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly settings: TokenBucketSettings,
    private readonly now: () => number,
  ) {}

  /** True if the request may proceed. */
  take(key: string): boolean {
    const now = this.now();
    const b = this.buckets.get(key);
    const tokens = b ? Math.min(this.settings.burst, b.tokens + ((now - b.at) / 1000) * this.settings.perSecond) : this.settings.burst;
    if (tokens < 1) {
      if (b) Object.assign(b, { tokens, at: now });
      return false;
    }
    if (!b && this.buckets.size >= MAX_KEYS) this.evictFull(now);
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    return true;
  }

  /** Forgets buckets that have refilled completely (they behave exactly like new ones). */
  private evictFull(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.settings.perSecond >= this.settings.burst) this.buckets.delete(key);
    }
    if (this.buckets.size >= MAX_KEYS) this.buckets.clear();
  }
}

export interface FailureLimiterSettings {
  maxFailures: number;
  windowSeconds: number;
}

/**
 * Counts attempts per key within a fixed window that starts at the first one. An attempt is counted when it
 * begins (so parallel guesses cannot all slip past the check while the first ones are still being verified) and
 * the count is cleared when one succeeds, which makes it a count of failures.
 */
export class FailureLimiter {
  private readonly windows = new Map<string, { count: number; start: number }>();

  constructor(
    private readonly settings: FailureLimiterSettings,
    private readonly now: () => number,
  ) {}

  /** Counts an attempt; false (and nothing counted) when the key has used up its attempts in this window. */
  begin(key: string): boolean {
    const w = this.current(key);
    if (w && w.count >= this.settings.maxFailures) return false;
    if (w) w.count += 1;
    else {
      if (this.windows.size >= MAX_KEYS) this.windows.clear();
      this.windows.set(key, { count: 1, start: this.now() });
    }
    return true;
  }

  /** The attempt succeeded: forget the key's failures. */
  succeeded(key: string): void {
    this.windows.delete(key);
  }

  private current(key: string): { count: number; start: number } | undefined {
    const w = this.windows.get(key);
    if (w && this.now() - w.start >= this.settings.windowSeconds * 1000) {
      this.windows.delete(key);
      return undefined;
    }
    return w;
  }
}
