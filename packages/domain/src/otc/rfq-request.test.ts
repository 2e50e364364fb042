import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DomainError } from '../errors.ts';
import { dec, isDecimalString, str } from '../model/decimal.ts';
import { toUnits } from '../model/fixed-decimal.ts';
import { readRfq } from './rfq-request.ts';

/** The size as the desk read it with decimal.js: its text `str(dec(v))` and its units, or the refusal's message. */
function reference(v: string): { text: string; units: bigint | undefined } | string {
  const message = 'quantity must be a decimal greater than zero';
  if (!isDecimalString(v)) return message;
  const d = dec(v);
  if (!d.gt(0)) return message;
  return { text: str(d), units: toUnits(str(d), 18) };
}

function read(v: string): { text: string; units: bigint | undefined } | string {
  try {
    const r = readRfq({ dealerAccountId: 'd', orderSide: 'BUY', instrumentId: 'BTC/USDT', quantity: v } as never, 0);
    return { text: r.quantity!.text, units: r.quantity!.units };
  } catch (err) {
    assert.ok(err instanceof DomainError);
    return err.message;
  }
}

test('property: a size read in integers is what decimal.js read — the same text, units and refusals, long or odd inputs included', () => {
  const sizes = fc.oneof(
    fc.stringMatching(/^-?0{0,3}\d{1,12}(\.\d{1,20}0{0,3})?$/),
    // Past 40 significant digits decimal.js rounds: the reading falls back to it.
    fc.stringMatching(/^\d{30,48}(\.\d{1,12})?$/),
    fc.constantFrom('0', '0.000', '-0', '-0.5', '00.10', '1e5', '.5', '5.', '', '1'.repeat(41), `0.${'0'.repeat(17)}1`, `0.${'0'.repeat(18)}1`),
  );
  fc.assert(
    fc.property(sizes, (v) => assert.deepEqual(read(v), reference(v), JSON.stringify(v))),
    { numRuns: 2_000 },
  );
});
