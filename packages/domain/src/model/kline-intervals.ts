/**
 * @module model/kline-intervals
 * The contract's `KlineInterval` values and their bar boundaries, in UTC: fixed lengths for 1s…1w (aligned to the
 * epoch; weeks starting Monday 00:00 UTC), months starting on the 1st 00:00 UTC. Every venue that makes bars (PAPER,
 * MOCK) or checks the intervals it serves (Binance serves them all) reads them here.
 */

/** Every contract KlineInterval, shortest first. */
export const KLINE_INTERVALS = ['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M'] as const;
/** One of KLINE_INTERVALS (case-sensitive: '1m' minute, '1M' month). */
export type KlineInterval = (typeof KLINE_INTERVALS)[number];

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** 1970-01-05, the first Monday after the epoch. */
const FIRST_MONDAY = 4 * DAY;

const FIXED: Partial<Record<KlineInterval, number>> = {
  '1s': SECOND,
  '1m': MINUTE,
  '3m': 3 * MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': HOUR,
  '2h': 2 * HOUR,
  '4h': 4 * HOUR,
  '6h': 6 * HOUR,
  '8h': 8 * HOUR,
  '12h': 12 * HOUR,
  '1d': DAY,
  '3d': 3 * DAY,
  '1w': 7 * DAY,
};

/** The fixed length of an interval's bars in milliseconds; undefined for '1M' (months differ) and unknown values. */
export function klineIntervalMs(interval: string): number | undefined {
  return isKlineInterval(interval) ? FIXED[interval] : undefined;
}

/** Whether a string is a KlineInterval value. */
export function isKlineInterval(value: string): value is KlineInterval {
  return (KLINE_INTERVALS as readonly string[]).includes(value);
}

/** Open time of the bar containing `t`. */
export function barOpen(interval: KlineInterval, t: number): number {
  if (interval === '1M') {
    const d = new Date(t);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  const len = FIXED[interval]!;
  if (interval === '1w') return Math.floor((t - FIRST_MONDAY) / len) * len + FIRST_MONDAY;
  return Math.floor(t / len) * len;
}

/** Open time of the bar after the one opening at `open`. */
export function nextBarOpen(interval: KlineInterval, open: number): number {
  if (interval === '1M') {
    const d = new Date(open);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return open + FIXED[interval]!;
}
