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

/**
 * UUID v7 (RFC 9562): 48-bit ms timestamp, then random bits. Time-ordered ids keep SQLite's primary-key
 * B-trees append-mostly on the order hot path.
 */
export function uuidSource(now: () => number = Date.now): IdSource {
  // Entropy is drawn 256 ids at a time: one randomBytes call per id cost more than the rest of the id.
  const pool = Buffer.alloc(16 * 256);
  let at = pool.length;
  const b = Buffer.alloc(16);
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
      const h = b.toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
  };
}
