/**
 * @module wrong-codes
 * Counting wrong tries at a mailed one-time code (a recovery code, a reauthentication nonce), per user and per
 * process, so a 6-digit code cannot be guessed: after `max` wrong tries the caller voids the code. Bounded memory:
 * past 50,000 users with wrong tries the counts start over.
 */
import { timingSafeEqual } from 'node:crypto';

export class WrongCodes {
  private readonly counts = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Counts a wrong try; true when it used up the last one (the code must be voided; the count restarts). */
  exhausted(userId: string): boolean {
    const n = (this.counts.get(userId) ?? 0) + 1;
    if (n >= this.max) {
      this.counts.delete(userId);
      return true;
    }
    if (this.counts.size >= 50_000) this.counts.clear();
    this.counts.set(userId, n);
    return false;
  }

  /** A new code was issued, or the right one given. */
  reset(userId: string): void {
    this.counts.delete(userId);
  }
}

/** Constant-time equality of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
