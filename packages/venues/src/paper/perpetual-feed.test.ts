import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dec, str } from '@cadenza/domain';
import { PerpetualFeed } from './perpetual-feed.ts';
import { PAPER_INSTRUMENTS, instrumentSpec } from './paper-instruments.ts';

const rate = (index: string, mid?: string) => str(PerpetualFeed.fundingRate(dec(index), mid === undefined ? undefined : dec(mid)));

test('funding rate: the interest when the premium is small, the premium beyond ±0.05 % of it, capped at ±0.75 %', () => {
  assert.equal(rate('100'), '0.0001');
  assert.equal(rate('100', '100.03'), '0.0001', 'P = 0.03 %: F = P + (I − P)');
  assert.equal(rate('100', '100.1'), '0.0005', 'P = 0.1 %: F = P − 0.05 %');
  assert.equal(rate('100', '99.9'), '-0.0005', 'P = −0.1 %: F = P + 0.05 %');
  assert.equal(rate('100', '98'), '-0.0075', 'capped');
});

test('settles once at each multiple of the interval; a long pause settles only the latest; marks when the price moves', () => {
  const hour = 3_600_000;
  const spec = instrumentSpec('PAPER', PAPER_INSTRUMENTS.find((c) => c.perpetual?.symbol === 'BTC-PERP')!, hour);
  const t0 = Date.UTC(2026, 11, 1, 9, 30);
  const feed = new PerpetualFeed(spec, hour, t0);
  const first = feed.step(t0 + 1000, '64000.0', dec('64000.05'));
  assert.equal(first.funding, undefined);
  assert.deepEqual([first.mark?.markPrice, first.mark?.fundingRate, first.mark?.nextFundingTime], ['64000.0', '0.0001', Date.UTC(2026, 11, 1, 10)]);
  assert.deepEqual(feed.step(t0 + 2000, '64000.0', undefined), {}, 'the same mark is not repeated');
  const at10 = feed.step(Date.UTC(2026, 11, 1, 10, 0, 0, 250), '63990.0', undefined);
  assert.deepEqual(at10.funding, { instrumentId: 'PAPER:BTC-PERP', venue: 'PAPER', symbol: 'BTC-PERP', rate: '0.0001', markPrice: '63990.0', fundingTime: Date.UTC(2026, 11, 1, 10) });
  assert.equal(feed.step(Date.UTC(2026, 11, 1, 10, 30), '63990.0', undefined).funding, undefined, 'once');
  const later = feed.step(Date.UTC(2026, 11, 1, 14, 10), '63990.0', undefined);
  assert.equal(later.funding?.fundingTime, Date.UTC(2026, 11, 1, 14), 'after a pause: only the latest settlement time');
  assert.ok(later.mark, 'a settlement comes with the mark it used');
});
