/**
 * The REST layer's own rules, in process over the RPC table (the walk of every operation against the contract's
 * models is packages/server/test/e2e/rest-contract.e2e.test.ts): the route table covers the contract, the bearer
 * middleware, statuses by meaning, requests checked against the OpenAPI document, the REST-only workflows, and
 * the one `onError`.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { openApiDocument } from '@cadenza/contract';
import { TokenError, type TokenVerifier } from '@cadenza/auth';
import { rpcWorld, alice, admin, type RpcWorld } from './rpc-test-world.ts';
import { apiV3Routes, restOperations } from '../src/http/api-v3/index.ts';
import type { RpcDispatcher } from '../src/rpc/index.ts';

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

let world: RpcWorld;
let app: ReturnType<typeof apiV3Routes>;

async function call(method: string, path: string, opts: { token?: string | null; body?: unknown; on?: typeof app } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = opts.token === undefined ? 'alice' : opts.token;
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await (opts.on ?? app).request(path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

before(async () => {
  world = await rpcWorld();
  app = apiV3Routes({ rpc: world.rpc, verifier, log: false });
});

describe('the route table', () => {
  test('covers every operation of the contract but auth, health and the WebSocket pseudo-operation', () => {
    const served = new Set(restOperations.map((o) => o.operationId));
    const contract = Object.entries(openApiDocument.paths).flatMap(([path, verbs]) =>
      Object.values(verbs)
        .filter(() => !path.startsWith('/api/v3/auth/') && path !== '/api/v3/health' && path !== '/connection/websocket')
        .map((op) => op.operationId),
    );
    assert.deepEqual([...served].sort(), [...contract].sort());
    assert.equal(served.size, restOperations.length, 'each operation once');
  });

  test('every entry is routed behind the bearer check; one without a method would answer 501', async () => {
    for (const [path, verbs] of Object.entries(openApiDocument.paths)) {
      for (const [verb, op] of Object.entries(verbs)) {
        const entry = restOperations.find((o) => o.operationId === op.operationId);
        if (!entry) continue;
        const anonymous = await call(verb.toUpperCase(), path, { token: null });
        assert.equal(anonymous.status, 401, `${verb} ${path}`);
        if (entry.rpc === null) {
          const r = await call(verb.toUpperCase(), path);
          assert.equal(r.status, 501, `${verb} ${path}`);
          assert.equal(r.body.details.code, 'NOT_IMPLEMENTED');
        }
      }
    }
  });
});

describe('bearer middleware', () => {
  test('no header, a malformed header and a refused token are all 401 INVALID_TOKEN with WWW-Authenticate', async () => {
    for (const authorization of [undefined, 'Basic abc', 'Bearer', 'Bearer nope']) {
      const res = await app.request('/api/v3/tradingAccount/list', { headers: authorization ? { authorization } : {} });
      const body = (await res.json()) as any;
      assert.equal(res.status, 401, String(authorization));
      assert.equal(body.errno, 10401);
      assert.equal(body.details.code, 'INVALID_TOKEN');
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
      assert.match(body.details.request_id, /^[0-9a-f-]{36}$/);
    }
  });
});

describe('statuses follow what the refusal means', () => {
  test('403 for admin operations, 404 for what does not exist, 409 for a balance too small, 400 for a broken rule', async () => {
    const denied = await call('POST', '/api/v3/market/instrument/disable', { body: { instrumentId: 'PAPER:BTC/USDT' } });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.details.code, 'ACCESS_DENIED');
    const missing = await call('POST', '/api/v3/tradeOrder/cancel', { body: { tradingAccountId: '00000000-0000-4000-8000-000000000000', tradeOrderId: '00000000-0000-4000-8000-000000000001' } });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.details.code, 'TRADING_ACCOUNT_NOT_FOUND');
    const account = (await call('POST', '/api/v3/tradingAccount/connect', { body: { venue: 'PAPER' } })).body.data;
    const order = { tradingAccountId: account.tradingAccountId, instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', timeInForce: 'GTC', limitPrice: '50000' };
    const poor = await call('POST', '/api/v3/tradeOrder/submit', { body: { ...order, quantity: '900' } });
    assert.equal(poor.status, 409, JSON.stringify(poor.body));
    assert.equal(poor.body.details.code, 'INSUFFICIENT_BALANCE');
    assert.equal(poor.body.errno, 14001);
    const offTick = await call('POST', '/api/v3/tradeOrder/submit', { body: { ...order, quantity: '0.01', limitPrice: '50000.001' } });
    assert.equal(offTick.status, 400, JSON.stringify(offTick.body));
  });

  test('order legs are never dropped: a list is made of them, and a leg without its list is refused with nothing submitted', async () => {
    const account = (await call('POST', '/api/v3/tradingAccount/connect', { body: { venue: 'PAPER' } })).body.data;
    const order = { tradingAccountId: account.tradingAccountId, instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'MARKET', quantity: '0.01' };
    const orphan = await call('POST', '/api/v3/tradeOrder/submit', { body: { ...order, stopLossPrice: '40000' } });
    assert.equal(orphan.status, 400, JSON.stringify(orphan.body));
    const none = await call('GET', `/api/v3/tradeOrder/list?tradingAccountId=${account.tradingAccountId}`);
    assert.equal(none.body.pagination.total, 0, 'nothing was submitted');
    const oto = await call('POST', '/api/v3/tradeOrder/submit', { body: { ...order, contingencyType: 'OTO', stopLossPrice: '1000' } });
    assert.equal(oto.status, 200, JSON.stringify(oto.body));
    assert.deepEqual(oto.body.data.map((o: { orderType: string; contingencyType: string; stopLossPrice: string }) => [o.orderType, o.contingencyType, o.stopLossPrice]), [['MARKET', 'OTO', '1000'], ['STOP_LOSS', 'OTO', '1000']], 'every leg answered');
  });
});

describe('requests are checked against the OpenAPI document', () => {
  test('unknown, repeated, mistyped and out-of-range query parameters; a foreign cursor', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/api/v3/tradeOrder/list?orderstatus=FILLED', /unknown query parameter orderstatus/],
      ['/api/v3/tradeOrder/list?limit=5&limit=6', /limit is given 2 times/],
      ['/api/v3/tradeOrder/list?limit=abc', /limit must be an integer/],
      ['/api/v3/tradeOrder/list?limit=1001', /limit must be <= 1000/],
      ['/api/v3/tradeOrder/list?ascending=yes', /ascending must be true or false/],
      ['/api/v3/tradeOrder/list?orderStatus=DONE', /orderStatus must be one of/],
      ['/api/v3/tradeOrder/list?startTime=8640000000000001', /startTime must be <= 8640000000000000/],
      ['/api/v3/tradeOrder/list?cursor=zz', /cursor is not one this server answered/],
      ['/api/v3/market/kline/get?instrumentId=PAPER:BTC/USDT', /interval is required/],
    ];
    for (const [path, message] of cases) {
      const r = await call('GET', path);
      assert.equal(r.status, 400, path);
      assert.equal(r.body.errno, 10001);
      assert.match(r.body.error, message, path);
    }
  });

  test('bodies: not JSON, not an object, too deep, a wrong type, a missing field', async () => {
    const raw = async (text: string) => {
      const res = await app.request('/api/v3/tradeOrder/cancel', { method: 'POST', headers: { authorization: 'Bearer alice', 'content-type': 'application/json' }, body: text });
      return { status: res.status, body: (await res.json()) as any };
    };
    assert.match((await raw('{"a":')).body.error, /not valid JSON/);
    assert.match((await raw('[1,2]')).body.error, /must be a JSON object/);
    assert.match((await raw(`{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`)).body.error, /nested deeper than 32/);
    assert.match((await raw('{"tradingAccountId":7,"tradeOrderId":"x"}')).body.error, /tradingAccountId must be string/);
    assert.match((await raw('{}')).body.error, /tradingAccountId is required/);
  });

  test("a body default is the method's to apply: an RFQ giving expireAt alone keeps it; ttl with expireAt is refused", async () => {
    const dealer = await call('POST', '/api/v3/fermata/dealer/create', { token: 'admin', body: { name: 'Defaults desk', baseCurrencies: ['USDT'] } });
    const rfq = { dealerAccountId: dealer.body.data.dealerAccountId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '0.1' };
    const expireAt = world.clock.now() + 30_000;
    const byTime = await call('POST', '/api/v3/quote/rfq', { body: { ...rfq, expireAt: new Date(expireAt).toISOString() } });
    assert.equal(byTime.status, 200, JSON.stringify(byTime.body));
    assert.equal(byTime.body.data.expireAt, expireAt);
    const byDefault = await call('POST', '/api/v3/quote/rfq', { body: rfq });
    assert.equal(byDefault.body.data.expireAt - byDefault.body.data.createdAt, 10_000, 'no ttl and no expireAt: the contract default');
    const both = await call('POST', '/api/v3/quote/rfq', { body: { ...rfq, ttl: 10, expireAt: new Date(expireAt).toISOString() } });
    assert.equal(both.status, 400);
    assert.equal(both.body.errno, 18010);
  });

  test('pages: defaults, limits and the cursor answered in pagination', async () => {
    const first = await call('GET', '/api/v3/market/instrument/list?venue=PAPER&limit=1');
    assert.equal(first.body.data.length, 1);
    assert.deepEqual(Object.keys(first.body.pagination).sort(), ['cursor', 'hasNext', 'limit', 'offset', 'total']);
    assert.equal(first.body.pagination.hasNext, true);
    const orders = await call('GET', `/api/v3/tradeOrder/list?limit=1&cursor=${first.body.pagination.cursor}`);
    assert.equal(orders.body.pagination.offset, 1);
    assert.equal((await call('GET', '/api/v3/tradingAccount/list')).body.pagination.limit, 50, 'the contract default');
  });
});

describe('REST workflows', () => {
  test('a credential made without an account is attached by connect; rotate keeps its type; verify answers its accounts', async () => {
    const cred = await call('POST', '/api/v3/credential/create', { body: { venue: 'BINANCE', credentialType: 'HMAC', apiKey: 'good-key-0001', apiSecret: 's3cret' } });
    assert.equal(cred.status, 200, JSON.stringify(cred.body));
    assert.equal(cred.body.data.status, 'CREATED');
    assert.equal('apiKey' in cred.body.data, false, 'the REST model carries no key');
    const account = await call('POST', '/api/v3/tradingAccount/connect', { body: { venue: 'BINANCE', externalTradingAccountId: 'spot-1', credentialIds: [cred.body.data.credentialId] } });
    assert.equal(account.status, 200, JSON.stringify(account.body));
    assert.equal(account.body.data.externalTradingAccountId, 'spot-1');
    assert.deepEqual(account.body.data.credentials.map((c: any) => c.credentialId), [cred.body.data.credentialId]);
    const rotated = await call('POST', '/api/v3/credential/rotate', { body: { credentialId: cred.body.data.credentialId, apiKey: 'good-key-0002', apiSecret: 'n3w' } });
    assert.equal(rotated.body.data.credentialType, 'HMAC');
    const verified = await call('POST', '/api/v3/credential/verify', { body: { credentialIds: [cred.body.data.credentialId] } });
    assert.deepEqual(verified.body.data.map((a: any) => a.tradingAccountId), [account.body.data.tradingAccountId]);
  });
});

describe('onError', () => {
  test('an unexpected exception is the 10500 envelope and one structured log line with the request id', async () => {
    const lines: Array<{ obj: any; msg?: string }> = [];
    const broken: RpcDispatcher = { methods: new Set(), dispatch: async () => { throw new Error('boom at /secret/path'); } };
    const failing = apiV3Routes({ rpc: broken, verifier, log: { error: (obj, msg) => void lines.push({ obj, msg }) } });
    const r = await call('GET', '/api/v3/market/venue/list', { on: failing });
    assert.equal(r.status, 500);
    assert.deepEqual({ errno: r.body.errno, error: r.body.error, code: r.body.details.code }, { errno: 10500, error: 'internal error', code: 'INTERNAL_ERROR' });
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.obj.requestId, r.body.details.request_id);
    assert.equal(lines[0]!.obj.err.message, 'boom at /secret/path');
    assert.equal(r.headers.get('x-request-id'), r.body.details.request_id);
  });

  test('admins reach the admin operations', async () => {
    const r = await call('POST', '/api/v3/market/instrument/disable', { token: 'admin', body: { instrumentId: 'PAPER:BTC/USDT' } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.data.status, 'DISABLED');
  });
});
