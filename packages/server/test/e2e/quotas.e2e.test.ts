/**
 * Per-user quotas through the real server and the official client: a user holds at most `maxAccountsPerUser`
 * trading accounts (12009 beyond, room again after a delete) and an account at most `maxOpenOrdersPerAccount` open
 * orders (11014 beyond, a repeated submit still answers its order, room again after a cancel). Caps set low
 * here through startServer's options (CADENZA_MAX_ACCOUNTS_PER_USER / CADENZA_MAX_OPEN_ORDERS_PER_ACCOUNT in
 * production, config.test.ts); each user has its own count.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Centrifuge } from 'centrifuge';
import { createClient } from '@supabase/supabase-js';
import { startServer } from '../../src/server.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'cadenza-quotas-'));
const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, log: false, venues: ['PAPER'], paper: { lively: false }, quotas: { maxAccountsPerUser: 3, maxOpenOrdersPerAccount: 4 } });
const clients: Centrifuge[] = [];
after(async () => {
  for (const c of clients) c.disconnect();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

type Result = { data?: any; error?: { code: number; message: string } };

async function trader(email: string): Promise<(method: string, params: object) => Promise<Result>> {
  const sb = createClient(server.url, 'anon', { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: WebSocket as never } });
  assert.equal((await sb.auth.signUp({ email, password: 'quota-test-password' })).error, null);
  const { data } = await sb.auth.signInWithPassword({ email, password: 'quota-test-password' });
  const c = new Centrifuge(server.wsUrl, { token: data.session!.access_token, websocket: WebSocket });
  clients.push(c);
  await new Promise<void>((resolve) => {
    c.once('connected', () => resolve());
    c.connect();
  });
  return async (method, params) => (await c.rpc(method, params)).data as Result;
}

test('trading accounts per user: the fourth is refused with 12009, a delete makes room, another user has their own count', async () => {
  const rpc = await trader('accounts-quota@example.com');
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await rpc('command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: `a${i}` } });
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    ids.push(r.data.tradingAccountId);
  }
  const refused = await rpc('command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'one too many' } });
  assert.equal(refused.error?.code, 12009);
  assert.match(refused.error!.message, /you hold 3 trading accounts, the most a user may; delete one first/);
  assert.equal((await rpc('query.trading_account.list', { venue: 'PAPER' })).data.length, 3, 'nothing was created');

  assert.equal((await rpc('command.trading_account.delete', { tradingAccountId: ids[0] })).error, undefined);
  assert.equal((await rpc('command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'after a delete' } })).error, undefined);

  const other = await trader('accounts-quota-other@example.com');
  assert.equal((await other('command.trading_account.create', { tradingAccount: { venue: 'PAPER' } })).error, undefined);
});

test('open orders per account: the fifth resting order is refused with 11014 until one closes; a repeat still answers', async () => {
  const rpc = await trader('orders-quota@example.com');
  const tradingAccountId = (await rpc('command.trading_account.create', { tradingAccount: { venue: 'PAPER' } })).data.tradingAccountId;
  const resting = (i: number, idempotencyKey = `rest-${i}`) =>
    rpc('command.trade_order.submit', { tradingAccountId, idempotencyKey, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: String(1000 + i) } });
  const placed: string[] = [];
  for (let i = 0; i < 4; i++) {
    const r = await resting(i);
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    placed.push(r.data.tradeOrderId);
  }
  const refused = await resting(4);
  assert.equal(refused.error?.code, 11014);
  assert.match(refused.error!.message, /has 4 open orders, the most it may hold; cancel one first/);
  const market = await rpc('command.trade_order.submit', { tradingAccountId, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'SELL', orderType: 'MARKET', quantity: '0.01' } });
  assert.equal(market.error?.code, 11014, 'every new order counts while it is open, a MARKET one too');

  const repeat = await resting(0);
  assert.equal(repeat.error, undefined, 'a repeated submit answers the order it names');
  assert.equal(repeat.data.tradeOrderId, placed[0]);

  const open = await rpc('query.trade_order.list', { tradingAccountId, orderStatus: 'ACCEPTED' });
  assert.equal(open.data.length, 4, 'nothing was placed beyond the cap');
  assert.equal((await rpc('command.trade_order.cancel', { tradingAccountId, tradeOrderId: placed[1] })).error, undefined);
  assert.equal((await resting(5)).error, undefined, 'room again after a cancel');
  assert.equal((await resting(6)).error?.code, 11014);
});
