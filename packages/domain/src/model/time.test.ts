import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { toIso } from './time.ts';

describe('toIso', () => {
  test('property: any sequence of times (repeats, the same second, far apart, before 1970, fractions of a millisecond) reads as Date writes it', () => {
    const near = 1_764_000_000_000;
    const time = fc.oneof(
      fc.integer({ min: near, max: near + 5_000 }),
      fc.integer({ min: -8_640_000_000_000, max: 8_640_000_000_000 }),
      fc.constantFrom(near, near + 64, near + 128, 0, -1, -1000),
      // Fractions of a millisecond (Date drops them), also in a second whose text was just written.
      fc.tuple(fc.integer({ min: near, max: near + 5_000 }), fc.double({ min: 0.001, max: 0.999, noNaN: true })).map(([ms, f]) => ms + f),
    );
    fc.assert(
      fc.property(fc.array(time, { minLength: 1, maxLength: 200 }), (times) => times.every((ms) => toIso(ms) === new Date(ms).toISOString())),
      { seed: 6161, numRuns: 500 },
    );
  });

  test('property: every millisecond of years 1970–9999, month and leap-day edges and the years around them, as Date writes it', () => {
    const end = 253_402_300_800_000; // 10000-01-01: six-digit years from there
    const edges = ['1970-01-01', '1999-12-31', '2000-02-29', '2000-03-01', '2024-02-29', '2100-02-28', '2100-03-01', '2400-02-29', '9999-12-31'].map((d) => Date.parse(`${d}T00:00:00.000Z`));
    const time = fc.oneof(
      fc.integer({ min: 0, max: end - 1 }),
      fc.integer({ min: end - 1_000, max: end + 1_000 }),
      fc.integer({ min: -1_000, max: 1_000 }),
      fc.tuple(fc.constantFrom(...edges), fc.integer({ min: -86_400_000, max: 86_400_000 })).map(([d, off]) => d + off),
    );
    fc.assert(
      fc.property(time, (ms) => toIso(ms) === new Date(ms).toISOString()),
      { seed: 6162, numRuns: 20_000 },
    );
  });
});
