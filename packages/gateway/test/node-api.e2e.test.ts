/**
 * The GatewayNode API the composition root uses, beyond what the client suites cover: history and presence reads,
 * stats, refusals for bad channels, and the upgrade routing of attach().
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { RawJson } from '@cadenza/protocol';
import { ProtocolError } from '../src/index.ts';
import { mint, startGateway, until, type Running } from './harness.ts';
import { RawClient } from './raw-client.ts';

let g: Running;
before(async () => {
  g = await startGateway({
    namespaces: { news: { historySize: 3, historyTtlSeconds: 60, forceRecovery: true }, room: { presence: true } },
  });
});
after(async () => {
  await g.close();
});

test('publish returns consecutive positions; history returns decoded data, newest kept, with since/reverse', async () => {
  const a = await g.node.publish('news:api', { i: 1 });
  const b = await g.node.publish('news:api', { i: 2 });
  assert.equal(b.offset, a.offset + 1);
  assert.equal(b.epoch, a.epoch);
  for (let i = 3; i <= 5; i++) await g.node.publish('news:api', { i });
  const h = await g.node.history('news:api', { limit: -1 });
  assert.deepEqual(h.publications.map((p) => p.data), [{ i: 3 }, { i: 4 }, { i: 5 }]);
  assert.deepEqual([h.offset, h.epoch], [5, a.epoch]);
  const rev = await g.node.history('news:api', { limit: 2, reverse: true });
  assert.deepEqual(rev.publications.map((p) => p.offset), [5, 4]);
  await assert.rejects(g.node.history('news:api', { limit: 1, since: { offset: 1, epoch: 'other' } }), (e: ProtocolError) => e.code === 112);
  await assert.rejects(g.node.history('room:x'), (e: ProtocolError) => e.code === 108);
});

test('a RawJson is published as the value it holds, the same text on every channel it goes to', async () => {
  const c = new RawClient(g.url);
  await c.opened();
  c.send({ id: 1, connect: { token: await mint({ sub: 'raw-user' }) } }, { id: 2, subscribe: { channel: 'news:raw-a' } }, { id: 3, subscribe: { channel: 'news:raw-b' } });
  await c.waitReply(3);
  const raw = RawJson.of({ type: 'event.x', data: { n: 1 } });
  await g.node.publish('news:raw-a', raw);
  await g.node.publish('news:raw-b', raw);
  const pubs = () => c.replies.filter((r) => r.push !== undefined).map((r) => r.push as { channel: string; pub: { data: unknown } });
  await c.until(() => pubs().length === 2, 60_000, 'two publications');
  assert.deepEqual(pubs().map((p) => [p.channel, p.pub.data]), [['news:raw-a', { type: 'event.x', data: { n: 1 } }], ['news:raw-b', { type: 'event.x', data: { n: 1 } }]]);
  const h = await g.node.history('news:raw-b', { limit: -1 });
  assert.deepEqual(h.publications.map((p) => p.data), [{ type: 'event.x', data: { n: 1 } }]);
  c.close();
});

test('publishing to an unknown namespace or a bad name is refused with 102 / 107', async () => {
  await assert.rejects(g.node.publish('nope:x', 1), (e: ProtocolError) => e instanceof ProtocolError && e.code === 102);
  await assert.rejects(g.node.publish('', 1), (e: ProtocolError) => e.code === 107);
});

test('a detached publish takes the next offset, in order with awaited ones; a bad channel or value goes to onError', async () => {
  const failed: Array<[unknown, string]> = [];
  const onError = (err: unknown, channel: string) => failed.push([err, channel]);
  const a = await g.node.publish('news:detached', { i: 1 });
  g.node.publishDetached('news:detached', { i: 2 }, onError);
  g.node.publishDetached('news:detached', RawJson.of({ i: 3 }), onError);
  const h = await g.node.history('news:detached', { limit: -1 });
  assert.deepEqual(h.publications.map((p) => [p.offset, p.data]), [[a.offset, { i: 1 }], [a.offset + 1, { i: 2 }], [a.offset + 2, { i: 3 }]]);
  assert.equal((await g.node.publish('news:detached', { i: 4 })).offset, a.offset + 3);
  // Every publication but the newest three has left the bounded history (historySize 3), oldest first.
  g.node.publishDetached('news:detached', { i: 5 }, onError);
  assert.deepEqual((await g.node.history('news:detached', { limit: -1 })).publications.map((p) => p.data), [{ i: 3 }, { i: 4 }, { i: 5 }]);
  g.node.publishDetached('nope:x', 1, onError);
  g.node.publishDetached('', 1, onError);
  g.node.publishDetached('news:detached', { n: 1n }, onError);
  assert.deepEqual(failed.map(([e, channel]) => [e instanceof ProtocolError ? e.code : (e as Error).name, channel]), [[102, 'nope:x'], [107, ''], ['TypeError', 'news:detached']]);
  assert.equal((await g.node.history('news:detached')).offset, a.offset + 4);
});

test('presence, presence stats and stats follow connections and subscriptions', async () => {
  const c = new RawClient(g.url);
  await c.opened();
  c.send({ id: 1, connect: { token: await mint({ sub: 'api-user' }) } }, { id: 2, subscribe: { channel: 'room:lobby' } });
  await c.waitReply(2);
  const p = await g.node.presence('room:lobby');
  assert.deepEqual(Object.values(p).map((i) => i.user), ['api-user']);
  assert.deepEqual(await g.node.presenceStats('room:lobby'), { numClients: 1, numUsers: 1 });
  const s = g.node.stats();
  assert.equal(s.connections, 1);
  assert.equal(s.subscriptions, 1);
  assert.equal(s.channels, 1);
  assert.ok(s.messagesIn >= 1 && s.messagesOut >= 1);
  c.close();
  await until(() => g.node.stats().connections === 0, 60_000, 'released');
  assert.deepEqual(await g.node.presenceStats('room:lobby'), { numClients: 0, numUsers: 0 });
  await assert.rejects(g.node.presence('news:x'), (e: ProtocolError) => e.code === 108);
});

test('attach() takes only upgrades for its path, leaving others to other listeners', async () => {
  let seenByOther = 0;
  g.http.on('upgrade', (req, socket) => {
    if ((req.url ?? '').split('?')[0] !== '/connection/websocket') {
      seenByOther++;
      socket.destroy();
    }
  });
  const other = new WebSocket(g.url.replace('/connection/websocket', '/elsewhere'));
  const outcome = await new Promise<string>((resolve) => {
    other.once('open', () => resolve('open'));
    other.once('error', () => resolve('refused'));
  });
  other.terminate();
  assert.equal(outcome, 'refused');
  assert.equal(seenByOther, 1);
});
