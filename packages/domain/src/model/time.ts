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
  // The second's text serves whole milliseconds only (secondMs is a whole second: a fraction would pass it).
  if (rest >= 0 && ms - rest === secondMs && Number.isInteger(rest)) {
    iso = `${secondText}${rest < 10 ? '00' : rest < 100 ? '0' : ''}${rest}Z`;
  } else {
    iso = isoText(ms);
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

const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00.000Z: from there on `toISOString` writes six-digit years. */
const FOUR_DIGIT_YEARS_END = 253_402_300_800_000;

/**
 * `new Date(ms).toISOString()` from the milliseconds' arithmetic (days to a proleptic Gregorian date: Hinnant's
 * `civil_from_days`), for whole milliseconds in years 1970–9999; anything else by Date. Date's own formatting cost
 * ~1.5–2.5 µs a time on this project's servers — an RFQ and its accept format four or more times the cache above
 * has not seen (an RFQ's time and its quote's expiry alternate between two seconds) — against ~0.3 µs.
 */
function isoText(ms: number): string {
  if (!(ms >= 0 && ms < FOUR_DIGIT_YEARS_END && Number.isInteger(ms))) return new Date(ms).toISOString();
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  // Days since 0000-03-01 in 400-year eras (146,097 days each); years start in March so the leap day ends a year.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1_460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${year < 1000 ? String(year).padStart(4, '0') : year}-${two(month)}-${two(day)}T${two(hours)}:${two(minutes)}:${two(seconds)}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
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
