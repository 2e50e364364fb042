import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryRecoveryTokens } from './memory-recovery-tokens.ts';

const record = (userId: string, linkHash: string, at: number) => ({ userId, linkHash, otpHash: `otp-${linkHash}`, createdAt: at, expiresAt: at + 1000 });

test('a new token replaces the user\'s previous one, found by user and by link; consuming works once', async () => {
  let now = 0;
  const tokens = new MemoryRecoveryTokens(() => now);
  await tokens.putRecoveryToken(record('u1', 'a', now));
  await tokens.putRecoveryToken(record('u1', 'b', now));
  assert.equal(await tokens.getRecoveryTokenByLink('a'), undefined);
  assert.equal((await tokens.getRecoveryTokenByUser('u1'))?.linkHash, 'b');
  assert.equal((await tokens.getRecoveryTokenByLink('b'))?.userId, 'u1');
  assert.equal(await tokens.consumeRecoveryToken('u1', 'a'), false);
  const results = await Promise.all([tokens.consumeRecoveryToken('u1', 'b'), tokens.consumeRecoveryToken('u1', 'b')]);
  assert.deepEqual(results.sort(), [false, true]);
  assert.equal(await tokens.getRecoveryTokenByUser('u1'), undefined);
});

test('expired entries are dropped as new ones arrive, and the size stays bounded', async () => {
  let now = 0;
  const tokens = new MemoryRecoveryTokens(() => now, 3);
  await tokens.putRecoveryToken(record('u1', 'a', now));
  now = 2000;
  await tokens.putRecoveryToken(record('u2', 'b', now));
  assert.equal(await tokens.getRecoveryTokenByUser('u1'), undefined);
  for (const id of ['u3', 'u4', 'u5']) await tokens.putRecoveryToken(record(id, `l-${id}`, now));
  assert.equal(await tokens.getRecoveryTokenByUser('u2'), undefined, 'the oldest goes first');
  assert.equal((await tokens.getRecoveryTokenByUser('u5'))?.linkHash, 'l-u5');
});
