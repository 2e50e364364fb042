/**
 * @module binance/wire
 * Reads untyped JSON from Binance into typed values. Every accessor names the field it wanted, so a payload
 * that drifts from the documented shape fails loudly with a `BinanceVenueError('protocol')` instead of
 * leaking `undefined` into the book or the order flow.
 */
import { BinanceVenueError } from './errors.ts';
import { isUnsignedDecimal } from '@cadenza/domain';

export type WireObject = Readonly<Record<string, unknown>>;

function fail(what: string, value: unknown): never {
  const shown = JSON.stringify(value);
  throw new BinanceVenueError('protocol', `unexpected Binance payload: ${what} (got ${shown === undefined ? 'undefined' : shown.slice(0, 80)})`);
}

export function asObject(v: unknown, what: string): WireObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${what} must be an object`, v);
  return v as WireObject;
}

export function asArray(v: unknown, what: string): readonly unknown[] {
  if (!Array.isArray(v)) fail(`${what} must be an array`, v);
  return v;
}

export function str(o: WireObject, key: string): string {
  const v = o[key];
  if (typeof v !== 'string') fail(`field ${key} must be a string`, v);
  return v;
}

export function optStr(o: WireObject, key: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail(`field ${key} must be a string`, v);
  return v;
}

/** An integer field (ids, times); Binance ids fit in 2^53. */
export function int(o: WireObject, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(`field ${key} must be an integer`, v);
  return v;
}

export function optInt(o: WireObject, key: string): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  return int(o, key);
}

export function bool(o: WireObject, key: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') fail(`field ${key} must be a boolean`, v);
  return v;
}

/** An unsigned decimal string field, kept as text. */
export function decimal(o: WireObject, key: string): string {
  const v = str(o, key);
  if (!isUnsignedDecimal(v)) fail(`field ${key} must be a decimal string`, v);
  return v;
}

export function optDecimal(o: WireObject, key: string): string | undefined {
  const v = optStr(o, key);
  if (v === undefined) return undefined;
  if (!isUnsignedDecimal(v)) fail(`field ${key} must be a decimal string`, v);
  return v;
}

/** A signed decimal string such as a price change percent ("-0.317"). */
export function signedDecimal(o: WireObject, key: string): string {
  const v = str(o, key);
  if (!/^-?\d+(\.\d+)?$/.test(v)) fail(`field ${key} must be a decimal string`, v);
  return v;
}

/** `[["price","qty"], …]` as in depth snapshots and diffs. */
export function levels(o: WireObject, key: string): Array<[string, string]> {
  return asArray(o[key], key).map((row, i) => {
    const pair = asArray(row, `${key}[${i}]`);
    const price = pair[0];
    const qty = pair[1];
    if (typeof price !== 'string' || !isUnsignedDecimal(price)) fail(`${key}[${i}] price must be a decimal string`, price);
    if (typeof qty !== 'string' || !isUnsignedDecimal(qty)) fail(`${key}[${i}] quantity must be a decimal string`, qty);
    return [price, qty];
  });
}
