/**
 * @module signing-keys
 * The access-token signing keys of the built-in service: ES256 (P-256) keys, each with a `kid`, kept as one JSON
 * file per key in `<dataDir>/keys/` (directory 0700, files 0600 — both tightened at every open), generated on
 * first start.
 *
 * Rotation: `rotate()` makes a new current key and retires the old one. A retired key is still published in the
 * JWKS and still accepted by the verifier for `retainSeconds` (the access-token lifetime plus a margin), so tokens
 * it signed stay valid until they expire; after that it is deleted. The JWKS never contains private members.
 * Another process (the admin CLI) cannot retire the key a running server signs with, so it only `stage()`s a new
 * key: at its next start the server makes the newest key current and retires the others from that moment.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, type CryptoKey } from 'jose';

export const SIGNING_ALG = 'ES256';

/** One key as stored on disk. */
interface KeyFile {
  kid: string;
  alg: typeof SIGNING_ALG;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms; null while the key is the current one. */
  retiredAt: number | null;
  privateJwk: JWK;
}

interface LoadedKey {
  file: KeyFile;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

/** A published verification key (RFC 7517 JWK, public members only). */
export type PublicJwk = JWK & { kid: string; alg: string; use: 'sig'; key_ops: ['verify'] };

export interface SigningKeysOptions {
  dataDir: string;
  /** How long a retired key keeps verifying, in seconds (≥ the access-token lifetime). */
  retainSeconds: number;
  now: () => number;
}

/** The key ring: the current signing key plus retired keys whose tokens may still be alive. */
export class SigningKeys {
  private keys: LoadedKey[] = [];
  private readonly dir: string;

  private constructor(private readonly options: SigningKeysOptions) {
    this.dir = join(options.dataDir, 'keys');
  }

  /** Loads the keys from `<dataDir>/keys/`, generating the first one if there is none. */
  static async open(options: SigningKeysOptions): Promise<SigningKeys> {
    const ring = new SigningKeys(options);
    mkdirSync(ring.dir, { recursive: true, mode: 0o700 });
    chmodSync(ring.dir, 0o700);
    await ring.load();
    if (!ring.keys.some((k) => k.file.retiredAt === null)) await ring.generate();
    ring.retireAllButNewest();
    ring.prune();
    return ring;
  }

  /** The key new tokens are signed with. */
  current(): { kid: string; privateKey: CryptoKey } {
    const k = this.keys.find((x) => x.file.retiredAt === null);
    if (!k) throw new Error('no current signing key');
    return { kid: k.file.kid, privateKey: k.privateKey };
  }

  /** The public key for `kid` if it is current or retired but still retained. */
  verificationKey(kid: string): CryptoKey | undefined {
    this.prune();
    return this.keys.find((k) => k.file.kid === kid)?.publicKey;
  }

  /** The JWKS document: every key that may have signed a still-valid token, newest first. */
  jwks(): { keys: PublicJwk[] } {
    this.prune();
    return { keys: this.keys.map((k) => k.publicJwk as PublicJwk) };
  }

  /** Makes a new current key and retires the previous one. Returns the new `kid`. */
  async rotate(): Promise<string> {
    const kid = await this.generate();
    this.retireAllButNewest();
    this.prune();
    return kid;
  }

  /** Writes a new key without retiring the current one (see the module note). Returns its `kid`. */
  stage(): Promise<string> {
    return this.generate();
  }

  /** Only the newest unretired key stays current (also settles several current keys after a crash or `stage`). */
  private retireAllButNewest(): void {
    const now = this.options.now();
    const current = this.keys.filter((k) => k.file.retiredAt === null);
    for (const k of current.slice(1)) {
      k.file.retiredAt = now;
      this.write(k.file);
    }
  }

  private async load(): Promise<void> {
    const loaded: LoadedKey[] = [];
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith('.json')) continue;
      chmodSync(join(this.dir, name), 0o600); // a key left readable by others (older version, a copy) is tightened
      const file = JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as KeyFile;
      loaded.push(await this.materialise(file));
    }
    loaded.sort((a, b) => b.file.createdAt - a.file.createdAt);
    this.keys = loaded;
  }

  private async generate(): Promise<string> {
    const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
    const kid = crypto.randomUUID();
    const file: KeyFile = { kid, alg: SIGNING_ALG, createdAt: this.options.now(), retiredAt: null, privateJwk: await exportJWK(privateKey) };
    this.write(file);
    this.keys.unshift(await this.materialise(file));
    return kid;
  }

  private async materialise(file: KeyFile): Promise<LoadedKey> {
    const { d: _private, ...pub } = file.privateJwk;
    const publicJwk: PublicJwk = { ...pub, kid: file.kid, alg: file.alg, use: 'sig', key_ops: ['verify'] };
    const privateKey = (await importJWK({ ...file.privateJwk, alg: file.alg }, file.alg)) as CryptoKey;
    const publicKey = (await importJWK({ ...pub, alg: file.alg }, file.alg)) as CryptoKey;
    return { file, privateKey, publicKey, publicJwk };
  }

  /** Writes atomically with owner-only permissions. */
  private write(file: KeyFile): void {
    const path = join(this.dir, `${file.kid}.json`);
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, JSON.stringify(file, null, 2), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, path);
  }

  /** Forgets and deletes retired keys past their retention. */
  private prune(): void {
    const cutoff = this.options.now() - this.options.retainSeconds * 1000;
    const expired = this.keys.filter((k) => k.file.retiredAt !== null && k.file.retiredAt < cutoff);
    if (expired.length === 0) return;
    this.keys = this.keys.filter((k) => !expired.includes(k));
    for (const k of expired) rmSync(join(this.dir, `${k.file.kid}.json`), { force: true });
  }
}
