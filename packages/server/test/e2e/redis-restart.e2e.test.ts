/**
 * With CADENZA_REDIS_URL the channel streams live in Redis: a client that was away while the server restarted and
 * events were published recovers them on reconnect (same epoch, consecutive offsets) instead of starting over.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Centrifuge, type PublicationContext, type SubscribedContext } from 'centrifuge';
import { startRedis } from '@cadenza/testkit/redis-server';
import { demoToken } from './demo-token.ts';
import { startServer, type RunningServer } from '../../src/server.ts';

const redis = await startRedis();
const dataDir = mkdtempSync(join(tmpdir(), 'cadenza-redis-restart-'));
const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => resolve(p));
  });
});
const boot = () => startServer({ port, host: '127.0.0.1', dataDir, log: false, venues: ['PAPER'], redisUrl: redis.url });
let server: RunningServer = await boot();
const clients: Centrifuge[] = [];
after(async () => {
  for (const c of clients) c.disconnect();
  await server.close();
  await redis.stop();
  rmSync(dataDir, { recursive: true, force: true });
});


function client(t: string): Centrifuge {
  const c = new Centrifuge(server.wsUrl, { token: t, websocket: WebSocket, minReconnectDelay: 50, maxReconnectDelay: 200 });
  clients.push(c);
  return c;
}

const connected = (c: Centrifuge) => new Promise<void>((resolve) => c.once('connected', () => resolve()));

test('a client away during a restart recovers the account events published meanwhile', async () => {
  const t = await demoToken(server); // still good after the restart: the signing keys live in the data directory
  const a = client(t);
  let up = connected(a);
  a.connect();
  await up;
  const account = ((await a.rpc('command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'r' } })).data as any).data.tradingAccountId as string;
  const seen: Array<{ offset: number; type: string }> = [];
  const subscribed: SubscribedContext[] = [];
  const sub = a.newSubscription(`tradingAccount:${account}`);
  sub.on('publication', (ctx: PublicationContext) => seen.push({ offset: Number(ctx.offset), type: (ctx.data as { type: string }).type }));
  sub.on('subscribed', (ctx) => subscribed.push(ctx));
  const first = new Promise((r) => sub.once('subscribed', r));
  sub.subscribe();
  await first;
  const submit = (c: Centrifuge, price: string) =>
    c.rpc('command.trade_order.submit', { tradingAccountId: account, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: price } });
  await submit(a, '1000');
  while (seen.length < 3) await new Promise((r) => setTimeout(r, 10));
  const before = seen.length;
  const epoch = subscribed[0]!.streamPosition?.epoch;

  a.disconnect();
  await server.close();
  server = await boot();

  // Another connection trades while the first is away.
  const b = client(t);
  up = connected(b);
  b.connect();
  await up;
  const order = ((await submit(b, '1001')).data as any).data;
  assert.equal(order.status, 'ACCEPTED');

  const recovered = new Promise<SubscribedContext>((r) => sub.once('subscribed', r));
  up = connected(a);
  a.connect();
  await up;
  const ctx = await recovered;
  assert.equal(ctx.wasRecovering, true);
  assert.equal(ctx.recovered, true, 'the stream survived the restart');
  assert.equal(ctx.streamPosition?.epoch, epoch, 'same epoch');
  while (seen.length < before + 3) await new Promise((r) => setTimeout(r, 10));
  const offsets = seen.map((s) => s.offset);
  assert.deepEqual(offsets, offsets.map((_, i) => offsets[0]! + i), 'consecutive offsets, nothing missed or repeated');
  assert.ok(seen.slice(before).some((s) => s.type === 'event.trade_order.updated'), 'the missed order events arrived');
});
