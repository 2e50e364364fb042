import { test } from 'node:test';
import assert from 'node:assert/strict';
import { channels } from '@cadenza/contract';
import { accountChannel, userChannel } from './channel-names.ts';

test('channel names are the contract\'s, made once per id, and stay right past the cache\'s bound', () => {
  for (let i = 0; i < 25_000; i++) {
    const id = `id-${i % 12_500}`;
    assert.equal(accountChannel(id), channels.tradingAccount(id));
    assert.equal(userChannel(id), channels.user(id));
  }
  const name = accountChannel('a1');
  assert.equal(accountChannel(['a', '1'].join('')), name);
  assert.notEqual(accountChannel('a1'), userChannel('a1'));
});
