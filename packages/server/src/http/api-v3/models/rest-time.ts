/**
 * @module http/api-v3/models/rest-time
 * REST time fields (contract §a.3): epoch milliseconds, each beside its ISO-8601 companion `<field>DateTime`.
 * The RPC models carry the ISO strings; the REST ones carry both.
 */
import { fromIso } from '@cadenza/domain';

/** `{createdAt: 1718000000000, createdAtDateTime: '2024-06-10T06:13:20.000Z'}` from the RPC's ISO string. */
export function restTime<F extends string>(field: F, iso: string | undefined): Record<F, number> & Record<`${F}DateTime`, string> {
  const ms = iso === undefined ? undefined : fromIso(iso);
  if (ms === undefined) throw new Error(`${field} is not an ISO time: ${String(iso)}`);
  return { [field]: ms, [`${field}DateTime`]: new Date(ms).toISOString() } as Record<F, number> & Record<`${F}DateTime`, string>;
}

/** The same for a time the model may leave out: nothing when absent. */
export function optionalRestTime<F extends string>(field: F, iso: string | undefined): Partial<Record<F, number> & Record<`${F}DateTime`, string>> {
  return iso === undefined ? {} : restTime(field, iso);
}

/** An epoch-ms request value as the RPC's ISO string (the range is checked against the OpenAPI schema first). */
export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

/** A query's `startTime`/`endTime` (epoch ms) as the RPC's ISO range; a bound not given stays out. */
export function isoRange(q: Record<string, unknown>): { startTime?: string; endTime?: string } {
  return {
    startTime: typeof q.startTime === 'number' ? isoOf(q.startTime) : undefined,
    endTime: typeof q.endTime === 'number' ? isoOf(q.endTime) : undefined,
  };
}
