/**
 * @module infra/data-dir
 * The data directory (`CADENZA_DATA_DIR`): databases, signing keys, the master key, the auth HMAC secret. It is
 * made owner-only (0700) — created so, and tightened at every start if an older version or a copy left it looser —
 * so no other account on the machine can list or read it. A directory the process does not own (a shared path)
 * cannot be tightened: that is reported, not fatal, since the files inside are 0600 themselves.
 */
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/** Creates `dir` (0700) or tightens it to 0700; returns its absolute path and a warning when it could not be. */
export function prepareDataDir(dir: string): { path: string; warning?: string } {
  const path = resolve(dir);
  mkdirSync(path, { recursive: true, mode: 0o700 });
  if ((statSync(path).mode & 0o077) === 0) return { path };
  try {
    chmodSync(path, 0o700);
    return { path };
  } catch (err) {
    return { path, warning: `could not make the data directory ${path} owner-only: ${(err as Error).message}` };
  }
}
