import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { toIso } from './time.ts';

describe('toIso', () => {
  test('property: any sequence of times (repeats, the same second, far apart, before 1970) reads as Date writes it', () => {
    const near = 1_764_000_000_000;
    const time = fc.oneof(fc.integer({ min: near, max: near + 5_000 }), fc.integer({ min: -8_640_000_000_000, max: 8_640_000_000_000 }), fc.constantFrom(near, near + 64, near + 128, 0, -1, -1000));
    fc.assert(
      fc.property(fc.array(time, { minLength: 1, maxLength: 200 }), (times) => times.every((ms) => toIso(ms) === new Date(ms).toISOString())),
      { seed: 6161, numRuns: 500 },
    );
  });
});
