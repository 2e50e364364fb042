/** The WebSocket protections configured through the server's config reach the gateway. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Centrifuge } from 'centrifuge';
import { demoToken } from './demo-token.ts';
import { startServer } from '../../src/server.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'cadenza-limits-'));
const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, log: false, venues: ['PAPER'], gateway: { maxConnections: 1 } });
const clients: Centrifuge[] = [];
after(async () => {
  for (const c of clients) c.disconnect();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});


test('CADENZA_WS_MAX_CONNECTIONS: the connection over the limit is refused with 3504 connection limit', async () => {
  const t = await demoToken(server);
  const first = new Centrifuge(server.wsUrl, { token: t, websocket: WebSocket });
  clients.push(first);
  await new Promise<void>((resolve) => {
    first.once('connected', () => resolve());
    first.connect();
  });
  const second = new Centrifuge(server.wsUrl, { token: t, websocket: WebSocket, minReconnectDelay: 60_000 });
  clients.push(second);
  const refused = await new Promise<{ code: number; reason: string }>((resolve) => {
    second.once('disconnected', (ctx) => resolve(ctx));
    second.once('connecting', (ctx) => {
      if (ctx.code !== 0) resolve(ctx);
    });
    second.connect();
  });
  assert.equal(refused.code, 3504);
  assert.equal(refused.reason, 'connection limit');
  const info = await first.rpc('query.system.info', {});
  assert.equal((info.data as { data: { version: string } }).data.version, '0.1.0', 'the connection within the limit carries on');
});
