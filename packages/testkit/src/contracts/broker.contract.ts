/**
 * @module contracts/broker
 * The gateway's Broker port's shared suite: every implementation (memory, Redis) runs it through its own test file
 * with a factory. It pins down the contract written in packages/gateway/src/broker/broker.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawJson, type ClientInfo } from '@cadenza/protocol';
import type { Broker, BrokerEventHandler, BrokerPublication } from '@cadenza/gateway';

export interface BrokerFactory {
  /** A fresh broker; `now` is a controllable clock in unix ms when the implementation accepts one. */
  create(now: () => number): Promise<Broker>;
  close?(broker: Broker): Promise<void>;
}

const WITH_HISTORY = { historySize: 5, historyTtlSeconds: 60 };

class Recorder implements BrokerEventHandler {
  pubs: Array<[string, BrokerPublication]> = [];
  joins: Array<[string, ClientInfo]> = [];
  leaves: Array<[string, ClientInfo]> = [];
  onPublication(channel: string, pub: BrokerPublication): void {
    this.pubs.push([channel, pub]);
  }
  onJoin(channel: string, info: ClientInfo): void {
    this.joins.push([channel, info]);
  }
  onLeave(channel: string, info: ClientInfo): void {
    this.leaves.push([channel, info]);
  }
}

export function runBrokerContract(name: string, factory: BrokerFactory): void {
  async function setup(): Promise<{ broker: Broker; rec: Recorder; clock: { t: number } }> {
    const clock = { t: 1_700_000_000_000 };
    const broker = await factory.create(() => clock.t);
    const rec = new Recorder();
    await broker.run(rec);
    return { broker, rec, clock };
  }
  async function until(cond: () => boolean): Promise<void> {
    const end = Date.now() + 60_000;
    while (!cond()) {
      if (Date.now() > end) throw new Error('timeout');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  test(`${name}: offsets grow by one from 1 within an epoch, and delivery follows publish order`, async () => {
    const { broker, rec } = await setup();
    await broker.subscribe('a');
    const positions = [];
    for (let i = 1; i <= 4; i++) positions.push(await broker.publish('a', RawJson.of({ i }), WITH_HISTORY));
    assert.deepEqual(positions.map((p) => p.offset), [1, 2, 3, 4]);
    assert.equal(new Set(positions.map((p) => p.epoch)).size, 1);
    assert.ok(positions[0]!.epoch.length > 0);
    await until(() => rec.pubs.length === 4);
    assert.deepEqual(rec.pubs.map(([ch, p]) => [ch, p.offset, p.data.text]), [1, 2, 3, 4].map((i) => ['a', i, `{"i":${i}}`]));
    await factory.close?.(broker);
  });

  test(`${name}: without history a publication carries offset 0 and leaves the stream alone`, async () => {
    const { broker, rec } = await setup();
    await broker.subscribe('b');
    const pos = await broker.publish('b', RawJson.of(1), { historySize: 0, historyTtlSeconds: 0 });
    assert.equal(pos.offset, 0);
    await until(() => rec.pubs.length === 1);
    assert.equal(rec.pubs[0]![1].offset, 0);
    const h = await broker.history('b', { limit: -1 });
    assert.equal(h.publications.length, 0);
    assert.equal(h.position.offset, 0);
    await factory.close?.(broker);
  });

  test(`${name}: history keeps the newest historySize, filters by since, limits and reverses`, async () => {
    const { broker } = await setup();
    for (let i = 1; i <= 8; i++) await broker.publish('c', RawJson.of(i), WITH_HISTORY);
    const all = await broker.history('c', { limit: -1 });
    assert.deepEqual(all.publications.map((p) => p.offset), [4, 5, 6, 7, 8]);
    assert.equal(all.position.offset, 8);
    const onlyPos = await broker.history('c', { limit: 0 });
    assert.deepEqual(onlyPos.publications, []);
    assert.deepEqual(onlyPos.position, all.position);
    const since = await broker.history('c', { since: { offset: 5, epoch: all.position.epoch }, limit: 2 });
    assert.deepEqual(since.publications.map((p) => p.offset), [6, 7]);
    const rev = await broker.history('c', { limit: 3, reverse: true });
    assert.deepEqual(rev.publications.map((p) => p.offset), [8, 7, 6]);
    const revSince = await broker.history('c', { since: { offset: 6, epoch: all.position.epoch }, limit: -1, reverse: true });
    assert.deepEqual(revSince.publications.map((p) => p.offset), [5, 4]);
    await factory.close?.(broker);
  });

  test(`${name}: publications leave history after historyTtlSeconds; the position stays`, async () => {
    const { broker, clock } = await setup();
    await broker.publish('d', RawJson.of(1), { historySize: 10, historyTtlSeconds: 2 });
    clock.t += 1000;
    await broker.publish('d', RawJson.of(2), { historySize: 10, historyTtlSeconds: 2 });
    clock.t += 1500;
    const h = await broker.history('d', { limit: -1 });
    assert.deepEqual(h.publications.map((p) => p.offset), [2]);
    assert.equal(h.position.offset, 2);
    await factory.close?.(broker);
  });

  test(`${name}: join and leave reach the handler; info and tags travel with publications`, async () => {
    const { broker, rec } = await setup();
    await broker.subscribe('e');
    const info: ClientInfo = { user: 'u', client: 'c', conn_info: RawJson.of({ n: 1 }) };
    await broker.publishJoin('e', info);
    await broker.publishLeave('e', info);
    await broker.publish('e', RawJson.of('x'), { ...WITH_HISTORY, info, tags: { k: 'v' } });
    await until(() => rec.pubs.length === 1 && rec.joins.length === 1 && rec.leaves.length === 1);
    assert.equal(rec.joins[0]![1].user, 'u');
    assert.equal(rec.leaves[0]![1].client, 'c');
    assert.equal(rec.pubs[0]![1].info?.user, 'u');
    assert.deepEqual(rec.pubs[0]![1].tags, { k: 'v' });
    const h = await broker.history('e', { limit: -1 });
    assert.equal(h.publications[0]!.info?.client, 'c');
    await factory.close?.(broker);
  });

  test(`${name}: channels are independent streams`, async () => {
    const { broker } = await setup();
    await broker.publish('f1', RawJson.of(1), WITH_HISTORY);
    await broker.publish('f1', RawJson.of(2), WITH_HISTORY);
    const p = await broker.publish('f2', RawJson.of(1), WITH_HISTORY);
    assert.equal(p.offset, 1);
    await broker.removeHistory('f1');
    const h = await broker.history('f1', { limit: -1 });
    assert.equal(h.publications.length, 0);
    await factory.close?.(broker);
  });
}
