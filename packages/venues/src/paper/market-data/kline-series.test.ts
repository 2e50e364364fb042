import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { barOpen, nextBarOpen } from '@cadenza/domain';
import { KlineSeries } from './kline-series.ts';

const T = Date.UTC(2026, 10, 24, 9, 0, 0);

describe('kline intervals', () => {
  test('weeks open on Monday 00:00 UTC and months on the 1st', () => {
    // 2026-11-24 is a Tuesday.
    assert.equal(barOpen('1w', T), Date.UTC(2026, 10, 23));
    assert.equal(new Date(barOpen('1w', T)).getUTCDay(), 1);
    assert.equal(barOpen('1M', T), Date.UTC(2026, 10, 1));
    assert.equal(nextBarOpen('1M', Date.UTC(2026, 11, 1)), Date.UTC(2027, 0, 1));
    assert.equal(barOpen('4h', T + 3_600_000), Date.UTC(2026, 10, 24, 8));
    assert.equal(barOpen('3d', T) % (3 * 86_400_000), 0);
  });
});

describe('KlineSeries', () => {
  test('aggregates trades into OHLCV within a bar', () => {
    const s = new KlineSeries('1m');
    s.trade(T + 1000, 100, 1);
    s.trade(T + 2000, 105, 2);
    s.trade(T + 3000, 98, 3);
    s.trade(T + 59_999, 101, 4);
    assert.deepEqual(s.current(), { openTime: T, open: 100, high: 105, low: 98, close: 101, volumeLots: 10 });
  });

  test('a trade in a later bar closes the old one and fills the gap with flat bars', () => {
    const s = new KlineSeries('1m');
    s.trade(T, 100, 1);
    const closed = s.trade(T + 3 * 60_000 + 5, 110, 2);
    assert.deepEqual(closed.map((b) => [b.openTime - T, b.close, b.volumeLots]), [[0, 100, 1], [60_000, 100, 0], [120_000, 100, 0]]);
    assert.deepEqual(s.recent(10).map((b) => b.openTime - T), [0, 60_000, 120_000, 180_000]);
    assert.deepEqual(s.current(), { openTime: T + 180_000, open: 100, high: 110, low: 100, close: 110, volumeLots: 2 });
  });

  test('roll closes a bar when time passes its end without trades', () => {
    const s = new KlineSeries('1s');
    assert.deepEqual(s.roll(T), [], 'nothing before the first trade');
    s.trade(T, 100, 1);
    assert.deepEqual(s.roll(T + 999), []);
    const closed = s.roll(T + 1000);
    assert.equal(closed.length, 1);
    assert.deepEqual(s.current(), { openTime: T + 1000, open: 100, high: 100, low: 100, close: 100, volumeLots: 0 });
  });

  test('answers nothing for a nonsensical limit', () => {
    const s = new KlineSeries('1m');
    s.trade(T, 100, 1);
    assert.deepEqual([s.recent(NaN).length, s.recent(-3).length, s.recent(0).length, s.recent(2.7).length], [0, 0, 0, 1]);
  });

  test('keeps at most `capacity` bars visible, even across a long gap', () => {
    const s = new KlineSeries('1s', 50);
    s.trade(T, 100, 1);
    s.trade(T + 10_000_000, 101, 1);
    const bars = s.recent(1000);
    assert.equal(bars.length, 50);
    for (let i = 1; i < bars.length; i++) assert.equal(bars[i]!.openTime - bars[i - 1]!.openTime, 1000, 'contiguous');
    assert.equal(bars.at(-1)!.close, 101);
  });
});
