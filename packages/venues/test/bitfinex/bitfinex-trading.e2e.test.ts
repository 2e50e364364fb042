/**
 * Bitfinex trading against the local fake Bitfinex: signed orders (HMAC-SHA384, increasing nonces) verified by the
 * fake, outcomes from the notification and channel 0 (each once; fills with fees from `tu`), cancels, refusals,
 * wallets, credentials, rate limits (a 429 blocks the endpoint for 60 s: refused locally, counted), reconciliation
 * after a dropped account stream, and the unknown outcome of a 5xx.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExecutionEvent, VenueAccount, VenueOrder } from '@cadenza/domain';
import { createBitfinexVenue, type BitfinexVenue } from '@cadenza/venues/bitfinex';
import { startFakeBitfinexServer, type FakeBitfinexServer } from '@cadenza/testkit/venue-fakes/bitfinex';
import { harness, type Harness } from '@cadenza/testkit/venue-fakes/shared';
import { cidFor } from '@cadenza/venues/bitfinex';

const KEY = 'bfx-test-key';
const account: VenueAccount = { tradingAccountId: 'acct-b', credential: { credentialType: 'HMAC', apiKey: KEY, secretKey: 'bfx-test-secret' } };
let fake: FakeBitfinexServer;
let h: Harness<BitfinexVenue>;
let seq = 0;

before(async () => {
  fake = await startFakeBitfinexServer({ keys: { [KEY]: { secret: 'bfx-test-secret', balances: { USD: '100000', BTC: '2' } } } });
  fake.pushBook('tBTCUSD', { bids: [['64000', '1.5']], asks: [['64001', '0.7']] });
  h = harness((deps) => createBitfinexVenue(deps, { venueId: 'BITFINEX', restBaseUrl: fake.restBaseUrl, wsBaseUrl: fake.wsBaseUrl, reconnectDelayMs: { min: 20, max: 200 } }));
  await h.venue.listInstruments();
});

after(async () => {
  await h.venue.stop();
  await fake.close();
});

function order(fields: Partial<VenueOrder> = {}): VenueOrder {
  seq++;
  return {
    tradeOrderId: `b-${seq}`, clientOrderId: `bfx-order-${seq}`, tradingAccountId: account.tradingAccountId, instrumentId: 'BITFINEX:BTC/USD', symbol: 'BTC/USD',
    side: 'BUY', orderType: 'LIMIT', timeInForce: 'GTC', quantityType: 'BASE', quantity: '0.01', limitPrice: '60000', ...fields,
  };
}

const eventsOf = (id: string) => h.rec.executions.filter((e): e is Exclude<ExecutionEvent, { type: 'balances' | 'resync' }> => 'tradeOrderId' in e && e.tradeOrderId === id);
const reasonOf = (id: string) => (eventsOf(id)[0] as { reason?: string }).reason ?? '';

describe('Bitfinex trading', () => {
  test('wallets come from auth/r/wallets, signed; the account stream authenticates', async () => {
    const balances = await h.venue.fetchBalances(account);
    assert.deepEqual(balances.find((b) => b.asset === 'USD'), { asset: 'USD', free: '100000', locked: '0' });
    assert.equal(fake.requests.find((r) => r.path === 'auth/r/wallets')!.apiKey, KEY);
    await h.until(() => fake.authenticated(KEY) === 1, 'the authenticated socket');
  });

  test('a resting LIMIT order is accepted; fills arrive on channel 0 with their fees, once', async () => {
    const o = order();
    await h.venue.submitOrder(o, account);
    assert.deepEqual(eventsOf(o.tradeOrderId).map((e) => e.type), ['accepted']);
    const sent = fake.requests.find((r) => r.path === 'auth/w/order/submit')!;
    assert.deepEqual(sent.body, { symbol: 'tBTCUSD', amount: '0.01', cid: cidFor(o.clientOrderId), type: 'EXCHANGE LIMIT', price: '60000' });
    fake.fillResting(KEY, cidFor(o.clientOrderId), '0.004');
    fake.fillResting(KEY, cidFor(o.clientOrderId));
    await h.until(() => eventsOf(o.tradeOrderId).filter((e) => e.type === 'filled').length === 2, 'two fills');
    const fills = eventsOf(o.tradeOrderId).filter((e): e is Extract<ExecutionEvent, { type: 'filled' }> => e.type === 'filled');
    assert.deepEqual(fills.map((f) => [f.quantity, f.price, f.liquidity, f.fee, f.feeAsset]), [['0.004', '60000', 'MAKER', '0.000004', 'BTC'], ['0.006', '60000', 'MAKER', '0.000006', 'BTC']]);
    await h.until(() => h.rec.executions.some((e) => e.type === 'balances'), 'wallet updates');
  });

  test('a SELL MARKET fills at once; a cancel is confirmed; a second cancel is refused', async () => {
    const m = order({ side: 'SELL', orderType: 'MARKET', timeInForce: 'IOC', quantity: '0.001' });
    delete (m as Partial<VenueOrder>).limitPrice;
    await h.venue.submitOrder(m, account);
    await h.until(() => eventsOf(m.tradeOrderId).some((e) => e.type === 'filled'), 'the market fill');
    assert.equal(fake.requests.filter((r) => r.path === 'auth/w/order/submit').at(-1)!.body!.amount, '-0.001', 'sells are negative amounts');
    const o = order({ limitPrice: '50000' });
    await h.venue.submitOrder(o, account);
    const req = { tradeOrderId: o.tradeOrderId, clientOrderId: o.clientOrderId, tradingAccountId: o.tradingAccountId, symbol: o.symbol };
    await h.venue.cancelOrder(req, account);
    assert.deepEqual(eventsOf(o.tradeOrderId).map((e) => e.type), ['accepted', 'cancelled']);
    await assert.rejects(h.venue.cancelOrder(req, account), /Order not found/);
  });

  test('refusals: Bitfinex errors, six significant digits, quote quantities are rejected with a reason', async () => {
    fake.refuseNextOrder(10001, 'Invalid order: not enough exchange balance for 10 BTCUSD at 60000');
    const a = order();
    await h.venue.submitOrder(a, account);
    assert.equal(reasonOf(a.tradeOrderId), '10001: Invalid order: not enough exchange balance for 10 BTCUSD at 60000');
    const b = order({ limitPrice: '60000.5' });
    await h.venue.submitOrder(b, account);
    assert.match(reasonOf(b.tradeOrderId), /more than 5 significant digits/);
    const c = order({ orderType: 'MARKET', quantityType: 'QUOTE', quantity: '100' });
    await h.venue.submitOrder(c, account);
    assert.match(reasonOf(c.tradeOrderId), /base quantity/);
  });

  test('a wrong secret is an invalid credential', async () => {
    assert.deepEqual(await h.venue.verifyCredential({ ...account.credential!, secretKey: 'wrong' }), { valid: false, reason: '10100: apikey: invalid' });
    assert.deepEqual(await h.venue.verifyCredential(account.credential!), { valid: true });
  });

  test('a fill while the account stream is down: resync after it comes back; queryOrder books the fill once', async () => {
    const o = order({ limitPrice: '59000' });
    await h.venue.submitOrder(o, account);
    fake.disconnectAuthenticated();
    fake.fillResting(KEY, cidFor(o.clientOrderId), '0.003');
    await h.until(() => h.rec.executions.some((e) => e.type === 'resync'), 'a resync after re-authenticating');
    assert.equal(eventsOf(o.tradeOrderId).filter((e) => e.type === 'filled').length, 0, 'the message was lost');
    const state = await h.venue.queryOrder!({ tradeOrderId: o.tradeOrderId, clientOrderId: o.clientOrderId, tradingAccountId: account.tradingAccountId, symbol: 'BTC/USD' }, account);
    assert.equal(state!.status, 'OPEN');
    assert.equal(state!.executedQuantity, '0.003');
    assert.deepEqual(state!.fills.map((f) => [f.quantity, f.price, f.fee, f.feeAsset]), [['0.003', '59000', '0.000003', 'BTC']]);
    fake.fillResting(KEY, cidFor(o.clientOrderId));
    await h.until(() => eventsOf(o.tradeOrderId).filter((e) => e.type === 'filled').length === 1, 'the live remainder');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(eventsOf(o.tradeOrderId).filter((e) => e.type === 'filled').length, 1, 'the queried fill is not reported again');
    assert.equal(await h.venue.queryOrder!({ tradeOrderId: 'x', clientOrderId: 'never-sent', tradingAccountId: account.tradingAccountId, symbol: 'BTC/USD' }, account), undefined);
  });

  test('a 5xx leaves the outcome unknown: the connector looks the order up by cid', async () => {
    fake.failNext(503, 'auth/w/order/submit');
    const o = order();
    await h.venue.submitOrder(o, account);
    assert.match(reasonOf(o.tradeOrderId), /^not placed: Bitfinex answered HTTP 503/);
    assert.ok(fake.requests.filter((r) => r.path === 'auth/r/orders/hist').length > 0);
  });

  test('rate limits: a 429 blocks the endpoint for 60 s — the order is rejected, the next one is not even sent, both counted', async () => {
    const stats = h.venue.rateLimitStats();
    fake.failNext(429, 'auth/w/order/submit');
    const a = order();
    await h.venue.submitOrder(a, account);
    assert.match(reasonOf(a.tradeOrderId), /11010: ratelimit: error/);
    const sent = fake.requests.length;
    const b = order();
    await h.venue.submitOrder(b, account);
    assert.match(reasonOf(b.tradeOrderId), /rate limit/);
    assert.equal(fake.requests.length, sent, 'nothing sent during the block');
    const after = h.venue.rateLimitStats();
    assert.equal(after.rateLimited, stats.rateLimited + 1);
    assert.ok(after.refused > stats.refused);
  });
});
