/**
 * @module model/time
 * Times are epoch milliseconds inside the domain; RPC models carry ISO-8601 UTC strings with milliseconds.
 */

// Timestamps repeat a lot on the hot path (one order's events share createdAt/updatedAt): a two-entry cache, and the
// text up to the second of the last one formatted, which most other times of that second share.
let lastMs = NaN;
let lastIso = '';
let prevMs = NaN;
let prevIso = '';
let secondMs = NaN;
let secondText = '';

/** ISO-8601 UTC with milliseconds, e.g. "2026-11-24T08:50:00.000Z". */
export function toIso(ms: number): string {
  if (ms === lastMs) return lastIso;
  if (ms === prevMs) return prevIso;
  const rest = ms % 1000;
  let iso: string;
  if (rest >= 0 && ms - rest === secondMs) {
    iso = `${secondText}${rest < 10 ? '00' : rest < 100 ? '0' : ''}${rest}Z`;
  } else {
    iso = new Date(ms).toISOString();
    // Whole, non-negative milliseconds only: the digits of the rest are then the ISO text's.
    if (rest >= 0 && Number.isInteger(rest)) {
      secondMs = ms - rest;
      secondText = iso.slice(0, iso.length - 4);
    }
  }
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
