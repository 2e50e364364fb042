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

test('wrong codes count against the current token only; the last one voids it; a new token starts the count again', async () => {
  const tokens = new MemoryRecoveryTokens(() => 0);
  await tokens.putRecoveryToken(record('u1', 'a', 0));
  assert.equal(await tokens.countWrongRecoveryCode('u1', 'a', 3), false);
  assert.equal(await tokens.countWrongRecoveryCode('u1', 'stale', 3), false, 'a replaced token counts nothing');
  await tokens.putRecoveryToken(record('u1', 'b', 0));
  assert.equal(await tokens.countWrongRecoveryCode('u1', 'b', 3), false);
  assert.equal(await tokens.countWrongRecoveryCode('u1', 'b', 3), false);
  assert.equal(await tokens.countWrongRecoveryCode('u1', 'b', 3), true, 'the third wrong code voids it');
  assert.equal(await tokens.getRecoveryTokenByUser('u1'), undefined);
  assert.equal(await tokens.consumeRecoveryToken('u1', 'b'), false);
});
