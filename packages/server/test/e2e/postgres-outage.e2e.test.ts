/**
 * A server on PostgreSQL whose database goes away and comes back, through the official centrifuge client: while it
 * is away `/health` says unhealthy and `/metrics` says so, commands answer 10003 STORE_UNAVAILABLE with
 * `temporary: true` at once, queries answered from memory still work, the auth routes answer 503 (supabase-js
 * retries it) instead of 500; when it is back the same server takes orders again and lists the earlier ones.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Centrifuge } from 'centrifuge';
import { startPostgres, type TestPostgres } from '@cadenza/testkit/services/postgres-server';
import { startServer, type RunningServer } from '../../src/server.ts';
import { demoToken } from './demo-token.ts';

let postgres: TestPostgres;
let server: RunningServer;
let client: Centrifuge;
const dataDir = mkdtempSync(join(tmpdir(), 'cadenza-pg-outage-'));

before(async () => {
  postgres = await startPostgres();
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir, log: false, venues: ['PAPER'], databaseUrl: await postgres.createDatabase() });
  client = new Centrifuge(server.wsUrl, { token: await demoToken(server), websocket: WebSocket });
  await new Promise<void>((resolve) => {
    client.once('connected', () => resolve());
    client.connect();
  });
});
after(async () => {
  client.disconnect();
  await server.close();
  await postgres.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

type Reply = { data?: any; error?: { code: number; message: string; temporary?: boolean } };
const rpc = async (method: string, params: unknown): Promise<Reply> => (await client.rpc(method, params)).data as Reply;

async function health(): Promise<string> {
  const body = (await (await fetch(`${server.url}/health`)).json()) as { checks: { database: { status: string } } };
  return body.checks.database.status;
}

/** Polls /health (each poll a real request) until it says `want`; the test's timeout bounds it. */
async function healthBecomes(want: string): Promise<void> {
  while ((await health()) !== want) await new Promise((r) => setTimeout(r, 50));
}

test('the database goes away: commands are refused as temporary, memory still answers; it comes back: orders flow again', async () => {
  assert.match(server.database, /^PostgreSQL postgres:\/\/postgres@127\.0\.0\.1:\d+\//);
  const account = (await rpc('command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'outage' } })).data.tradingAccountId as string;
  const order = (n: string) => ({ tradingAccountId: account, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '1000', clientOrderId: n } });
  const before = await rpc('command.trade_order.submit', order('before'));
  assert.equal(before.data?.status, 'ACCEPTED', JSON.stringify(before.error));

  await postgres.halt();
  await healthBecomes('unhealthy');
  const refused = await rpc('command.trade_order.submit', order('during'));
  assert.deepEqual(refused.error, { code: 10003, message: 'the database is unavailable; retry shortly', temporary: true });
  const listed = await rpc('query.trade_order.list', { tradingAccountId: account });
  assert.equal(listed.error?.code, 10003, 'a query that needs the database fails as temporary too');
  const portfolio = await rpc('query.portfolio.get', { tradingAccountId: account });
  assert.equal(portfolio.error, undefined, 'the portfolio is answered from memory');
  assert.equal(await metric('cadenza_store_available'), 0);
  assert.ok((await metric('cadenza_store_queued_writes'))! >= 0, 'the queue is on /metrics');

  // The auth routes need the database too: a temporary 503, in GoTrue's shape and in the REST envelope.
  const grant = await fetch(`${server.url}/auth/v1/token?grant_type=password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', apikey: 'any', 'x-supabase-api-version': '2024-01-01' },
    body: JSON.stringify(server.demoUser),
  });
  assert.equal(grant.status, 503);
  assert.equal(grant.headers.get('retry-after'), '1');
  assert.deepEqual(await grant.json(), { code: 'unexpected_failure', error_code: 'unexpected_failure', message: 'Service temporarily unavailable; retry shortly' });
  const login = await fetch(`${server.url}/api/v3/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(server.demoUser) });
  assert.equal(login.status, 503);
  const envelope = (await login.json()) as { success: boolean; errno: number; details: { temporary?: boolean } };
  assert.equal(envelope.success, false);
  assert.equal(envelope.errno, 17034);
  assert.equal(envelope.details.temporary, true);

  await postgres.start();
  await healthBecomes('healthy');
  const after = await rpc('command.trade_order.submit', order('after'));
  assert.equal(after.data?.status, 'ACCEPTED');
  const orders = (await rpc('query.trade_order.list', { tradingAccountId: account })).data as Array<{ clientOrderId: string }>;
  assert.deepEqual(orders.map((o) => o.clientOrderId).sort(), ['after', 'before'], 'the refused order was never taken');
  assert.equal(await metric('cadenza_store_available'), 1);
  // Every held write commits (the market may write more meanwhile: wait for an empty queue, each poll a real scrape).
  while ((await metric('cadenza_store_queued_writes')) !== 0) await new Promise((r) => setTimeout(r, 50));
});

/** A gauge's value on /metrics. */
async function metric(name: string): Promise<number | undefined> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}
