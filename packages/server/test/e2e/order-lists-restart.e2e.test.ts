/**
 * An OTOCO order list across server restarts (docs/extensions.md, "Order lists"): the real server on one data
 * directory, stopped and started again at two points of the list's life, driven by the official centrifuge client.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Centrifuge } from 'centrifuge';
import { createClient } from '@supabase/supabase-js';
import { dec, str } from '@cadenza/domain';
import { startServer, type RunningServer } from '../../src/server.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'cadenza-lists-'));
const email = `lists-${Math.random().toString(36).slice(2, 8)}@example.com`;
const password = 'correct-horse-battery-staple';
let server: RunningServer | undefined;
let client: Centrifuge | undefined;
after(async () => {
  client?.disconnect();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** (Re)starts the server on the same data and connects the user (signed up on the first start). */
async function restart(): Promise<(method: string, params: unknown) => Promise<any>> {
  client?.disconnect();
  await server?.close();
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir, log: false, venues: ['PAPER'] });
  const sb = createClient(server.url, 'anon', { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: WebSocket as never } });
  const signedIn = await sb.auth.signInWithPassword({ email, password });
  const session = signedIn.data.session ?? (await sb.auth.signUp({ email, password })).data.session;
  assert.ok(session, 'signed in');
  const c = (client = new Centrifuge(server.wsUrl, { token: session.access_token, websocket: WebSocket }));
  await new Promise<void>((resolve, reject) => {
    c.once('connected', () => resolve());
    c.once('disconnected', (ctx) => reject(new Error(`disconnected ${ctx.code} ${ctx.reason}`)));
    c.connect();
  });
  return async (method, params) => {
    const r = (await c.rpc(method, params)).data as { data?: unknown; error?: unknown };
    assert.equal(r.error, undefined, `${method}: ${JSON.stringify(r.error)}`);
    return r.data;
  };
}

test('an OTOCO survives restarts: waiting for its entry, and with its take-profit working and its stop-loss armed', async () => {
  let call = await restart();
  const id = (await call('command.trading_account.create', { tradingAccount: { venue: 'PAPER' } })).tradingAccountId;
  const BTC = 'PAPER:BTC/USDT';
  const bid = dec((await call('query.orderbook.get', { instrumentId: BTC, depth: 1 })).bids[0][0]);
  const entry = await call('command.trade_order.submit', {
    tradingAccountId: id,
    tradeOrder: {
      instrumentId: BTC, orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: str(bid.mul('0.5').toDecimalPlaces(2)),
      contingencyType: 'OTOCO', takeProfitPrice: str(bid.mul('1.5').toDecimalPlaces(2)), stopLossPrice: str(bid.mul('0.25').toDecimalPlaces(2)),
    },
  });
  const legs = async () => Object.fromEntries((await call('query.trade_order.list', { tradingAccountId: id, orderListId: entry.orderListId })).map((o: any) => [o.orderListRole, o]));
  assert.deepEqual(Object.values(await legs()).map((o: any) => `${o.orderListRole}:${o.status}`).sort(), ['ENTRY:ACCEPTED', 'STOP_LOSS:CREATED', 'TAKE_PROFIT:CREATED']);

  // Restart while the children wait: the entry is back in the book, the children still wait (not at the venue).
  call = await restart();
  let now = await legs();
  assert.deepEqual([now.ENTRY.status, now.TAKE_PROFIT.status, now.STOP_LOSS.status], ['ACCEPTED', 'CREATED', 'CREATED']);
  const ask = dec((await call('query.orderbook.get', { instrumentId: BTC, depth: 1 })).asks[0][0]);
  const filled = await call('command.trade_order.amend', { tradingAccountId: id, tradeOrderId: entry.tradeOrderId, limitPrice: str(ask.mul('1.01').toDecimalPlaces(2)) });
  assert.equal(filled.status, 'FILLED', 'the entry, amended into the market, fills');
  for (let i = 0; i < 100 && (now = await legs()).TAKE_PROFIT.status !== 'ACCEPTED'; i++) await new Promise((r) => setImmediate(r));
  assert.deepEqual([now.TAKE_PROFIT.status, now.TAKE_PROFIT.emulated, now.STOP_LOSS.status, now.STOP_LOSS.emulated], ['ACCEPTED', undefined, 'ACCEPTED', true]);

  // Restart with the take-profit working and the stop-loss armed: the take-profit is back in the book, the stop
  // still held by Cadenza.
  call = await restart();
  now = await legs();
  assert.deepEqual([now.TAKE_PROFIT.status, now.STOP_LOSS.status, now.STOP_LOSS.emulated], ['ACCEPTED', 'ACCEPTED', true]);
  const bidNow = dec((await call('query.orderbook.get', { instrumentId: BTC, depth: 1 })).bids[0][0]);
  const tp = await call('command.trade_order.amend', { tradingAccountId: id, tradeOrderId: now.TAKE_PROFIT.tradeOrderId, limitPrice: str(bidNow.mul('0.99').toDecimalPlaces(2)) });
  assert.equal(tp.status, 'FILLED', 'the restored take-profit trades');
  for (let i = 0; i < 100 && (now = await legs()).STOP_LOSS.status === 'ACCEPTED'; i++) await new Promise((r) => setImmediate(r));
  const sl = now.STOP_LOSS;
  assert.deepEqual([sl.status, sl.executedQuantity], ['CANCELLED', '0']);
  const portfolio = await call('query.portfolio.get', { tradingAccountId: id });
  assert.ok(portfolio.balances.every((b: any) => b.locked === '0'), 'nothing left locked');
});
