/**
 * @module venue-fakes/binance/fixtures
 * The documentation's example payloads (./fixtures, see SOURCES.md), loaded as data for tests and the fake server.
 */
import { readFileSync } from 'node:fs';

/** Parsed JSON of `fixtures/<name>.json`; a fresh copy each call, so callers may mutate it. */
export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as unknown;
}

/** A fixture known to be a JSON object. */
export function fixtureObject(name: string): Record<string, unknown> {
  const v = fixture(name);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`fixture ${name} is not an object`);
  return v as Record<string, unknown>;
}
