/** The REST `BaseResponse` envelope (docs/rest-api.md) and the HTTP status of each RPC error code family. */
import { errorCodes } from '@cadenza/domain';

const codeNames = new Map<number, string>(Object.entries(errorCodes).map(([name, e]) => [e.code, name]));

/** REST-layer errnos (module 10, outside the domain's catalogue range used so far). */
export const restErrors = {
  INVALID_TOKEN: 10401,
  ACCESS_DENIED: 10403,
  NOT_IMPLEMENTED: 10501,
  INTERNAL_ERROR: 10500,
  BAD_REQUEST: 10001,
} as const;

const conflicts = new Set([11009, 11013, 12002, 12004, 13002]);

export function statusForCode(code: number, temporary?: boolean): 400 | 403 | 404 | 409 | 500 | 501 | 503 {
  if (temporary) return 503;
  if (code === 10002) return 501;
  if (code % 1000 === 1 && code !== 10001) return 404;
  if (conflicts.has(code)) return 409;
  if (code >= 10000 && code < 20000) return 400;
  return 500;
}

export function codeName(code: number): string {
  return codeNames.get(code) ?? `E${code}`;
}

export function ok(data: unknown, pagination?: unknown) {
  return { success: true, errno: 0, error: null, details: null, data, ...(pagination ? { pagination } : {}) };
}

export function fail(errno: number, error: string, code: string) {
  return { success: false, errno, error, details: { code } };
}
