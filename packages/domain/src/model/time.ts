/**
 * @module model/time
 * Times are epoch milliseconds inside the domain; RPC models carry ISO-8601 UTC strings with milliseconds.
 */

// Timestamps repeat a lot on the hot path: one order's events share createdAt/updatedAt, and every push of a balance
// or a position carries its creation time again. A small table of recent ones (indexed by the low bits of the
// milliseconds, so a time keeps its slot however many others pass between two uses of it), and the text up to the
// second of the last one formatted, which most other times of that second share.
const SLOTS = 64;
const slotMs = new Float64Array(SLOTS).fill(NaN);
const slotIso: string[] = new Array<string>(SLOTS).fill('');
let secondMs = NaN;
let secondText = '';

/** ISO-8601 UTC with milliseconds, e.g. "2026-11-24T08:50:00.000Z". */
export function toIso(ms: number): string {
  const slot = (ms >>> 0) & (SLOTS - 1);
  if (slotMs[slot] === ms) return slotIso[slot]!;
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
  slotMs[slot] = ms;
  slotIso[slot] = iso;
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
