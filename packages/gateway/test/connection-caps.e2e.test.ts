/**
 * Per-user and per-address connection caps, as the official client meets them: one connection over the cap is
 * refused with disconnect 3504 "connection limit" (Centrifugo's code; terminal, so centrifuge-js stops and reports
 * it), and a freed place can be taken again.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { Centrifuge } from 'centrifuge';
import { mint, once, startGateway, until, type Running } from './harness.ts';
import { RawClient } from './raw-client.ts';

const running: Running[] = [];
const clients: Centrifuge[] = [];
const raws: RawClient[] = [];
after(async () => {
  for (const c of clients) c.disconnect();
  for (const r of raws) r.close();
  for (const g of running) await g.close();
});

async function gateway(options: Parameters<typeof startGateway>[0]): Promise<Running> {
  const g = await startGateway(options);
  running.push(g);
  return g;
}

/** The `ws` client bound to another loopback source address. */
function wsFrom(localAddress: string): typeof WebSocket {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { localAddress });
    }
  } as typeof WebSocket;
}

async function connected(url: string, sub: string, websocket: typeof WebSocket = WebSocket): Promise<Centrifuge> {
  const c = new Centrifuge(url, { token: await mint({ sub }), websocket });
  clients.push(c);
  const ok = once(c, 'connected');
  c.connect();
  await ok;
  return c;
}

async function refused(url: string, sub: string, websocket: typeof WebSocket = WebSocket): Promise<{ code: number; reason: string }> {
  const c = new Centrifuge(url, { token: await mint({ sub }), websocket });
  clients.push(c);
  const gone = once<{ code: number; reason: string }>(c, 'disconnected');
  c.connect();
  return gone;
}

test('one connection over maxConnectionsPerUser is refused with 3504; other users are not affected; a freed place is taken again', async () => {
  const g = await gateway({ limits: { maxConnectionsPerUser: 2 } });
  const [a1] = [await connected(g.url, 'alice'), await connected(g.url, 'alice')];
  assert.deepEqual(await refused(g.url, 'alice'), { code: 3504, reason: 'connection limit' });
  await connected(g.url, 'bob');
  assert.equal(g.node.stats().connections, 3);
  a1!.disconnect();
  await until(() => g.node.stats().connections === 2, 60_000, 'the disconnect counted');
  await connected(g.url, 'alice');
  assert.equal(g.node.stats().connections, 3);
});

test('one socket over maxConnectionsPerIp is closed with 3504 before it connects; other addresses are not affected; a closed socket frees its place', async () => {
  const g = await gateway({ limits: { maxConnectionsPerIp: 2 } });
  // Two sockets from 127.0.0.1 that never connect still count.
  const idle = [new RawClient(g.url), new RawClient(g.url)];
  raws.push(...idle);
  await Promise.all(idle.map((r) => r.opened()));
  await until(() => g.node.stats().sockets === 2, 60_000, 'two sockets');
  assert.deepEqual(await refused(g.url, 'carol'), { code: 3504, reason: 'connection limit' });
  await connected(g.url, 'carol', wsFrom('127.0.0.2'));
  idle[0]!.close();
  await until(() => g.node.stats().sockets === 2, 60_000, 'the closed socket released');
  await connected(g.url, 'carol');
});

test('clientAddress decides the address the per-IP cap counts (a trusted proxy\'s forwarded address)', async () => {
  const g = await gateway({ limits: { maxConnectionsPerIp: 1 }, clientAddress: (req) => String(req.headers['x-forwarded-for'] ?? req.socket.remoteAddress) });
  const forwarded = (address: string) =>
    class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { 'x-forwarded-for': address } });
      }
    } as typeof WebSocket;
  await connected(g.url, 'dave', forwarded('203.0.113.1'));
  await connected(g.url, 'erin', forwarded('203.0.113.2'));
  assert.deepEqual(await refused(g.url, 'frank', forwarded('203.0.113.1')), { code: 3504, reason: 'connection limit' });
});
