/**
 * @module hmac-secret
 * The server secret that keys the digests of short one-time codes (the 6-digit recovery code, the reauthentication
 * nonce). A bare SHA-256 of a 6-digit code is reversed by trying the million codes, so whoever reads the database
 * (a backup, a copied file) could redeem a pending recovery; keyed with a secret that never enters the database,
 * the digest is useless without it.
 *
 * The secret comes from the `hmacSecret` option (≥ 32 characters; the server's `CADENZA_AUTH_HMAC_SECRET`) or from
 * `<dataDir>/keys/hmac.key` (32 random bytes, base64), made on first start with mode 0600 and tightened to 0600 at
 * every start. Every instance sharing one database must use the same secret (same file or same setting). Losing it
 * only voids pending codes: users ask again.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Keys digests of one-time codes. */
export interface CodeDigester {
  /** Hex HMAC-SHA-256 of `text`. */
  digest(text: string): string;
}

export const HMAC_KEY_FILE = 'hmac.key';

function digester(key: Uint8Array): CodeDigester {
  return { digest: (text) => createHmac('sha256', key).update(text).digest('hex') };
}

/** The configured secret, or the data directory's key file (created when missing). */
export function loadCodeDigester(options: { dataDir: string; secret?: string | undefined }): CodeDigester {
  if (options.secret !== undefined) {
    if (options.secret.length < 32) throw new Error('hmacSecret must be at least 32 characters');
    return digester(new TextEncoder().encode(options.secret));
  }
  const dir = join(options.dataDir, 'keys');
  const path = join(dir, HMAC_KEY_FILE);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // made earlier, or by another process just now
  }
  chmodSync(path, 0o600);
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length < 32) throw new Error(`${path} does not hold a 32-byte base64 key`);
  return digester(key);
}
