/** Times as a trader reads them: the local wall clock, seconds included. */
const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const dateTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

export function clockTime(epochMs: number): string {
  return clock.format(epochMs);
}

/** An ISO time from the API, as `Dec 01, 18:36:38`. */
export function shortDateTime(iso: string | undefined): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : dateTime.format(t);
}
