/**
 * @module passwords
 * Password policy and hashing. Hashes are bcrypt (bcryptjs) `$2b$` strings; cost 10 like GoTrue unless the
 * caller lowers it (tests). bcrypt reads only the first 72 bytes, so longer passwords are refused rather than
 * silently truncated. The same policy applies on `/auth/v1` and `/api/v3/auth` so both agree.
 */
import bcrypt from 'bcryptjs';
import { AuthError } from './errors.ts';

/** bcrypt's input limit in bytes. */
export const MAX_PASSWORD_BYTES = 72;

/** Throws the GoTrue error for a password that may not be set: missing, too long, or shorter than `minLength`. */
export function assertAcceptablePassword(password: unknown, minLength: number, missingMessage = 'Signup requires a valid password'): string {
  if (typeof password !== 'string' || password === '') throw new AuthError('validationFailed', missingMessage);
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    throw new AuthError('validationFailed', `Password cannot be longer than ${MAX_PASSWORD_BYTES} characters`);
  }
  if ([...password].length < minLength) {
    throw new AuthError('weakPassword', `Password should be at least ${minLength} characters.`, { reasons: ['length'] });
  }
  return password;
}

/** The reasons a (correct) password fails the current policy; empty when it passes. */
export function weakPasswordReasons(password: string, minLength: number): string[] {
  return [...password].length < minLength ? ['length'] : [];
}

/** bcrypt hashing with a fixed cost. */
export class PasswordHasher {
  /** A hash of a random string, compared against when the user does not exist, so both paths cost the same. */
  private readonly decoy: string;

  constructor(private readonly cost: number) {
    this.decoy = bcrypt.hashSync(crypto.randomUUID(), cost);
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.cost);
  }

  /** Compares in constant time for the hash; a null hash (no user, no password) still spends one comparison. */
  async verify(password: string, hash: string | null): Promise<boolean> {
    if (hash === null) {
      await bcrypt.compare(password, this.decoy);
      return false;
    }
    return bcrypt.compare(password, hash);
  }
}
