import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TokenError } from '@cadenza/auth';
import type { TokenVerifier } from '@cadenza/auth';
import { rpcWorld, alice, admin, type RpcWorld } from './rpc-test-world.ts';
import { apiV3Routes, restRoutes } from '../src/http/api-v3/index.ts';
import type { Hono } from 'hono';

let world: RpcWorld;
let app: Hono;
const tokens: Record<string, { sub: string; isAdmin: boolean; sessionId: string }> = {
  alice: { sub: alice.userId, isAdmin: false, sessionId: 's1' },
  admin: { sub: admin.userId, isAdmin: true, sessionId: 's2' },
};
const verifier: TokenVerifier = {
  async verify(token) {
    const c = tokens[token];
    if (!c) throw new TokenError('invalid', 'unknown test token');
    return c as never;
  },
};

async function call(method: string, path: string, opts: { token?: string | null; body?: unknown } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = opts.token === undefined ? 'alice' : opts.token;
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await app.request(path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  return { status: res.status, body: (await res.json()) as any };
}

before(async () => {
  world = await rpcWorld();
  app = apiV3Routes({ rpc: world.rpc, verifier, log: false });
});
after(async () => { await (world as any).close?.(); });

describe('api-v3 REST mirror', () => {
  test('missing and invalid bearer answer 401 INVALID_TOKEN', async () => {
    const a = await call('GET', '/api/v3/tradingAccount/list', { token: null });
    assert.equal(a.status, 401);
    assert.equal(a.body.details.code, 'INVALID_TOKEN');
    assert.equal(a.body.success, false);
    const b = await call('GET', '/api/v3/tradingAccount/list', { token: 'nope' });
    assert.equal(b.status, 401);
  });

  test('instrument list accepts form-style query arrays', async () => {
    const all = await call('GET', '/api/v3/market/instrument/list?venue=PAPER');
    assert.equal(all.status, 200, JSON.stringify(all.body));
    assert.equal(all.body.errno, 0);
    assert.ok(Array.isArray(all.body.data) && all.body.data.length > 0);
    const sym = all.body.data[0].symbol;
    const one = await call('GET', `/api/v3/market/instrument/list?venue=PAPER&symbols=${encodeURIComponent(sym)}&symbols=NOPE%2FX`);
    assert.equal(one.status, 200);
    assert.ok(one.body.data.every((i: any) => i.symbol === sym));
  });

  test('connect, list accounts, submit/list/cancel orders with REST names and ms timestamps, portfolios', async () => {
    const conn = await call('POST', '/api/v3/tradingAccount/connect', { body: { venue: 'PAPER', nickname: 'r' } });
    assert.equal(conn.status, 200, JSON.stringify(conn.body));
    const acct = conn.body.data;
    assert.equal(typeof acct.createdAt, 'number');
    assert.equal(typeof acct.createdAtDateTime, 'string');
    const list = await call('GET', '/api/v3/tradingAccount/list?limit=10');
    assert.ok(list.body.data.some((a: any) => a.tradingAccountId === acct.tradingAccountId));
    const instr = (await call('GET', '/api/v3/market/instrument/list?venue=PAPER')).body.data[0];
    const sub = await call('POST', '/api/v3/tradeOrder/submit', { body: { tradingAccountId: acct.tradingAccountId,
      instrumentId: instr.instrumentId, orderSide: 'BUY', orderType: 'LIMIT', orderQuantityType: 'BASE', timeInForce: 'GTC',
      quantity: '0.001', limitPrice: '10000' } });
    assert.equal(sub.status, 200, JSON.stringify(sub.body));
    {
      assert.ok(Array.isArray(sub.body.data));
      const order = sub.body.data[0];
      assert.equal(typeof order.createdAt, 'number');
      assert.equal(new Date(order.createdAt).toISOString(), new Date(order.createdAtDateTime).toISOString());
      assert.equal(order.orderQuantityType, 'BASE');
      assert.equal(order.quantityType, undefined);
      const orders = await call('GET', `/api/v3/tradeOrder/list?tradingAccountId=${acct.tradingAccountId}&startTime=0`);
      assert.ok(orders.body.data.some((o: any) => o.tradeOrderId === order.tradeOrderId));
      const cancel = await call('POST', '/api/v3/tradeOrder/cancel', { body: { tradingAccountId: acct.tradingAccountId, tradeOrderId: order.tradeOrderId } });
      assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
      assert.equal(cancel.body.data.tradeOrderId, order.tradeOrderId);
    }
    const pf = await call('GET', `/api/v3/tradingAccount/portfolio/list?tradingAccountId=${acct.tradingAccountId}`);
    assert.equal(pf.status, 200, JSON.stringify(pf.body));
    assert.ok(Array.isArray(pf.body.data));
  });

  test('error statuses: 400 bad query, 404 unknown order, 403 admin-only', async () => {
    assert.equal((await call('GET', '/api/v3/tradingAccount/list?limit=abc')).status, 400);
    const nf = await call('POST', '/api/v3/tradeOrder/cancel', { body: { tradingAccountId: '00000000-0000-4000-8000-000000000000', tradeOrderId: '00000000-0000-4000-8000-000000000001' } });
    assert.equal(nf.status, 404, JSON.stringify(nf.body));
    assert.equal(typeof nf.body.details.code, 'string');
    const denied = await call('POST', '/api/v3/market/instrument/disable', { body: { instrumentId: 'PAPER:BTC/USDT' } });
    assert.equal(denied.status, 403, JSON.stringify(denied.body));
    assert.equal(denied.body.details.code, 'ACCESS_DENIED');
  });

  test('every REST path of the contract catalogue (minus auth/health) is routed', async () => {
    assert.equal(restRoutes.length, 53);
    for (const r of restRoutes) {
      const res = await app.request(r.path, { method: r.verb, headers: { authorization: 'Bearer alice', 'content-type': 'application/json' }, body: r.verb === 'GET' ? undefined : '{}' });
      const body = (await res.json().catch(() => null)) as any;
      assert.ok(body && typeof body.errno === 'number', `${r.verb} ${r.path} answered ${res.status} without an envelope`);
      if (r.rpc === null) assert.equal(res.status, 501);
    }
  });
});
