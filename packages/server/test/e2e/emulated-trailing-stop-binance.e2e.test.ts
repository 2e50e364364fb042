/**
 * Binance's TRAILING_STOP, which Cadenza emulates there (docs/venues-binance.md) with the domain code it uses on OKX,
 * while no client holds any of the instrument's market data: the real server with BINANCE pointed at the local fake
 * Binance, the official centrifuge client for the RPCs. The armed stop holds BTCUSDT's trade and depth streams itself,
 * trails Binance's trades, keeps its trigger across a restart, and fires as a signed MARKET order at Binance.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { connectedAccount, startBinanceStack, eventually } from './live-venue-stack.ts';

const KEY = 'binance-emulated-key';
const SECRET = 'binance-emulated-secret';
const CREDENTIAL = { credentialType: 'HMAC', apiKey: KEY, secretKey: SECRET } as const;
const BTC = 'BINANCE:BTC/USDT';

const { fake, stack } = await startBinanceStack('binance-emulated', CREDENTIAL);
const { tradingAccountId } = await connectedAccount(stack, 'BINANCE', 'binance emulated', CREDENTIAL);

const streams = () => fake.subscribedStreams().filter((s) => s.startsWith('btcusdt@'));
const get = (tradeOrderId: string) => stack.rpc('query.trade_order.get', { tradeOrderId, tradingAccountId });
/** The order once its trigger is `stopPrice` (polled: server-side state). */
const triggerAt = (tradeOrderId: string, stopPrice: string) =>
  eventually(async () => (Number((await get(tradeOrderId)).stopPrice) === Number(stopPrice) ? true : undefined), `${tradeOrderId} trigger at ${stopPrice}`);

test('an emulated TRAILING_STOP on Binance with nobody subscribed: it starts from Binance\'s book, trails its trades, keeps its trigger across a restart, and fires as one signed MARKET order', async () => {
  assert.deepEqual(streams(), [], 'nobody holds BTCUSDT market data');
  // The submit waits for the book it starts from; the book does not move (no depth event at all), so it is the REST
  // snapshot taken once the depth stream runs.
  const placed = await stack.rpc('command.trade_order.submit', {
    tradingAccountId,
    tradeOrder: { instrumentId: BTC, orderSide: 'SELL', orderType: 'TRAILING_STOP', quantity: '0.01', trailingOffset: '100' },
  });
  assert.deepEqual([placed.status, placed.emulated, Number(placed.stopPrice)], ['ACCEPTED', true, 63900], 'held by Cadenza, its trigger 100 under Binance\'s best bid');
  await eventually(() => streams().includes('btcusdt@trade'), 'the trade stream held for the armed stop');
  assert.equal(fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/v3/order').length, 0, 'nothing sent to Binance while armed');

  fake.pushTrade('BTCUSDT', { price: '64200.00', qty: '0.01', buyerMaker: false });
  await triggerAt(placed.tradeOrderId, '64100');

  await stack.stop();
  await eventually(() => streams().length === 0, 'the streams end with the server');
  await stack.start();
  await eventually(() => streams().includes('btcusdt@trade'), 'the trade stream held again after the restart');
  const rearmed = await get(placed.tradeOrderId);
  assert.deepEqual([rearmed.status, Number(rearmed.stopPrice)], ['ACCEPTED', 64100], 're-armed at the trigger it had reached');
  fake.pushTrade('BTCUSDT', { price: '64300.00', qty: '0.01', buyerMaker: false });
  await triggerAt(placed.tradeOrderId, '64200');

  const before = fake.requests.length;
  fake.pushTrade('BTCUSDT', { price: '64200.00', qty: '0.02', buyerMaker: true });
  const filled = await stack.orderIn(tradingAccountId, placed.tradeOrderId, 'FILLED');
  assert.equal(Number(filled.executedQuantity), 0.01);
  const sent = fake.requests.slice(before).filter((r) => r.method === 'POST' && r.path === '/api/v3/order');
  assert.equal(sent.length, 1, 'one order sent to Binance');
  const { params, apiKey } = sent[0]!;
  assert.equal(apiKey, KEY, 'X-MBX-APIKEY names the account\'s key');
  assert.deepEqual([params.get('symbol'), params.get('side'), params.get('type'), Number(params.get('quantity'))], ['BTCUSDT', 'SELL', 'MARKET', 0.01]);
  assert.equal(params.get('price'), null, 'a MARKET order carries no price');
  assert.equal(params.get('stopPrice'), null, 'nor a trigger: Cadenza triggered it');
  assert.match(params.get('newClientOrderId') ?? '', /^[A-Za-z0-9_-]{1,36}$/, 'a client order id Binance takes');
  assert.match(params.get('timestamp') ?? '', /^\d{13}$/, 'timestamped in epoch ms (the fake refused it outside recvWindow)');
  const unsigned = new URLSearchParams([...params].filter(([k]) => k !== 'signature')).toString();
  assert.equal(params.get('signature'), createHmac('sha256', SECRET).update(unsigned).digest('hex'), 'HMAC-SHA256 of the other parameters, with the account\'s secret');
  await eventually(() => streams().length === 0, 'the streams let go with the last armed order');
});
