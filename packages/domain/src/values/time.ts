/**
 * @module values/time
 * Times are epoch milliseconds inside the domain; RPC models carry ISO-8601 UTC strings with milliseconds.
 */

/** ISO-8601 UTC with milliseconds, e.g. "2026-11-24T08:50:00.000Z". */
export function toIso(ms: number): string {
  return new Date(ms).toISOString();
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
