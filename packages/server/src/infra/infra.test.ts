import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AesGcmCipher, loadCipher } from './aes-gcm-cipher.ts';
import { systemClock, uuidSource } from './system.ts';

test('AES-GCM round-trips, uses a fresh nonce each time, and refuses tampered ciphertext', () => {
  const c = new AesGcmCipher(randomBytes(32));
  const msg = new TextEncoder().encode('{"apiKey":"k","secretKey":"s"}');
  const a = c.encrypt(msg);
  const b = c.encrypt(msg);
  assert.notDeepEqual(Buffer.from(a), Buffer.from(b));
  assert.equal(new TextDecoder().decode(c.decrypt(a)), '{"apiKey":"k","secretKey":"s"}');
  const bad = Buffer.from(a);
  bad[bad.length - 1]! ^= 1;
  assert.throws(() => c.decrypt(bad));
  assert.throws(() => new AesGcmCipher(randomBytes(32)).decrypt(a), 'another key cannot read it');
});

test('loadCipher generates <dataDir>/master.key with mode 0600 and reuses it; an env key wins', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-key-'));
  try {
    const one = loadCipher({ dataDir: dir });
    assert.equal(statSync(join(dir, 'master.key')).mode & 0o777, 0o600);
    const ct = one.encrypt(new Uint8Array([1, 2, 3]));
    assert.deepEqual([...loadCipher({ dataDir: dir }).decrypt(ct)], [1, 2, 3]);
    const env = loadCipher({ dataDir: dir, masterKey: randomBytes(32).toString('base64') });
    assert.throws(() => env.decrypt(ct));
    assert.throws(() => loadCipher({ dataDir: dir, masterKey: 'c2hvcnQ=' }), /32 bytes/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('uuid v7 ids are well-formed, unique and time-ordered; the clock never goes back', () => {
  let t = 1_000_000;
  const ids = uuidSource(() => t++);
  const list = Array.from({ length: 100 }, () => ids.uuid());
  for (const id of list) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual([...list].sort(), list);
  assert.equal(new Set(list).size, 100);
  // The first 48 bits are the time, big-endian, whichever of its bytes are set.
  for (const ms of [0, 1, 0xff_ffff, 0x100_0000, 0x0123_4567_89ab, Date.now(), 2 ** 48 - 1]) {
    const id = uuidSource(() => ms).uuid();
    assert.equal(id.slice(0, 8) + id.slice(9, 13), ms.toString(16).padStart(12, '0'));
  }
  assert.throws(() => uuidSource(() => 2 ** 48).uuid(), RangeError);
  const c = systemClock();
  const a = c.now();
  assert.ok(c.now() >= a);
});
