/**
 * @module binance/http/rest-client
 * The spot REST API over fetch, with Binance's rules for staying welcome:
 *  - usage headers (`X-MBX-USED-WEIGHT-1M`, `X-MBX-ORDER-COUNT-10S`, …) are recorded on every answer, and a
 *    public read that would push the minute's weight past the limit waits for the next minute instead of
 *    provoking a 429 (a depth snapshot of 5000 levels weighs 250 of the default 6000);
 *  - 429 → nothing more is sent until `Retry-After` has passed (public reads wait it out, a bounded number of
 *    times; signed requests fail at once as `rate-limited` — an order is not silently delayed);
 *  - 418 → the IP is banned: every request fails as `banned` without being sent until `Retry-After` passes
 *    (the back-off and its counters are the kit's RateBudgets, as for every connector);
 *  - signed requests carry `timestamp` (local clock + measured server offset) and `recvWindow`; a -1021 answer
 *    re-measures the offset from `/api/v3/time` and retries once;
 *  - 5xx (and -1006/-1007) mean the execution status is unknown: `unknown-outcome`, for the caller to reconcile.
 */
import { BinanceVenueError, INVALID_TIMESTAMP } from '../errors.ts';
import { RateBudgets, type RateLimitStats } from '../../kit/rate-budget.ts';
import { VenueError } from '../../kit/venue-error.ts';
import { parseErrorPayload, parseServerTime } from './parse.ts';
import { signedQuery, type RequestSigner } from '../signing.ts';
import { queryString, retryAfter } from '../../kit/http.ts';

export interface RestClientOptions {
  baseUrl: string;
  clock: { now(): number };
  log: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  recvWindowMs?: number;
  timeoutMs?: number;
  /** How many times a public GET waits out a 429 before giving up. */
  maxRateLimitRetries?: number;
  /** Longest Retry-After a public GET is willing to wait (ms). */
  maxWaitMs?: number;
  /** REQUEST_WEIGHT per minute (exchangeInfo `rateLimits`; Binance spot: 6000). */
  weightLimitPerMinute?: number;
  fetch?: typeof fetch;
}

export type HttpMethod = 'GET' | 'POST' | 'DELETE' | 'PUT';
type Params = ReadonlyArray<readonly [string, string]>;

/** Rate-limit counters as last reported by Binance, keyed like `used-weight-1m`, `order-count-10s`. */
export type RateUsage = Readonly<Record<string, number>>;

const UNKNOWN_OUTCOME_CODES = new Set([-1006, -1007]);

export class BinanceRestClient {
  private offsetMs = 0;
  /** Binance's budgets are the minute weight below; these keep its 429/418 back-offs and their counters. */
  private readonly budgets: RateBudgets;
  private readonly usageCounters = new Map<string, number>();
  /** Public reads that waited for the next minute's weight. */
  private weightWaits = 0;
  /** Server minute (epoch ms / 60000) the last used-weight-1m header belongs to. */
  private weightMinute = -1;
  private weightLimit: number;
  private readonly fetchImpl: typeof fetch;
  private readonly recvWindow: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: RestClientOptions) {
    this.fetchImpl = options.fetch ?? fetch;
    this.recvWindow = options.recvWindowMs ?? 5000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.weightLimit = options.weightLimitPerMinute ?? 6000;
    this.budgets = new RateBudgets({ venue: 'Binance', clock: options.clock, budgets: {} });
  }

  /** Adopts the REQUEST_WEIGHT limit Binance announces in exchangeInfo. */
  setWeightLimit(perMinute: number): void {
    if (Number.isFinite(perMinute) && perMinute > 0) this.weightLimit = perMinute;
  }

  /** Server time minus local time, as last measured. */
  get serverTimeOffsetMs(): number {
    return this.offsetMs;
  }

  /** Local clock corrected to Binance's. */
  serverNow(): number {
    return this.options.clock.now() + this.offsetMs;
  }

  /** 429/418 answers, waits for the minute's weight and requests not sent during a back-off (for /metrics). */
  rateLimitStats(): RateLimitStats {
    const stats = this.budgets.stats();
    return { ...stats, throttled: stats.throttled + this.weightWaits };
  }

  usage(): RateUsage {
    return Object.fromEntries(this.usageCounters);
  }

  /** Milliseconds until requests may be sent again (0 when not blocked). */
  blockedForMs(): number {
    return this.budgets.blockedForMs();
  }

  /** Weight that would exceed the minute's budget: milliseconds until the next minute, else 0. */
  weightWaitMs(weight: number): number {
    const now = this.serverNow();
    const minute = Math.floor(now / 60_000);
    const used = minute === this.weightMinute ? (this.usageCounters.get('used-weight-1m') ?? 0) : 0;
    if (used + weight <= this.weightLimit) return 0;
    return (minute + 1) * 60_000 - now + 50;
  }

  /** A public (NONE security) GET of the given request weight. Waits out 429 back-offs and a full minute budget. */
  async publicGet(path: string, params: Params = [], weight = 1): Promise<unknown> {
    const maxRetries = this.options.maxRateLimitRetries ?? 3;
    const maxWait = this.options.maxWaitMs ?? 60_000;
    const budgetWait = this.weightWaitMs(weight);
    if (budgetWait > 0) {
      this.options.log.warn({ path, weight, waitMs: budgetWait }, 'Binance request weight budget spent for this minute; waiting');
      this.weightWaits++;
      await sleep(budgetWait);
    }
    const query = queryString(params);
    for (let attempt = 0; ; attempt++) {
      // Waits out a 429 back-off (up to maxWait); refuses at once while banned.
      (await this.budgets.acquire([], maxWait))();
      try {
        return await this.send('GET', `${path}${query ? `?${query}` : ''}`, undefined);
      } catch (err) {
        if (err instanceof VenueError && err.kind === 'rate-limited' && attempt < maxRetries) continue;
        throw err;
      }
    }
  }

  /** A SIGNED (TRADE / USER_DATA) request. Fails fast while rate limited or banned. */
  async signed(method: HttpMethod, path: string, params: Params, signer: RequestSigner): Promise<unknown> {
    try {
      return await this.signedOnce(method, path, params, signer);
    } catch (err) {
      if (err instanceof VenueError && err.code === INVALID_TIMESTAMP) {
        await this.syncTime();
        return this.signedOnce(method, path, params, signer);
      }
      throw err;
    }
  }

  /** Measures the server clock offset from `/api/v3/time` (half the round trip is attributed to each way). */
  async syncTime(): Promise<number> {
    const before = this.options.clock.now();
    const body = await this.publicGet('/api/v3/time');
    const after = this.options.clock.now();
    this.offsetMs = parseServerTime(body) - Math.round((before + after) / 2);
    return this.offsetMs;
  }

  private async signedOnce(method: HttpMethod, path: string, params: Params, signer: RequestSigner): Promise<unknown> {
    // An order is never silently delayed by a back-off: refused at once.
    (await this.budgets.acquire([], 0, false))();
    const all: Array<readonly [string, string]> = [...params, ['recvWindow', String(this.recvWindow)], ['timestamp', String(this.serverNow())]];
    const query = signedQuery(all, signer);
    return this.send(method, `${path}?${query}`, signer.apiKey);
  }

  private async send(method: HttpMethod, pathAndQuery: string, apiKey: string | undefined): Promise<unknown> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.options.baseUrl}${pathAndQuery}`, {
        method,
        headers: apiKey ? { 'X-MBX-APIKEY': apiKey } : {},
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      throw new BinanceVenueError('network', `Binance ${method} ${pathAndQuery.split('?')[0]} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    this.recordUsage(res.headers);
    const text = await res.text();
    let body: unknown;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (res.status === 429 || res.status === 418) {
      const retryAfterMs = retryAfter(res.headers) ?? (res.status === 418 ? 120_000 : 1_000);
      const kind = res.status === 418 ? 'banned' : 'rate-limited';
      this.budgets.backOff(kind, retryAfterMs);
      const payload = parseErrorPayload(body);
      const log = res.status === 418 ? this.options.log.error.bind(this.options.log) : this.options.log.warn.bind(this.options.log);
      log({ status: res.status, retryAfterMs, code: payload?.code }, res.status === 418 ? 'Binance banned this IP; requests stopped' : 'Binance rate limit hit; backing off');
      throw new BinanceVenueError(kind, payload ? `${payload.code}: ${payload.msg}` : `HTTP ${res.status}`, {
        httpStatus: res.status,
        retryAfterMs,
        ...(payload ? { code: payload.code } : {}),
      });
    }
    if (res.status >= 500) {
      throw new BinanceVenueError('unknown-outcome', `Binance answered HTTP ${res.status}; execution status unknown`, { httpStatus: res.status });
    }
    if (!res.ok) {
      const payload = parseErrorPayload(body);
      if (payload && UNKNOWN_OUTCOME_CODES.has(payload.code)) {
        throw new BinanceVenueError('unknown-outcome', `${payload.code}: ${payload.msg}`, { code: payload.code, httpStatus: res.status });
      }
      throw new BinanceVenueError('rejected', payload ? `${payload.code}: ${payload.msg}` : `HTTP ${res.status}`, {
        httpStatus: res.status,
        ...(payload ? { code: payload.code } : {}),
      });
    }
    if (body === undefined) throw new BinanceVenueError('protocol', `Binance answered non-JSON to ${method} ${pathAndQuery.split('?')[0]}`);
    return body;
  }

  private recordUsage(headers: Headers): void {
    headers.forEach((value, name) => {
      const m = /^x-mbx-(used-weight|order-count)-(\d+[smhd])$/i.exec(name);
      if (!m) return;
      const n = Number(value);
      if (!Number.isFinite(n)) return;
      const key = `${m[1]!.toLowerCase()}-${m[2]!.toLowerCase()}`;
      this.usageCounters.set(key, n);
      if (key === 'used-weight-1m') this.weightMinute = Math.floor(this.serverNow() / 60_000);
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
