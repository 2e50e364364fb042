/**
 * Trading accounts, orders, portfolios and account events through the real server and the official clients.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dec, str } from '@cadenza/domain';
import { harness, type Harness, type Client } from './rpc-harness.ts';

// Top level, so the harness's after() hook belongs to the file and closes the server at its end.
const h: Harness = await harness();
const trader: Client = await h.user('trader');

const BTC = 'PAPER:BTC/USDT';
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

test('trading accounts: create, update, disable/enable, disconnect/connect, list, history', async () => {
  const a = await trader.ok('command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'desk' } });
  assert.equal(a.status, 'ACTIVE');
  assert.equal(a.userId, trader.userId);
  assert.match(a.createdAt, ISO_MS);
  const id = a.tradingAccountId;
  assert.equal((await trader.ok('command.trading_account.update', { tradingAccount: { tradingAccountId: id, nickname: 'desk 2' } })).nickname, 'desk 2');
  assert.equal((await trader.ok('command.trading_account.disable', { tradingAccountId: id })).status, 'INACTIVE');
  const refused = await trader.rpc('command.trade_order.submit', { tradingAccountId: id, tradeOrder: { instrumentId: BTC, orderSide: 'BUY', orderType: 'MARKET', quantity: '0.001' } });
  assert.equal(refused.error?.code, 12003);
  assert.equal((await trader.ok('command.trading_account.enable', { tradingAccountId: id })).status, 'ACTIVE');
  assert.equal((await trader.ok('command.trading_account.disconnect', { tradingAccountId: id })).status, 'DISCONNECTED');
  assert.equal((await trader.ok('command.trading_account.connect', { tradingAccount: { tradingAccountId: id } })).status, 'ACTIVE');
  assert.deepEqual(await trader.ok('command.trading_account.validate', { tradingAccount: { tradingAccountId: id } }), { isValid: true });
  const list = await trader.rpc('query.trading_account.list', { status: 'ACTIVE', pagination: { limit: 10 } });
  assert.ok(list.data!.some((x: any) => x.tradingAccountId === id));
  assert.equal(list.pagination.total, list.data!.length);
  const ops = await trader.ok('query.trading_account.operation.list', { tradingAccountId: id });
  assert.deepEqual(ops.map((o: any) => o.operationType ?? o.tags[0]).reverse(), ['CREATED', 'UPDATED', 'DISABLED', 'ENABLED', 'DISCONNECTED', 'CONNECTED']);
  assert.ok(ops.every((o: any) => o.operateBy === trader.userId && ISO_MS.test(o.timestamp)));
});

test('orders: market and limit, idempotency, cancel by each key, get, list; events and portfolio follow', async () => {
  const id = (await trader.ok('command.trading_account.create', { tradingAccount: { venue: 'PAPER' } })).tradingAccountId;
  const events = await trader.subscribe(`tradingAccount:${id}`);

  const market = await trader.ok('command.trade_order.submit', {
    tradingAccountId: id, idempotencyKey: 'k-1', awaitClosed: true,
    tradeOrder: { instrumentId: BTC, orderSide: 'BUY', orderType: 'MARKET', quantity: '0.01' },
  });
  assert.equal(market.status, 'FILLED');
  assert.equal(market.executedQuantity, '0.01');
  assert.ok(market.fees.length >= 1);
  const again = await trader.ok('command.trade_order.submit', { tradingAccountId: id, idempotencyKey: 'k-1', tradeOrder: { instrumentId: BTC, orderSide: 'SELL', orderType: 'MARKET', quantity: '0.5' } });
  assert.equal(again.tradeOrderId, market.tradeOrderId, 'a repeated idempotencyKey returns the original');

  const book = await trader.ok('query.orderbook.get', { instrumentId: BTC, depth: 1 });
  const far = String(Math.floor(Number(book.bids[0][0]) * 0.5));
  const limits = [];
  for (const cid of ['c-1', 'c-2', 'c-3']) {
    limits.push(await trader.ok('command.trade_order.submit', { tradingAccountId: id, tradeOrder: { instrumentId: BTC, orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: far, clientOrderId: cid } }));
  }
  const dup = await trader.ok('command.trade_order.submit', { tradingAccountId: id, tradeOrder: { instrumentId: BTC, orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.02', limitPrice: far, clientOrderId: 'c-1' } });
  assert.equal(dup.tradeOrderId, limits[0].tradeOrderId, 'a repeated clientOrderId returns the original');
  assert.ok(limits.every((o) => o.status === 'ACCEPTED' && o.externalOrderId));

  const p1 = await trader.ok('query.portfolio.get', { tradingAccountId: id });
  const usdt1 = p1.balances.find((b: any) => b.securitySymbol === 'USDT');
  assert.ok(Number(usdt1.locked) > 0, 'resting buys lock quote');

  const c1 = await trader.ok('command.trade_order.cancel', { tradingAccountId: id, tradeOrderId: limits[0].tradeOrderId });
  const c2 = await trader.ok('command.trade_order.cancel', { tradingAccountId: id, clientOrderId: 'c-2' });
  const c3 = await trader.ok('command.trade_order.cancel', { tradingAccountId: id, externalOrderId: limits[2].externalOrderId });
  assert.deepEqual([c1.status, c2.status, c3.status], ['CANCELLED', 'CANCELLED', 'CANCELLED']);
  const twice = await trader.rpc('command.trade_order.cancel', { tradingAccountId: id, clientOrderId: 'c-2' });
  assert.equal(twice.error?.code, 11009);

  assert.equal((await trader.ok('query.trade_order.get', { tradingAccountId: id, clientOrderId: 'c-3' })).status, 'CANCELLED');
  assert.equal((await trader.ok('query.trade_order.get_by_id', { tradeOrderId: market.tradeOrderId })).status, 'FILLED');
  const all = await trader.rpc('query.trade_order.list', { tradingAccountId: id, pagination: { limit: 2 } });
  assert.equal(all.data!.length, 2);
  assert.deepEqual([all.pagination.total, all.pagination.hasNext], [4, true]);
  assert.equal((await trader.ok('query.trade_order.list', { tradingAccountId: id, status: 'CANCELLED' })).length, 3);
  assert.equal((await trader.ok('query.trade_order.list', { tradingAccountId: id, side: 'SELL' })).length, 0);

  const p2 = await trader.ok('query.portfolio.get', { tradingAccountId: id });
  const bal = Object.fromEntries(p2.balances.map((b: any) => [b.securitySymbol, b]));
  assert.equal(bal.USDT.locked, '0', 'cancels released every lock');
  const fee = market.fees.find((f: any) => f.asset === 'BTC')?.quantity ?? '0';
  assert.equal(bal.BTC.total, str(dec('1').add('0.01').sub(fee)), 'BTC = initial + fill − fee, exactly');
  assert.equal(bal.USDT.total, str(dec('100000').sub(market.executedCost).sub(market.fees.find((f: any) => f.asset === 'USDT')?.quantity ?? '0')));
  assert.equal(p2.positions[0].instrumentId, BTC);
  assert.equal(p2.summary.currency, 'USDT');

  await events.waitFor((e) => e.type === 'event.trade_order.updated' && e.data.tradeOrderId === market.tradeOrderId && e.data.status === 'FILLED');
  await events.waitFor((e) => e.type === 'event.trade_order.updated' && e.data.clientOrderId === 'c-3' && e.data.status === 'CANCELLED');
  const delta = await events.waitFor((e) => e.type === 'event.portfolio.updated');
  assert.equal(delta.data.updateMode, 'DELTA');
  assert.equal(typeof delta.timestamp, 'number');
  const statuses = events.publications.filter((e) => e.type === 'event.trade_order.updated' && e.data.tradeOrderId === market.tradeOrderId).map((e) => e.data.status);
  assert.deepEqual(statuses, ['SUBMITTED', 'ACCEPTED', 'FILLED']);
});

test('pre-trade refusals carry catalogue codes and messages', async () => {
  const id = (await trader.ok('command.trading_account.create', { tradingAccount: { venue: 'PAPER' } })).tradingAccountId;
  const submit = (o: object) => trader.rpc('command.trade_order.submit', { tradingAccountId: id, tradeOrder: { instrumentId: BTC, orderSide: 'BUY', ...o } });
  const insufficient = await submit({ orderType: 'LIMIT', quantity: '100', limitPrice: '10000' });
  assert.equal(insufficient.error?.code, 14001);
  assert.match(insufficient.error!.message, /insufficient USDT/);
  assert.equal((await submit({ orderType: 'LIMIT', quantity: '0.01', limitPrice: '1000.0000001' })).error?.code, 11004);
  assert.equal((await submit({ orderType: 'LIMIT', quantity: '0.01' })).error?.code, 11000);
  assert.equal((await submit({ orderType: 'LIMIT', quantity: '0.01', limitPrice: '1000', instrumentId: 'MOCK:BTC/USDT' })).error?.code, 12007);
  const v = await trader.rpc('command.trade_order.submit', { tradingAccountId: id, tradeOrder: { instrumentId: BTC, orderSide: 'BUY', quantity: 5 } });
  assert.equal(v.error?.code, 10001);
  assert.match(v.error!.message, /tradeOrder\.quantity must be string/);
});
