/**
 * A broker's pub/sub is at most once (Redis PUBLISH to a node whose connection blinked): a publication can be in
 * history yet never reach the node. The node notices from the offsets of what does arrive — the next publication
 * is not the one after the client's last — and sends positioned subscribers unsubscribe 2500 "insufficient state",
 * so the official client resubscribes and recovers the lost publication from history. Nothing is missed, nothing
 * is repeated.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { Centrifuge, type PublicationContext } from 'centrifuge';
import { MemoryBroker, type BrokerEventHandler } from '../src/index.ts';
import { fakeClock, mint, once, startGateway, until, type Running } from './harness.ts';

/**
 * A memory broker that loses the live delivery of chosen offsets (history keeps them), and can make chosen offsets
 * arrive as if from another stream generation (what a node sees after Redis lost the stream).
 */
class LossyBroker extends MemoryBroker {
  readonly lose = new Set<number>();
  readonly reset = new Set<number>();
  override run(handler: BrokerEventHandler): Promise<void> {
    return super.run({
      ...handler,
      onPublication: (channel, pub) => {
        if (this.lose.has(pub.offset)) return;
        handler.onPublication(channel, this.reset.has(pub.offset) ? { ...pub, epoch: 'a-new-generation' } : pub);
      },
      onJoin: (c, i) => handler.onJoin(c, i),
      onLeave: (c, i) => handler.onLeave(c, i),
    });
  }
}

const broker = new LossyBroker();
let g: Running;
const clients: Centrifuge[] = [];
after(async () => {
  for (const c of clients) c.disconnect();
  await g?.close();
});

test('a publication lost on its way to the node is recovered from history through 2500 insufficient state', async () => {
  g = await startGateway({ namespaces: { news: { historySize: 50, historyTtlSeconds: 60, forceRecovery: true } }, broker });
  const c = new Centrifuge(g.url, { websocket: WebSocket, token: await mint({ sub: 'reader' }), timeout: 30_000 });
  clients.push(c);
  const connected = once(c, 'connected');
  c.connect();
  await connected;
  const sub = c.newSubscription('news:feed');
  const seen: number[] = [];
  const unsubscribed: Array<{ code: number; reason: string }> = [];
  let recovered = 0;
  sub.on('publication', (ctx: PublicationContext) => seen.push((ctx.data as { n: number }).n));
  sub.on('unsubscribed', (ctx) => unsubscribed.push(ctx));
  sub.on('subscribing', (ctx) => {
    if (ctx.code === 2500) unsubscribed.push(ctx);
  });
  sub.on('subscribed', (ctx) => {
    if (ctx.wasRecovering && ctx.recovered) recovered++;
  });
  const subscribed = once(sub, 'subscribed');
  sub.subscribe();
  await subscribed;

  broker.lose.add(3);
  for (let n = 1; n <= 6; n++) await g.node.publish('news:feed', { n });
  await until(() => seen.length >= 6, 60_000, 'all six publications at the client');
  // One more, delivered live: anything repeated would have come before it.
  await g.node.publish('news:feed', { n: 7 });
  await until(() => seen.includes(7), 60_000, 'the seventh');
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7], 'in order, the lost one recovered, none twice');
  assert.deepEqual(unsubscribed.map((u) => u.code), [2500], 'the client was told insufficient state once');
  assert.equal(recovered, 1, 'and resubscribed with recovery');
  assert.equal(g.node.stats().positionLosses, 1);
});

test('a server-side subscription that lost a publication gets 3010 and recovers it over the reconnect', async () => {
  const c = new Centrifuge(g.url, { websocket: WebSocket, token: await mint({ sub: 'server-side', channels: ['news:pushed'] } as never), timeout: 30_000, minReconnectDelay: 20, maxReconnectDelay: 100 });
  clients.push(c);
  const seen: number[] = [];
  const disconnects: number[] = [];
  c.on('publication', (ctx) => {
    if (ctx.channel === 'news:pushed') seen.push((ctx.data as { n: number }).n);
  });
  c.on('connecting', (ctx) => {
    if (ctx.code >= 3000) disconnects.push(ctx.code);
  });
  const connected = once(c, 'connected');
  c.connect();
  await connected;
  await g.node.publish('news:pushed', { n: 1 }); // the stream has a position before the loss
  await until(() => seen.length === 1, 60_000, 'the first publication');
  broker.lose.clear();
  broker.lose.add(3);
  for (let n = 2; n <= 5; n++) await g.node.publish('news:pushed', { n });
  await until(() => seen.length >= 5, 60_000, 'all five publications at the client');
  await g.node.publish('news:pushed', { n: 6 });
  await until(() => seen.includes(6), 60_000, 'the sixth');
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(disconnects, [3010], 'insufficient state, then the reconnect recovered');
});

test('a publication from another stream generation sends positioned subscribers to resubscribe', async () => {
  const c = new Centrifuge(g.url, { websocket: WebSocket, token: await mint({ sub: 'epochs' }), timeout: 30_000 });
  clients.push(c);
  const connected = once(c, 'connected');
  c.connect();
  await connected;
  const sub = c.newSubscription('news:epochs');
  const codes: number[] = [];
  let subscribedTimes = 0;
  sub.on('subscribing', (ctx) => {
    if (ctx.code === 2500) codes.push(ctx.code);
  });
  sub.on('subscribed', () => subscribedTimes++);
  const subscribed = once(sub, 'subscribed');
  sub.subscribe();
  await subscribed;
  broker.lose.clear();
  broker.reset.add(2);
  await g.node.publish('news:epochs', { n: 1 });
  await g.node.publish('news:epochs', { n: 2 });
  await until(() => codes.length === 1 && subscribedTimes === 2, 60_000, 'insufficient state and a new subscribe');
  assert.deepEqual(codes, [2500]);
});

test('a loss at the end of a stream, with no publication after it, is caught by the periodic position check', async (t) => {
  const lossy = new LossyBroker();
  const clock = fakeClock();
  const node = await startGateway({ now: clock.now, namespaces: { news: { historySize: 50, historyTtlSeconds: 60, forceRecovery: true } }, broker: lossy, positionCheckMs: 100 });
  /** Moves the clock one check interval and waits for that check to finish. */
  const check = async () => {
    const done = node.node.stats().positionChecks + 1;
    clock.advance(100);
    await until(() => node.node.stats().positionChecks >= done, 60_000, `position check ${done}`);
  };
  t.after(() => node.close());
  const c = new Centrifuge(node.url, { websocket: WebSocket, token: await mint({ sub: 'tail' }), timeout: 30_000 });
  clients.push(c);
  const connected = once(c, 'connected');
  c.connect();
  await connected;
  const sub = c.newSubscription('news:tail');
  const seen: number[] = [];
  const codes: number[] = [];
  sub.on('publication', (ctx: PublicationContext) => seen.push((ctx.data as { n: number }).n));
  sub.on('subscribing', (ctx) => {
    if (ctx.code === 2500) codes.push(ctx.code);
  });
  const subscribed = once(sub, 'subscribed');
  sub.subscribe();
  await subscribed;
  lossy.lose.add(3);
  for (let n = 1; n <= 3; n++) await node.node.publish('news:tail', { n });
  await until(() => seen.length === 2, 60_000, 'the two that arrived');
  await check(); // reads the top (3)
  assert.deepEqual(codes, [], 'one read of the top is not enough to judge');
  await check(); // the subscriber is still below the top read one check earlier
  await until(() => seen.length === 3, 60_000, 'the lost last publication, recovered');
  assert.deepEqual(seen, [1, 2, 3]);
  assert.deepEqual(codes, [2500]);
  await check();
  await check();
  assert.deepEqual(codes, [2500], 'a client that caught up is left alone by later checks');
});
