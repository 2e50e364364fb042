/**
 * Reconciliation with Binance through the whole stack: the real server (startServer) with BINANCE pointed at the local
 * fake Binance, the official centrifuge client, and orders that change on Binance while Cadenza is not listening —
 * because the server is stopped (then restarted on the same data directory), or because its user data stream dropped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeBinanceServer } from '@cadenza/testkit/venue-fakes/binance';
import { connectedAccount, liveVenueStack, eventually } from './live-venue-stack.ts';

const API_KEY = 'reconcile-stack-api-key';
const SECRET = 'reconcile-stack-secret';

const { fake, stack } = await liveVenueStack(
  'binance-reconcile',
  async () => {
    const fake = await startFakeBinanceServer({ keys: { [API_KEY]: { secret: SECRET, balances: { USDT: '10000', BTC: '0.5' } } } });
    fake.setBook('BTCUSDT', { bids: [['64000.00', '1.5']], asks: [['64000.50', '0.7']] });
    return fake;
  },
  (fake) => ({ venues: ['BINANCE'], binance: { restBaseUrl: fake.restBaseUrl, wsBaseUrl: fake.wsBaseUrl } }),
);
let tradingAccountId = '';

const getOrder = (tradeOrderId: string) => stack.rpc('query.trade_order.get', { tradeOrderId, tradingAccountId });
const orderIn = (tradeOrderId: string, status: string) => stack.orderIn(tradingAccountId, tradeOrderId, status);

function buyLimit(clientOrderId: string, limitPrice: string, quantity = '0.01') {
  return stack.rpc('command.trade_order.submit', {
    tradingAccountId,
    tradeOrder: { instrumentId: 'BINANCE:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity, limitPrice, timeInForce: 'GTC', clientOrderId },
  });
}

/** Cadenza's balances equal what Binance holds for the key. */
async function balancesMatchBinance(): Promise<boolean> {
  const portfolio = await stack.rpc('query.portfolio.get', { tradingAccountId });
  const ours = new Map<string, { free: string; locked: string }>(portfolio.balances.map((b: { securitySymbol: string; free: string; locked: string }) => [b.securitySymbol, b]));
  return fake.accounts.get(API_KEY)!.balanceRows(['USDT', 'BTC']).every((b) => {
    const o = ours.get(b.asset);
    return o !== undefined && Number(o.free) === Number(b.free) && Number(o.locked) === Number(b.locked);
  });
}

test('orders filled and cancelled on Binance while Cadenza was down are reconciled when it starts again', async () => {
  ({ tradingAccountId } = await connectedAccount(stack, 'BINANCE', 'reconcile', { credentialType: 'HMAC', apiKey: API_KEY, secretKey: SECRET }));

  const a = await buyLimit('recon-a', '60000.00');
  const b = await buyLimit('recon-b', '59000.00');
  await orderIn(a.tradeOrderId, 'ACCEPTED');
  await orderIn(b.tradeOrderId, 'ACCEPTED');
  await stack.stop();

  // While Cadenza is down: A fills in part and the rest is cancelled on Binance; B stays on the book.
  fake.fillResting(API_KEY, 'recon-a', '0.004');
  fake.cancelResting(API_KEY, 'recon-a');
  const queriesBefore = fake.requests.filter((r) => r.path === '/api/v3/order' && r.method === 'GET').length;

  await stack.start();
  const cancelled = await orderIn(a.tradeOrderId, 'CANCELLED');
  assert.equal(Number(cancelled.executedQuantity), 0.004, 'the partial fill is booked exactly once');
  assert.equal(cancelled.cancelReason, 'CANCELED');
  assert.equal((await getOrder(b.tradeOrderId)).status, 'ACCEPTED', 'an order still on the book stays open');
  assert.ok(fake.requests.filter((r) => r.path === '/api/v3/order' && r.method === 'GET').length >= queriesBefore + 2, 'both open orders were queried');
  assert.ok(fake.requests.some((r) => r.path === '/api/v3/myTrades' && r.params.get('orderId') !== null));
  await eventually(balancesMatchBinance, 'balances as Binance reports them');

  // The order placed before the restart is adopted: its later fill arrives live on the user data stream.
  fake.fillResting(API_KEY, 'recon-b');
  const filled = await orderIn(b.tradeOrderId, 'FILLED');
  assert.equal(Number(filled.executedQuantity), 0.01);
  assert.equal(Number((await getOrder(a.tradeOrderId)).executedQuantity), 0.004, 'still booked once');
});

test('a fill during a user data stream drop is reconciled after the stream reconnects', async () => {
  assert.ok(stack.server, 'runs on the restarted server of the previous test');
  const c = await buyLimit('recon-c', '58000.00');
  await orderIn(c.tradeOrderId, 'ACCEPTED');
  await eventually(async () => fake.userSubscriptionCount(API_KEY) >= 1, 'the user data subscription');
  fake.disconnectUserStreams();
  fake.fillResting(API_KEY, 'recon-c', '0.003'); // the report goes nowhere: the socket is gone
  const partly = await orderIn(c.tradeOrderId, 'PARTIALLY_FILLED');
  assert.equal(Number(partly.executedQuantity), 0.003);
  await eventually(balancesMatchBinance, 'balances as Binance reports them after the gap');
  fake.fillResting(API_KEY, 'recon-c');
  const done = await orderIn(c.tradeOrderId, 'FILLED');
  assert.equal(Number(done.executedQuantity), 0.01, 'the missed fill plus the live one, each once');
});
