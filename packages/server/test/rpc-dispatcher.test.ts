import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rpcWorld, alice, bob, admin } from './rpc-test-world.ts';

describe('RPC dispatcher: the two error layers', () => {
  test('an unknown method is protocol error 104', async () => {
    const w = await rpcWorld();
    assert.deepEqual(await w.rpc.dispatch(alice, 'query.nope.nothing', {}), { protocolError: { code: 104, message: 'method not found' } });
    assert.deepEqual((await w.rpc.dispatch(alice, 'response.trade_order.submit', {})), { protocolError: { code: 104, message: 'method not found' } });
  });

  test('a service method without the admin role is protocol error 103', async () => {
    const w = await rpcWorld();
    for (const m of ['command.instrument.sync', 'command.trade_order.save', 'command.portfolio.save', 'command.security.delete', 'command.instrument.disable']) {
      assert.deepEqual(await w.rpc.dispatch(alice, m, {}), { protocolError: { code: 103, message: 'permission denied' } }, m);
    }
  });

  test('params that are not a JSON object are protocol error 107', async () => {
    const w = await rpcWorld();
    for (const p of ['x', 42, [1], new TextEncoder().encode('{not json')]) {
      assert.deepEqual(await w.rpc.dispatch(alice, 'query.instrument.list', p), { protocolError: { code: 107, message: 'bad request' } });
    }
    const bytes = await w.call(alice, 'query.instrument.list', new TextEncoder().encode('{"venue":"PAPER"}'));
    assert.equal(bytes.data.length, 2, 'JSON bytes are accepted');
  });

  test('schema violations are result error 10001 naming the field', async () => {
    const w = await rpcWorld();
    const r = await w.call(alice, 'command.trade_order.submit', { tradingAccountId: 'not-a-uuid', tradeOrder: {} });
    assert.equal(r.error.code, 10001);
    assert.match(r.error.message, /tradingAccountId must be a valid uuid/);
    const m = await w.call(alice, 'command.trade_order.submit', { tradingAccountId: '00000000-0000-4000-8000-000000000001' });
    assert.match(m.error.message, /tradeOrder is required/);
    const e = await w.call(alice, 'command.subscription.create', { venue: 'PAPER', subscriptionType: 'MARKET.SUBSCRIPTION.NOPE' });
    assert.match(e.error.message, /subscriptionType must be one of/);
    const n = await w.call(alice, 'query.instrument.list', { symbols: ['BTC/USDT', 7] });
    assert.match(n.error.message, /symbols\[1\] must be string/);
  });

  test('unknown fields are ignored', async () => {
    const w = await rpcWorld();
    const r = await w.call(alice, 'command.trading_account.create', { tradingAccount: { venue: 'PAPER', colour: 'blue' }, extra: true });
    assert.equal(r.error, undefined);
    assert.equal(r.data.status, 'ACTIVE');
  });

  test('a method without a schema answers 10002 not supported; RFQ and Fermata take the schemas this server decided', async () => {
    const w = await rpcWorld();
    const r = await w.call(alice, 'command.subscription.mc.create', {});
    assert.equal(r.error.code, 10002);
    assert.match(r.error.message, /not supported/);
    const rfq = await w.call(alice, 'command.quote.rfq', {});
    assert.equal(rfq.error.code, 10001);
    assert.match(rfq.error.message, /dealerAccountId/);
    assert.equal((await w.call(alice, 'command.fermata.wallet.create', {})).data.walletType, 'CLIENT');
  });

  test('a domain refusal is a result error with its AABBB code; the caller can carry on', async () => {
    const w = await rpcWorld();
    const r = await w.call(alice, 'query.portfolio.get', { tradingAccountId: '00000000-0000-4000-8000-0000000000ff' });
    assert.deepEqual(r.error, { code: 12001, message: 'trading account 00000000-0000-4000-8000-0000000000ff not found' });
    assert.equal((await w.call(alice, 'query.venue.list')).data.length, 2);
  });

  test('a handler bug is protocol error 100 with no detail', async () => {
    const w = await rpcWorld();
    (w.cadenza.marketData as { tickers: unknown }).tickers = () => {
      throw new TypeError('boom');
    };
    assert.deepEqual(await w.rpc.dispatch(alice, 'query.ticker.list', { venue: 'PAPER' }), { protocolError: { code: 100, message: 'internal server error' } });
  });
});

describe('RPC: authorization — one user never sees another user\'s data', () => {
  test('accounts, orders, portfolios, credentials and subscriptions stay with their owner; admins see all', async () => {
    const w = await rpcWorld();
    const acct = (await w.call(alice, 'command.trading_account.create', { tradingAccount: { venue: 'PAPER' } })).data;
    const id = acct.tradingAccountId;
    const order = (await w.call(alice, 'command.trade_order.submit', { tradingAccountId: id, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '40000' } })).data;
    const bin = (await w.call(alice, 'command.trading_account.create', { tradingAccount: { venue: 'BINANCE' } })).data;
    const cred = (await w.call(alice, 'command.credential.create', { tradingAccountId: bin.tradingAccountId, venue: 'BINANCE', credentialType: 'HMAC', apiKey: 'good-key-123456', secretKey: 's3cret' })).data;
    await w.call(alice, 'command.trading_account.subscribe', { tradingAccount: { tradingAccountId: id }, subscriptionType: 'TRADING_ACCOUNT.SUBSCRIPTION.USER_DATA' });

    const denied = [
      ['query.portfolio.get', { tradingAccountId: id }, 12001],
      ['query.trade_order.get', { tradeOrderId: order.tradeOrderId }, 11001],
      ['query.trade_order.get_by_id', { tradeOrderId: order.tradeOrderId }, 11001],
      ['command.trade_order.cancel', { tradingAccountId: id, tradeOrderId: order.tradeOrderId }, 12001],
      ['command.trade_order.submit', { tradingAccountId: id, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', quantity: '0.01' } }, 12001],
      ['command.trading_account.disable', { tradingAccountId: id }, 12001],
      ['command.trading_account.delete', { tradingAccountId: id }, 12001],
      ['query.trading_account.operation.list', { tradingAccountId: id }, 12001],
      ['query.trading_account.subscription.list', { tradingAccountId: id }, 12001],
      ['command.credential.revoke', { credentialId: cred.credentialId }, 13001],
      ['command.credential.verify', { credentialIds: [cred.credentialId] }, 13001],
    ] as const;
    for (const [m, p, code] of denied) assert.equal((await w.call(bob, m, p)).error?.code, code, m);

    for (const m of ['query.trading_account.list', 'query.trade_order.list', 'query.portfolio.list', 'query.credential.list', 'query.subscription.list']) {
      assert.deepEqual((await w.call(bob, m, {})).data, [], `${m} is empty for bob`);
    }
    assert.equal((await w.call(admin, 'query.trade_order.list', {})).data.length, 1);
    assert.equal((await w.call(admin, 'query.portfolio.get', { tradingAccountId: id })).error, undefined);

    assert.deepEqual(w.cadenza.authorizeChannel(bob, `tradingAccount:${id}`), { allowed: false, reason: 'permission denied' });
    assert.deepEqual(w.cadenza.authorizeChannel(alice, `tradingAccount:${id}`), { allowed: true });
    assert.deepEqual(w.cadenza.authorizeChannel(admin, `tradingAccount:${id}`), { allowed: true });
    assert.deepEqual(w.cadenza.authorizeChannel(bob, `user:${alice.userId}`), { allowed: false, reason: 'permission denied' });
    assert.deepEqual(w.cadenza.authorizeChannel(bob, 'market:orderbook:PAPER:BTC/USDT'), { allowed: true });
    assert.deepEqual(w.cadenza.authorizeChannel(bob, 'market:orderbook:PAPER:DOGE/USDT'), { allowed: false, reason: 'unknown channel' });
    assert.deepEqual(w.cadenza.authorizeChannel(bob, 'market:orderbook:OKX:BTC/USDT'), { allowed: false, reason: 'unknown channel' });
    assert.deepEqual(w.cadenza.authorizeChannel(bob, 'market:kline:PAPER:BTC/USDT:1M'), { allowed: false, reason: 'unknown channel' });
    assert.deepEqual(w.cadenza.authorizeChannel(bob, 'market:ticker:PAPER'), { allowed: true });
    assert.deepEqual(w.cadenza.authorizeChannel({ userId: '', isAdmin: false }, 'market:ticker:PAPER'), { allowed: false, reason: 'permission denied' });
  });
});
