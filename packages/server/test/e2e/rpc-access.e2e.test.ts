/**
 * Authorization through the real server: one user never sees another's accounts, orders, portfolios,
 * credentials or subscriptions, nor subscribes to their channels; service methods need the admin role.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { harness, type Harness } from './rpc-harness.ts';

const h: Harness = await harness();
const alice = await h.user('alice');
const bob = await h.user('bob');
const root = await h.user('root', { admin: true });

const acct = (await alice.ok('command.trading_account.create', { tradingAccount: { venue: 'PAPER' } })).tradingAccountId;
const order = await alice.ok('command.trade_order.submit', { tradingAccountId: acct, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '1000' } });
const cred = await alice.ok('command.credential.create', { tradingAccountId: acct, venue: 'PAPER', credentialType: 'API_KEY', apiKey: 'alice-key-123456789', secretKey: 'alice-secret' });
await alice.ok('command.subscription.create', { venue: 'PAPER', instruments: ['PAPER:ETH/USDT'], subscriptionType: 'MARKET.SUBSCRIPTION.TICKER' });

test("another user's ids answer not found, lists are empty, and nothing of alice's leaks", async () => {
  const cases: Array<[string, object, number]> = [
    ['query.portfolio.get', { tradingAccountId: acct }, 12001],
    ['query.trade_order.get', { tradeOrderId: order.tradeOrderId }, 11001],
    ['query.trade_order.get', { tradingAccountId: acct, clientOrderId: order.clientOrderId }, 12001],
    ['command.trade_order.cancel', { tradingAccountId: acct, tradeOrderId: order.tradeOrderId }, 12001],
    ['command.trading_account.update', { tradingAccount: { tradingAccountId: acct, nickname: 'mine now' } }, 12001],
    ['command.trading_account.delete', { tradingAccountId: acct }, 12001],
    ['query.trading_account.operation.list', { tradingAccountId: acct }, 12001],
    ['command.trading_account.subscribe', { tradingAccount: { tradingAccountId: acct }, subscriptionType: 'TRADING_ACCOUNT.SUBSCRIPTION.USER_DATA' }, 12001],
    ['command.credential.revoke', { credentialId: cred.credentialId }, 13001],
    ['command.credential.rotate', { credentialId: cred.credentialId, credentialType: 'API_KEY', apiKey: 'x', secretKey: 'y' }, 13001],
    ['command.credential.create', { tradingAccountId: acct, venue: 'PAPER', credentialType: 'API_KEY', apiKey: 'x', secretKey: 'y' }, 12001],
  ];
  for (const [m, p, code] of cases) assert.equal((await bob.rpc(m, p)).error?.code, code, m);
  for (const m of ['query.trading_account.list', 'query.trade_order.list', 'query.portfolio.list', 'query.credential.list', 'query.subscription.list']) {
    assert.deepEqual((await bob.rpc(m, {})).data, [], m);
  }
  assert.equal((await alice.ok('query.trade_order.get', { tradeOrderId: order.tradeOrderId })).status, 'ACCEPTED', 'nothing bob did changed it');
});

test("channels: bob cannot subscribe to alice's account or user channel (103); market channels are open", async () => {
  await assert.rejects(bob.subscribe(`tradingAccount:${acct}`), (e: { code: number }) => e.code === 103);
  await assert.rejects(bob.subscribe(`user:${alice.userId}`), (e: { code: number }) => e.code === 103);
  const own = await alice.subscribe(`tradingAccount:${acct}`);
  assert.deepEqual(own.publications, []);
  const book = await bob.subscribe('market:orderbook:PAPER:BTC/USDT');
  assert.equal((book.data as { updateType: string }).updateType, 'SNAPSHOT');
});

test('credentials never come back unmasked', async () => {
  const listed = await alice.ok('query.credential.list', {});
  const text = JSON.stringify(listed);
  assert.ok(!text.includes('alice-secret') && !text.includes('alice-key-123456789'));
  assert.equal(listed[0].apiKey, 'alic…6789');
  assert.equal(listed[0].withSecret, false);
  const verified = await alice.ok('command.credential.verify', { credentialIds: [cred.credentialId] });
  assert.deepEqual(verified.tradingAccounts.map((a: any) => a.tradingAccountId), [acct]);
});

test('service methods need the admin role: 103 for users, served for admins, who can read everything', async () => {
  for (const [m, p] of [
    ['command.instrument.disable', { instrumentId: 'PAPER:ETH/USDT' }],
    ['command.instrument.sync', { venue: 'PAPER' }],
    ['command.portfolio.save', { portfolio: { tradingAccountId: acct } }],
    ['command.trade_order.save', { tradeOrder: { tradeOrderId: order.tradeOrderId } }],
  ] as const) {
    await assert.rejects(alice.centrifuge.rpc(m, p), (e: { code: number }) => e.code === 103, m);
  }
  assert.equal((await root.ok('command.instrument.disable', { instrumentId: 'PAPER:ETH/USDT' })).status, 'DISABLED');
  const refused = await alice.rpc('command.trade_order.submit', { tradingAccountId: acct, tradeOrder: { instrumentId: 'PAPER:ETH/USDT', orderSide: 'BUY', quantity: '0.1' } });
  assert.equal(refused.error?.code, 15002);
  assert.equal((await root.ok('command.instrument.enable', { instrumentId: 'PAPER:ETH/USDT' })).status, 'ACTIVE');
  assert.ok((await root.ok('command.instrument.sync', { venue: 'PAPER' })).total > 0);
  assert.equal((await root.ok('query.portfolio.get', { tradingAccountId: acct })).tradingAccountId, acct);
  const funded = await root.ok('command.portfolio.save', { portfolio: { tradingAccountId: acct, balances: [{ securitySymbol: 'SOL', free: '12.5' }] } });
  assert.equal(funded.balances.find((b: any) => b.securitySymbol === 'SOL').total, '12.5');
});

test('a role granted since connect holds on the live connection from its next refresh (docs/auth.md: "effective on the next token refresh")', async () => {
  const carol = await h.user('carol');
  const auth = async (grant: string, body: object) => {
    const r = await fetch(`${h.server.url}/auth/v1/token?grant_type=${grant}`, { method: 'POST', headers: { 'content-type': 'application/json', apikey: 'anon' }, body: JSON.stringify(body) });
    assert.equal(r.status, 200);
    return (await r.json()) as { access_token: string; refresh_token: string };
  };
  const session = await auth('password', { email: carol.email, password: 'correct-horse-battery-staple' });
  const ws = new WebSocket(h.server.wsUrl);
  const replies = new Map<number, any>();
  const waiters = new Map<number, (r: any) => void>();
  ws.on('message', (m) => {
    for (const line of String(m).split('\n')) {
      const r = JSON.parse(line);
      if (!r.id) continue;
      const w = waiters.get(r.id);
      if (w) w(r);
      else replies.set(r.id, r);
    }
  });
  let next = 0;
  const send = (command: object) => {
    const id = ++next;
    const reply = new Promise<any>((resolve) => (replies.has(id) ? resolve(replies.get(id)) : waiters.set(id, resolve)));
    ws.send(JSON.stringify({ id, ...command }));
    return reply;
  };
  await new Promise((r) => ws.once('open', r));
  try {
    assert.ok((await send({ connect: { token: session.access_token } })).connect);
    const adminOnly = { rpc: { method: 'query.fermata.dealer.list', data: {} } };
    assert.equal((await send(adminOnly)).error?.code, 103);
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'packages/server/src/admin/admin.ts', 'grant-admin', carol.email, '--data-dir', h.dataDir], { cwd: new URL('../../../../', import.meta.url).pathname });
    const refreshed = await auth('refresh_token', { refresh_token: session.refresh_token });
    assert.ok((await send({ refresh: { token: refreshed.access_token } })).refresh);
    const served = await send(adminOnly);
    assert.equal(served.error, undefined, JSON.stringify(served));
    assert.deepEqual(served.rpc.data.data, []);
  } finally {
    ws.close();
  }
});
