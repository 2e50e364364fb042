/**
 * @module infra/system
 * The real clock and id source for the domain's ports.
 */
import { randomBytes } from 'node:crypto';
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
  return {
    uuid() {
      const b = randomBytes(16);
      const ts = now();
      b.writeUIntBE(ts, 0, 6);
      b[6] = (b[6]! & 0x0f) | 0x70;
      b[8] = (b[8]! & 0x3f) | 0x80;
      const h = b.toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
  };
}
