/**
 * Orders Cadenza emulates on a live venue (OKX has no trailing stop of its own, nor order lists) while no client holds
 * any of the instrument's market data: the real server with OKX pointed at the local fake OKX, the official centrifuge
 * client for RPCs only. The armed order itself holds the instrument's trade and book streams (the reference-counted
 * feeds market subscriptions use), so its trigger follows OKX's trades and it fires at OKX; the streams are let go
 * when the last armed order of the instrument ends, and held again after a restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectedAccount, startOkxStack, eventually } from './live-venue-stack.ts';

const CREDENTIAL = { credentialType: 'HMAC', apiKey: 'okx-emulated-key', secretKey: 'okx-emulated-secret', secretPassphrase: 'Emulated-pass1' } as const;
const BTC = 'OKX:BTC/USDT';

const { fake, stack } = await startOkxStack('okx-emulated', CREDENTIAL);
const { tradingAccountId } = await connectedAccount(stack, 'OKX', 'okx emulated', CREDENTIAL);

const streams = () => fake.subscribedChannels().filter((c) => c.endsWith(':BTC-USDT'));
const get = (tradeOrderId: string) => stack.rpc('query.trade_order.get', { tradeOrderId, tradingAccountId });
/** The order once its trigger is `stopPrice` (polled: server-side state). */
const triggerAt = (tradeOrderId: string, stopPrice: string) => eventually(async () => ((await get(tradeOrderId)).stopPrice === stopPrice ? true : undefined), `${tradeOrderId} trigger at ${stopPrice}`);

test('an emulated TRAILING_STOP on OKX with no market subscription anywhere: it starts from OKX\'s book, trails OKX\'s trades, fires at OKX, and lets the streams go', async () => {
  assert.deepEqual(streams(), [], 'nobody holds BTC-USDT market data');
  const placed = await stack.rpc('command.trade_order.submit', {
    tradingAccountId,
    tradeOrder: { instrumentId: BTC, orderSide: 'SELL', orderType: 'TRAILING_STOP', quantity: '0.01', trailingOffset: '100' },
  });
  assert.deepEqual([placed.status, placed.emulated, placed.stopPrice], ['ACCEPTED', true, '63900'], 'held by Cadenza, its trigger 100 under OKX\'s best bid');
  await eventually(() => streams().includes('trades:BTC-USDT'), 'the trade stream held for the armed stop');

  fake.pushTrade('BTC-USDT', { px: '64200.0', sz: '0.01', side: 'buy' });
  await triggerAt(placed.tradeOrderId, '64100');
  assert.equal((await get(placed.tradeOrderId)).status, 'ACCEPTED');

  const before = fake.requests.length;
  fake.pushTrade('BTC-USDT', { px: '64100.0', sz: '0.02', side: 'sell' });
  const filled = await stack.orderIn(tradingAccountId, placed.tradeOrderId, 'FILLED');
  assert.equal(filled.executedQuantity, '0.01');
  const sent = fake.requests.slice(before).filter((r) => r.method === 'POST' && r.path === '/api/v5/trade/order');
  assert.deepEqual(sent.map((r) => [r.body!.side, r.body!.ordType, r.body!.sz]), [['sell', 'market', '0.01']], 'one MARKET sell at OKX');
  await eventually(() => streams().length === 0, 'the streams let go with the last armed order');
});

test('an armed trailing stop holds its streams across a restart, and a cancel lets them go', async () => {
  const placed = await stack.rpc('command.trade_order.submit', {
    tradingAccountId,
    tradeOrder: { instrumentId: BTC, orderSide: 'SELL', orderType: 'TRAILING_STOP', quantity: '0.01', trailingOffset: '100' },
  });
  assert.equal(placed.status, 'ACCEPTED');
  await stack.stop();
  await stack.start();
  await eventually(() => streams().includes('trades:BTC-USDT'), 'the trade stream held again after the restart');
  fake.pushTrade('BTC-USDT', { px: '64300.0', sz: '0.01', side: 'buy' });
  await triggerAt(placed.tradeOrderId, '64200');
  await stack.rpc('command.trade_order.cancel', { tradingAccountId, tradeOrderId: placed.tradeOrderId });
  await eventually(() => streams().length === 0, 'the streams let go after the cancel');
});

test('the held stop-loss of an emulated OCO on OKX fires on OKX\'s trades with nobody subscribed: the take-profit is cancelled at OKX, the stop sold at market', async () => {
  assert.deepEqual(streams(), []);
  const tp = await stack.rpc('command.trade_order.submit', {
    tradingAccountId,
    tradeOrder: { instrumentId: BTC, orderSide: 'SELL', quantity: '0.01', contingencyType: 'OCO', takeProfitPrice: '66000.0', stopLossPrice: '63500.0' },
  });
  assert.equal(tp.orderListRole, 'TAKE_PROFIT');
  await eventually(() => streams().includes('trades:BTC-USDT'), 'the trade stream held for the armed stop-loss');
  const legs = async () => Object.fromEntries((await stack.rpc('query.trade_order.list', { tradingAccountId, orderListId: tp.orderListId })).map((o: any) => [o.orderListRole, o]));
  const sl = (await legs()).STOP_LOSS;
  assert.deepEqual([sl.status, sl.emulated, sl.clientOrderId.length], ['ACCEPTED', true, 32], 'held by Cadenza, named as OKX takes a clOrdId');

  fake.pushTrade('BTC-USDT', { px: '63400.0', sz: '0.01', side: 'sell' });
  await stack.orderIn(tradingAccountId, tp.tradeOrderId, 'CANCELLED');
  const done = await stack.orderIn(tradingAccountId, sl.tradeOrderId, 'FILLED');
  assert.equal(done.executedQuantity, '0.01');
  await eventually(() => streams().length === 0, 'the streams let go once the list is done');
});
