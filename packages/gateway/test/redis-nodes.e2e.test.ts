/**
 * Two gateway nodes on one Redis (RedisBroker + RedisPresenceManager), with official npm `centrifuge` clients:
 * publications cross nodes in order, history and presence are shared, join/leave cross nodes, and a client that
 * drops from one node recovers what it missed on the other.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import WebSocket from 'ws';
import { Centrifuge } from 'centrifuge';
import { RedisBroker, RedisPresenceManager, type GatewayOptions } from '../src/index.ts';
import { mint, once, startGateway, until, type Running } from './harness.ts';
import { startRedis, type TestRedis } from '@cadenza/testkit/redis-server';

const NAMESPACES: GatewayOptions['namespaces'] = {
  news: { historySize: 100, historyTtlSeconds: 300, forceRecovery: true },
  room: { presence: true, joinLeave: true },
};

let redis: TestRedis;
let nodeA: Running;
let nodeB: Running;
const presences: RedisPresenceManager[] = [];
const clients: Centrifuge[] = [];

async function startNode(): Promise<Running> {
  const opts = { url: redis.url, prefix: 'twonodes' };
  const presence = new RedisPresenceManager(opts);
  presences.push(presence);
  return startGateway({ namespaces: NAMESPACES, broker: new RedisBroker(opts), presence });
}

before(async () => {
  redis = await startRedis();
  [nodeA, nodeB] = await Promise.all([startNode(), startNode()]);
});

after(async () => {
  for (const c of clients) c.disconnect();
  // shutdown() closes each node's broker; presence managers are closed by their owner.
  await Promise.all([nodeA.close(), nodeB.close()]);
  await Promise.all(presences.map((p) => p.close()));
  await redis.stop();
});

/** A client whose socket goes wherever `route.url` points when it (re)connects, like a load balancer would send it. */
async function connectedVia(route: { url: string }, user: string): Promise<Centrifuge> {
  class Routed extends WebSocket {
    constructor(_url: string, protocols?: string | string[]) {
      super(route.url, protocols);
    }
  }
  const c = new Centrifuge(route.url, { websocket: Routed, token: await mint({ sub: user }), minReconnectDelay: 20, maxReconnectDelay: 100, timeout: 30_000 });
  clients.push(c);
  const p = once(c, 'connected');
  c.connect();
  await p;
  return c;
}

/** A loopback address where nothing listens (connection refused), to keep a client away while it retries. */
async function deadUrl(): Promise<string> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return `ws://127.0.0.1:${port}/connection/websocket`;
}

test('a publication on node A reaches subscribers on both nodes in order with consecutive offsets; node B has it in history', async () => {
  const ca = await connectedVia({ url: nodeA.url }, 'ann');
  const cb = await connectedVia({ url: nodeB.url }, 'ben');
  const channel = 'news:orders';
  const got: Record<string, Array<[number, unknown]>> = { ann: [], ben: [] };
  const subs = [ca.newSubscription(channel), cb.newSubscription(channel)];
  subs.forEach((s, i) => s.on('publication', (ctx) => got[i === 0 ? 'ann' : 'ben']!.push([ctx.offset!, ctx.data])));
  await Promise.all(subs.map((s) => {
    const p = once(s, 'subscribed');
    s.subscribe();
    return p;
  }));
  for (let i = 1; i <= 10; i++) {
    const pos = await nodeA.node.publish(channel, { i });
    assert.equal(pos.offset, i);
  }
  await until(() => got.ann!.length === 10 && got.ben!.length === 10, 60_000, 'publications on both nodes');
  const expected = Array.from({ length: 10 }, (_, k) => [k + 1, { i: k + 1 }]);
  assert.deepEqual(got.ann, expected);
  assert.deepEqual(got.ben, expected);

  const h = await nodeB.node.history(channel, { limit: -1 });
  assert.deepEqual(h.publications.map((p) => [p.offset, p.data]), expected);
  assert.equal(h.offset, 10);
  // The client on node B reads the same history through its node.
  const ch = await subs[1]!.history({ limit: 3, reverse: true });
  assert.deepEqual(ch.publications.map((p) => p.offset), [10, 9, 8]);
  assert.equal(ch.epoch, h.epoch);
  ca.disconnect();
  cb.disconnect();
});

test('a client of node B drops, misses publications on A, reconnects to node A and recovers them all (recovered: true)', async () => {
  const channel = 'news:recover';
  const ca = await connectedVia({ url: nodeA.url }, 'cat');
  const routeB = { url: nodeB.url };
  const cb = await connectedVia(routeB, 'dan');
  const offsets: Record<string, number[]> = { cat: [], dan: [] };
  const sa = ca.newSubscription(channel);
  const sb = cb.newSubscription(channel);
  sa.on('publication', (ctx) => offsets.cat!.push(ctx.offset!));
  sb.on('publication', (ctx) => offsets.dan!.push(ctx.offset!));
  for (const s of [sa, sb]) {
    const p = once(s, 'subscribed');
    s.subscribe();
    await p;
  }
  for (let i = 1; i <= 3; i++) await nodeA.node.publish(channel, { i });
  await until(() => offsets.dan!.length === 3, 60_000, 'first publications on node B');

  // Node B loses the client; while it cannot reach any node, publications go on at node A.
  routeB.url = await deadUrl();
  const resubscribed = once<{ wasRecovering: boolean; recovered: boolean }>(sb, 'subscribed');
  const retrying = once(cb, 'connecting');
  assert.equal(nodeB.node.disconnectUser('dan', { code: 3001, reason: 'shutdown' }), 1);
  await retrying;
  for (let i = 4; i <= 7; i++) await nodeA.node.publish(channel, { i });
  await until(() => offsets.cat!.length === 7, 60_000, 'publications on node A');
  assert.equal(offsets.dan!.length, 3);

  routeB.url = nodeA.url;
  const ctx = await resubscribed;
  assert.equal(ctx.wasRecovering, true);
  assert.equal(ctx.recovered, true);
  await until(() => offsets.dan!.length === 7, 60_000, 'recovered publications');
  await nodeA.node.publish(channel, { i: 8 });
  await until(() => offsets.dan!.length === 8 && offsets.cat!.length === 8, 60_000, 'live after recovery');
  assert.deepEqual(offsets.dan, [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(offsets.cat, [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(nodeB.node.stats().connections, 0);
  assert.equal(nodeA.node.stats().connections, 2);
  ca.disconnect();
  cb.disconnect();
});

test('presence on either node lists the clients of both; join and leave cross nodes', async () => {
  const channel = 'room:lobby';
  const ca = await connectedVia({ url: nodeA.url }, 'eve');
  const cb = await connectedVia({ url: nodeB.url }, 'fay');
  const sa = ca.newSubscription(channel, { joinLeave: true });
  let p = once(sa, 'subscribed');
  sa.subscribe();
  await p;
  const join = new Promise<{ info: { user: string } }>((resolve) => sa.on('join', (c) => c.info.user === 'fay' && resolve(c)));
  const sb = cb.newSubscription(channel, { joinLeave: true });
  const joinSeenOnB = new Promise<void>((resolve) => sb.on('join', (c) => c.info.user === 'fay' && resolve()));
  p = once(sb, 'subscribed');
  sb.subscribe();
  await p;
  assert.equal((await join).info.user, 'fay');
  await joinSeenOnB;

  const fromA = await sa.presence();
  assert.deepEqual(Object.values(fromA.clients).map((i) => i.user).sort(), ['eve', 'fay']);
  assert.deepEqual(await sa.presenceStats(), { numClients: 2, numUsers: 2 });
  assert.deepEqual(Object.values(await nodeB.node.presence(channel)).map((i) => i.user).sort(), ['eve', 'fay']);

  const leave = once<{ info: { user: string } }>(sa, 'leave');
  sb.unsubscribe();
  assert.equal((await leave).info.user, 'fay');
  assert.deepEqual(Object.values(await nodeA.node.presence(channel)).map((i) => i.user), ['eve']);
  assert.deepEqual(await nodeB.node.presenceStats(channel), { numClients: 1, numUsers: 1 });
  ca.disconnect();
  cb.disconnect();
});
