/** What an operator reads: `/health` and the Prometheus `/metrics`, fed by real traffic through the official client. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Centrifuge } from 'centrifuge';
import { demoToken } from './demo-token.ts';
import { startServer } from '../../src/server.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'cadenza-metrics-'));
const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, log: false, venues: ['PAPER'] });
const clients: Centrifuge[] = [];
after(async () => {
  for (const c of clients) c.disconnect();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function metric(text: string, name: string, labels = ''): Promise<number | undefined> {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

test('health says the database answers; metrics count RPCs by method and outcome, connections and open orders', async () => {
  const health = (await (await fetch(`${server.url}/health`)).json()) as { status: string; checks: { database: { status: string } } };
  assert.equal(health.status, 'healthy');
  assert.equal(health.checks.database.status, 'healthy');

  const token = await demoToken(server);
  const c = new Centrifuge(server.wsUrl, { token, websocket: WebSocket });
  clients.push(c);
  await new Promise<void>((resolve) => {
    c.once('connected', () => resolve());
    c.connect();
  });
  await c.rpc('query.instrument.list', { venue: 'PAPER' });
  await c.rpc('query.instrument.list', { venue: 'PAPER' });
  const account = ((await c.rpc('command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'm' } })).data as any).data.tradingAccountId;
  await c.rpc('command.trade_order.submit', { tradingAccountId: account, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '1000' } });
  await c.rpc('command.trade_order.submit', { tradingAccountId: account, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '1000', limitPrice: '1000000' } });
  await assert.rejects(c.rpc('no.such.method.' + Math.random(), {}));

  const text = await (await fetch(`${server.url}/metrics`)).text();
  assert.equal(await metric(text, 'cadenza_rpc_calls_total', 'method="query.instrument.list",outcome="ok"'), 2);
  assert.equal(await metric(text, 'cadenza_rpc_calls_total', 'method="command.trade_order.submit",outcome="ok"'), 1);
  assert.equal(await metric(text, 'cadenza_rpc_calls_total', 'method="command.trade_order.submit",outcome="refused"'), 1, 'insufficient balance is a refusal');
  assert.equal(await metric(text, 'cadenza_rpc_calls_total', 'method="unknown",outcome="protocol_error"'), 1, 'invented method names share one label');
  assert.equal(await metric(text, 'cadenza_rpc_duration_seconds_count', 'method="command.trade_order.submit"'), 2);
  assert.equal(await metric(text, 'cadenza_ws_connections'), 1);
  assert.equal(await metric(text, 'cadenza_open_orders'), 1);
  assert.ok((await metric(text, 'cadenza_ws_messages_in_total'))! >= 6);
  assert.ok((await metric(text, 'cadenza_process_resident_memory_bytes'))! > 0, 'process metrics too');
});
