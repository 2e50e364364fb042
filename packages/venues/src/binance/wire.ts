/**
 * @module binance/wire
 * Reads untyped JSON from Binance into typed values: the kit's wire readers under Binance's name (a payload that
 * drifts from the documented shape fails loudly with a `VenueError('protocol')` instead of leaking `undefined` into
 * the book or the order flow), plus what only Binance sends — booleans, optional integers and `[price, qty]` levels.
 */
import { Wire, type WireObject } from '../kit/wire.ts';
import { isUnsignedDecimal } from '@cadenza/domain';

export type { WireObject } from '../kit/wire.ts';

const wire: Wire = new Wire('Binance');

export const asObject = (v: unknown, what: string): WireObject => wire.object(v, what);
export const asArray = (v: unknown, what: string): readonly unknown[] => wire.array(v, what);
export const str = (o: WireObject, key: string): string => wire.str(o, key);
/** An optional string field ("" reads as absent, as Binance sends it for "not applicable"). */
export const optStr = (o: WireObject, key: string): string | undefined => wire.optStr(o, key);
/** An integer field (ids, times); Binance ids fit in 2^53. */
export const int = (o: WireObject, key: string): number => wire.int(o, key);
/** An unsigned decimal string field, kept as text. */
export const decimal = (o: WireObject, key: string): string => wire.decimal(o, key);
export const optDecimal = (o: WireObject, key: string): string | undefined => wire.optDecimal(o, key);
/** A signed decimal string such as a price change percent ("-0.317"). */
export const signedDecimal = (o: WireObject, key: string): string => wire.signedDecimal(o, key);

export function optInt(o: WireObject, key: string): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  return int(o, key);
}

export function bool(o: WireObject, key: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') wire.fail(`field ${key} must be a boolean`, v);
  return v;
}

/** `[["price","qty"], …]` as in depth snapshots and diffs. */
export function levels(o: WireObject, key: string): Array<[string, string]> {
  return asArray(o[key], key).map((row, i) => {
    const pair = asArray(row, `${key}[${i}]`);
    const price = pair[0];
    const qty = pair[1];
    if (typeof price !== 'string' || !isUnsignedDecimal(price)) wire.fail(`${key}[${i}] price must be a decimal string`, price);
    if (typeof qty !== 'string' || !isUnsignedDecimal(qty)) wire.fail(`${key}[${i}] quantity must be a decimal string`, qty);
    return [price, qty];
  });
}

/** A frame's JSON: `object` when it is a JSON object, else `raw` (the parsed value, or the text when not JSON). */
export function frameObject(text: string): { object: WireObject } | { raw: unknown } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { raw: text };
  }
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? { object: raw as WireObject } : { raw };
}
