/**
 * An emulated order whose market streams the venue refuses at first: the real server against the fake OKX, which
 * answers the first subscribe frames after a restart with OKX's 60014 "Requests too frequent." error, and the official
 * centrifuge client. The re-armed trailing stop must not go deaf: the refused channels are subscribed again with
 * back-off until OKX takes them, so the stop trails OKX's trades and fires at OKX (kit/channel-pool.ts,
 * market-data/market-holds.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectedAccount, startOkxStack, eventually } from './live-venue-stack.ts';

const CREDENTIAL = { credentialType: 'HMAC', apiKey: 'okx-refused-key', secretKey: 'okx-refused-secret', secretPassphrase: 'Refused-pass1' } as const;

const { fake, stack } = await startOkxStack('okx-refused', CREDENTIAL);
const { tradingAccountId } = await connectedAccount(stack, 'OKX', 'okx refused', CREDENTIAL);

const streams = () => fake.subscribedChannels().filter((c) => c.endsWith(':BTC-USDT'));
const get = (tradeOrderId: string) => stack.rpc('query.trade_order.get', { tradeOrderId, tradingAccountId });

test('a re-armed trailing stop whose streams OKX refuses after a restart gets them with back-off, then trails and fires at OKX', async () => {
  const placed = await stack.rpc('command.trade_order.submit', {
    tradingAccountId,
    tradeOrder: { instrumentId: 'OKX:BTC/USDT', orderSide: 'SELL', orderType: 'TRAILING_STOP', quantity: '0.01', trailingOffset: '100' },
  });
  assert.deepEqual([placed.status, placed.stopPrice], ['ACCEPTED', '63900']);
  await stack.stop();
  await eventually(() => streams().length === 0, 'the streams end with the server');

  const refusedBefore = fake.refusedSubscribes;
  fake.refuseSubscribes(2);
  await stack.start();
  await eventually(() => fake.refusedSubscribes - refusedBefore === 2, 'OKX refused the re-armed stop\'s first two subscribe frames');
  await eventually(() => streams().includes('trades:BTC-USDT') && streams().includes('books:BTC-USDT'), 'both streams subscribed again after the refusals');

  fake.pushTrade('BTC-USDT', { px: '64300.0', sz: '0.01', side: 'buy' });
  await eventually(async () => ((await get(placed.tradeOrderId)).stopPrice === '64200' ? true : undefined), 'the trigger trails OKX\'s trade');
  const before = fake.requests.length;
  fake.pushTrade('BTC-USDT', { px: '64150.0', sz: '0.02', side: 'sell' });
  const filled = await stack.orderIn(tradingAccountId, placed.tradeOrderId, 'FILLED');
  assert.equal(filled.executedQuantity, '0.01');
  const sent = fake.requests.slice(before).filter((r) => r.method === 'POST' && r.path === '/api/v5/trade/order');
  assert.deepEqual(sent.map((r) => [r.body!.side, r.body!.ordType, r.body!.sz]), [['sell', 'market', '0.01']], 'one MARKET sell at OKX');
  await eventually(() => streams().length === 0, 'the streams let go with the order');
  const metrics = await (await fetch(`${stack.server!.url}/metrics`)).text();
  assert.ok(metrics.split('\n').includes('cadenza_market_holds_failing 0'), 'the gauge of held streams a venue will not start is exposed, and nothing is failing now');
});
