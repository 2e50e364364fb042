/**
 * @module kit/live-kline
 * REST klines lag the stream: the newest REST bar may be older than the forming bar the kline stream holds. The
 * stream's bar wins — it replaces the REST bar of the same open time, or is appended (the oldest dropped to keep
 * `limit`).
 */
import type { KlineUpdate } from '@cadenza/domain';

export function spliceLiveKline(bars: KlineUpdate[], live: KlineUpdate | undefined, limit: number): KlineUpdate[] {
  const last = bars[bars.length - 1];
  if (!live || !last) return bars;
  if (live.candle.openTime === last.candle.openTime) bars[bars.length - 1] = live;
  else if (live.candle.openTime > last.candle.openTime) {
    bars.push(live);
    if (bars.length > limit) bars.shift();
  }
  return bars;
}
