/**
 * @module config-checks
 * How the values of the environment variables in `config-vars.ts` are checked and turned into values: each check
 * throws an `Error` whose message completes "NAME: …" and never quotes a secret back.
 */
import { BlockList, isIP } from 'node:net';
import { VenueValues } from '@cadenza/contract';

export function integer(min: number, max = Number.MAX_SAFE_INTEGER): (raw: string) => number {
  return (raw) => {
    const n = /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new Error(max === Number.MAX_SAFE_INTEGER ? `must be a whole number ≥ ${min}` : `must be a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

export function boolean(raw: string): boolean {
  const s = raw.trim().toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  throw new Error('must be true or false (also on/off, yes/no, 1/0)');
}

export function oneOf<T extends string>(values: readonly T[]): (raw: string) => T {
  return (raw) => {
    const s = raw.trim().toLowerCase() as T;
    if (values.includes(s)) return s;
    const near = didYouMean(s, values);
    throw new Error(`must be one of ${values.join(', ')}${near ? ` (did you mean ${near}?)` : ''}`);
  };
}

export function url(protocols: readonly string[]): (raw: string) => string {
  return (raw) => {
    let u: URL;
    try {
      u = new URL(raw.trim());
    } catch {
      throw new Error(`must be a URL (${protocols.map((p) => `${p}//…`).join(' or ')})`);
    }
    if (!protocols.includes(u.protocol)) throw new Error(`must be a ${protocols.map((p) => `${p}//`).join(' or ')} URL`);
    return raw.trim().replace(/\/+$/, '');
  };
}

export function text(minLength = 1, what = 'characters'): (raw: string) => string {
  return (raw) => {
    if ([...raw].length < minLength) throw new Error(`must be at least ${minLength} ${what}`);
    return raw;
  };
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['auto', 'pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The venue ids `CADENZA_VENUES` may name (`venues.ts` has an adapter for each; a test keeps them equal). */
export const VENUE_IDS = ['PAPER', 'MOCK', 'BINANCE', 'BINANCE_UAT', 'BINANCE_SANDBOX', 'OKX', 'OKX_UAT', 'BITFINEX', 'BITFINEX_UAT', 'DERIBIT', 'DERIBIT_UAT', 'HYPERLIQUID', 'HYPERLIQUID_UAT'] as const;
export const DEFAULT_VENUES = 'PAPER,MOCK,BINANCE,BINANCE_UAT,OKX,OKX_UAT,BITFINEX,BITFINEX_UAT,DERIBIT,DERIBIT_UAT,HYPERLIQUID,HYPERLIQUID_UAT';

export function venueList(raw: string): string[] {
  const ids = raw.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  if (ids.length === 0) throw new Error('must name at least one venue');
  for (const id of ids) {
    if (!(VENUE_IDS as readonly string[]).includes(id)) {
      const near = didYouMean(id, VENUE_IDS);
      throw new Error(`unknown venue ${JSON.stringify(id.slice(0, 32))}${near ? ` (did you mean ${near}?)` : ''}; known: ${VENUE_IDS.join(', ')}`);
    }
  }
  return [...new Set(ids)];
}

/** Contract venue ids run as externally fed venues (market data an external feeder pushes); none may be empty. */
export function externalVenueList(raw: string): string[] {
  const ids = raw.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  for (const id of ids) {
    if (!(VenueValues as readonly string[]).includes(id)) {
      const near = didYouMean(id, VenueValues);
      throw new Error(`unknown venue ${JSON.stringify(id.slice(0, 32))}${near ? ` (did you mean ${near}?)` : ''}; the contract's Venue values: ${VenueValues.join(', ')}`);
    }
  }
  return [...new Set(ids)];
}

export function listenHost(raw: string): string {
  const h = raw.trim();
  if (isIP(h) || h === 'localhost' || /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(h)) return h;
  throw new Error('must be an IP address (127.0.0.1, 0.0.0.0, ::) or a host name');
}

export function base64Key(raw: string): string {
  const s = raw.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s) || Buffer.from(s, 'base64').length !== 32) throw new Error('must be the base64 of exactly 32 bytes (openssl rand -base64 32)');
  return s;
}

export function email(raw: string): string {
  const s = raw.trim();
  if (!/^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/.test(s)) throw new Error('must be an email address');
  return s;
}

export function password(raw: string): string {
  if ([...raw].length < 6) throw new Error('must be at least 6 characters (the auth service refuses shorter passwords)');
  if (Buffer.byteLength(raw) > 72) throw new Error('must be at most 72 bytes (bcrypt reads no further)');
  return raw;
}

/** Trusted reverse proxies: addresses, CIDR ranges, or `loopback` / `private`. */
export interface TrustedProxies {
  /** What was configured, for logs. */
  readonly spec: string;
  has(address: string): boolean;
}

export function trustedProxies(raw: string): TrustedProxies | undefined {
  const s = raw.trim().toLowerCase();
  if (FALSE.has(s)) return undefined;
  const list = new BlockList();
  for (const part of s.split(',').map((p) => p.trim()).filter(Boolean)) {
    if (part === 'loopback') {
      list.addSubnet('127.0.0.0', 8, 'ipv4');
      list.addAddress('::1', 'ipv6');
      continue;
    }
    if (part === 'private') {
      list.addSubnet('10.0.0.0', 8, 'ipv4');
      list.addSubnet('172.16.0.0', 12, 'ipv4');
      list.addSubnet('192.168.0.0', 16, 'ipv4');
      list.addSubnet('fc00::', 7, 'ipv6');
      continue;
    }
    const [addr, bits, extra] = part.split('/');
    const family = isIP(addr ?? '');
    if (!family || extra !== undefined) throw new Error(`${JSON.stringify(part.slice(0, 64))} is not an IP address, a CIDR range, loopback or private`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) {
      list.addAddress(addr!, type);
      continue;
    }
    const prefix = /^\d{1,3}$/.test(bits) ? Number(bits) : -1;
    if (prefix < 0 || prefix > (family === 4 ? 32 : 128)) throw new Error(`${JSON.stringify(part.slice(0, 64))} has a bad prefix length`);
    list.addSubnet(addr!, prefix, type);
  }
  return {
    spec: s,
    has(address) {
      const a = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
      const family = isIP(a);
      return family !== 0 && list.check(a, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/** The closest of `candidates` to `word` when it is close enough to be a typo of it (edit distance ≤ 1/3 of its length). */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(word.toUpperCase(), c.toUpperCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance > 0 && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

/** Levenshtein distance, with a swap of two neighbours counting as one edit (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}
