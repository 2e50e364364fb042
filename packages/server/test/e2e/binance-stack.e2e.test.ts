/**
 * BINANCE through the whole stack: the real server (startServer) with its BINANCE venue pointed at the local
 * fake Binance, supabase-js login, and the official centrifuge client subscribed to
 * `market:orderbook:BINANCE:BTC/USDT` — the seed's own example channel.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectedAccount, startBinanceStack, eventually } from './live-venue-stack.ts';

const API_KEY = 'stack-test-api-key';
const SECRET = 'stack-test-secret';
const CREDENTIAL = { credentialType: 'HMAC', apiKey: API_KEY, secretKey: SECRET } as const;

const { fake, stack } = await startBinanceStack('binance', CREDENTIAL);

test('live Binance order book and trades reach centrifuge clients; the feed stops when unsubscribed', async () => {
  assert.equal(fake.streamConnectionCount(), 0, 'no Binance socket before anything needs one');
  const instruments = await stack.call('query.instrument.list', { venue: 'BINANCE', limit: 50 });
  assert.equal(instruments.error, undefined);
  const btc = instruments.data.find((i: { symbol: string }) => i.symbol === 'BTC/USDT');
  assert.equal(btc?.instrumentId, 'BINANCE:BTC/USDT');

  const created = await stack.call('command.subscription.create', { venue: 'BINANCE', instruments: ['BINANCE:BTC/USDT'], subscriptionType: 'MARKET.SUBSCRIPTION.ORDERBOOK' });
  assert.equal(created.error, undefined, JSON.stringify(created.error));
  const subscriptionId = created.data[0].subscriptionId as string;
  await eventually(() => fake.subscribedStreams().includes('btcusdt@depth@100ms'), 'the depth stream on the fake');

  const books = await stack.subscribe('market:orderbook:BINANCE:BTC/USDT');

  fake.pushDepth('BTCUSDT', { bids: [['64000.00', '1.25']] });
  await eventually(() => books.some((b) => b.bids?.[0]?.[0] === '64000' && b.bids[0][1] === '1.25'), 'a book publication with the diff applied');
  const book = books.at(-1);
  assert.equal(book.venue, 'BINANCE');
  assert.equal(book.symbol, 'BTC/USDT');
  assert.deepEqual(book.asks[0], ['64000.5', '0.7']);

  // a lost diff: the connector detects the gap, resyncs from a snapshot, and clients see the true book
  fake.queueDepthFaults('drop');
  fake.pushDepth('BTCUSDT', { asks: [['64000.25', '0.2']] });
  fake.pushDepth('BTCUSDT', { bids: [['63999.75', '0.4']] });
  await eventually(() => books.some((b) => b.asks?.[0]?.[0] === '64000.25' && b.bids?.[1]?.[0] === '63999.75'), 'the recovered book after a gap');

  const trades = await stack.call('command.subscription.create', { venue: 'BINANCE', instruments: ['BINANCE:BTC/USDT'], subscriptionType: 'MARKET.SUBSCRIPTION.TRADE' });
  assert.equal(trades.error, undefined, JSON.stringify(trades.error));
  await eventually(() => fake.subscribedStreams().includes('btcusdt@trade'), 'the trade stream on the fake');
  const ticks = await stack.subscribe('market:trade:BINANCE:BTC/USDT');
  fake.pushTrade('BTCUSDT', { price: '64000.50', qty: '0.003', buyerMaker: false, id: 777 });
  await eventually(() => ticks.length > 0, 'a trade publication');
  assert.equal(ticks[0].tradeId, '777');
  assert.equal(ticks[0].price, '64000.5');
  assert.equal(ticks[0].side, 'BUY');

  const gone = await stack.call('command.market.subscription.orderbook.unsubscribe', { subscriptionId });
  assert.equal(gone.error, undefined, JSON.stringify(gone.error));
  await eventually(() => !fake.subscribedStreams().includes('btcusdt@depth@100ms'), 'the depth stream stopped');
  assert.ok(fake.subscribedStreams().includes('btcusdt@trade'), 'the trade stream still runs for its subscription');
});

test('a Binance account with API keys trades through Cadenza: balances, a resting order, its fill, a rejection', async () => {
  const { tradingAccountId, credential } = await connectedAccount(stack, 'BINANCE', 'binance stack', CREDENTIAL);
  assert.notEqual(credential.apiKey, API_KEY, 'the key is returned masked');
  const portfolio = await stack.call('query.portfolio.get', { tradingAccountId });
  const usdt = portfolio.data.balances.find((b: { securitySymbol: string }) => b.securitySymbol === 'USDT');
  assert.equal(Number(usdt.total), 10000, 'balances come from /api/v3/account');

  const events = await stack.subscribe(`tradingAccount:${tradingAccountId}`);

  const placed = await stack.call('command.trade_order.submit', {
    tradingAccountId,
    tradeOrder: { instrumentId: 'BINANCE:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '60000.00', timeInForce: 'GTC' },
  });
  assert.equal(placed.error, undefined, JSON.stringify(placed.error));
  const tradeOrderId = placed.data.tradeOrderId as string;
  const sent = fake.requests.find((r) => r.method === 'POST' && r.path === '/api/v3/order');
  assert.ok(sent, 'the order reached Binance');
  const clientOrderId = sent.params.get('newClientOrderId')!;
  await eventually(() => events.some((e) => e.type === 'event.trade_order.updated' && e.data.tradeOrderId === tradeOrderId && e.data.status === 'ACCEPTED'), 'ACCEPTED pushed');

  fake.fillResting(API_KEY, clientOrderId);
  await eventually(() => events.some((e) => e.type === 'event.trade_order.updated' && e.data.tradeOrderId === tradeOrderId && e.data.status === 'FILLED'), 'FILLED pushed');
  const got = await stack.call('query.trade_order.get', { tradeOrderId, tradingAccountId });
  assert.equal(got.data.status, 'FILLED');
  assert.equal(Number(got.data.executedQuantity), 0.01);

  fake.rejectNextOrder(-2010, 'Account has insufficient balance for requested action.');
  const refused = await stack.call('command.trade_order.submit', {
    tradingAccountId,
    tradeOrder: { instrumentId: 'BINANCE:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '60000.00', timeInForce: 'GTC' },
    awaitClosed: true,
  });
  assert.equal(refused.error, undefined, JSON.stringify(refused.error));
  assert.equal(refused.data.status, 'REJECTED');
  assert.match(refused.data.rejectReason, /-2010: Account has insufficient balance/);
});

test('an OCO on a Binance account is Binance\'s own order list: one request, both legs work at Binance, the take-profit fills and Binance expires the stop-loss', async () => {
  const { tradingAccountId } = await connectedAccount(stack, 'BINANCE', 'binance lists', CREDENTIAL);
  const events = await stack.subscribe(`tradingAccount:${tradingAccountId}`);

  const before = fake.requests.length;
  const tp = await stack.call('command.trade_order.submit', {
    tradingAccountId,
    tradeOrder: { instrumentId: 'BINANCE:BTC/USDT', orderSide: 'SELL', quantity: '0.01', contingencyType: 'OCO', takeProfitPrice: '66000.00', stopLossPrice: '62000.00' },
  });
  assert.equal(tp.error, undefined, JSON.stringify(tp.error));
  assert.deepEqual([tp.data.orderListRole, tp.data.contingencyType, tp.data.emulated], ['TAKE_PROFIT', 'OCO', undefined]);
  const posts = fake.requests.slice(before).filter((r) => r.method === 'POST');
  assert.deepEqual(posts.map((r) => r.path), ['/api/v3/orderList/oco'], 'one list request, no single orders');
  assert.equal(posts[0]!.params.get('listClientOrderId'), tp.data.orderListId.replace(/-/g, ''));

  const leg = (role: string, status: string) => (e: any) => e.type === 'event.trade_order.updated' && e.data.orderListId === tp.data.orderListId && e.data.orderListRole === role && e.data.status === status;
  const legs = async () => Object.fromEntries((await stack.call('query.trade_order.list', { tradingAccountId, orderListId: tp.data.orderListId })).data.map((o: any) => [o.orderListRole, o]));
  await eventually(() => events.some(leg('TAKE_PROFIT', 'ACCEPTED')) && events.some(leg('STOP_LOSS', 'ACCEPTED')), 'both legs ACCEPTED');
  const now = await legs();
  assert.deepEqual([now.TAKE_PROFIT.status, now.STOP_LOSS.status], ['ACCEPTED', 'ACCEPTED'], 'both legs work at Binance (nothing held by Cadenza)');
  assert.equal(now.STOP_LOSS.emulated, undefined);
  assert.ok(now.TAKE_PROFIT.externalOrderListId && now.TAKE_PROFIT.externalOrderListId === now.STOP_LOSS.externalOrderListId, 'Binance\'s list id on both legs');

  fake.fillResting(API_KEY, posts[0]!.params.get('aboveClientOrderId')!);
  await eventually(() => events.some(leg('STOP_LOSS', 'EXPIRED')) && events.some(leg('TAKE_PROFIT', 'FILLED')), 'take-profit FILLED, stop-loss EXPIRED');
  const done = await legs();
  assert.deepEqual([done.TAKE_PROFIT.status, done.TAKE_PROFIT.executedQuantity, done.STOP_LOSS.status, done.STOP_LOSS.executedQuantity], ['FILLED', '0.01', 'EXPIRED', '0']);
});
