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
  const b = Buffer.alloc(16);
  const text = Buffer.from('00000000-0000-0000-0000-000000000000', 'latin1');
  return {
    uuid() {
      if (at === pool.length) {
        randomFillSync(pool);
        at = 0;
      }
      pool.copy(b, 0, at, at + 16);
      at += 16;
      b.writeUIntBE(now(), 0, 6);
      b[6] = (b[6]! & 0x0f) | 0x70;
      b[8] = (b[8]! & 0x3f) | 0x80;
      for (let i = 0; i < 16; i++) {
        text[AT[i]!] = HEX[b[i]! >> 4]!;
        text[AT[i]! + 1] = HEX[b[i]! & 15]!;
      }
      return text.toString('latin1');
    },
  };
}
