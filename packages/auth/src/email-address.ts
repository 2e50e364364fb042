/**
 * @module email-address
 * What an email address is to the auth service: its normal form (the account key) and its confusable skeleton.
 *
 * - Normal form: trimmed, Unicode NFKC, lower-cased — so the fullwidth `ｄｅｍｏ@ｃａｄｅｎｚａ．ｄｅｖ` *is*
 *   `demo@cadenza.dev`. Refused (GoTrue's 400 "invalid format"): control, format and unassigned code points (NUL,
 *   bidi overrides, zero-width joiners…), whitespace, and RFC 5322's specials outside quotes (`<>()[]\,;:"`), which
 *   shuts out markup; exactly one `@` with something on both sides.
 * - Skeleton: UTS #39's `skeleton(X) = NFD(map(NFD(X)))` of the normal form, with the Unicode confusables map
 *   shipped by the `unhomoglyph` package. Two addresses that look alike (`dеmo@…` with a Cyrillic е, `rn` vs `m`)
 *   share a skeleton; sign-up refuses an address whose skeleton belongs to another account.
 */
import unhomoglyph from 'unhomoglyph';
import { AuthError } from './errors.ts';

const MAX_EMAIL_LENGTH = 255;
/** Control (Cc), format (Cf), surrogate (Cs), private-use (Co) and unassigned (Cn) code points, and separators. */
const FORBIDDEN_CODE_POINTS = /[\p{C}\p{Z}\s]/u;
/** RFC 5322 specials: only legal inside quoted strings, which this service does not accept. */
const SPECIALS = /[<>()[\]\\,;:"]/;

const invalidFormat = () => new AuthError('validationFailed', 'Unable to validate email address: invalid format');

/** The normal form of an email address, or GoTrue's `validation_failed` (see the module note). */
export function normaliseEmail(email: unknown): string {
  if (typeof email !== 'string') throw invalidFormat();
  const e = email.trim().normalize('NFKC').toLowerCase();
  if (e.length > MAX_EMAIL_LENGTH) throw new AuthError('validationFailed', 'An email address is too long');
  if (FORBIDDEN_CODE_POINTS.test(e) || SPECIALS.test(e)) throw invalidFormat();
  const at = e.indexOf('@');
  if (at <= 0 || at !== e.lastIndexOf('@') || at === e.length - 1) throw invalidFormat();
  return e;
}

/**
 * The lookup key of an address typed at sign-in or in an admin command: its normal form when it has one, else the
 * trimmed lower-cased text (which then matches no account).
 */
export function emailLookupKey(email: string): string {
  try {
    return normaliseEmail(email);
  } catch {
    return email.trim().toLowerCase();
  }
}

/** UTS #39 skeleton of an already normalised address (see the module note). */
export function emailSkeleton(normalisedEmail: string): string {
  return unhomoglyph(normalisedEmail.normalize('NFD')).normalize('NFD');
}
