/**
 * @module kit/http
 * What every REST connector reads and writes the same way: a query string in the given order (the exact text venues
 * sign), and a `Retry-After` header (seconds) in milliseconds.
 */

/** `k=v&k=v` in the given order, keys and values percent-encoded. */
export function queryString(params: ReadonlyArray<readonly [string, string]>): string {
  return params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

/** `Retry-After` (seconds) in milliseconds; undefined when absent or not a number of seconds. */
export function retryAfter(headers: Headers): number | undefined {
  const v = headers.get('retry-after');
  if (v === null) return undefined;
  const seconds = Number(v);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
