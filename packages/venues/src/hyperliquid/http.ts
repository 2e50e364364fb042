/**
 * @module hyperliquid/http
 * Hyperliquid's two REST endpoints: `POST <rest>/info` (reads: `{"type": …}` bodies) and `POST <rest>/exchange`
 * (signed actions). Every request is weighed against the IP budget first (rate-limits.ts); a 429 answer stops every
 * request of this venue for `Retry-After` or the configured back-off — reads wait it out (up to their patience),
 * actions are refused at once (an order is never silently held back). Answers are JSON with prices and sizes as
 * strings, times and order ids as integers below 2^53, so plain `JSON.parse` loses nothing.
 */
import { CreditBuckets } from '../kit/credit-bucket.ts';
import { retryAfter } from '../kit/http.ts';
import { VenueError, errorText } from '../kit/venue-error.ts';
import { HYPERLIQUID_POOLS, actionWeight, answerWeight, infoWeight } from './rate-limits.ts';

export interface HyperliquidHttpOptions {
  venue: string;
  restUrl: string;
  clock: { now(): number };
  log: { warn(obj: object, msg?: string): void };
  timeoutMs: number;
  backoffMs: number;
  maxOrderWaitMs: number;
  fetch?: typeof fetch;
}

/** Reads wait this long at most for room in the budget or a back-off. */
const READ_MAX_WAIT_MS = 15_000;

export class HyperliquidHttp {
  readonly credits: CreditBuckets;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly o: HyperliquidHttpOptions) {
    this.fetchImpl = o.fetch ?? fetch;
    this.credits = new CreditBuckets({ venue: o.venue, clock: o.clock, pools: HYPERLIQUID_POOLS });
  }

  /** `POST /info` with `body` (its `type` sets the weight). */
  async info(body: { type: string } & Record<string, unknown>): Promise<unknown> {
    await this.credits.acquire('ip', infoWeight(body.type), READ_MAX_WAIT_MS);
    const answer = await this.post('info', body, body.type);
    if (Array.isArray(answer)) this.credits.charge('ip', answerWeight(body.type, answer.length));
    return answer;
  }

  /** `POST /exchange` with a signed action; `batch` = orders or cancels in it. Refused at once during a back-off. */
  async exchange(body: { action: { type: string } } & Record<string, unknown>, batch: number): Promise<unknown> {
    await this.credits.acquire('ip', actionWeight(batch), this.o.maxOrderWaitMs, false);
    return this.post('exchange', body, body.action.type);
  }

  private async post(path: 'info' | 'exchange', body: unknown, what: string): Promise<unknown> {
    const venue = this.o.venue;
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.o.restUrl}/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
    } catch (cause) {
      // An action whose answer was lost may have been executed: the caller settles it by asking.
      throw new VenueError(venue, path === 'exchange' ? 'unknown-outcome' : 'network', `Hyperliquid ${what} failed: ${errorText(cause)}`, { cause });
    }
    const text = await res.text().catch(() => '');
    if (res.status === 429) {
      const wait = retryAfter(res.headers) ?? this.o.backoffMs;
      this.credits.backOff(wait);
      this.o.log.warn({ what, retryAfterMs: wait }, 'Hyperliquid answered 429; backing off');
      throw new VenueError(venue, 'rate-limited', `Hyperliquid ${what}: 429 too many requests`, { httpStatus: 429, retryAfterMs: wait });
    }
    if (res.status >= 500) throw new VenueError(venue, path === 'exchange' ? 'unknown-outcome' : 'network', `Hyperliquid answered HTTP ${res.status} to ${what}`, { httpStatus: res.status });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new VenueError(venue, res.status >= 400 ? 'rejected' : 'protocol', `Hyperliquid answered ${what} with HTTP ${res.status}: ${text.slice(0, 200)}`, { httpStatus: res.status });
    }
    if (res.status >= 400) throw new VenueError(venue, 'rejected', `Hyperliquid refused ${what} (HTTP ${res.status}): ${text.slice(0, 200)}`, { httpStatus: res.status });
    return json;
  }
}
