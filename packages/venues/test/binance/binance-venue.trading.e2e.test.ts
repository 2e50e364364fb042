import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { VenueAccount, VenueOrder, VenueOrderList } from '@cadenza/domain';
import { startFakeBinanceServer, type FakeBinanceServer } from '@cadenza/testkit/venue-fakes/binance';
import { connectVenue, type Harness } from './venue-harness.ts';
import type { OrderEvent } from '../../src/binance/order-tracker.ts';

const HMAC_KEY = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
const HMAC_SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
const ed = generateKeyPairSync('ed25519');
const ED_KEY = 'ed25519-test-key';

const hmacAccount: VenueAccount = { tradingAccountId: 'acc-hmac', credential: { credentialType: 'HMAC', apiKey: HMAC_KEY, secretKey: HMAC_SECRET } };
const edAccount: VenueAccount = {
  tradingAccountId: 'acc-ed',
  credential: { credentialType: 'ED25519', apiKey: ED_KEY, secretKey: ed.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
};

let seq = 0;
function order(patch: Partial<VenueOrder> = {}, account: VenueAccount = hmacAccount): VenueOrder {
  seq++;
  return {
    tradeOrderId: `t-${seq}`,
    clientOrderId: `c-${seq}`,
    tradingAccountId: account.tradingAccountId,
    instrumentId: 'BINANCE:BTC/USDT',
    symbol: 'BTC/USDT',
    side: 'BUY',
    orderType: 'LIMIT',
    timeInForce: 'GTC',
    quantityType: 'BASE',
    quantity: '0.01',
    limitPrice: '60000.00',
    ...patch,
  };
}

const of = (h: Harness, tradeOrderId: string) => h.rec.executions.filter((e): e is OrderEvent => 'tradeOrderId' in e && e.tradeOrderId === tradeOrderId);
const types = (h: Harness, id: string) => of(h, id).map((e) => e.type);

describe('BinanceVenue trading against the fake Binance', () => {
  let fake: FakeBinanceServer;
  let h: Harness;
  before(async () => {
    fake = await startFakeBinanceServer({
      keys: {
        [HMAC_KEY]: { secret: HMAC_SECRET, balances: { USDT: '100000', BTC: '1' } },
        [ED_KEY]: { ed25519PublicKeyPem: ed.publicKey.export({ type: 'spki', format: 'pem' }).toString(), balances: { USDT: '5000' } },
      },
    });
    fake.setBook('BTCUSDT', { bids: [['64000.00', '2']], asks: [['64010.00', '2']] });
    h = connectVenue(fake);
    await h.venue.start();
  });
  after(async () => {
    await h.venue.stop();
    await fake.close();
  });

  test('capabilities: Binance keeps the ledger and needs a credential', () => {
    assert.deepEqual(h.venue.capabilities, { ledger: 'venue', requiresCredential: true, marketData: true, trading: true, orderLists: { types: ['OCO', 'OTO', 'OTOCO'], workingTypes: ['LIMIT', 'LIMIT_MAKER'] } });
  });

  test('a resting LIMIT is accepted once (REST answer and execution report), then a maker fill arrives on the user stream', async () => {
    const o = order();
    await h.venue.submitOrder(o, hmacAccount);
    assert.deepEqual(types(h, o.tradeOrderId), ['accepted']);
    const placed = fake.requests.find((r) => r.method === 'POST' && r.params.get('newClientOrderId') === o.clientOrderId)!;
    assert.equal(placed.params.get('type'), 'LIMIT');
    assert.equal(placed.params.get('newOrderRespType'), 'FULL');
    assert.ok(placed.params.get('signature'));
    assert.ok((h.venue.rest.usage()['order-count-10s'] ?? 0) >= 1, 'X-MBX-ORDER-COUNT-10S is tracked');
    fake.fillResting(HMAC_KEY, o.clientOrderId);
    const fill = await h.until(() => of(h, o.tradeOrderId).find((e) => e.type === 'filled'), 'maker fill');
    assert.ok(fill.type === 'filled');
    assert.equal(fill.liquidity, 'MAKER');
    assert.equal(fill.price, '60000');
    assert.equal(fill.quantity, '0.01');
    assert.equal(fill.feeAsset, 'BTC');
    assert.equal(fill.fee, '0.00001');
    await h.until(() => h.rec.executions.some((e) => e.type === 'balances' && e.tradingAccountId === 'acc-hmac'), 'balance update');
    assert.deepEqual(types(h, o.tradeOrderId), ['accepted', 'filled']);
  });

  test('a MARKET order by quote amount fills at once; each fill is reported once although both channels carry it', async () => {
    const o = order({ orderType: 'MARKET', quantityType: 'QUOTE', quantity: '640.10', limitPrice: undefined });
    const balancesBefore = h.rec.executions.filter((e) => e.type === 'balances').length;
    await h.venue.submitOrder(o, hmacAccount);
    await h.until(() => types(h, o.tradeOrderId).includes('filled'), 'fill');
    // the stream sends NEW, TRADE, then the balance update: once that is in, its duplicates have been seen
    await h.until(() => h.rec.executions.filter((e) => e.type === 'balances').length > balancesBefore, 'stream reports');
    assert.deepEqual(types(h, o.tradeOrderId), ['accepted', 'filled']);
    const placed = fake.requests.find((r) => r.params.get('newClientOrderId') === o.clientOrderId)!;
    assert.equal(placed.params.get('quoteOrderQty'), '640.10');
    const fill = of(h, o.tradeOrderId).find((e) => e.type === 'filled')!;
    assert.ok(fill.type === 'filled' && fill.liquidity === 'TAKER' && fill.price === '64010' && fill.quantity === '0.01');
  });

  test('refusals become rejected events: -2010, -1013 filter failure, LIMIT_MAKER that would take, unsupported type', async () => {
    fake.rejectNextOrder();
    const a = order();
    await h.venue.submitOrder(a, hmacAccount);
    const ra = of(h, a.tradeOrderId)[0]!;
    assert.ok(ra.type === 'rejected' && /-2010/.test(ra.reason) && /insufficient balance/.test(ra.reason));

    const b = order({ quantity: '0.000001' });
    await h.venue.submitOrder(b, hmacAccount);
    const rb = of(h, b.tradeOrderId)[0]!;
    assert.ok(rb.type === 'rejected' && /-1013/.test(rb.reason) && /LOT_SIZE/.test(rb.reason));

    const c = order({ orderType: 'LIMIT_MAKER', limitPrice: '64020.00' });
    await h.venue.submitOrder(c, hmacAccount);
    const rc = of(h, c.tradeOrderId)[0]!;
    assert.ok(rc.type === 'rejected' && /immediately match/.test(rc.reason));

    const sent = fake.requests.length;
    const d = order({ orderType: 'TRAILING_STOP' });
    await h.venue.submitOrder(d, hmacAccount);
    assert.equal(of(h, d.tradeOrderId)[0]!.type, 'rejected');
    assert.equal(fake.requests.length, sent, 'refused locally, nothing sent');

    const e = order({}, { tradingAccountId: 'acc-none' });
    await h.venue.submitOrder(e, { tradingAccountId: 'acc-none' });
    const re = of(h, e.tradeOrderId)[0]!;
    assert.ok(re.type === 'rejected' && /credential/.test(re.reason));
  });

  test('cancel: the order is cancelled once; cancelling an unknown order throws -2011', async () => {
    const o = order({ limitPrice: '59000.00' });
    await h.venue.submitOrder(o, hmacAccount);
    await h.venue.cancelOrder({ tradeOrderId: o.tradeOrderId, clientOrderId: o.clientOrderId, tradingAccountId: o.tradingAccountId, symbol: 'BTC/USDT' }, hmacAccount);
    await h.until(() => types(h, o.tradeOrderId).includes('cancelled'), 'cancelled');
    await h.until(() => fake.accounts.get(HMAC_KEY)!.byClientId(o.clientOrderId)?.status === 'CANCELED' && h.rec.executions.filter((e) => e.type === 'balances').length > 0, 'stream report');
    assert.deepEqual(types(h, o.tradeOrderId), ['accepted', 'cancelled']);
    await assert.rejects(
      h.venue.cancelOrder({ tradeOrderId: 'x', clientOrderId: 'never-placed', tradingAccountId: 'acc-hmac', symbol: 'BTC/USDT' }, hmacAccount),
      (err: Error & { code?: string }) => err.code === '-2011',
    );
  });

  test('clock skew: a -1021 answer resynchronises the server time offset and the request succeeds', async () => {
    fake.clockSkewMs = 30_000;
    try {
      const o = order();
      await h.venue.submitOrder(o, hmacAccount);
      assert.deepEqual(types(h, o.tradeOrderId), ['accepted']);
      assert.ok(Math.abs(h.venue.rest.serverTimeOffsetMs - 30_000) < 2_000);
      assert.ok(fake.requests.some((r) => r.path === '/api/v3/time'));
    } finally {
      fake.clockSkewMs = 0;
      await h.venue.rest.syncTime();
    }
  });

  test('an unknown outcome (5xx) is reconciled by querying the order', async () => {
    fake.failNext({ status: 503 }, '/api/v3/order');
    const o = order();
    await h.venue.submitOrder(o, hmacAccount);
    // The fake failed before placing it, so the query finds nothing: the order is reported as not placed.
    const r = of(h, o.tradeOrderId)[0]!;
    assert.ok(r.type === 'rejected' && /not placed/.test(r.reason));
    assert.ok(fake.requests.some((q) => q.method === 'GET' && q.path === '/api/v3/order' && q.params.get('origClientOrderId') === o.clientOrderId));
  });

  test('418: the venue stops sending until Retry-After; orders meanwhile are rejected without a request', async () => {
    const h2 = connectVenue(fake);
    fake.failNext({ status: 418, retryAfterSeconds: 120 }, '/api/v3/account');
    await assert.rejects(h2.venue.fetchBalances(hmacAccount), (err: Error & { kind?: string }) => err.kind === 'banned');
    const sent = fake.requests.length;
    const o = order();
    await h2.venue.submitOrder(o, hmacAccount);
    const r = of(h2, o.tradeOrderId)[0]!;
    assert.ok(r.type === 'rejected' && /banned/.test(r.reason));
    assert.equal(fake.requests.length, sent);
    assert.ok(h2.rec.warnings.some((w) => /banned/.test(w.msg ?? '')));
    await h2.venue.stop();
  });

  test('without the user data stream, orders still go out and their REST answers are reported', async () => {
    const h4 = connectVenue(fake, { wsApiUrl: 'ws://127.0.0.1:1/ws-api/v3' });
    const o = order({ orderType: 'MARKET', quantity: '0.001', limitPrice: undefined });
    await h4.venue.submitOrder(o, hmacAccount);
    assert.deepEqual(types(h4, o.tradeOrderId), ['accepted', 'filled']);
    assert.ok(h4.rec.warnings.some((w) => /user data stream unavailable/.test(w.msg ?? '')));
    await h4.venue.stop();
  });

  test('429 on an order fails fast as rate-limited (no silent delay)', async () => {
    const h3 = connectVenue(fake);
    fake.failNext({ status: 429, retryAfterSeconds: 30 }, '/api/v3/order');
    const o = order();
    await h3.venue.submitOrder(o, hmacAccount);
    const r = of(h3, o.tradeOrderId)[0]!;
    assert.ok(r.type === 'rejected' && /-1003|429/.test(r.reason));
    assert.ok(h3.venue.rest.blockedForMs() > 20_000);
    await h3.venue.stop();
  });

  test('Ed25519 keys: verifyCredential, balances and an order with its user stream', async () => {
    assert.deepEqual(await h.venue.verifyCredential(edAccount.credential!), { valid: true });
    const bad = await h.venue.verifyCredential({ credentialType: 'HMAC', apiKey: 'nope', secretKey: 'x' });
    assert.equal(bad.valid, false);
    assert.match(bad.reason ?? '', /-2015/);
    const balances = await h.venue.fetchBalances(edAccount);
    assert.deepEqual(balances, [{ asset: 'USDT', free: '5000', locked: '0' }]);
    await h.until(() => fake.userSubscriptionCount(ED_KEY) === 1, 'the user data stream starts when balances are fetched (account connect)');
    const o = order({ limitPrice: '50000.00', quantity: '0.05' }, edAccount);
    await h.venue.submitOrder(o, edAccount);
    assert.deepEqual(types(h, o.tradeOrderId), ['accepted']);
    fake.fillResting(ED_KEY, o.clientOrderId, '0.02');
    const fill = await h.until(() => of(h, o.tradeOrderId).find((e) => e.type === 'filled'), 'partial maker fill via the user stream');
    assert.ok(fill.type === 'filled' && fill.quantity === '0.02');
  });

  test('after a user-stream outage the venue reports resync; queryOrder then answers the missed fill, which is not reported twice', async () => {
    const o = order({ limitPrice: '55000.00' });
    await h.venue.submitOrder(o, hmacAccount);
    await h.until(() => fake.userSubscriptionCount(HMAC_KEY) === 1, 'subscribed');
    const resyncsBefore = h.rec.executions.filter((e) => e.type === 'resync').length;
    fake.disconnectUserStreams();
    fake.fillResting(HMAC_KEY, o.clientOrderId, '0.004'); // nobody is listening: the report is lost
    const resync = await h.until(() => h.rec.executions.filter((e) => e.type === 'resync')[resyncsBefore], 'resync after resubscribing');
    assert.equal(resync.tradingAccountId, 'acc-hmac');
    assert.deepEqual(types(h, o.tradeOrderId), ['accepted'], 'the venue itself books nothing: the domain reconciles');
    const state = await h.venue.queryOrder({ tradeOrderId: o.tradeOrderId, clientOrderId: o.clientOrderId, tradingAccountId: o.tradingAccountId, symbol: 'BTC/USDT' }, hmacAccount);
    assert.equal(state?.status, 'OPEN');
    assert.equal(state?.executedQuantity, '0.004');
    assert.deepEqual(state?.fills.map((f) => [f.quantity, f.price, f.liquidity, f.feeAsset, f.fee]), [['0.004', '55000', 'MAKER', 'BTC', '0.000004']]);
    assert.ok(fake.requests.some((r) => r.path === '/api/v3/myTrades' && r.params.get('orderId') === state?.externalOrderId));
    fake.fillResting(HMAC_KEY, o.clientOrderId);
    await h.until(() => of(h, o.tradeOrderId).filter((e) => e.type === 'filled').length === 1, 'the rest, live');
    const live = of(h, o.tradeOrderId).find((e) => e.type === 'filled');
    assert.ok(live?.type === 'filled' && live.quantity === '0.006', 'only the new fill is reported live');
  });

  test('queryOrder adopts an order placed before a restart: state, fills and later live reports', async () => {
    const o = order({ limitPrice: '56000.00', quantity: '0.01' });
    await h.venue.submitOrder(o, hmacAccount);
    fake.fillResting(HMAC_KEY, o.clientOrderId, '0.002');
    fake.fillResting(HMAC_KEY, o.clientOrderId, '0.003');
    // A fresh venue (a restarted Cadenza) knows nothing of the order.
    const h2 = connectVenue(fake);
    try {
      const placed = fake.accounts.get(HMAC_KEY)!.byClientId(o.clientOrderId)!;
      const query = { tradeOrderId: o.tradeOrderId, clientOrderId: o.clientOrderId, externalOrderId: String(placed.orderId), tradingAccountId: o.tradingAccountId, symbol: 'BTC/USDT' };
      const state = await h2.venue.queryOrder(query, hmacAccount);
      assert.equal(state?.status, 'OPEN');
      assert.equal(state?.externalOrderId, String(placed.orderId));
      assert.equal(state?.executedQuantity, '0.005');
      assert.equal(state?.executedCost, '280');
      assert.deepEqual(state?.fills.map((f) => f.quantity), ['0.002', '0.003']);
      const sent = fake.requests.filter((r) => r.method === 'GET' && r.path === '/api/v3/order').at(-1)!;
      assert.equal(sent.params.get('orderId'), String(placed.orderId), 'the known Binance order id is sent too');
      assert.equal(sent.params.get('origClientOrderId'), o.clientOrderId);
      await h2.until(() => fake.userSubscriptionCount(HMAC_KEY) >= 2, 'the account subscribed by the fresh venue');
      fake.fillResting(HMAC_KEY, o.clientOrderId);
      const fill = await h2.until(() => of(h2, o.tradeOrderId).find((e) => e.type === 'filled'), 'a live fill of the adopted order');
      assert.ok(fill.type === 'filled' && fill.quantity === '0.005');
      assert.deepEqual(types(h2, o.tradeOrderId), ['filled'], 'nothing the query answered is reported again');

      const done = await h2.venue.queryOrder(query, hmacAccount);
      assert.equal(done?.status, 'FILLED');
      assert.equal(done?.fills.length, 3);
    } finally {
      await h2.venue.stop();
    }
  });

  test('queryOrder: an order cancelled on Binance after a partial fill; an unknown order is undefined; a 5xx throws for a retry', async () => {
    const o = order({ limitPrice: '54000.00', quantity: '0.01' });
    await h.venue.submitOrder(o, hmacAccount);
    fake.fillResting(HMAC_KEY, o.clientOrderId, '0.004');
    fake.cancelResting(HMAC_KEY, o.clientOrderId);
    const q = { tradeOrderId: o.tradeOrderId, clientOrderId: o.clientOrderId, tradingAccountId: o.tradingAccountId, symbol: 'BTC/USDT' };
    const state = await h.venue.queryOrder(q, hmacAccount);
    assert.equal(state?.status, 'CANCELLED');
    assert.equal(state?.reason, 'CANCELED');
    assert.deepEqual(state?.fills.map((f) => f.quantity), ['0.004']);
    assert.equal(await h.venue.queryOrder({ ...q, tradeOrderId: 'nope', clientOrderId: 'never-placed' }, hmacAccount), undefined);
    fake.failNext({ status: 503 }, '/api/v3/order');
    await assert.rejects(h.venue.queryOrder(q, hmacAccount), (err: Error & { kind?: string; retryable?: boolean }) => err.kind === 'unknown-outcome' && err.retryable === true);
  });

  test('queryOrder answers from REST when the user data stream is unreachable, trying the stream once per pass rather than per order', async () => {
    const a = order({ limitPrice: '53000.00' });
    const b = order({ limitPrice: '53100.00' });
    await h.venue.submitOrder(a, hmacAccount);
    await h.venue.submitOrder(b, hmacAccount);
    const h5 = connectVenue(fake, { wsApiUrl: 'ws://127.0.0.1:1/ws-api/v3' });
    try {
      const q = (o: VenueOrder) => h5.venue.queryOrder({ tradeOrderId: o.tradeOrderId, clientOrderId: o.clientOrderId, tradingAccountId: o.tradingAccountId, symbol: 'BTC/USDT' }, hmacAccount);
      assert.equal((await q(a))?.status, 'OPEN');
      assert.equal((await q(b))?.status, 'OPEN');
      assert.equal(h5.rec.warnings.filter((w) => /answering from REST only/.test(w.msg ?? '')).length, 1);
    } finally {
      await h5.venue.stop();
    }
  });

  test('queryOrder pages through more than 1000 trades of one order', async () => {
    const o = order({ limitPrice: '50000.00', quantity: '0.02' });
    await h.venue.submitOrder(o, hmacAccount);
    for (let i = 0; i < 1203; i++) fake.fillResting(HMAC_KEY, o.clientOrderId, '0.00001');
    const state = await h.venue.queryOrder({ tradeOrderId: o.tradeOrderId, clientOrderId: o.clientOrderId, tradingAccountId: o.tradingAccountId, symbol: 'BTC/USDT' }, hmacAccount);
    assert.equal(state?.fills.length, 1203);
    assert.equal(new Set(state?.fills.map((f) => f.tradeId)).size, 1203);
    assert.equal(state?.executedQuantity, '0.01203');
    const pages = fake.requests.filter((r) => r.path === '/api/v3/myTrades' && r.params.get('orderId') === state?.externalOrderId);
    const thousandth = state!.fills[999]!.tradeId;
    assert.deepEqual(pages.map((r) => r.params.get('fromId')), [null, '0', String(Number(thousandth) + 1)], 'a full first page restarts from the oldest trade, then pages on');
  });

  // Order lists on Binance's own endpoints (http/order-list-params.ts); the fake checks each request as Binance does.
  const leg = (role: VenueOrderList['legs'][number]['role'], patch: Partial<VenueOrder>) => ({ ...order(patch), role });
  const list = (contingencyType: VenueOrderList['contingencyType'], legs: VenueOrderList['legs']): VenueOrderList => ({
    orderListId: `0193aaaa-bbbb-7ccc-8ddd-${String(++seq).padStart(12, '0')}`, contingencyType, tradingAccountId: hmacAccount.tradingAccountId, symbol: 'BTC/USDT', legs,
  });

  test('an OCO goes to POST /api/v3/orderList/oco, both legs work; the take-profit fills and the stop-loss expires, each leg reported once with the list id', async () => {
    const tp = leg('TAKE_PROFIT', { side: 'SELL', orderType: 'LIMIT', limitPrice: '66000.00', quantity: '0.01' });
    const sl = leg('STOP_LOSS', { side: 'SELL', orderType: 'STOP_LOSS', limitPrice: undefined, stopPrice: '62000.00', quantity: '0.01' });
    const oco = list('OCO', [tp, sl]);
    await h.venue.submitOrderList!(oco, hmacAccount);
    const sent = fake.requests.find((r) => r.path === '/api/v3/orderList/oco')!;
    assert.ok(sent.params.get('signature'), 'signed');
    assert.deepEqual(
      Object.fromEntries([...sent.params].filter(([k]) => !['timestamp', 'recvWindow', 'signature'].includes(k))),
      { symbol: 'BTCUSDT', listClientOrderId: oco.orderListId.replace(/-/g, ''), side: 'SELL', quantity: '0.01', aboveType: 'LIMIT_MAKER', abovePrice: '66000.00', aboveClientOrderId: tp.clientOrderId, belowType: 'STOP_LOSS', belowStopPrice: '62000.00', belowClientOrderId: sl.clientOrderId, newOrderRespType: 'FULL' },
    );
    assert.deepEqual([types(h, tp.tradeOrderId), types(h, sl.tradeOrderId)], [['accepted'], ['accepted']]);
    const listId = (of(h, tp.tradeOrderId)[0] as { externalOrderListId?: string }).externalOrderListId;
    assert.ok(listId && listId === (of(h, sl.tradeOrderId)[0] as { externalOrderListId?: string }).externalOrderListId, 'both legs carry the list id');

    fake.fillResting(HMAC_KEY, tp.clientOrderId);
    await h.until(() => types(h, sl.tradeOrderId).includes('expired') || undefined, 'the stop-loss expires');
    assert.deepEqual(types(h, tp.tradeOrderId), ['accepted', 'filled']);
    assert.deepEqual(types(h, sl.tradeOrderId), ['accepted', 'expired']);
    assert.equal(fake.accounts.get(HMAC_KEY)!.byClientId(sl.clientOrderId)!.status, 'EXPIRED');
  });

  test('an OTOCO goes to /api/v3/orderList/otoco: the exits wait (not reported) until the entry fills, then work; cancelling one cancels the list', async () => {
    const entry = leg('ENTRY', { side: 'BUY', orderType: 'LIMIT', limitPrice: '63000.00', quantity: '0.01' });
    const tp = leg('TAKE_PROFIT', { side: 'SELL', orderType: 'LIMIT', limitPrice: '65000.00', quantity: '0.01' });
    const sl = leg('STOP_LOSS', { side: 'SELL', orderType: 'STOP_LOSS_LIMIT', limitPrice: '61900.00', stopPrice: '62000.00', quantity: '0.01' });
    await h.venue.submitOrderList!(list('OTOCO', [entry, tp, sl]), hmacAccount);
    const sent = fake.requests.filter((r) => r.path === '/api/v3/orderList/otoco').at(-1)!;
    const p = Object.fromEntries(sent.params);
    assert.deepEqual(
      [p.workingType, p.workingSide, p.workingPrice, p.workingTimeInForce, p.pendingSide, p.pendingQuantity, p.pendingAboveType, p.pendingAbovePrice, p.pendingBelowType, p.pendingBelowStopPrice, p.pendingBelowPrice, p.pendingBelowTimeInForce],
      ['LIMIT', 'BUY', '63000.00', 'GTC', 'SELL', '0.01', 'LIMIT_MAKER', '65000.00', 'STOP_LOSS_LIMIT', '62000.00', '61900.00', 'GTC'],
    );
    assert.deepEqual([types(h, entry.tradeOrderId), types(h, tp.tradeOrderId), types(h, sl.tradeOrderId)], [['accepted'], [], []], 'the exits are PENDING_NEW at Binance: not working yet');
    fake.fillResting(HMAC_KEY, entry.clientOrderId);
    await h.until(() => (types(h, tp.tradeOrderId).includes('accepted') && types(h, sl.tradeOrderId).includes('accepted')) || undefined, 'the exits work once the entry filled');
    assert.deepEqual(types(h, entry.tradeOrderId), ['accepted', 'filled']);
    await h.venue.cancelOrder({ tradeOrderId: sl.tradeOrderId, clientOrderId: sl.clientOrderId, tradingAccountId: hmacAccount.tradingAccountId, symbol: 'BTC/USDT' }, hmacAccount);
    await h.until(() => types(h, tp.tradeOrderId).includes('cancelled') || undefined, 'the take-profit goes with the list');
    assert.deepEqual(types(h, sl.tradeOrderId), ['accepted', 'cancelled']);
  });

  test('the fake refuses lists as Binance does, and every leg is reported rejected with its words', async () => {
    // SELL OCO with the take-profit under the market: the prices are on the wrong sides.
    const tp = leg('TAKE_PROFIT', { side: 'SELL', orderType: 'LIMIT', limitPrice: '63000.00', quantity: '0.01' });
    const sl = leg('STOP_LOSS', { side: 'SELL', orderType: 'STOP_LOSS', limitPrice: undefined, stopPrice: '62000.00', quantity: '0.01' });
    await h.venue.submitOrderList!(list('OCO', [tp, sl]), hmacAccount);
    for (const l of [tp, sl]) {
      const e = of(h, l.tradeOrderId);
      assert.deepEqual(e.map((x) => x.type), ['rejected']);
      assert.match((e[0] as { reason: string }).reason, /relationship of the prices/);
    }
    // A MARKET entry cannot be an OTO's working order.
    const entry = leg('ENTRY', { side: 'BUY', orderType: 'MARKET', limitPrice: undefined, quantity: '0.01' });
    const exit = leg('TAKE_PROFIT', { side: 'SELL', orderType: 'LIMIT', limitPrice: '65000.00', quantity: '0.01' });
    await h.venue.submitOrderList!(list('OTO', [entry, exit]), hmacAccount);
    assert.match((of(h, entry.tradeOrderId)[0] as { reason: string }).reason, /LIMIT or LIMIT_MAKER/);
    // Straight at the fake: a mandatory parameter missing, one sent that the type does not take, a wrong pair.
    const post = async (path: string, params: Record<string, string>) => {
      const { createHmac } = await import('node:crypto');
      const q = new URLSearchParams({ ...params, timestamp: String(fake.serverTime()) }).toString();
      const res = await fetch(`${fake.restBaseUrl}${path}?${q}&signature=${createHmac('sha256', HMAC_SECRET).update(q).digest('hex')}`, { method: 'POST', headers: { 'x-mbx-apikey': HMAC_KEY } });
      return (await res.json()) as { code: number; msg: string };
    };
    const oco = { symbol: 'BTCUSDT', side: 'SELL', quantity: '0.01', aboveType: 'LIMIT_MAKER', abovePrice: '66000.00', belowType: 'STOP_LOSS', belowStopPrice: '62000.00' };
    assert.equal((await post('/api/v3/orderList/oco', { ...oco, abovePrice: '' })).code, -1102);
    assert.equal((await post('/api/v3/orderList/oco', { ...oco, aboveTimeInForce: 'GTC' })).code, -1106);
    assert.equal((await post('/api/v3/orderList/oco', { ...oco, belowType: 'TAKE_PROFIT', belowStopPrice: '62000.00' })).code, -1014);
    const otoco = { symbol: 'BTCUSDT', workingType: 'LIMIT', workingSide: 'BUY', workingPrice: '63000.00', workingQuantity: '0.01', workingTimeInForce: 'GTC', pendingSide: 'SELL', pendingQuantity: '0.01', pendingAboveType: 'LIMIT_MAKER', pendingAbovePrice: '65000.00', pendingBelowType: 'STOP_LOSS', pendingBelowStopPrice: '64000.00' };
    assert.equal((await post('/api/v3/orderList/otoco', otoco)).code, -2010, 'the stop above the entry price');
    const placed = await post('/api/v3/orderList/oco', oco);
    assert.ok('orderListId' in placed, `a good OCO is placed: ${JSON.stringify(placed)}`);
  });

  test('the user stream resubscribes after its connection drops', async () => {
    const o = order({ limitPrice: '58000.00' });
    await h.venue.submitOrder(o, hmacAccount);
    await h.until(() => fake.userSubscriptionCount(HMAC_KEY) === 1, 'subscribed');
    const resyncs = h.rec.executions.filter((e) => e.type === 'resync').length;
    fake.disconnectUserStreams();
    // The drop and the resubscription can both happen between two looks at the fake; the venue's resync says it did.
    await h.until(() => h.rec.executions.filter((e) => e.type === 'resync').length > resyncs, 'resubscribed by the venue on its own');
    assert.equal(fake.userSubscriptionCount(HMAC_KEY), 1);
    fake.fillResting(HMAC_KEY, o.clientOrderId);
    await h.until(() => types(h, o.tradeOrderId).includes('filled'), 'fill of an order placed before the drop');
    const o2 = order({ limitPrice: '57000.00' });
    await h.venue.submitOrder(o2, hmacAccount);
    fake.fillResting(HMAC_KEY, o2.clientOrderId);
    await h.until(() => types(h, o2.tradeOrderId).includes('filled'), 'fill after resubscribe');
  });
});
