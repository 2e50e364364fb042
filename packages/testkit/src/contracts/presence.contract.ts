/**
 * @module contracts/presence
 * The gateway's PresenceManager port's shared suite, run by every implementation with a factory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PresenceManager } from '@cadenza/gateway';

export function runPresenceContract(name: string, create: () => Promise<PresenceManager>): void {
  test(`${name}: add, replace, remove and count clients and distinct users`, async () => {
    const p = await create();
    await p.add('ch', 'c1', { user: 'u1', client: 'c1' });
    await p.add('ch', 'c2', { user: 'u1', client: 'c2' });
    await p.add('ch', 'c3', { user: 'u2', client: 'c3' });
    await p.add('ch', 'c3', { user: 'u2', client: 'c3' });
    await p.add('other', 'c9', { user: 'u9', client: 'c9' });
    assert.deepEqual(await p.stats('ch'), { numClients: 3, numUsers: 2 });
    assert.deepEqual(Object.keys(await p.presence('ch')).sort(), ['c1', 'c2', 'c3']);
    await p.remove('ch', 'c1');
    await p.remove('ch', 'absent');
    assert.deepEqual(await p.stats('ch'), { numClients: 2, numUsers: 2 });
    assert.deepEqual(await p.presence('empty'), {});
    assert.deepEqual(await p.stats('empty'), { numClients: 0, numUsers: 0 });
  });
}
