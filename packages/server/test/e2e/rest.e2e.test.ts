/**
 * The REST mirror mounted in the real server: a supabase-js session's access token opens `/api/v3/*`, and what
 * is done over REST is the same state the WebSocket RPCs see.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Centrifuge } from 'centrifuge';
import { createClient } from '@supabase/supabase-js';
import { startServer, type RunningServer } from '../../src/server.ts';

let server: RunningServer;
let dataDir: string;
let token: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cadenza-rest-'));
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir, log: false, venues: ['PAPER', 'MOCK'] });
  const sb = createClient(server.url, 'any-anon-key', {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
  });
  const { error } = await sb.auth.signUp({ email: 'rest@example.com', password: 'rest-password-1' });
  assert.equal(error, null);
  const { data } = await sb.auth.signInWithPassword({ email: 'rest@example.com', password: 'rest-password-1' });
  token = data.session!.access_token;
});

after(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(method: string, path: string, body?: unknown, bearer: string | null = token) {
  const res = await fetch(server.url + path, {
    method,
    headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as { success: boolean; errno: number; error: string | null; data: any } };
}

test('REST needs a bearer token and answers in the BaseResponse envelope', async () => {
  const none = await call('GET', '/api/v3/market/instrument/list?venue=PAPER', undefined, null);
  assert.equal(none.status, 401);
  assert.equal(none.body.success, false);
  assert.equal(none.body.errno, 10401);
  const forged = await call('GET', '/api/v3/market/instrument/list?venue=PAPER', undefined, token.slice(0, -4) + 'AAAA');
  assert.equal(forged.status, 401);
  const lost = await call('GET', '/api/v3/no/such/route');
  assert.equal(lost.status, 404);
  assert.equal(lost.body.errno, 10404);
});

test('instruments and system info over REST come from the same catalogue as the RPCs', async () => {
  const list = await call('GET', '/api/v3/market/instrument/list?venue=PAPER&limit=50');
  assert.equal(list.status, 200, JSON.stringify(list.body));
  assert.equal(list.body.success, true);
  const symbols = (list.body.data as Array<{ symbol: string }>).map((i) => i.symbol);
  assert.ok(symbols.includes('BTC/USDT') && symbols.includes('ETH/USDT'), symbols.join(','));
  const info = await call('GET', '/api/v3');
  assert.equal(info.body.data.version, '0.1.0');
});

test('an order submitted over REST is the order the WebSocket RPC reads back', async () => {
  const c = new Centrifuge(server.wsUrl, { token, websocket: WebSocket });
  c.connect();
  try {
    const created = await c.rpc('command.trading_account.create', { tradingAccount: { venue: 'PAPER', name: 'rest' } });
    const accountId = (created.data as any).data.tradingAccountId as string;
    const submit = await call('POST', '/api/v3/tradeOrder/submit', {
      tradingAccountId: accountId, instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT',
      quantity: '0.01', limitPrice: '1000', timeInForce: 'GTC', idempotencyKey: 'rest-1',
    });
    assert.equal(submit.status, 200, JSON.stringify(submit.body));
    const order = submit.body.data[0];
    assert.equal(order.status, 'ACCEPTED');
    assert.equal(order.orderQuantityType, 'BASE', 'RPC quantityType is renamed to the REST name');
    assert.equal(typeof order.createdAt, 'number', 'REST timestamps are epoch ms');
    const viaRpc = await c.rpc('query.trade_order.get', { tradeOrderId: order.tradeOrderId });
    assert.equal((viaRpc.data as any).data.tradeOrderId, order.tradeOrderId);
    const cancel = await call('POST', '/api/v3/tradeOrder/cancel', { tradingAccountId: accountId, tradeOrderId: order.tradeOrderId });
    assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
    const after = await c.rpc('query.trade_order.get', { tradeOrderId: order.tradeOrderId });
    assert.equal((after.data as any).data.status, 'CANCELLED');
    const bad = await call('POST', '/api/v3/tradeOrder/submit', { tradingAccountId: accountId, instrumentId: 'PAPER:BTC/USDT', orderSide: 'SIDEWAYS', orderType: 'LIMIT', quantity: '1', limitPrice: '1' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errno, 10001);
  } finally {
    c.disconnect();
  }
});
