/**
 * @module kit/lossless-json
 * Venues that send prices and amounts as JSON numbers (Bitfinex v2, Deribit). `JSON.parse` would turn them into
 * doubles; this parser keeps every number as the text of its lexeme (lossless-json), and `num` turns a lexeme into a
 * plain decimal string — so no float ever carries a venue's price or amount.
 */
import { LosslessNumber, parse, stringify } from 'lossless-json';
import { plainFromJsonNumber } from '@cadenza/domain';

/** Parses venue JSON with numbers kept as their lexemes (strings); undefined when it is not JSON. */
export function parseLosslessJson(text: string): unknown {
  try {
    return parse(text, null, (lexeme: string) => new NumberText(lexeme));
  } catch {
    return undefined;
  }
}

/** A JSON number as it was written. */
export class NumberText {
  constructor(readonly lexeme: string) {}
}

export function isNumber(v: unknown): v is NumberText {
  return v instanceof NumberText;
}

/** A signed plain decimal from a JSON number; throws on anything else. */
export function num(v: unknown, what: string): string {
  if (!(v instanceof NumberText)) throw new Error(`${what} must be a number, got ${JSON.stringify(v)}`);
  return plainFromJsonNumber(v.lexeme);
}

export function optNum(v: unknown, what: string): string | undefined {
  return v === null || v === undefined ? undefined : num(v, what);
}

/** A safe integer from a JSON number (ids, times, channel ids, sequence numbers). */
export function int(v: unknown, what: string): number {
  const n = v instanceof NumberText ? Number(v.lexeme) : NaN;
  if (!Number.isSafeInteger(n)) throw new Error(`${what} must be an integer, got ${v instanceof NumberText ? v.lexeme : JSON.stringify(v)}`);
  return n;
}

/** An integer id kept as text (venue order and trade ids fit 2^53, but text needs no proof). */
export function idText(v: unknown, what: string): string {
  if (!(v instanceof NumberText) || !/^\d+$/.test(v.lexeme)) throw new Error(`${what} must be an integer id`);
  return v.lexeme;
}

/** A decimal string as a JSON number on the wire (venues that want numbers, not strings, in requests). */
export function jsonNumber(decimal: string): LosslessNumber {
  return new LosslessNumber(decimal);
}

/** JSON text of a value that may hold `jsonNumber`s, written digit for digit. */
export function stringifyLossless(value: unknown): string {
  const text = stringify(value);
  if (text === undefined) throw new Error('value has no JSON form');
  return text;
}
