/**
 * The Hyperliquid connector's trading side against the fake Hyperliquid, which recovers the signer of every action:
 * an agent-signed order accepted (and a key nobody approved, or a mainnet signature sent to the testnet, refused as
 * Hyperliquid refuses it), fills on the `userFills` stream each once, reconciliation of a fill made while the
 * connector was gone (a new connector asks `orderStatus` by cloid), and the back-off after a 429.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExecutionEvent, VenueAccount, VenueOrder } from '@cadenza/domain';
import { createHyperliquidVenue, type HyperliquidVenue } from '@cadenza/venues/hyperliquid';
import { addressOfKey, startFakeHyperliquidServer } from '@cadenza/testkit/venue-fakes/hyperliquid';
import { harness } from '@cadenza/testkit/venue-fakes/shared';

const MASTER = '0x0000000000000000000000000000000000ab0001';
const KEY = '0x' + '3'.repeat(64);
const fake = await startFakeHyperliquidServer({ accounts: { [MASTER]: { agents: [addressOfKey(KEY)], usdc: '25000' } } });
fake.setBook('BTC', { bids: [['64000', '1']], asks: [['64010', '0.01'], ['64020', '1']] });
const make = (venueId: 'HYPERLIQUID' | 'HYPERLIQUID_UAT' = 'HYPERLIQUID', rateLimitBackoffMs = 300) =>
  harness((deps) => createHyperliquidVenue(deps, { venueId, restBaseUrl: fake.restBaseUrl, wsBaseUrl: fake.wsBaseUrl, reconnectDelayMs: { min: 20, max: 200 }, rateLimitBackoffMs }));
const h = make();
const stopped: HyperliquidVenue[] = [];
after(async () => {
  await h.venue.stop();
  for (const v of stopped) await v.stop();
  await fake.close();
});
const account: VenueAccount = { tradingAccountId: 'hl-acct', credential: { credentialType: 'API_KEY', apiKey: MASTER, secretKey: KEY } };
let n = 0;
const order = (fields: Partial<VenueOrder>): VenueOrder => {
  n++;
  return { tradeOrderId: `hl-${n}`, clientOrderId: `hlc${n}`, tradingAccountId: 'hl-acct', instrumentId: 'HYPERLIQUID:BTC', symbol: 'BTC', side: 'BUY', orderType: 'LIMIT', timeInForce: 'GTC', quantityType: 'BASE', quantity: '0.001', limitPrice: '60000', ...fields };
};
const of = (rec: { executions: ExecutionEvent[] }, id: string) => rec.executions.filter((e) => 'tradeOrderId' in e && e.tradeOrderId === id);

test('an agent-signed order is verified and accepted; a key nobody approved and a signature for the other network are refused', async () => {
  const o = order({});
  await h.venue.submitOrder(o, account);
  const accepted = await h.until(() => of(h.rec, o.tradeOrderId).find((e) => e.type === 'accepted'), 'the acceptance');
  assert.ok('externalOrderId' in accepted && /^\d+$/.test(accepted.externalOrderId!));
  const sent = fake.trading.actions.at(-1)!;
  assert.deepEqual([sent.signer, sent.user, (sent.action.orders as Array<{ p: string; s: string }>)[0]!.p], [addressOfKey(KEY), MASTER, '60000']);

  const refusedBefore = fake.trading.refusedSignatures;
  const stranger = order({});
  await h.venue.submitOrder(stranger, { tradingAccountId: 'hl-acct', credential: { credentialType: 'API_KEY', apiKey: MASTER, secretKey: '0x' + '9'.repeat(64) } });
  const r = await h.until(() => of(h.rec, stranger.tradeOrderId).find((e) => e.type === 'rejected'), 'the refusal');
  assert.match((r as { reason: string }).reason, /User or API Wallet 0x[0-9a-f]{40} does not exist/);
  assert.ok(!(r as { reason: string }).reason.includes('9'.repeat(20)), 'no key in the reason');

  // The same key, signing for the testnet ("b") against a mainnet fake ("a"): another address is recovered.
  const uat = make('HYPERLIQUID_UAT');
  stopped.push(uat.venue);
  const wrongNet = order({});
  await uat.venue.submitOrder(wrongNet, account);
  await uat.until(() => of(uat.rec, wrongNet.tradeOrderId).some((e) => e.type === 'rejected'), 'the refusal of a testnet signature');
  assert.equal(fake.trading.refusedSignatures, refusedBefore + 2);
});

test('fills arrive on the userFills stream, each once; an IOC remainder expires', async () => {
  const o = order({ orderType: 'MARKET', timeInForce: 'IOC', quantity: '0.02' });
  await h.venue.submitOrder(o, account);
  const fills = () => of(h.rec, o.tradeOrderId).filter((e): e is Extract<ExecutionEvent, { type: 'filled' }> => e.type === 'filled');
  await h.until(() => fills().length === 2, 'two fills (two ask levels)');
  assert.deepEqual(fills().map((f) => [f.price, f.quantity, f.liquidity]), [['64010', '0.01', 'TAKER'], ['64020', '0.01', 'TAKER']]);
  const limit = (fake.trading.actions.at(-1)!.action.orders as Array<{ p: string; t: unknown }>)[0]!;
  assert.deepEqual([limit.p, limit.t], ['67211', { limit: { tif: 'Ioc' } }], 'MARKET = IOC 5 % through the best ask, on the 5-significant-figure grid');

  const rest = order({ timeInForce: 'IOC', limitPrice: '64020', quantity: '2' });
  await h.venue.submitOrder(rest, account);
  await h.until(() => of(h.rec, rest.tradeOrderId).some((e) => e.type === 'expired'), 'the IOC remainder expired');
  assert.equal(of(h.rec, rest.tradeOrderId).filter((e) => e.type === 'filled').length, 1);
});

test('a fill made while the account socket was down arrives with the userFills snapshot after the reconnect, once; the venue says resync', async () => {
  const o = order({ limitPrice: '62000', quantity: '0.001' });
  await h.venue.submitOrder(o, account);
  await h.until(() => of(h.rec, o.tradeOrderId).some((e) => e.type === 'accepted'), 'the acceptance');
  const oid = [...fake.trading.orders.values()].find((x) => x.limitPx === '62000')!.oid;
  const resyncs = h.rec.executions.filter((e) => e.type === 'resync').length;
  fake.dropSockets();
  await h.until(() => !fake.subscriptions().includes(`userFills:${MASTER}`), 'the account socket gone');
  fake.fillResting(MASTER, oid);
  await h.until(() => h.rec.executions.filter((e) => e.type === 'resync').length > resyncs, 'the resync after the reconnect');
  await h.until(() => of(h.rec, o.tradeOrderId).some((e) => e.type === 'filled'), 'the fill from the snapshot');
  await h.until(() => fake.subscriptions().includes(`userFills:${MASTER}`), 'the account stream back');
  fake.dropSockets();
  await h.until(() => h.rec.executions.filter((e) => e.type === 'resync').length > resyncs + 1, 'a second reconnect (the same snapshot again)');
  // A fill pushed now follows that snapshot on the socket: once it is here, the snapshot has been read.
  const marker = order({ limitPrice: '62001', quantity: '0.001' });
  await h.venue.submitOrder(marker, account);
  await h.until(() => of(h.rec, marker.tradeOrderId).some((e) => e.type === 'accepted'), 'the marker accepted');
  fake.fillResting(MASTER, [...fake.trading.orders.values()].find((x) => x.limitPx === '62001')!.oid);
  await h.until(() => of(h.rec, marker.tradeOrderId).some((e) => e.type === 'filled'), 'the marker fill');
  assert.equal(of(h.rec, o.tradeOrderId).filter((e) => e.type === 'filled').length, 1, 'reported once');
});

test('a fill made while the connector was gone is found by a new one (orderStatus by cloid, userFillsByTime), once', async () => {
  const o = order({ limitPrice: '61000', quantity: '0.002' });
  await h.venue.submitOrder(o, account);
  await h.until(() => of(h.rec, o.tradeOrderId).some((e) => e.type === 'accepted'), 'the acceptance');
  await h.venue.stop();
  const oid = [...fake.trading.orders.values()].find((x) => x.limitPx === '61000')!.oid;
  fake.fillResting(MASTER, oid, '0.0005');
  const next = make();
  stopped.push(next.venue);
  const state = await next.venue.queryOrder!({ tradeOrderId: o.tradeOrderId, clientOrderId: o.clientOrderId, tradingAccountId: 'hl-acct', symbol: 'BTC' }, account);
  assert.deepEqual([state?.status, state?.executedQuantity, state?.fills.length, state?.externalOrderId], ['OPEN', '0.0005', 1, String(oid)]);
  fake.fillResting(MASTER, oid);
  await next.until(() => of(next.rec, o.tradeOrderId).some((e) => e.type === 'filled' && e.quantity === '0.0015'), 'the rest, live');
  assert.equal(of(next.rec, o.tradeOrderId).filter((e) => e.type === 'filled').length, 1, 'the reconciled fill is not reported again');
});

test('after a 429 nothing is sent until the back-off passes: orders are refused at once, reads wait', async () => {
  const v = make('HYPERLIQUID', 3000);
  stopped.push(v.venue);
  // The account stream opened first (an order never placed is asked after), so only the action is left to refuse.
  assert.equal(await v.venue.queryOrder!({ tradeOrderId: 'none', clientOrderId: 'hl-never', tradingAccountId: 'hl-acct', symbol: 'BTC' }, account), undefined);
  fake.queue429(1, (path, body) => path === '/info' && body.type === 'spotClearinghouseState');
  await assert.rejects(v.venue.fetchBalances!(account), /429/);
  assert.equal(v.venue.rateLimitStats().rateLimited, 1);
  const calls = fake.calls.length;
  const o = order({});
  await v.venue.submitOrder(o, account);
  const r = await v.until(() => of(v.rec, o.tradeOrderId).find((e) => e.type === 'rejected'), 'the refusal during the back-off');
  assert.match((r as { reason: string }).reason, /rate limit/);
  assert.ok(fake.calls.slice(calls).every((c) => c.path !== '/exchange'), 'no action was sent');
  const balances = await v.venue.fetchBalances!(account);
  assert.deepEqual(balances.find((b) => b.asset === 'USDC'), { asset: 'USDC', free: '50000', locked: '0' });
});

test('positions as Hyperliquid holds them (reported when the account stream opens), spot orders on their own asset; no key in any log line', async () => {
  const v = make();
  stopped.push(v.venue);
  assert.equal(await v.venue.queryOrder!({ tradeOrderId: 'none', clientOrderId: 'hl-never-2', tradingAccountId: 'hl-acct', symbol: 'BTC' }, account), undefined);
  const reported = await v.until(() => v.rec.executions.find((e) => e.type === 'positions' && e.tradingAccountId === 'hl-acct'), 'the positions reported on connecting');
  const positions = await v.venue.fetchPositions(account);
  const bare = (list: readonly object[]) => list.map(({ updatedAt: _, ...p }: { updatedAt?: number }) => p);
  assert.deepEqual(bare('positions' in reported ? reported.positions : []), bare(positions));
  const held = (fake.trading.info({ type: 'clearinghouseState', user: MASTER }) as { assetPositions: Array<{ position: { coin: string; szi: string } }> }).assetPositions;
  assert.deepEqual(positions.map((p) => [p.symbol, p.side, p.quantity, p.settleAsset, p.leverage, p.marginMode]), held.map((a) => [a.position.coin, 'LONG', a.position.szi, 'USDC', 20, 'CROSS']));
  assert.ok(positions.length > 0);

  const spot = order({ symbol: 'PURR/USDC', instrumentId: 'HYPERLIQUID:PURR/USDC', limitPrice: '0.19', quantity: '100' });
  await v.venue.submitOrder(spot, account);
  await v.until(() => of(v.rec, spot.tradeOrderId).some((e) => e.type === 'accepted'), 'the spot order accepted');
  assert.deepEqual((fake.trading.actions.at(-1)!.action.orders as Array<{ a: number; p: string; s: string }>).map((o) => [o.a, o.p, o.s]), [[10_000, '0.19', '100']]);

  for (const rec of [h.rec, v.rec]) assert.ok(!JSON.stringify(rec.warnings).includes(KEY.slice(2, 22)), 'the key is in no log line');
});
