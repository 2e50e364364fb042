/**
 * @module kit/wire
 * Reads untyped JSON from a venue into typed values. Every accessor names the field it wanted, so a payload that
 * drifts from the documented shape fails loudly with a `VenueError('protocol')` instead of leaking `undefined` into
 * a book or the order flow.
 */
import { VenueError } from './venue-error.ts';
import { isUnsignedDecimal } from '@cadenza/domain';

export type WireObject = Readonly<Record<string, unknown>>;

/** Field readers bound to one venue's name (for the error messages). */
export class Wire {
  constructor(readonly venue: string) {}

  fail(what: string, value: unknown): never {
    const shown = JSON.stringify(value);
    throw new VenueError(this.venue, 'protocol', `unexpected ${this.venue} payload: ${what} (got ${shown === undefined ? 'undefined' : shown.slice(0, 80)})`);
  }

  object(v: unknown, what: string): WireObject {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(`${what} must be an object`, v);
    return v as WireObject;
  }

  array(v: unknown, what: string): readonly unknown[] {
    if (!Array.isArray(v)) this.fail(`${what} must be an array`, v);
    return v;
  }

  str(o: WireObject, key: string): string {
    const v = o[key];
    if (typeof v !== 'string') this.fail(`field ${key} must be a string`, v);
    return v;
  }

  optStr(o: WireObject, key: string): string | undefined {
    const v = o[key];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') this.fail(`field ${key} must be a string`, v);
    return v;
  }

  /** An unsigned decimal string field, kept as text. */
  decimal(o: WireObject, key: string): string {
    const v = this.str(o, key);
    if (!isUnsignedDecimal(v)) this.fail(`field ${key} must be a decimal string`, v);
    return v;
  }

  /** An unsigned decimal string field that may be absent or empty (OKX sends "" for "not applicable"). */
  optDecimal(o: WireObject, key: string): string | undefined {
    const v = this.optStr(o, key);
    if (v === undefined) return undefined;
    if (!isUnsignedDecimal(v)) this.fail(`field ${key} must be a decimal string`, v);
    return v;
  }

  /** A signed decimal string such as a fee ("-0.0008"). */
  signedDecimal(o: WireObject, key: string): string {
    const v = this.str(o, key);
    if (!/^-?\d+(\.\d+)?$/.test(v)) this.fail(`field ${key} must be a decimal string`, v);
    return v;
  }

  /** An integer sent as a string ("1597026383085", OKX times and ids) or a number. */
  intText(o: WireObject, key: string): number {
    const v = o[key];
    const n = typeof v === 'string' && /^-?\d{1,16}$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) this.fail(`field ${key} must be an integer`, v);
    return n;
  }

  int(o: WireObject, key: string): number {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) this.fail(`field ${key} must be an integer`, v);
    return v;
  }
}
