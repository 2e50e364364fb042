/**
 * @module bitfinex/rest-client
 * Bitfinex's v2 REST API over fetch:
 *  - every request takes room in its endpoint's documented budget first (rate-limits.ts); public reads wait for room,
 *    orders wait at most `maxOrderWaitMs` and never wait out a block Bitfinex imposed;
 *  - HTTP 429 / `["error", 11010, …]` → Bitfinex blocks the IP for 60 s: nothing is sent meanwhile, counted;
 *  - authenticated calls are POSTs to `/v2/auth/…` with `bfx-apikey`, `bfx-nonce`, `bfx-signature` (signing.ts);
 *  - errors come as `["error", CODE, "message"]` — often with HTTP 500, and still a definite refusal (`rejected`);
 *    a 5xx without that body, or a timeout after sending, leaves the outcome unknown (`unknown-outcome`).
 * Bodies are parsed keeping numbers as text (json.ts).
 */
import { RateBudgets } from '../kit/rate-budget.ts';
import { VenueError } from '../kit/venue-error.ts';
import { parseLosslessJson, isNumber } from '../kit/lossless-json.ts';
import { BITFINEX_BUDGETS, BLOCK_MS } from './rate-limits.ts';
import { restHeaders, type BitfinexSigner, type NonceSource } from './signing.ts';

export interface BitfinexRestOptions {
  venue: string;
  publicUrl: string;
  authUrl: string;
  clock: { now(): number };
  nonces: NonceSource;
  log: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  timeoutMs?: number;
  maxOrderWaitMs?: number;
  fetch?: typeof fetch;
}

/** Budget key of a path: `candles/trade:1m:tBTCUSD/hist` → `candles`, `auth/r/order/tBTCUSD:1/trades` → `auth/r/order/trades`. */
function budgetName(path: string): string {
  if (path.startsWith('candles/')) return 'candles';
  if (path.startsWith('auth/r/order/')) return 'auth/r/order/trades';
  return path;
}

export class BitfinexRestClient {
  readonly budgets: RateBudgets;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: BitfinexRestOptions) {
    this.fetchImpl = options.fetch ?? fetch;
    this.budgets = new RateBudgets({ venue: options.venue, clock: options.clock, budgets: BITFINEX_BUDGETS });
  }

  /** `GET <public>/v2/<path>?query`. */
  async publicGet(path: string, query = ''): Promise<unknown> {
    const settle = await this.budgets.acquire([`GET ${budgetName(path)}`], 15_000);
    try {
      return await this.send('GET', `${this.options.publicUrl}/v2/${path}${query ? `?${query}` : ''}`, path, {}, undefined, true);
    } finally {
      settle();
    }
  }

  /** `POST <auth>/v2/auth/…` signed; `write` calls (orders) never wait out a Bitfinex block. */
  async auth(path: string, body: Record<string, unknown>, signer: BitfinexSigner): Promise<unknown> {
    const write = path.startsWith('auth/w/');
    const settle = await this.budgets.acquire([`POST ${budgetName(path)}|${signer.apiKey}`], write ? (this.options.maxOrderWaitMs ?? 2000) : 15_000, !write);
    try {
      const text = JSON.stringify(body);
      const apiPath = `v2/${path}`;
      const headers = { ...restHeaders(signer, this.options.nonces.next(), apiPath, text), 'Content-Type': 'application/json' };
      return await this.send('POST', `${this.options.authUrl}/${apiPath}`, path, headers, text, !write);
    } finally {
      settle();
    }
  }

  private async send(method: string, url: string, path: string, headers: Record<string, string>, body: string | undefined, idempotent: boolean): Promise<unknown> {
    const venue = this.options.venue;
    let res: Response;
    try {
      res = await this.fetchImpl(url, { method, headers, ...(body !== undefined ? { body } : {}), signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000) });
    } catch (cause) {
      const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
      throw new VenueError(venue, timedOut && !idempotent ? 'unknown-outcome' : 'network', `Bitfinex ${method} ${path} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    const parsed = parseLosslessJson(await res.text());
    const error = Array.isArray(parsed) && parsed[0] === 'error' ? { code: isNumber(parsed[1]) ? parsed[1].lexeme : '', msg: typeof parsed[2] === 'string' ? parsed[2] : '' } : undefined;
    if (res.status === 429 || error?.code === '11010' || (typeof parsed === 'object' && parsed !== null && (parsed as { error?: unknown }).error === 'ERR_RATE_LIMIT')) {
      this.budgets.backOff('rate-limited', BLOCK_MS);
      this.options.log.warn({ path, status: res.status }, 'Bitfinex rate limit: the IP is blocked on this endpoint for 60 s; backing off');
      throw new VenueError(venue, 'rate-limited', error ? `${error.code}: ${error.msg}` : `HTTP ${res.status}: rate limited`, { httpStatus: res.status, retryAfterMs: BLOCK_MS, ...(error ? { code: error.code } : {}) });
    }
    if (error) throw new VenueError(venue, 'rejected', `${error.code}: ${error.msg}`, { code: error.code, httpStatus: res.status });
    if (res.status >= 500) throw new VenueError(venue, 'unknown-outcome', `Bitfinex answered HTTP ${res.status} to ${path}; outcome unknown`, { httpStatus: res.status });
    if (!res.ok || parsed === undefined) throw new VenueError(venue, res.ok ? 'protocol' : 'rejected', `Bitfinex answered HTTP ${res.status} to ${path}`, { httpStatus: res.status });
    return parsed;
  }
}
