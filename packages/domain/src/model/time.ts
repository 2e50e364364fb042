/**
 * @module model/time
 * Times are epoch milliseconds inside the domain; RPC models carry ISO-8601 UTC strings with milliseconds.
 */

// Timestamps repeat a lot on the hot path (one order's events share createdAt/updatedAt): a two-entry cache.
let lastMs = NaN;
let lastIso = '';
let prevMs = NaN;
let prevIso = '';

/** ISO-8601 UTC with milliseconds, e.g. "2026-11-24T08:50:00.000Z". */
export function toIso(ms: number): string {
  if (ms === lastMs) return lastIso;
  if (ms === prevMs) return prevIso;
  const iso = new Date(ms).toISOString();
  prevMs = lastMs;
  prevIso = lastIso;
  lastMs = ms;
  lastIso = iso;
  return iso;
}

/** `toIso` for optional values. */
export function toIsoOpt(ms: number | undefined | null): string | undefined {
  return ms === undefined || ms === null ? undefined : toIso(ms);
}

/** Parses an ISO-8601 string to epoch ms; undefined when unparsable. */
export function fromIso(s: string): number | undefined {
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}
