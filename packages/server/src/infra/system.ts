/**
 * @module infra/system
 * The real clock and id source for the domain's ports.
 */
import { randomFillSync } from 'node:crypto';
import type { Clock, IdSource } from '@cadenza/domain';

/** Wall-clock epoch ms that never goes backwards within the process (a stepped-back clock holds still). */
export function systemClock(): Clock {
  let last = 0;
  return {
    now() {
      const t = Date.now();
      if (t > last) last = t;
      return last;
    },
  };
}

/** ASCII hex digits, and where each of a UUID's 16 bytes goes in its 36 characters (after the dashes before it). */
const HEX = Buffer.from('0123456789abcdef', 'latin1');
const AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

/**
 * UUID v7 (RFC 9562): 48-bit ms timestamp, then random bits. Time-ordered ids keep SQLite's primary-key
 * B-trees append-mostly on the order hot path. Each id is one flat string made from its 36 ASCII bytes: slices joined
 * by `-` would be a tree of ~12 small strings, and ids are held for as long as what they name (orders, fills, quotes).
 */
export function uuidSource(now: () => number = Date.now): IdSource {
  // Entropy is drawn 256 ids at a time: one randomBytes call per id cost more than the rest of the id.
  const pool = Buffer.alloc(16 * 256);
  let at = pool.length;
  const text = Buffer.from('00000000-0000-0000-0000-000000000000', 'latin1');
  const hex = (i: number, byte: number): void => {
    text[AT[i]!] = HEX[byte >> 4]!;
    text[AT[i]! + 1] = HEX[byte & 15]!;
  };
  return {
    uuid() {
      if (at === pool.length) {
        randomFillSync(pool);
        at = 0;
      }
      // The timestamp's six bytes, big-endian, from its upper and lower 24 bits; the random ten read in place: a copy
      // into a scratch buffer and writeUIntBE were about a third of an id's cost, and an OTC accept makes eight ids.
      const ms = now();
      if (!(ms >= 0 && ms < 2 ** 48)) throw new RangeError(`a UUID v7 time is 48 bits; got ${ms}`);
      const high = Math.floor(ms / 0x1000000);
      const low = ms - high * 0x1000000;
      hex(0, high >>> 16);
      hex(1, (high >>> 8) & 255);
      hex(2, high & 255);
      hex(3, low >>> 16);
      hex(4, (low >>> 8) & 255);
      hex(5, low & 255);
      hex(6, (pool[at + 6]! & 0x0f) | 0x70);
      hex(7, pool[at + 7]!);
      hex(8, (pool[at + 8]! & 0x3f) | 0x80);
      for (let i = 9; i < 16; i++) hex(i, pool[at + i]!);
      at += 16;
      return text.toString('latin1');
    },
  };
}
