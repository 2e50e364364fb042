/**
 * @module venue-fakes/shared/fixtures
 * Reads a fake's documented example payloads (`<venue>/fixtures/*.json`) as fresh copies callers may change.
 */
import { readFileSync } from 'node:fs';

export function loadFixture(dir: URL, name: string): Record<string, unknown> {
  const v: unknown = JSON.parse(readFileSync(new URL(`fixtures/${name}.json`, dir), 'utf8'));
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`fixture ${name} is not an object`);
  return v as Record<string, unknown>;
}
