/**
 * @module deribit/rpc
 * Deribit speaks JSON-RPC 2.0 over HTTP and WebSocket alike: requests `{jsonrpc, id, method, params}`, answers
 * `{jsonrpc, id, result}` or `{jsonrpc, id, error: {code, message, data}}`, notifications `{method: "subscription",
 * params: {channel, data}}` and heartbeats `{method: "heartbeat", params: {type}}` (a `test_request` must be
 * answered with `public/test`). This module reads those frames (numbers kept as their text) and maps errors to
 * VenueErrors; `DeribitHttp` makes the public one-off requests over HTTP, inside the credit pools.
 */
import { VenueError } from '../kit/venue-error.ts';
import { CreditBuckets } from '../kit/credit-bucket.ts';
import { parseLosslessJson, int, isNumber, stringifyLossless } from '../kit/lossless-json.ts';
import { DERIBIT_POOLS, RATE_LIMIT_CODES, creditOf } from './rate-limits.ts';

export type RpcFrame =
  | { kind: 'response'; id: number; result: unknown; error?: undefined }
  | { kind: 'response'; id: number; result?: undefined; error: { code: number; message: string; data?: unknown } }
  | { kind: 'notification'; channel: string; data: unknown }
  | { kind: 'heartbeat'; type: string }
  | { kind: 'other' };

/** Reads one frame; undefined when it is not JSON. */
export function readFrame(text: string): RpcFrame | undefined {
  const msg = parseLosslessJson(text) as Record<string, unknown> | undefined;
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return undefined;
  if (msg.method === 'subscription') {
    const p = msg.params as { channel?: unknown; data?: unknown } | undefined;
    return typeof p?.channel === 'string' ? { kind: 'notification', channel: p.channel, data: p.data } : { kind: 'other' };
  }
  if (msg.method === 'heartbeat') {
    const p = msg.params as { type?: unknown } | undefined;
    return { kind: 'heartbeat', type: typeof p?.type === 'string' ? p.type : '' };
  }
  // Answers over HTTP GET carry no id (the request had none); over the WebSocket they echo it.
  if (isNumber(msg.id) || (msg.id === undefined && ('result' in msg || 'error' in msg))) {
    const id = isNumber(msg.id) ? int(msg.id, 'id') : 0;
    const e = msg.error as { code?: unknown; message?: unknown; data?: unknown } | undefined;
    if (e && typeof e === 'object') return { kind: 'response', id, error: { code: isNumber(e.code) ? Number(e.code.lexeme) : 0, message: typeof e.message === 'string' ? e.message : '', data: e.data } };
    return { kind: 'response', id, result: msg.result };
  }
  return { kind: 'other' };
}

/** The request frame of one call (decimals given as `jsonNumber`s go out as JSON numbers, digit for digit). */
export function requestFrame(id: number, method: string, params: Record<string, unknown>): string {
  return stringifyLossless({ jsonrpc: '2.0', id, method, params });
}

/** A Deribit error answer as a VenueError (`rate-limited` for 10028, `rejected` otherwise). */
export function rpcError(venue: string, method: string, error: { code: number; message: string; data?: unknown }): VenueError {
  const reason = describeData(error.data);
  const text = `${error.code} ${error.message}${reason ? ` (${reason})` : ''}`;
  if (RATE_LIMIT_CODES.has(error.code)) return new VenueError(venue, 'rate-limited', `Deribit ${method}: ${text}`, { code: String(error.code), retryAfterMs: 1000 });
  return new VenueError(venue, 'rejected', `Deribit ${method}: ${text}`, { code: String(error.code) });
}

function describeData(data: unknown): string {
  if (typeof data !== 'object' || data === null) return '';
  const d = data as { reason?: unknown; param?: unknown };
  return [typeof d.param === 'string' ? d.param : '', typeof d.reason === 'string' ? d.reason : ''].filter(Boolean).join(': ');
}

export interface DeribitHttpOptions {
  venue: string;
  httpUrl: string;
  clock: { now(): number };
  log: { warn(obj: object, msg?: string): void };
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Public reads wait this long at most for credits or a back-off. */
const PUBLIC_MAX_WAIT_MS = 10_000;

export class DeribitHttp {
  readonly credits: CreditBuckets;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: DeribitHttpOptions) {
    this.fetchImpl = options.fetch ?? fetch;
    this.credits = new CreditBuckets({ venue: options.venue, clock: options.clock, pools: DERIBIT_POOLS });
  }

  /** `GET <base>/api/v2/<method>?<params>` → `result` (numbers as lossless texts). */
  async publicCall(method: string, params: Record<string, string | number | boolean> = {}): Promise<unknown> {
    const { key, cost } = creditOf(method, 'public');
    await this.credits.acquire(key, cost, PUBLIC_MAX_WAIT_MS);
    const query = Object.entries(params).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
    const venue = this.options.venue;
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.options.httpUrl}/${method}${query ? `?${query}` : ''}`, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000) });
    } catch (cause) {
      throw new VenueError(venue, 'network', `Deribit ${method} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    const frame = readFrame(await res.text());
    if (res.status === 429 || (frame?.kind === 'response' && frame.error && RATE_LIMIT_CODES.has(frame.error.code))) {
      this.credits.backOff(1000);
      this.options.log.warn({ method, status: res.status }, 'Deribit rate limit answer; backing off');
      throw new VenueError(venue, 'rate-limited', `Deribit ${method}: 10028 too_many_requests`, { httpStatus: res.status, code: '10028', retryAfterMs: 1000 });
    }
    if (res.status >= 500) throw new VenueError(venue, 'network', `Deribit answered HTTP ${res.status} to ${method}`, { httpStatus: res.status });
    if (frame?.kind !== 'response') throw new VenueError(venue, 'protocol', `Deribit answered ${method} with HTTP ${res.status} and no JSON-RPC answer`, { httpStatus: res.status });
    if (frame.error) throw rpcError(venue, method, frame.error);
    return frame.result;
  }
}
