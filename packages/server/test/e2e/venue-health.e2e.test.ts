/**
 * Venue connectivity as an operator reads it: `/health` is `degraded` (200, not `healthy`) while a configured live
 * venue cannot be reached, with the venue's state in `checks.venues`, and `/metrics` has a gauge per venue — the
 * real server, OKX pointed at the local fake OKX, which is taken away and brought back on the same port.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Centrifuge } from 'centrifuge';
import { FakeOkxServer, startFakeOkxServer } from '@cadenza/testkit/venue-fakes/okx';
import { demoToken } from './demo-token.ts';
import { startServer } from '../../src/server.ts';

let fake = await startFakeOkxServer();
const port = Number(new URL(fake.restBaseUrl).port);
const dataDir = mkdtempSync(join(tmpdir(), 'cadenza-venue-health-'));
const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, log: false, venues: ['PAPER', 'OKX'], paper: { lively: false }, endpoints: { OKX: { restBaseUrl: fake.restBaseUrl, wsBaseUrl: fake.wsBaseUrl } } });
const client = new Centrifuge(server.wsUrl, { token: await demoToken(server), websocket: WebSocket });
after(async () => {
  client.disconnect();
  await server.close();
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});
await new Promise<void>((resolve) => {
  client.once('connected', () => resolve());
  client.connect();
});

interface Health {
  status: number;
  body: { status: string; checks: { database: { status: string }; venues: { status: string; venues: Record<string, { status: string; state: string; since?: string }> } } };
}

async function health(): Promise<Health> {
  const res = await fetch(`${server.url}/health`);
  return { status: res.status, body: (await res.json()) as Health['body'] };
}

async function gauge(venue: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`cadenza_venue_reachable{venue="${venue}"} `));
  assert.ok(line, `a gauge for ${venue}`);
  return Number(line.split(' ').pop());
}

/** Asks OKX for candles through the server (the venue is called for each). */
const klines = async () => ((await client.rpc('query.kline.list', { instrumentIds: ['OKX:BTC/USDT'], interval: '1m' })).data as { error?: { code: number } });

test('OKX answering: healthy, its gauge 1; PAPER in-process', async () => {
  const h = await health();
  assert.equal(h.status, 200);
  assert.equal(h.body.status, 'healthy');
  assert.deepEqual(h.body.checks.venues.venues, { PAPER: { status: 'healthy', state: 'in-process' }, OKX: { status: 'healthy', state: 'up' } });
  assert.equal(await gauge('OKX'), 1);
  assert.equal(await gauge('PAPER'), 1);
});

test('OKX gone: degraded (200, the rest still works), the venue down since the first unanswered call, its gauge 0', async () => {
  await fake.close();
  await klines(); // answered without bars: the venue's candles are not to be had
  const h = await health();
  assert.equal(h.status, 200);
  assert.equal(h.body.status, 'degraded');
  assert.equal(h.body.checks.database.status, 'healthy');
  assert.equal(h.body.checks.venues.status, 'degraded');
  assert.equal(h.body.checks.venues.venues.OKX!.state, 'down');
  assert.ok(Date.parse(h.body.checks.venues.venues.OKX!.since!) > 0);
  assert.equal(await gauge('OKX'), 0);
  assert.equal(await gauge('PAPER'), 1);
});

test('OKX back on its address: the next answered call makes it healthy again', async () => {
  fake = await new FakeOkxServer({}).listen(port);
  const answer = await klines();
  assert.equal(answer.error, undefined, JSON.stringify(answer));
  assert.equal((await health()).body.status, 'healthy');
  assert.equal(await gauge('OKX'), 1);
});
