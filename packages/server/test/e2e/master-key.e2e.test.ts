/**
 * The master key must be the one that sealed the stored venue credentials: a server started with another one (a
 * lost master.key, a cluster server without a copy of the first one's — docs/scale-out.md) does not start its
 * domain and says why; with the right key it starts.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AesGcmCipher } from '../../src/infra/aes-gcm-cipher.ts';
import { openSqliteDomainStore } from '../../src/infra/stores.ts';
import { startServer } from '../../src/server.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'cadenza-master-key-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

test('a server whose master key did not seal the stored credentials refuses to start, naming the key; the right key starts', async () => {
  const sealing = randomBytes(32);
  const stored = openSqliteDomainStore(dataDir);
  const now = Date.now();
  stored.store.transaction(() =>
    stored.store.insertCredential({
      credentialId: 'c-1', userId: 'u-1', venue: 'BINANCE', credentialType: 'HMAC', status: 'ACTIVE', apiKeyMasked: 'abcd…wxyz',
      secretCiphertext: new AesGcmCipher(sealing).encrypt(new TextEncoder().encode('{"apiKey":"k","secretKey":"s"}')),
      createdAt: now, updatedAt: now,
    }),
  );
  await stored.close();

  const start = (key: Buffer) => startServer({ port: 0, host: '127.0.0.1', dataDir, log: false, venues: ['PAPER'], masterKey: key.toString('base64') });
  await assert.rejects(start(randomBytes(32)), /encrypted with another master key .*CADENZA_MASTER_KEY/);
  const server = await start(sealing);
  try {
    const health = (await (await fetch(`http://127.0.0.1:${server.port}/health`)).json()) as { checks: { database: { status: string } } };
    assert.equal(health.checks.database.status, 'healthy');
  } finally {
    await server.close();
  }
});
