/**
 * @module infra/aes-gcm-cipher
 * AES-256-GCM for credential secrets. The 32-byte key comes from `CADENZA_MASTER_KEY` (base64) or, when unset,
 * from `<dataDir>/master.key` (base64, created on first start with mode 0600, tightened to 0600 at every load). It is never stored in the
 * database: losing the key makes stored secrets unreadable, which is the point.
 *
 * Ciphertext layout: version byte (1) ‖ 12-byte random nonce ‖ 16-byte tag ‖ encrypted bytes.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cipher } from '@cadenza/domain';

const VERSION = 1;
const NONCE = 12;
const TAG = 16;

export class AesGcmCipher implements Cipher {
  private readonly key: Buffer;

  constructor(key: Uint8Array) {
    if (key.length !== 32) throw new Error('AES-256-GCM needs a 32-byte key');
    this.key = Buffer.from(key);
  }

  encrypt(plaintext: Uint8Array): Uint8Array {
    const nonce = randomBytes(NONCE);
    const c = createCipheriv('aes-256-gcm', this.key, nonce);
    const body = Buffer.concat([c.update(plaintext), c.final()]);
    return Buffer.concat([Buffer.from([VERSION]), nonce, c.getAuthTag(), body]);
  }

  decrypt(ciphertext: Uint8Array): Uint8Array {
    const buf = Buffer.from(ciphertext);
    if (buf.length < 1 + NONCE + TAG || buf[0] !== VERSION) throw new Error('unknown ciphertext format');
    const d = createDecipheriv('aes-256-gcm', this.key, buf.subarray(1, 1 + NONCE));
    d.setAuthTag(buf.subarray(1 + NONCE, 1 + NONCE + TAG));
    return Buffer.concat([d.update(buf.subarray(1 + NONCE + TAG)), d.final()]);
  }
}

/** Parses a base64 key; throws (without echoing the value) unless it decodes to exactly 32 bytes. */
export function parseMasterKey(base64: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32) throw new Error('CADENZA_MASTER_KEY must be base64 of exactly 32 bytes');
  return key;
}

/** The cipher keyed from `masterKey` (base64) if given, else from `<dataDir>/master.key`, generated when missing. */
export function loadCipher(opts: { dataDir: string; masterKey?: string | undefined }): AesGcmCipher {
  if (opts.masterKey) return new AesGcmCipher(parseMasterKey(opts.masterKey));
  const path = join(opts.dataDir, 'master.key');
  try {
    chmodSync(path, 0o600); // tightens a file an older version or a copy left readable by others
    return new AesGcmCipher(parseMasterKey(readFileSync(path, 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  try {
    writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  chmodSync(path, 0o600);
  return new AesGcmCipher(parseMasterKey(readFileSync(path, 'utf8')));
}
