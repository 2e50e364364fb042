/**
 * Deribit trading against the local fake Deribit: `public/auth` with client credentials (and the signed grant,
 * checked by the fake), orders as `private/buy` / `sell` labelled with our client order id, outcomes from the answer
 * and from `user.changes` (each once), cancels, refusals, balances and positions, credit limits (our own pools keep
 * under Deribit's; a too_many_requests answer is counted and refuses orders during the back-off), reconciliation after
 * a dropped account stream and after a restart of the connector.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExecutionEvent, VenueAccount, VenueOrder } from '@cadenza/domain';
import { createDeribitVenue, type DeribitVenue } from '@cadenza/venues/deribit';
import { startFakeDeribitServer, type FakeDeribitServer } from '@cadenza/testkit/venue-fakes/deribit';
import { harness, type Harness } from '@cadenza/testkit/venue-fakes/shared';

const CLIENT = 'deribit-client-id';
const SECRET = 'deribit-client-secret';
const PERP = 'BTC-PERPETUAL';
const account: VenueAccount = { tradingAccountId: 'acct-d1', credential: { credentialType: 'API_KEY', apiKey: CLIENT, secretKey: SECRET } };
let fake: FakeDeribitServer;
let h: Harness<DeribitVenue>;
let seq = 0;

const make = (f: FakeDeribitServer) => (deps: Parameters<Parameters<typeof harness>[0]>[0]) =>
  // Orders may wait up to 10 s for credits here (2 s by default): the burst test must not depend on machine speed.
  createDeribitVenue(deps, { venueId: 'DERIBIT', url: f.restBaseUrl, reconnectDelayMs: { min: 20, max: 200 }, maxOrderWaitMs: 10_000 });

before(async () => {
  fake = await startFakeDeribitServer({ instruments: [{ name: PERP }, { name: 'BTC-25JUN27-60000-C', expiry: Date.UTC(2027, 5, 25, 8), strike: '60000', optionType: 'call' }], keys: { [CLIENT]: { secret: SECRET, balances: { BTC: '2', ETH: '0' } } } });
  fake.setBook(PERP, { bids: [['64000', '5000']], asks: [['64000.5', '700'], ['64001', '2000']] });
  h = harness(make(fake));
  await h.venue.listInstruments();
});

after(async () => {
  await h.venue.stop();
  await fake.close();
});

function order(fields: Partial<VenueOrder> = {}): VenueOrder {
  seq++;
  return {
    tradeOrderId: `t-${seq}`, clientOrderId: `cadenza-${seq}`, tradingAccountId: account.tradingAccountId, instrumentId: 'DERIBIT:BTC-PERPETUAL', symbol: PERP,
    side: 'BUY', orderType: 'LIMIT', timeInForce: 'GTC', quantityType: 'BASE', quantity: '5', limitPrice: '60000', ...fields,
  };
}

const eventsOf = (id: string) => h.rec.executions.filter((e): e is Extract<ExecutionEvent, { tradeOrderId: string }> => 'tradeOrderId' in e && e.tradeOrderId === id);
const query = (o: VenueOrder) => ({ tradeOrderId: o.tradeOrderId, clientOrderId: o.clientOrderId, tradingAccountId: o.tradingAccountId, symbol: o.symbol });
const sent = (method: string) => fake.calls.filter((c) => c.method === method);

describe('Deribit trading', () => {
  test('balances: the account authenticates with client_credentials on its own socket; equity splits into free and margin', async () => {
    const balances = await h.venue.fetchBalances(account);
    assert.deepEqual(balances.find((b) => b.asset === 'BTC'), { asset: 'BTC', free: '2', locked: '0' });
    const auth = sent('public/auth')[0]!;
    assert.deepEqual([auth.params.grant_type, auth.params.client_id, auth.params.client_secret], ['client_credentials', CLIENT, SECRET]);
    assert.ok(sent('private/subscribe').some((c) => JSON.stringify(c.params.channels).includes('user.changes.any.any.raw')), 'subscribed to its changes');
    assert.equal(fake.listening(CLIENT), 1);
    const snapshot = await h.until(() => h.rec.executions.find((e) => e.type === 'positions'), 'the positions snapshot after connecting');
    assert.deepEqual(snapshot.type === 'positions' && [snapshot.tradingAccountId, snapshot.positions], [account.tradingAccountId, []]);
  });

  test('a resting LIMIT: amount = contracts × 10 USD, labelled with our id; fills arrive on user.changes, once, the last one final', async () => {
    const o = order({ quantity: '5', limitPrice: '60000' });
    await h.venue.submitOrder(o, account);
    const buy = sent('private/buy').at(-1)!;
    assert.deepEqual({ name: buy.params.instrument_name, amount: buy.params.amount, price: buy.params.price, label: buy.params.label, type: buy.params.type, tif: buy.params.time_in_force }, { name: PERP, amount: 50, price: 60000, label: o.clientOrderId, type: 'limit', tif: 'good_til_cancelled' });
    assert.deepEqual(eventsOf(o.tradeOrderId).map((e) => e.type), ['accepted']);
    assert.match(eventsOf(o.tradeOrderId)[0]!.externalOrderId ?? '', /^BTC-\d+$/);
    fake.fillResting(CLIENT, o.clientOrderId, '20');
    fake.fillResting(CLIENT, o.clientOrderId);
    await h.until(() => eventsOf(o.tradeOrderId).some((e) => e.type === 'filled' && e.final), 'the final fill');
    const fills = eventsOf(o.tradeOrderId).filter((e) => e.type === 'filled');
    assert.deepEqual(fills.map((f) => f.type === 'filled' && [f.quantity, f.price, f.liquidity, f.feeAsset, f.fee, f.final ?? false]), [['2', '60000', 'MAKER', 'BTC', '0', false], ['3', '60000', 'MAKER', 'BTC', '0', true]]);
    const balances = await h.until(() => h.rec.executions.filter((e) => e.type === 'balances').at(-1), 'a user.portfolio balance');
    assert.equal(balances.type === 'balances' && balances.balances[0]!.asset, 'BTC');
  });

  test('a MARKET sell fills at once from the answer; user.changes repeats it and nothing is reported twice; the position is short', async () => {
    const o = order({ side: 'SELL', orderType: 'MARKET', timeInForce: 'IOC', quantity: '8', limitPrice: undefined });
    await h.venue.submitOrder(o, account);
    assert.deepEqual(sent('private/sell').at(-1)!.params.type, 'market');
    await h.until(() => eventsOf(o.tradeOrderId).some((e) => e.type === 'filled'), 'filled');
    // A later notification for the account proves the stream's copy of the fill was seen and dropped.
    const later = order();
    await h.venue.submitOrder(later, account);
    await h.until(() => eventsOf(later.tradeOrderId).length > 0, 'the next order');
    const fills = eventsOf(o.tradeOrderId).filter((e) => e.type === 'filled');
    assert.deepEqual(fills.map((f) => f.type === 'filled' && [f.quantity, f.price, f.liquidity, f.feeAsset, f.fee, f.final]), [['8', '64000', 'TAKER', 'BTC', '0.00000063', true]]);
    assert.deepEqual(eventsOf(o.tradeOrderId).map((e) => e.type), ['accepted', 'filled']);
    const positions = await h.venue.fetchPositions(account);
    assert.deepEqual(positions.map((p) => [p.symbol, p.side, p.quantity, p.entryPrice, p.settleAsset]), [[PERP, 'SHORT', '3', '64000', 'BTC']], '5 long then 8 short = 3 contracts short');
    const reported = h.rec.executions.filter((e) => e.type === 'positions').at(-1)!;
    assert.deepEqual(reported.type === 'positions' && reported.positions.map((p) => [p.symbol, p.side, p.quantity, p.leverage]), [[PERP, 'SHORT', '3', 50]], 'user.changes position reported as the whole list');
    await h.venue.cancelOrder(query(later), account);
  });

  test('cancel: confirmed once; a second cancel is refused with Deribit\'s words; queryOrder says CANCELLED', async () => {
    const o = order();
    await h.venue.submitOrder(o, account);
    await h.venue.cancelOrder(query(o), account);
    await h.until(() => eventsOf(o.tradeOrderId).some((e) => e.type === 'cancelled'), 'cancelled');
    await assert.rejects(h.venue.cancelOrder(query(o), account), /11044 not_open_order/);
    assert.equal((await h.venue.queryOrder(query(o), account))!.status, 'CANCELLED');
    assert.equal(eventsOf(o.tradeOrderId).filter((e) => e.type === 'cancelled').length, 1);
  });

  test('refusals: Deribit\'s error is the reason; unsupported orders and bad quantities are refused before sending', async () => {
    fake.refuseNextOrder(10009, 'not_enough_funds');
    const poor = order();
    await h.venue.submitOrder(poor, account);
    assert.deepEqual(eventsOf(poor.tradeOrderId).map((e) => [e.type, 'reason' in e ? e.reason : '']), [['rejected', 'Deribit private/buy: 10009 not_enough_funds']]);
    const buys = sent('private/buy').length;
    const stop = order({ orderType: 'STOP_LOSS', stopPrice: '50000' });
    await h.venue.submitOrder(stop, account);
    const quote = order({ quantityType: 'QUOTE' });
    await h.venue.submitOrder(quote, account);
    assert.match(String((eventsOf(stop.tradeOrderId)[0] as { reason?: string }).reason), /not supported on Deribit/);
    assert.match(String((eventsOf(quote.tradeOrderId)[0] as { reason?: string }).reason), /contracts/);
    assert.equal(sent('private/buy').length, buys, 'nothing sent');
    const fraction = order({ quantity: '0.5' });
    await h.venue.submitOrder(fraction, account);
    assert.match(String((eventsOf(fraction.tradeOrderId)[0] as { reason?: string }).reason), /amount/, 'Deribit refuses 5 USD (half a contract)');
  });

  test('credentials: a wrong secret is invalid; the signed grant (HMAC) never sends the secret and is checked by the fake', async () => {
    assert.deepEqual((await h.venue.verifyCredential({ credentialType: 'API_KEY', apiKey: CLIENT, secretKey: 'wrong' })).valid, false);
    assert.equal((await h.venue.verifyCredential({ credentialType: 'HMAC', apiKey: CLIENT, secretKey: 'wrong' })).valid, false);
    assert.equal((await h.venue.verifyCredential({ credentialType: 'HMAC', apiKey: CLIENT, secretKey: SECRET })).valid, true);
    const signed = sent('public/auth').filter((c) => c.params.grant_type === 'client_signature');
    assert.equal(signed.length, 2);
    for (const c of signed) {
      assert.equal(c.params.client_secret, undefined);
      assert.match(String(c.params.signature), /^[0-9a-f]{64}$/);
    }
    const noKey = order();
    await h.venue.submitOrder(noKey, { tradingAccountId: account.tradingAccountId });
    assert.deepEqual(eventsOf(noKey.tradeOrderId).map((e) => e.type), ['rejected']);
  });

  test('credit limits: a burst of 30 orders stays inside the matching-engine pool (20, then 5 a second): waits, never a 10028', async () => {
    const answers = fake.rateLimitAnswers;
    const before = h.venue.rateLimitStats();
    const burst = Array.from({ length: 30 }, () => order({ limitPrice: '50000' }));
    await Promise.all(burst.map((o) => h.venue.submitOrder(o, account)));
    for (const o of burst) assert.equal(eventsOf(o.tradeOrderId)[0]?.type, 'accepted', JSON.stringify(eventsOf(o.tradeOrderId)));
    assert.equal(fake.rateLimitAnswers, answers, 'Deribit never had to say too_many_requests');
    assert.ok(h.venue.rateLimitStats().throttled > before.throttled, 'some orders waited for credits');
  });

  test('credit limits: a too_many_requests answer rejects the order, is counted, and orders are refused unsent during the back-off', async () => {
    fake.limitNext(1);
    const first = order();
    await h.venue.submitOrder(first, account);
    assert.match(String((eventsOf(first.tradeOrderId)[0] as { reason?: string }).reason), /10028 too_many_requests/);
    const buys = sent('private/buy').length;
    const second = order();
    await h.venue.submitOrder(second, account);
    assert.match(String((eventsOf(second.tradeOrderId)[0] as { reason?: string }).reason), /rate limit/);
    assert.equal(sent('private/buy').length, buys, 'nothing sent during the back-off');
    assert.equal(h.venue.rateLimitStats().rateLimited >= 1, true);
  });

  test('a fill while the account stream is down: resync after it returns, and queryOrder books the fill once', async () => {
    const o = order({ limitPrice: '59000' });
    // Wait out the back-off of the test before (orders are refused during it).
    await h.until(() => h.venue.http.credits.blockedForMs() === 0, 'the back-off over');
    await h.venue.submitOrder(o, account);
    assert.equal(eventsOf(o.tradeOrderId)[0]?.type, 'accepted');
    const resyncs = h.rec.executions.filter((e) => e.type === 'resync').length;
    fake.disconnectPrivate();
    fake.fillResting(CLIENT, o.clientOrderId, '30');
    await h.until(() => h.rec.executions.filter((e) => e.type === 'resync' && e.tradingAccountId === account.tradingAccountId).length > resyncs, 'a resync after the reconnect');
    assert.equal(eventsOf(o.tradeOrderId).filter((e) => e.type === 'filled').length, 0, 'the notification was lost');
    const state = (await h.venue.queryOrder(query(o), account))!;
    assert.deepEqual({ status: state.status, executed: state.executedQuantity, fills: state.fills.map((f) => [f.quantity, f.price, f.liquidity]) }, { status: 'OPEN', executed: '3', fills: [['3', '59000', 'MAKER']] });
    fake.fillResting(CLIENT, o.clientOrderId);
    await h.until(() => eventsOf(o.tradeOrderId).some((e) => e.type === 'filled' && e.final), 'the live remainder');
    assert.deepEqual(eventsOf(o.tradeOrderId).filter((e) => e.type === 'filled').map((e) => e.type === 'filled' && e.quantity), ['2'], 'the queried fill is not reported again');
    assert.equal(await h.venue.queryOrder({ tradeOrderId: 'x', clientOrderId: 'never-placed', tradingAccountId: account.tradingAccountId, symbol: PERP }, account), undefined);
  });

  test('an order whose answer is lost with the socket: the connector asks by label once the account is back, and reports it once', async () => {
    const o = order({ limitPrice: '57000' });
    fake.swallowNextAnswer('private/buy');
    await h.venue.submitOrder(o, account);
    assert.deepEqual(eventsOf(o.tradeOrderId).map((e) => e.type), ['accepted'], 'placed on Deribit, so accepted — not rejected');
    assert.ok(sent('private/get_order_state_by_label').some((c) => c.params.label === o.clientOrderId));
    fake.fillResting(CLIENT, o.clientOrderId);
    await h.until(() => eventsOf(o.tradeOrderId).some((e) => e.type === 'filled' && e.final), 'its fill on the stream');
    assert.deepEqual(eventsOf(o.tradeOrderId).map((e) => e.type), ['accepted', 'filled']);
  });

  test('the venue restarts: the account session comes back by itself, reports resync and a fresh positions snapshot', async () => {
    const resyncs = h.rec.executions.filter((e) => e.type === 'resync').length;
    const snapshots = h.rec.executions.filter((e) => e.type === 'positions').length;
    const refused = fake.refusedWhileDown;
    fake.goDown();
    await h.until(() => fake.refusedWhileDown > refused, 'a reconnection refused');
    fake.comeBack();
    await h.until(() => h.rec.executions.filter((e) => e.type === 'resync').length > resyncs && h.rec.executions.filter((e) => e.type === 'positions').length > snapshots, 'resync and positions after the restart');
    assert.equal(fake.listening(CLIENT), 1);
  });

  test('after a restart of the connector: an order is found by its label, its fills reported, and it can be cancelled', async () => {
    const o = order({ limitPrice: '58000' });
    await h.venue.submitOrder(o, account);
    await h.venue.stop();
    fake.fillResting(CLIENT, o.clientOrderId, '10');
    const h2 = harness(make(fake));
    try {
      const state = (await h2.venue.queryOrder(query(o), account))!;
      assert.deepEqual({ status: state.status, executed: state.executedQuantity, fills: state.fills.length, ext: state.externalOrderId }, { status: 'OPEN', executed: '1', fills: 1, ext: eventsOf(o.tradeOrderId)[0]!.externalOrderId });
      assert.ok(sent('private/get_order_state_by_label').some((c) => c.params.label === o.clientOrderId && c.params.currency === 'BTC'));
      await h2.venue.cancelOrder(query(o), account);
      await h2.until(() => h2.rec.executions.some((e) => e.type === 'cancelled' && e.tradeOrderId === o.tradeOrderId), 'cancelled by the new connector');
      assert.equal(h2.rec.executions.filter((e) => e.type === 'filled').length, 0, 'the queried fill is the domain\'s to book, not reported again');
    } finally {
      await h2.venue.stop();
    }
  });
});
