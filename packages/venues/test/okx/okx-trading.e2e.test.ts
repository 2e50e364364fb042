/**
 * OKX trading against the local fake OKX: signed orders verified by the fake, outcomes from the answer and the
 * private `orders` stream (each once), cancels, refusals, balances, credential checks, rate limits (our own budget
 * keeps under OKX's; a 429 answer backs off and is counted), reconciliation after a dropped private stream, and the
 * demo twin's `x-simulated-trading` header.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExecutionEvent, VenueAccount, VenueOrder } from '@cadenza/domain';
import { createOkxVenue, type OkxVenue } from '@cadenza/venues/okx';
import { startFakeOkxServer, type FakeOkxServer } from '@cadenza/testkit/venue-fakes/okx';
import { harness, type Harness } from '@cadenza/testkit/venue-fakes/shared';

const KEY = 'okx-test-key';
const account: VenueAccount = { tradingAccountId: 'acct-1', credential: { credentialType: 'HMAC', apiKey: KEY, secretKey: 'okx-test-secret', secretPassphrase: 'Pass-phrase1' } };
let fake: FakeOkxServer;
let h: Harness<OkxVenue>;
let seq = 0;

before(async () => {
  fake = await startFakeOkxServer({ keys: { [KEY]: { secret: 'okx-test-secret', passphrase: 'Pass-phrase1', balances: { USDT: '100000', BTC: '2' } } } });
  fake.setBook('BTC-USDT', { bids: [['64000.0', '1.5']], asks: [['64000.5', '0.7']] });
  // Orders may wait up to 10 s for their budget here (2 s by default): the burst test must not depend on machine speed.
  h = harness((deps) => createOkxVenue(deps, { venueId: 'OKX', restBaseUrl: fake.restBaseUrl, wsBaseUrl: fake.wsBaseUrl, reconnectDelayMs: { min: 20, max: 200 }, maxOrderWaitMs: 10_000 }));
  await h.venue.listInstruments();
});

after(async () => {
  await h.venue.stop();
  await fake.close();
});

function order(fields: Partial<VenueOrder> = {}): VenueOrder {
  seq++;
  return {
    tradeOrderId: `t-${seq}`, clientOrderId: `okxc${seq}${'0'.repeat(20)}`, tradingAccountId: account.tradingAccountId, instrumentId: 'OKX:BTC/USDT', symbol: 'BTC/USDT',
    side: 'BUY', orderType: 'LIMIT', timeInForce: 'GTC', quantityType: 'BASE', quantity: '0.01', limitPrice: '60000.0', ...fields,
  };
}

const eventsOf = (tradeOrderId: string) => h.rec.executions.filter((e): e is Exclude<ExecutionEvent, { type: 'balances' | 'resync' }> => 'tradeOrderId' in e && e.tradeOrderId === tradeOrderId);

describe('OKX trading', () => {
  test('balances come from /account/balance, signed with key, passphrase and HMAC-SHA256', async () => {
    const balances = await h.venue.fetchBalances(account);
    assert.deepEqual(balances.find((b) => b.asset === 'USDT'), { asset: 'USDT', free: '100000', locked: '0' });
    const req = fake.requests.find((r) => r.path === '/api/v5/account/balance')!;
    assert.equal(req.apiKey, KEY);
    assert.equal(req.simulated, false, 'live OKX requests carry no demo header');
    await h.until(() => fake.loggedIn(KEY) === 1, 'the private stream logged in and subscribed');
  });

  test('a resting LIMIT order is accepted, fills on the private stream (once), and the fill is final', async () => {
    const o = order();
    await h.venue.submitOrder(o, account);
    assert.deepEqual(eventsOf(o.tradeOrderId).map((e) => e.type), ['accepted']);
    const sent = fake.requests.find((r) => r.path === '/api/v5/trade/order' && r.body?.clOrdId === o.clientOrderId)!;
    assert.deepEqual(sent.body, { instId: 'BTC-USDT', tdMode: 'cash', clOrdId: o.clientOrderId, side: 'buy', ordType: 'limit', px: '60000.0', sz: '0.01' });
    fake.fillResting(KEY, o.clientOrderId, '0.004');
    fake.fillResting(KEY, o.clientOrderId);
    await h.until(() => eventsOf(o.tradeOrderId).filter((e) => e.type === 'filled').length === 2, 'two fills');
    const fills = eventsOf(o.tradeOrderId).filter((e): e is Extract<ExecutionEvent, { type: 'filled' }> => e.type === 'filled');
    assert.deepEqual(fills.map((f) => [f.quantity, f.price, f.liquidity, f.feeAsset, f.final ?? false]), [['0.004', '60000', 'MAKER', 'BTC', false], ['0.006', '60000', 'MAKER', 'BTC', true]]);
    assert.equal(fills[0]!.fee, '0.000004');
    await h.until(() => h.rec.executions.some((e) => e.type === 'balances'), 'a balance push');
  });

  test('a MARKET buy fills at once; a cancel of a resting order is confirmed; a second cancel is refused', async () => {
    const m = order({ orderType: 'MARKET', timeInForce: 'IOC', limitPrice: undefined as never, quantity: '0.001' });
    delete (m as Partial<VenueOrder>).limitPrice;
    await h.venue.submitOrder(m, account);
    await h.until(() => eventsOf(m.tradeOrderId).some((e) => e.type === 'filled' && e.final), 'the market fill');
    assert.equal(fake.requests.find((r) => r.body?.clOrdId === m.clientOrderId)!.body!.tgtCcy, 'base_ccy');

    const o = order({ limitPrice: '50000.0' });
    await h.venue.submitOrder(o, account);
    const req = { tradeOrderId: o.tradeOrderId, clientOrderId: o.clientOrderId, tradingAccountId: o.tradingAccountId, symbol: o.symbol };
    await h.venue.cancelOrder(req, account);
    assert.deepEqual(eventsOf(o.tradeOrderId).map((e) => e.type), ['accepted', 'cancelled']);
    await assert.rejects(h.venue.cancelOrder(req, account), /51401/);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(eventsOf(o.tradeOrderId).filter((e) => e.type === 'cancelled').length, 1, 'the stream push did not repeat it');
  });

  test('refusals: OKX per-item codes, unsupported types and ids are rejected with a reason', async () => {
    fake.refuseNextOrder('51008', 'Order failed. Insufficient USDT balance in account.');
    const a = order();
    await h.venue.submitOrder(a, account);
    assert.deepEqual(eventsOf(a.tradeOrderId).map((e) => [e.type, 'reason' in e ? e.reason : '']), [['rejected', '51008: Order failed. Insufficient USDT balance in account.']]);
    const b = order({ orderType: 'STOP_LOSS', stopPrice: '50000' });
    await h.venue.submitOrder(b, account);
    assert.match((eventsOf(b.tradeOrderId)[0] as { reason: string }).reason, /not supported on OKX spot/);
    const c = order({ clientOrderId: 'has-dashes' });
    await h.venue.submitOrder(c, account);
    assert.match((eventsOf(c.tradeOrderId)[0] as { reason: string }).reason, /letters and digits/);
  });

  test('a wrong passphrase is an invalid credential; a missing one is refused before sending', async () => {
    assert.deepEqual(await h.venue.verifyCredential({ ...account.credential!, secretPassphrase: 'wrong' }), { valid: false, reason: '50105: Request header "OK-ACCESS-PASSPHRASE" incorrect.' });
    const { secretPassphrase: _, ...noPass } = account.credential!;
    assert.equal((await h.venue.verifyCredential(noPass)).valid, false);
    assert.deepEqual(await h.venue.verifyCredential(account.credential!), { valid: true });
  });

  test('rate limits: a burst of 70 orders on one pair stays inside OKX 60 per 2 s (waits, never a 429)', async () => {
    const before = h.venue.rateLimitStats().throttled;
    const answers = fake.rateLimitAnswers;
    const burst = Array.from({ length: 70 }, () => order({ limitPrice: '40000.0', quantity: '0.0001' }));
    await Promise.all(burst.map((o) => h.venue.submitOrder(o, account)));
    assert.equal(fake.rateLimitAnswers, answers, 'OKX never had to refuse');
    assert.ok(h.venue.rateLimitStats().throttled > before, 'some orders waited for their budget');
    assert.ok(burst.every((o) => eventsOf(o.tradeOrderId)[0]?.type === 'accepted'));
  });

  test('rate limits: a 429 answer rejects the order, is counted, and nothing is sent until the back-off passes', async () => {
    const stats = h.venue.rateLimitStats();
    fake.failNext({ status: 429, code: '50011', retryAfterSeconds: 1 }, '/api/v5/trade/order');
    const a = order();
    await h.venue.submitOrder(a, account);
    assert.match((eventsOf(a.tradeOrderId)[0] as { reason: string }).reason, /50011/);
    assert.equal(h.venue.rateLimitStats().rateLimited, stats.rateLimited + 1);
    const sent = fake.requests.length;
    const b = order();
    await h.venue.submitOrder(b, account);
    assert.equal(eventsOf(b.tradeOrderId)[0]!.type, 'rejected', 'refused locally during the back-off');
    assert.equal(fake.requests.length, sent, 'nothing reached OKX');
    assert.ok(h.venue.rateLimitStats().refused > stats.refused);
    await new Promise((r) => setTimeout(r, 1050));
    const c = order();
    await h.venue.submitOrder(c, account);
    assert.equal(eventsOf(c.tradeOrderId)[0]!.type, 'accepted');
  });

  test('a fill while the private stream is down: resync after it returns, and queryOrder books the fill once', async () => {
    const o = order({ limitPrice: '59000.0' });
    await h.venue.submitOrder(o, account);
    fake.disconnectPrivate();
    fake.fillResting(KEY, o.clientOrderId, '0.003');
    await h.until(() => h.rec.executions.some((e) => e.type === 'resync' && e.tradingAccountId === account.tradingAccountId), 'a resync after the reconnect');
    assert.equal(eventsOf(o.tradeOrderId).filter((e) => e.type === 'filled').length, 0, 'the push was lost');
    const state = await h.venue.queryOrder!({ tradeOrderId: o.tradeOrderId, clientOrderId: o.clientOrderId, tradingAccountId: account.tradingAccountId, symbol: 'BTC/USDT' }, account);
    assert.equal(state!.status, 'OPEN');
    assert.equal(state!.executedQuantity, '0.003');
    assert.deepEqual(state!.fills.map((f) => [f.quantity, f.price, f.liquidity]), [['0.003', '59000', 'MAKER']]);
    fake.fillResting(KEY, o.clientOrderId);
    await h.until(() => eventsOf(o.tradeOrderId).some((e) => e.type === 'filled' && e.final), 'the live remainder');
    assert.equal(eventsOf(o.tradeOrderId).filter((e) => e.type === 'filled').length, 1, 'the queried fill is not reported again');
    assert.equal(await h.venue.queryOrder!({ tradeOrderId: 'x', clientOrderId: 'nosuchorder1', tradingAccountId: account.tradingAccountId, symbol: 'BTC/USDT' }, account), undefined);
  });

  test('a 5xx answer leaves the outcome unknown: the connector asks OKX by clOrdId', async () => {
    fake.failNext({ status: 503 }, '/api/v5/trade/order');
    const o = order();
    await h.venue.submitOrder(o, account);
    assert.deepEqual(eventsOf(o.tradeOrderId).map((e) => [e.type, 'reason' in e ? e.reason : '']), [['rejected', `not placed: OKX answered HTTP 503 to POST /api/v5/trade/order; outcome unknown`]]);
    assert.ok(fake.requests.some((r) => r.path === '/api/v5/trade/order' && r.method === 'GET' && r.query.get('clOrdId') === o.clientOrderId));
  });
});

describe('OKX_UAT (demo trading)', () => {
  test('every request carries x-simulated-trading: 1, which the demo host requires', async () => {
    const demo = await startFakeOkxServer({ demo: true, keys: { [KEY]: { secret: 'okx-test-secret', passphrase: 'Pass-phrase1' } } });
    const d = harness((deps) => createOkxVenue(deps, { venueId: 'OKX_UAT', restBaseUrl: demo.restBaseUrl, wsBaseUrl: demo.wsBaseUrl }));
    try {
      assert.equal(d.venue.id, 'OKX_UAT');
      const list = await d.venue.listInstruments();
      assert.equal(list[0]!.instrumentId, 'OKX_UAT:BTC/USDT');
      assert.equal((await d.venue.verifyCredential(account.credential!)).valid, true);
      assert.ok(demo.requests.length >= 2 && demo.requests.every((r) => r.simulated));
    } finally {
      await d.venue.stop();
      await demo.close();
    }
  });
});
