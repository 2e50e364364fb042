/**
 * @module okx/rest-client
 * OKX's v5 REST API over fetch, with its rules for staying welcome:
 *  - every request first takes room in its documented budget (`rate-limits.ts`): per IP for public reads, per user
 *    (and instrument) for private ones; public reads wait for room, orders wait at most `maxOrderWaitMs`;
 *  - HTTP 429 or codes 50011/50061 → nothing more is sent for `Retry-After` (or one 2-second window), counted;
 *  - signed requests carry `OK-ACCESS-*` headers (signing.ts); code 50102 (timestamp expired) re-measures the clock
 *    offset from `/api/v5/public/time` and retries once;
 *  - demo trading (OKX_UAT) adds `x-simulated-trading: 1` to every request;
 *  - 5xx and timeouts after sending mean the outcome is unknown: `unknown-outcome`, for the caller to reconcile.
 * Answers are the `{code, msg, data}` envelope; `data` is returned, a non-zero `code` is a `rejected` VenueError —
 * except per-item refusals of order endpoints (`code` "1" with `sCode` in data), which are returned for the caller.
 */
import { RateBudgets } from '../kit/rate-budget.ts';
import { VenueError } from '../kit/venue-error.ts';
import { queryString, retryAfter } from '../kit/http.ts';
import { OKX_BUDGETS, PER_INSTRUMENT, RATE_LIMIT_CODES } from './rate-limits.ts';
import { signedHeaders, type OkxSigner } from './signing.ts';

export interface OkxRestOptions {
  venue: string;
  baseUrl: string;
  simulated: boolean;
  clock: { now(): number };
  log: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  timeoutMs?: number;
  maxOrderWaitMs?: number;
  fetch?: typeof fetch;
}

type Params = ReadonlyArray<readonly [string, string]>;

/** Public reads wait this long at most for room in their budget or a back-off. */
const PUBLIC_MAX_WAIT_MS = 10_000;

export class OkxRestClient {
  readonly budgets: RateBudgets;
  private offsetMs = 0;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: OkxRestOptions) {
    this.fetchImpl = options.fetch ?? fetch;
    this.budgets = new RateBudgets({ venue: options.venue, clock: options.clock, budgets: OKX_BUDGETS });
  }

  /** Local clock corrected to OKX's. */
  serverNow(): number {
    return this.options.clock.now() + this.offsetMs;
  }

  async publicGet(path: string, params: Params = []): Promise<unknown[]> {
    const settle = await this.budgets.acquire([`GET ${path}`], PUBLIC_MAX_WAIT_MS);
    const query = queryString(params);
    try {
      return await this.send('GET', `${path}${query ? `?${query}` : ''}`, undefined, undefined, true);
    } finally {
      settle();
    }
  }

  /**
   * A signed request. `instId` scopes per-instrument budgets. GET params go in the query, POST params in the JSON
   * body (OKX signs the exact body text sent).
   */
  async signed(method: 'GET' | 'POST', path: string, params: Params | Record<string, unknown>, signer: OkxSigner, instId?: string): Promise<unknown[]> {
    const endpoint = `${method} ${path}`;
    const key = PER_INSTRUMENT.has(endpoint) && instId ? `${endpoint}|${signer.apiKey}|${instId}` : `${endpoint}|${signer.apiKey}`;
    // Orders wait (briefly) for room in their own budget, never for a back-off OKX imposed; reads may wait both out.
    const settle = await this.budgets.acquire([key], method === 'POST' ? (this.options.maxOrderWaitMs ?? 2000) : PUBLIC_MAX_WAIT_MS, method === 'GET');
    try {
      return await this.signedOnce(method, path, params, signer);
    } catch (err) {
      if (err instanceof VenueError && err.code === '50102') {
        await this.syncTime();
        return this.signedOnce(method, path, params, signer);
      }
      throw err;
    } finally {
      settle();
    }
  }

  /** Measures the offset to OKX's clock from `/api/v5/public/time`. */
  async syncTime(): Promise<number> {
    const before = this.options.clock.now();
    const data = await this.publicGet('/api/v5/public/time');
    const after = this.options.clock.now();
    const row = data[0] as { ts?: unknown } | undefined;
    const ts = Number(row?.ts);
    if (!Number.isSafeInteger(ts)) throw new VenueError(this.options.venue, 'protocol', 'OKX /public/time answered without ts');
    this.offsetMs = ts - Math.round((before + after) / 2);
    return this.offsetMs;
  }

  private signedOnce(method: 'GET' | 'POST', path: string, params: Params | Record<string, unknown>, signer: OkxSigner): Promise<unknown[]> {
    let requestPath = path;
    let body = '';
    if (method === 'GET') {
      const query = queryString(params as Params);
      if (query) requestPath += `?${query}`;
    } else body = JSON.stringify(params);
    const ts = new Date(this.serverNow()).toISOString();
    return this.send(method, requestPath, signedHeaders(signer, ts, method, requestPath, body), body || undefined, method === 'GET');
  }

  private async send(method: string, requestPath: string, auth: Record<string, string> | undefined, body: string | undefined, idempotent: boolean): Promise<unknown[]> {
    const venue = this.options.venue;
    const name = `${method} ${requestPath.split('?')[0]}`;
    const headers: Record<string, string> = { ...auth };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.options.simulated) headers['x-simulated-trading'] = '1';
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.options.baseUrl}${requestPath}`, { method, headers, ...(body !== undefined ? { body } : {}), signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000) });
    } catch (cause) {
      const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
      throw new VenueError(venue, timedOut && !idempotent ? 'unknown-outcome' : 'network', `OKX ${name} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    const text = await res.text();
    let envelope: { code?: unknown; msg?: unknown; data?: unknown } | undefined;
    try {
      envelope = text === '' ? undefined : (JSON.parse(text) as typeof envelope);
    } catch {
      envelope = undefined;
    }
    const code = typeof envelope?.code === 'string' || typeof envelope?.code === 'number' ? String(envelope.code) : undefined;
    const msg = typeof envelope?.msg === 'string' ? envelope.msg : '';
    if (res.status === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code))) {
      const retryAfterMs = retryAfter(res.headers) ?? 2000;
      this.budgets.backOff('rate-limited', retryAfterMs);
      this.options.log.warn({ endpoint: name, status: res.status, code, retryAfterMs }, 'OKX rate limit answer; backing off');
      throw new VenueError(venue, 'rate-limited', `${code ?? res.status}: ${msg || 'Too Many Requests'}`, { httpStatus: res.status, retryAfterMs, ...(code ? { code } : {}) });
    }
    if (res.status >= 500) throw new VenueError(venue, 'unknown-outcome', `OKX answered HTTP ${res.status} to ${name}; outcome unknown`, { httpStatus: res.status });
    if (!envelope || code === undefined) throw new VenueError(venue, 'protocol', `OKX answered ${name} with HTTP ${res.status} and no {code, data} envelope`, { httpStatus: res.status });
    const data = Array.isArray(envelope.data) ? envelope.data : [];
    if (code === '0') return data;
    // Order endpoints refuse per item: code "1" with the reason in data[].sCode/sMsg.
    if ((code === '1' || code === '2') && data.length > 0 && typeof (data[0] as { sCode?: unknown }).sCode === 'string') return data;
    throw new VenueError(venue, 'rejected', `${code}: ${msg}`, { code, httpStatus: res.status });
  }
}
