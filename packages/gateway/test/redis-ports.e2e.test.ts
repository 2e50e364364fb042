/**
 * RedisBroker and RedisPresenceManager against a private redis-server: the shared port suites, then what only a
 * shared store adds — delivery between brokers, an epoch change when Redis loses the data, re-subscription after
 * the pub/sub connection drops, stale presence of a dead node.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { RawJson } from '@cadenza/protocol';
import { runBrokerContract } from '@cadenza/testkit/contracts/broker';
import { runPresenceContract } from '@cadenza/testkit/contracts/presence';
import { RedisBroker, RedisPresenceManager, type BrokerEventHandler, type BrokerPublication } from '../src/index.ts';
import { startRedis, type TestRedis } from '@cadenza/testkit/redis-server';
import { until } from './harness.ts';
import { createServer } from 'node:net';

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

let redis: TestRedis;
let admin: Redis;
const open: Array<{ close(): Promise<void> }> = [];
let n = 0;

before(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
});

after(async () => {
  await Promise.all(open.map((c) => c.close()));
  admin.disconnect();
  await redis.stop();
});

function broker(opts: { now?: () => number; prefix?: string } = {}): RedisBroker {
  const b = new RedisBroker({ url: redis.url, prefix: opts.prefix ?? `t${++n}`, now: opts.now });
  open.push(b);
  return b;
}

function presence(opts: { now?: () => number; prefix?: string; ttlSeconds?: number; refreshIntervalMs?: number } = {}): RedisPresenceManager {
  const p = new RedisPresenceManager({ url: redis.url, prefix: opts.prefix ?? `t${++n}`, ...opts });
  open.push(p);
  return p;
}

runBrokerContract('RedisBroker', { create: async (now) => broker({ now }) });
runPresenceContract('RedisPresenceManager', async () => presence());

class Recorder implements BrokerEventHandler {
  pubs: Array<[string, BrokerPublication]> = [];
  events: string[] = [];
  onPublication(channel: string, pub: BrokerPublication): void {
    this.pubs.push([channel, pub]);
  }
  onJoin(channel: string, info: { client: string }): void {
    this.events.push(`join ${channel} ${info.client}`);
  }
  onLeave(channel: string, info: { client: string }): void {
    this.events.push(`leave ${channel} ${info.client}`);
  }
}

const H = { historySize: 10, historyTtlSeconds: 60 };

test('RedisBroker: a publication on one broker reaches every broker subscribed to the channel, only those, in order', async () => {
  const [a, b, c] = [broker({ prefix: 'x1' }), broker({ prefix: 'x1' }), broker({ prefix: 'x1' })];
  const [ra, rb, rc] = [new Recorder(), new Recorder(), new Recorder()];
  await a.run(ra);
  await b.run(rb);
  await c.run(rc);
  await a.subscribe('ch');
  await b.subscribe('ch');
  for (let i = 1; i <= 20; i++) await a.publish('ch', RawJson.of({ i }), H);
  await b.publishJoin('ch', { user: 'u', client: 'c1', conn_info: RawJson.of({ name: 'x\ny' }) });
  await until(() => ra.pubs.length === 20 && rb.pubs.length === 20 && rb.events.length === 1 && ra.events.length === 1);
  assert.deepEqual(rb.pubs.map(([, p]) => p.offset), Array.from({ length: 20 }, (_, i) => i + 1));
  assert.deepEqual(rb.pubs.map(([, p]) => p.data.text), ra.pubs.map(([, p]) => p.data.text));
  assert.deepEqual(ra.events, ['join ch c1']);
  assert.equal(rc.pubs.length, 0);
  // The last local subscriber leaving unsubscribes the node's topic: nothing more arrives there.
  await b.unsubscribe('ch');
  await a.publish('ch', RawJson.of('after'), H);
  await until(() => ra.pubs.length === 21);
  await c.publish('ch', RawJson.of('sync'), { historySize: 0, historyTtlSeconds: 0 });
  await until(() => ra.pubs.length === 22);
  assert.equal(rb.pubs.length, 20);
  const h = await c.history('ch', { limit: -1 });
  assert.deepEqual(h.publications.map((p) => p.offset), [12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
  assert.equal(h.position.offset, 21);
});

test('RedisBroker: when Redis loses the data (FLUSHALL) the next publish starts a new epoch at offset 1', async () => {
  const b = broker();
  const first = await b.publish('lost', RawJson.of(1), H);
  await b.publish('lost', RawJson.of(2), H);
  await admin.flushall();
  const pos = await b.history('lost', { limit: -1 });
  assert.notEqual(pos.position.epoch, first.epoch);
  assert.equal(pos.position.offset, 0);
  const next = await b.publish('lost', RawJson.of(3), H);
  assert.deepEqual(next, { offset: 1, epoch: pos.position.epoch });
  // SCRIPT FLUSH (a restarted Redis) is survived too: the scripts are sent again.
  await admin.script('FLUSH');
  assert.equal((await b.publish('lost', RawJson.of(4), H)).offset, 2);
});

test('RedisBroker: removeHistory drops the publications and keeps the position; metadata TTL is refreshed by publish', async () => {
  const b = new RedisBroker({ url: redis.url, prefix: 'rm', historyMetaTtlSeconds: 100 });
  open.push(b);
  await b.publish('r', RawJson.of(1), H);
  const p = await b.publish('r', RawJson.of(2), { historySize: 10, historyTtlSeconds: 30 });
  assert.ok((await admin.ttl('rm.meta.r')) > 90);
  const streamTtl = await admin.ttl('rm.stream.r');
  assert.ok(streamTtl > 20 && streamTtl <= 30, `stream ttl ${streamTtl}`);
  await b.removeHistory('r');
  const h = await b.history('r', { limit: -1 });
  assert.deepEqual(h.publications, []);
  assert.deepEqual(h.position, p);
  assert.equal((await b.publish('r', RawJson.of(3), H)).offset, 3);
});

test('RedisBroker: after its pub/sub connection is killed the broker re-subscribes and delivery resumes', async () => {
  const [a, b] = [broker({ prefix: 'rc' }), broker({ prefix: 'rc' })];
  const rb = new Recorder();
  await a.run(new Recorder());
  await b.run(rb);
  await b.subscribe('k');
  await a.publish('k', RawJson.of('before'), H);
  await until(() => rb.pubs.length === 1);
  const list = String(await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
  const id = /id=(\d+) .*name=rc-broker-pubsub /.exec(list.split('\n').find((l) => l.includes('name=rc-broker-pubsub ')) ?? '')?.[1];
  assert.ok(id, list);
  assert.equal(await admin.call('CLIENT', 'KILL', 'ID', id), 1);
  // Publish until the re-subscribed connection sees one (the ones sent while it was away are not delivered live).
  const end = Date.now() + 60_000;
  let i = 0;
  while (rb.pubs.length < 2) {
    if (Date.now() > end) throw new Error('no delivery after reconnect');
    await a.publish('k', RawJson.of(++i), H);
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(rb.pubs.at(-1)![1].offset, i + 1);
});

test('RedisBroker: while Redis is unreachable a publish fails after 3 reconnect attempts instead of hanging', async () => {
  // disconnectTimeout: ioredis otherwise keeps a 2 s timer alive when closed while reconnecting.
  const b = new RedisBroker({ url: `redis://127.0.0.1:${await closedPort()}`, redis: { disconnectTimeout: 50 } });
  // Three, not ioredis' default 20 (over a minute): the caller learns within seconds.
  await assert.rejects(b.publish('x', RawJson.of(1), H), /max retries per request limit \(which is 3\)/);
  await b.close();
});

test('RedisPresenceManager: entries of a node that stopped refreshing go stale; a refreshing node keeps its own', async () => {
  const clock = { t: 1_700_000_000_000 };
  const now = (): number => clock.t;
  const live = presence({ prefix: 'pr', now, ttlSeconds: 10, refreshIntervalMs: 9_999 });
  const dead = presence({ prefix: 'pr', now, ttlSeconds: 10, refreshIntervalMs: 9_999 });
  await live.add('room', 'a', { user: 'u1', client: 'a', conn_info: RawJson.of({ n: 1 }) });
  await dead.add('room', 'b', { user: 'u2', client: 'b' });
  await dead.close();
  assert.deepEqual(await live.stats('room'), { numClients: 2, numUsers: 2 });
  clock.t += 8_000;
  await live.refresh();
  clock.t += 5_000;
  const p = await live.presence('room');
  assert.deepEqual(Object.keys(p), ['a']);
  assert.equal(p.a!.conn_info?.text, '{"n":1}');
  assert.equal(await admin.hexists('pr.presence.data.room', 'b'), 0);
  assert.ok((await admin.ttl('pr.presence.data.room')) > 0);
});

test('stream positions asked in one turn are read once per channel and shared; a read after a publish sees it', async () => {
  const b = broker();
  const opts = { historySize: 10, historyTtlSeconds: 60 };
  const first = await b.publish('news:one', RawJson.of({ n: 1 }), opts);
  await b.publish('news:two', RawJson.of({ n: 1 }), opts);
  const evalsha = async () => Number(/cmdstat_evalsha:calls=(\d+)/.exec(await admin.info('commandstats'))?.[1] ?? 0);
  const before = await evalsha();
  const reads = await Promise.all([
    ...Array.from({ length: 20 }, () => b.history('news:one', { limit: 0 })),
    ...Array.from({ length: 5 }, () => b.history('news:two', { limit: 0 })),
  ]);
  assert.equal((await evalsha()) - before, 2, 'one script call per channel');
  for (const r of reads.slice(0, 20)) assert.deepEqual(r, { publications: [], position: first });
  assert.equal(reads[20]!.position.offset, 1);
  const second = await b.publish('news:one', RawJson.of({ n: 2 }), opts);
  assert.deepEqual((await b.history('news:one', { limit: 0 })).position, second);
  assert.equal(second.offset, 2);
});
