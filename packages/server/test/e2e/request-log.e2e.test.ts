/**
 * `CADENZA_LOG_LEVEL=debug`: one line per HTTP request (method, path, status, duration) and per RPC call over the
 * WebSocket (method, user, duration, outcome, the refusal's code) — and no secret in any line: not the password
 * that signed in, not the tokens, not the recovery link's query string, not the params of a credential.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Centrifuge } from 'centrifuge';
import { demoToken } from './demo-token.ts';
import { startServer } from '../../src/server.ts';

const lines: Array<Record<string, unknown>> = [];
const logTo = new PassThrough();
let buffered = '';
logTo.on('data', (d) => {
  buffered += d;
  for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
    lines.push(JSON.parse(buffered.slice(0, i)) as Record<string, unknown>);
    buffered = buffered.slice(i + 1);
  }
});
const dataDir = mkdtempSync(join(tmpdir(), 'cadenza-request-log-'));
const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, venues: ['PAPER'], paper: { lively: false }, logLevel: 'debug', logFormat: 'json', logTo });
const clients: Centrifuge[] = [];
after(async () => {
  for (const c of clients) c.disconnect();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('HTTP requests and RPC calls each leave one debug line with who, what, how long and how it ended — and no secret', async () => {
  const token = await demoToken(server);
  await fetch(`${server.url}/auth/v1/verify?token=recovery-token-secret&type=recovery`, { redirect: 'manual' });
  const c = new Centrifuge(server.wsUrl, { token, websocket: WebSocket });
  clients.push(c);
  await new Promise<void>((resolve) => {
    c.once('connected', (ctx) => resolve(void ctx));
    c.connect();
  });
  const account = ((await c.rpc('command.trading_account.create', { tradingAccount: { venue: 'PAPER' } })).data as { data: { tradingAccountId: string } }).data.tradingAccountId;
  await c.rpc('command.credential.create', { tradingAccountId: account, venue: 'BINANCE', credentialType: 'HMAC', apiKey: 'api-key-secret', secretKey: 'secret-key-secret' });
  await assert.rejects(c.rpc('no.such.method', {}));

  const http = lines.filter((l) => l.module === 'http' && l.level === 20);
  const grant = http.find((l) => l.path === '/auth/v1/token')!;
  assert.deepEqual({ method: grant.method, status: grant.status }, { method: 'POST', status: 200 });
  assert.equal(typeof grant.ms, 'number');
  assert.ok(http.some((l) => l.path === '/auth/v1/verify'), 'the path without its query string');

  const rpc = lines.filter((l) => l.module === 'rpc' && l.msg === 'rpc');
  const user = rpc[0]!.user;
  assert.match(String(user), /^[0-9a-f-]{36}$/);
  assert.deepEqual(rpc.map((l) => [l.method, l.outcome, l.code]), [
    ['command.trading_account.create', 'ok', undefined],
    ['command.credential.create', 'refused', 13004],
    ['no.such.method', 'protocol_error', 104],
  ]);
  assert.ok(rpc.every((l) => l.user === user && typeof l.ms === 'number'));

  const everything = JSON.stringify(lines);
  for (const secret of ['cadenza-demo', token, 'recovery-token-secret', 'api-key-secret', 'secret-key-secret']) assert.ok(!everything.includes(secret), `no ${secret.slice(0, 12)}… in the log`);
});
