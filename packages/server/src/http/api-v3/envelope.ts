/**
 * @module http/api-v3/envelope
 * The answers of contract §a.7: the `BaseResponse` envelope `{success, errno, error, details, data?,
 * pagination?}`, the standalone `{errno, error, data}` of `DeleteMarketInstrument200Response`, and `RestError`,
 * the one way a refusal travels to the API's `onError`.
 */
import type { RpcPagination } from '@cadenza/contract';

export function ok(data: unknown, pagination?: RpcPagination) {
  return { success: true, errno: 0, error: null, details: null, data, ...(pagination ? { pagination } : {}) };
}

/** `DeleteMarketInstrument200Response`: no `success`, no `details`, `data` a string. */
export function bare(data: string) {
  return { errno: 0, error: null, data };
}

export function failure(errno: number, message: string, code: string, requestId: string | undefined) {
  return { success: false, errno, error: message, details: { code, ...(requestId ? { request_id: requestId } : {}) } };
}

export type HttpStatus = 400 | 401 | 403 | 404 | 409 | 413 | 500 | 501 | 503;

/** A refusal with its HTTP status, errno and `details.code` name; `message` is safe to show (bounded, no secrets). */
export class RestError extends Error {
  constructor(
    readonly status: HttpStatus,
    readonly errno: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
