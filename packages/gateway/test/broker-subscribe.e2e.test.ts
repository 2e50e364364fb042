/**
 * A channel's first local subscriber makes the node subscribe at the broker (with Redis, a SUBSCRIBE round trip);
 * a second subscriber arriving meanwhile must not be answered before that is in place, or its history read could
 * miss a publication that live delivery would not bring either.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { Centrifuge } from 'centrifuge';
import { MemoryBroker } from '../src/index.ts';
import { mint, once, startGateway, until, type Running } from './harness.ts';

class GatedBroker extends MemoryBroker {
  calls = 0;
  open!: () => void;
  readonly gate = new Promise<void>((r) => (this.open = r));
  override async subscribe(channel: string): Promise<void> {
    this.calls++;
    await this.gate;
    return super.subscribe(channel);
  }
}

const broker = new GatedBroker();
let g: Running;
const clients: Centrifuge[] = [];
after(async () => {
  for (const c of clients) c.disconnect();
  await g?.close();
});

test('a second subscriber waits for the broker subscribe the first one started', async () => {
  g = await startGateway({ namespaces: { news: { historySize: 10, historyTtlSeconds: 60, forceRecovery: true } }, broker });
  const subscribed: string[] = [];
  for (const user of ['one', 'two']) {
    const c = new Centrifuge(g.url, { websocket: WebSocket, token: await mint({ sub: user }), timeout: 30_000 });
    clients.push(c);
    const p = once(c, 'connected');
    c.connect();
    await p;
    const s = c.newSubscription('news:gated');
    s.on('subscribed', () => subscribed.push(user));
    s.subscribe();
  }
  await until(() => g.node.stats().subscriptions === 2, 60_000, 'both subscribe commands at the node');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(subscribed, []);
  assert.equal(broker.calls, 1);
  broker.open();
  await until(() => subscribed.length === 2, 60_000, 'both subscribed');
});
