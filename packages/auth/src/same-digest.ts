/**
 * @module same-digest
 * Comparing a stored digest of a mailed one-time code (a recovery code, a reauthentication nonce) with the digest of
 * what the caller sent, in constant time. Wrong tries are counted by the store (`countWrongRecoveryCode`,
 * `countWrongReauthentication`), so every process sharing it counts them together.
 */
import { timingSafeEqual } from 'node:crypto';

/** Constant-time equality of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
