/**
 * The order features this server adds to the contract (docs/extensions.md), through the real server and the official
 * centrifuge client with its default options (5 s RPC timeout).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dec, str } from '@cadenza/domain';
import { harness, type Harness, type Client } from './rpc-harness.ts';

const h: Harness = await harness();
const trader: Client = await h.user('features');
const BTC = 'PAPER:BTC/USDT';

async function paperAccount(): Promise<string> {
  return (await trader.ok('command.trading_account.create', { tradingAccount: { venue: 'PAPER' } })).tradingAccountId;
}

test('awaitClosed on an order that does not close answers its current state before the client\'s default 5 s timeout', async () => {
  const id = await paperAccount();
  const started = performance.now();
  // The client's own timeout is the default (5 s): were the server to hold the reply longer, this rejects.
  const order = await trader.ok('command.trade_order.submit', {
    tradingAccountId: id,
    tradeOrder: { instrumentId: BTC, orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.001', limitPrice: '10000' },
    idempotencyKey: 'await-1',
    awaitClosed: true,
  });
  assert.equal(order.status, 'ACCEPTED');
  assert.ok(performance.now() - started >= 2_900, 'the server held the reply for its awaitClosed window');
  const again = await trader.ok('command.trade_order.submit', {
    tradingAccountId: id,
    tradeOrder: { instrumentId: BTC, orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.001', limitPrice: '10000' },
    idempotencyKey: 'await-1',
    awaitClosed: true,
  });
  assert.equal(again.tradeOrderId, order.tradeOrderId, 'waiting longer: the same key returns the same order and waits again');
});

test('fills: every execution is recorded and listed by account, order, instrument and time', async () => {
  const id = await paperAccount();
  const order = await trader.ok('command.trade_order.submit', {
    tradingAccountId: id,
    tradeOrder: { instrumentId: BTC, orderSide: 'BUY', orderType: 'MARKET', quantity: '0.05' },
    awaitClosed: true,
  });
  assert.equal(order.status, 'FILLED');
  const r = await trader.rpc('query.trade_order.execution.list', { tradingAccountId: id, instrumentId: BTC, pagination: { limit: 100 } });
  assert.equal(r.error, undefined);
  const fills = r.data as any[];
  assert.ok(fills.length >= 1);
  assert.equal(r.pagination.total, fills.length);
  assert.ok(fills.every((f) => f.tradeOrderId === order.tradeOrderId && f.instrumentId === BTC && f.orderSide === 'BUY'));
  assert.equal(fills.reduce((s, f) => s.add(f.executedQuantity), dec(0)).toString(), dec(order.executedQuantity).toString(), 'the fills add up to the order');
  assert.equal(fills.reduce((s, f) => s.add(f.executedCost), dec(0)).toString(), dec(order.executedCost).toString());
  assert.equal(new Set(fills.map((f) => f.executionId)).size, fills.length);
  const at = fills[0].executedAt;
  assert.equal((await trader.ok('query.trade_order.execution.list', { tradingAccountId: id, startTime: new Date(Date.parse(at) + 1).toISOString() })).length, 0);
  const stranger = await h.user('stranger');
  assert.equal((await stranger.rpc('query.trade_order.execution.list', { tradingAccountId: id })).error?.code, 12001);
  assert.deepEqual(await stranger.ok('query.trade_order.execution.list', {}), []);
  // tradeOrderIds: any of these orders' fills, still within the caller's accounts; an empty list matches none.
  const other = await trader.ok('command.trade_order.submit', { tradingAccountId: id, tradeOrder: { instrumentId: BTC, orderSide: 'SELL', orderType: 'MARKET', quantity: '0.001' }, awaitClosed: true });
  assert.equal(other.status, 'FILLED');
  const byIds = await trader.ok('query.trade_order.execution.list', { tradeOrderIds: [order.tradeOrderId, other.tradeOrderId], ascending: true, pagination: { limit: 100 } });
  assert.deepEqual(new Set(byIds.map((f: any) => f.tradeOrderId)), new Set([order.tradeOrderId, other.tradeOrderId]));
  assert.deepEqual(byIds.filter((f: any) => f.tradeOrderId === order.tradeOrderId).map((f: any) => f.executionId), fills.map((f) => f.executionId).reverse());
  assert.deepEqual(await trader.ok('query.trade_order.execution.list', { tradeOrderIds: [] }), []);
  assert.deepEqual(await stranger.ok('query.trade_order.execution.list', { tradeOrderIds: [order.tradeOrderId] }), []);
});

const usdtLocked = async (id: string) =>
  dec((await trader.ok('query.portfolio.get', { tradingAccountId: id })).balances.find((b: any) => b.securitySymbol === 'USDT').locked);

test('amend: a resting order takes a new price and quantity, its lock follows, refusals change nothing', async () => {
  const id = await paperAccount();
  const events = await trader.subscribe(`tradingAccount:${id}`);
  const order = await trader.ok('command.trade_order.submit', {
    tradingAccountId: id,
    tradeOrder: { instrumentId: BTC, orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.002', limitPrice: '10000', clientOrderId: 'amend-1' },
  });
  assert.equal(order.status, 'ACCEPTED');
  const before = await usdtLocked(id);
  const amended = await trader.ok('command.trade_order.amend', { tradingAccountId: id, clientOrderId: 'amend-1', quantity: '0.003', limitPrice: '10001' });
  assert.equal(amended.tradeOrderId, order.tradeOrderId);
  assert.deepEqual([amended.status, amended.quantity, amended.limitPrice], ['ACCEPTED', '0.003', '10001']);
  const after = await usdtLocked(id);
  assert.ok(after.mul(20).eq(before.mul('30.003')), `the lock follows price × quantity: ${before} → ${after}`);
  await events.waitFor((e) => e.type === 'event.trade_order.updated' && e.data.tradeOrderId === order.tradeOrderId && e.data.limitPrice === '10001');

  const offTick = await trader.rpc('command.trade_order.amend', { tradingAccountId: id, tradeOrderId: order.tradeOrderId, limitPrice: '10001.001' });
  assert.equal(offTick.error?.code, 11004);
  const nothing = await trader.rpc('command.trade_order.amend', { tradingAccountId: id, tradeOrderId: order.tradeOrderId });
  assert.equal(nothing.error?.code, 11000);
  const tooMuch = await trader.rpc('command.trade_order.amend', { tradingAccountId: id, tradeOrderId: order.tradeOrderId, quantity: '100' });
  assert.equal(tooMuch.error?.code, 14001, 'more than the balance can lock');
  assert.ok((await usdtLocked(id)).eq(after), 'refused amendments leave the lock as it was');
  const stillThere = await trader.ok('query.trade_order.get', { tradingAccountId: id, tradeOrderId: order.tradeOrderId });
  assert.deepEqual([stillThere.quantity, stillThere.limitPrice], ['0.003', '10001']);

  // Crossing the book makes it trade, as a new order at that price would.
  const book = await trader.ok('query.orderbook.get', { instrumentId: BTC, depth: 1 });
  const crossing = String(Math.ceil(Number(book.asks[0][0]) * 1.05));
  const traded = await trader.ok('command.trade_order.amend', { tradingAccountId: id, tradeOrderId: order.tradeOrderId, limitPrice: crossing });
  assert.ok(dec(traded.executedQuantity).gt(0), 'the amended order traded');
  const closed = await trader.ok('command.trade_order.submit', { tradingAccountId: id, tradeOrder: { instrumentId: BTC, orderSide: 'BUY', orderType: 'MARKET', quantity: '0.001' }, awaitClosed: true });
  assert.equal((await trader.rpc('command.trade_order.amend', { tradingAccountId: id, tradeOrderId: closed.tradeOrderId, quantity: '0.002' })).error?.code, 11013);
  const stranger = await h.user('amend-stranger');
  assert.equal((await stranger.rpc('command.trade_order.amend', { tradingAccountId: id, tradeOrderId: order.tradeOrderId, quantity: '0.004' })).error?.code, 12001);
});

test('cancel-all: one instrument, then the whole account; locks released; another user cannot', async () => {
  const id = await paperAccount();
  const place = (instrumentId: string, limitPrice: string) =>
    trader.ok('command.trade_order.submit', { tradingAccountId: id, tradeOrder: { instrumentId, orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.1', limitPrice } });
  const btc = [await place(BTC, '10000'), await place(BTC, '10001')];
  const eth = await place('PAPER:ETH/USDT', '100');
  const stranger = await h.user('cancel-all-stranger');
  assert.equal((await stranger.rpc('command.trade_order.cancel_all', { tradingAccountId: id })).error?.code, 12001);

  const first = await trader.ok('command.trade_order.cancel_all', { tradingAccountId: id, instrumentId: BTC });
  assert.deepEqual(first.map((o: any) => o.tradeOrderId).sort(), btc.map((o) => o.tradeOrderId).sort());
  assert.ok(first.every((o: any) => o.status === 'CANCELLED'));
  assert.equal((await trader.ok('query.trade_order.get', { tradingAccountId: id, tradeOrderId: eth.tradeOrderId })).status, 'ACCEPTED');
  const rest = await trader.ok('command.trade_order.cancel_all', { tradingAccountId: id });
  assert.deepEqual(rest.map((o: any) => [o.tradeOrderId, o.status]), [[eth.tradeOrderId, 'CANCELLED']]);
  assert.deepEqual(await trader.ok('command.trade_order.cancel_all', { tradingAccountId: id }), []);
  assert.ok((await usdtLocked(id)).isZero(), 'every lock released');
});

test('TRAILING_STOP on PAPER: the trigger follows the market, never against the position, is shown on order updates, and fires on the retrace', async () => {
  const id = await paperAccount();
  const events = await trader.subscribe(`tradingAccount:${id}`);
  const refused = await trader.rpc('command.trade_order.submit', { tradingAccountId: id, tradeOrder: { instrumentId: BTC, orderSide: 'SELL', orderType: 'TRAILING_STOP', quantity: '0.01' } });
  assert.equal(refused.error?.code, 11000, 'a trailing stop needs its trailingOffset');
  const stop = await trader.ok('command.trade_order.submit', {
    tradingAccountId: id,
    tradeOrder: { instrumentId: BTC, orderSide: 'SELL', orderType: 'TRAILING_STOP', quantity: '0.01', trailingOffset: '20', trailingOffsetType: 'BASIS_POINTS' },
  });
  assert.equal(stop.status, 'ACCEPTED');
  assert.deepEqual([stop.trailingOffset, stop.trailingOffsetType], ['20', 'BASIS_POINTS']);
  const first = dec(stop.stopPrice);
  const bid = dec((await trader.ok('query.orderbook.get', { instrumentId: BTC, depth: 1 })).bids[0][0]);
  assert.ok(first.lt(bid) && first.gt(bid.mul('0.99')), `the trigger starts about 20 bp under the market: ${first} vs ${bid}`);

  // And a BUY trailing stop beside it. Any trade away from the last price moves one of the two triggers in its
  // position's favour — a sell's up after a higher trade, a buy's down after a lower one — so a buy at the ask and a
  // sell at the bid move at least one, pushed on the account channel.
  const buyStop = await trader.ok('command.trade_order.submit', {
    tradingAccountId: id,
    tradeOrder: { instrumentId: BTC, orderSide: 'BUY', orderType: 'TRAILING_STOP', quantity: '0.01', trailingOffset: '20', trailingOffsetType: 'BASIS_POINTS' },
  });
  const ask = dec((await trader.ok('query.orderbook.get', { instrumentId: BTC, depth: 1 })).asks[0][0]);
  assert.ok(dec(buyStop.stopPrice).gt(ask), 'a buy trailing stop starts above the market');
  for (const orderSide of ['BUY', 'SELL']) {
    await trader.ok('command.trade_order.submit', { tradingAccountId: id, tradeOrder: { instrumentId: BTC, orderSide, orderType: 'MARKET', quantity: '0.01' }, awaitClosed: true });
  }
  const working = (order: any) => (e: any) => e.type === 'event.trade_order.updated' && e.data.tradeOrderId === order.tradeOrderId && e.data.status === 'ACCEPTED';
  await events.waitFor((e) => (working(stop)(e) && dec(e.data.stopPrice).gt(first)) || (working(buyStop)(e) && dec(e.data.stopPrice).lt(buyStop.stopPrice)));
  await trader.ok('command.trade_order.cancel_all', { tradingAccountId: id });

  // A trailing distance of one tick: a buy at the ask, then a sell at the bid, is a retrace that fires it.
  const tight = await trader.ok('command.trade_order.submit', {
    tradingAccountId: id,
    tradeOrder: { instrumentId: BTC, orderSide: 'SELL', orderType: 'TRAILING_STOP', quantity: '0.01', trailingOffset: '0.01' },
  });
  for (let i = 0; i < 5; i++) {
    const now = await trader.ok('query.trade_order.get', { tradingAccountId: id, tradeOrderId: tight.tradeOrderId });
    if (now.status === 'FILLED') break;
    for (const orderSide of ['BUY', 'SELL']) {
      await trader.ok('command.trade_order.submit', { tradingAccountId: id, tradeOrder: { instrumentId: BTC, orderSide, orderType: 'MARKET', quantity: '0.01' }, awaitClosed: true });
    }
  }
  const fired = await trader.ok('query.trade_order.get', { tradingAccountId: id, tradeOrderId: tight.tradeOrderId });
  assert.equal(fired.status, 'FILLED');
  assert.equal(fired.executedQuantity, '0.01');
  const triggers = (order: any) => events.publications.filter(working(order)).map((e) => dec(e.data.stopPrice));
  for (const [order, favour] of [[stop, 1], [buyStop, -1], [tight, 1]] as const) {
    const seen = triggers(order);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]!.sub(seen[i - 1]!).mul(favour).gte(0), `a trigger never moves against the position: ${seen.join(' → ')}`);
  }
});

test('TRAILING_STOP on MOCK, which has none of its own: Cadenza holds it, trails it on the fills, and sends a MARKET order when the retrace reaches it', async () => {
  const id = (await trader.ok('command.trading_account.create', { tradingAccount: { venue: 'MOCK' } })).tradingAccountId;
  const events = await trader.subscribe(`tradingAccount:${id}`);
  const market = (orderSide: string) => trader.ok('command.trade_order.submit', { tradingAccountId: id, tradeOrder: { instrumentId: 'MOCK:BTC/USDT', orderSide, orderType: 'MARKET', quantity: '0.01' }, awaitClosed: true });
  // MOCK's book is fixed: bid 49,999.00, ask 50,001.00.
  const stop = await trader.ok('command.trade_order.submit', {
    tradingAccountId: id,
    tradeOrder: { instrumentId: 'MOCK:BTC/USDT', orderSide: 'SELL', orderType: 'TRAILING_STOP', quantity: '0.01', trailingOffset: '1.5' },
  });
  assert.deepEqual([stop.status, stop.emulated, dec(stop.stopPrice).toString()], ['ACCEPTED', true, '49997.5']);
  await market('BUY'); // a trade at 50,001: the trigger follows to 49,999.5
  const moved = await events.waitFor((e) => e.type === 'event.trade_order.updated' && e.data.tradeOrderId === stop.tradeOrderId && e.data.status === 'ACCEPTED' && dec(e.data.stopPrice).eq('49999.5'));
  assert.equal(moved.data.emulated, true);
  await market('SELL'); // a trade at 49,999: the retrace reaches it
  const filled = await events.waitFor((e) => e.type === 'event.trade_order.updated' && e.data.tradeOrderId === stop.tradeOrderId && e.data.status === 'FILLED');
  assert.deepEqual([filled.data.executedQuantity, dec(filled.data.executedPrice).toString(), filled.data.emulated], ['0.01', '49999', undefined]);
  const seen = events.publications.filter((e) => e.data?.tradeOrderId === stop.tradeOrderId && e.data.status === 'ACCEPTED').map((e) => dec(e.data.stopPrice));
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i]!.gte(seen[i - 1]!), `a trigger never moves against the position: ${seen.join(' → ')}`);
});

test('OTOCO on PAPER: the entry fills, the take-profit works and fills, the stop-loss is cancelled — in order on the account channel', async () => {
  const id = await paperAccount();
  const events = await trader.subscribe(`tradingAccount:${id}`);
  const book = await trader.ok('query.orderbook.get', { instrumentId: BTC, depth: 1 });
  const bid = dec(book.bids[0][0]);
  const takeProfitPrice = str(bid.mul('1.05').toDecimalPlaces(2));
  const stopLossPrice = str(bid.mul('0.95').toDecimalPlaces(2));
  const entry = await trader.ok('command.trade_order.submit', {
    tradingAccountId: id,
    tradeOrder: { instrumentId: BTC, orderSide: 'BUY', orderType: 'MARKET', quantity: '0.01', contingencyType: 'OTOCO', takeProfitPrice, stopLossPrice },
  });
  assert.deepEqual([entry.orderListRole, entry.contingencyType, entry.status], ['ENTRY', 'OTOCO', 'FILLED']);
  const legs = await trader.ok('query.trade_order.list', { tradingAccountId: id, orderListId: entry.orderListId, ascending: true });
  const byRole = Object.fromEntries(legs.map((o: any) => [o.orderListRole, o]));
  assert.deepEqual(Object.keys(byRole).sort(), ['ENTRY', 'STOP_LOSS', 'TAKE_PROFIT']);
  const tp = byRole.TAKE_PROFIT;
  const sl = byRole.STOP_LOSS;
  const fee = dec(entry.fees.find((f: any) => f.asset === 'BTC')?.quantity ?? '0');
  assert.equal(tp.quantity, str(dec('0.01').sub(fee).toDecimalPlaces(5, 1)), 'the exits take what the entry bought, net of its fee');
  assert.deepEqual([tp.orderSide, tp.orderType, tp.limitPrice, tp.status], ['SELL', 'LIMIT', takeProfitPrice, 'ACCEPTED']);
  assert.deepEqual([sl.orderSide, sl.orderType, sl.stopPrice, sl.status, sl.emulated], ['SELL', 'STOP_LOSS', stopLossPrice, 'ACCEPTED', true]);

  // The take-profit trades (amended into the market); the stop-loss goes with it.
  await trader.ok('command.trade_order.amend', { tradingAccountId: id, tradeOrderId: tp.tradeOrderId, limitPrice: str(bid.mul('0.9').toDecimalPlaces(2)) });
  const cancelled = await events.waitFor((e) => e.type === 'event.trade_order.updated' && e.data.tradeOrderId === sl.tradeOrderId && e.data.status === 'CANCELLED');
  assert.match(cancelled.data.cancelReason, /take-profit/);
  const seq = events.publications.filter((e) => e.type === 'event.trade_order.updated' && e.data.orderListId === entry.orderListId).map((e) => `${e.data.orderListRole}:${e.data.status}`);
  const at = (s: string) => seq.indexOf(s);
  assert.ok(at('ENTRY:FILLED') >= 0 && at('ENTRY:FILLED') < at('TAKE_PROFIT:SUBMITTED'), `the take-profit works only after the entry filled: ${seq.join(' ')}`);
  assert.ok(at('TAKE_PROFIT:FILLED') >= 0 && at('TAKE_PROFIT:FILLED') < at('STOP_LOSS:CANCELLED'), `take-profit filled, then stop-loss cancelled: ${seq.join(' ')}`);
  assert.equal(seq.filter((s) => s === 'STOP_LOSS:FILLED').length, 0);
  assert.equal((await trader.ok('query.trade_order.get', { tradingAccountId: id, tradeOrderId: sl.tradeOrderId })).executedQuantity, '0');
});

test('OCO on PAPER: the stop-loss triggers on the market, the take-profit is cancelled first, the stop sells', async () => {
  const id = await paperAccount();
  const events = await trader.subscribe(`tradingAccount:${id}`);
  const market = (orderSide: 'BUY' | 'SELL', quantity: string) => trader.ok('command.trade_order.submit', { tradingAccountId: id, tradeOrder: { instrumentId: BTC, orderSide, orderType: 'MARKET', quantity }, awaitClosed: true });
  const last = dec((await market('BUY', '0.01')).executedPrice);
  const oco = (stopLossPrice: string) => trader.rpc('command.trade_order.submit', {
    tradingAccountId: id,
    tradeOrder: { instrumentId: BTC, orderSide: 'SELL', quantity: '0.01', contingencyType: 'OCO', takeProfitPrice: str(last.mul('1.05').toDecimalPlaces(2)), stopLossPrice },
  });
  // 2 % over the last trade: the simulated market cannot climb that far during one call. Prices sent are on the tick
  // (0.01): an executed price is the average over the levels the order took, often between ticks.
  const refused = await oco(str(last.mul('1.02').toDecimalPlaces(2)));
  assert.equal(refused.error?.code, 11000, `a stop-loss the last trade already reached is refused: ${JSON.stringify(refused.error)}`);
  // The stop one tick under the last trade (a buy at the ask, rounded down to the tick), so the next sell at the bid
  // reaches it. The simulated market trades too: when it has moved under the stop already, the list is refused and
  // tried again (each try a market of its own: the count of tries bounds the test, not the time).
  let tp: any;
  for (let i = 0; i < 50 && !tp; i++) {
    const at = await market('BUY', '0.001');
    const r = await oco(str(dec(at.executedPrice).sub('0.01').toDecimalPlaces(2, 1)));
    if (r.error) assert.equal(r.error.code, 11000, JSON.stringify(r.error));
    else tp = r.data;
  }
  assert.deepEqual([tp?.orderListRole, tp?.status], ['TAKE_PROFIT', 'ACCEPTED']);
  const list = async () => Object.fromEntries((await trader.ok('query.trade_order.list', { tradingAccountId: id, orderListId: tp.orderListId })).map((o: any) => [o.orderListRole, o]));
  const sl = (await list()).STOP_LOSS;
  // Trades at the bid until the stop triggers, which cancels the take-profit first (the market may have risen over
  // the stop meanwhile: then another round). Each round buys what it sells, so the funds never run out.
  for (let i = 0; i < 50 && (await list()).TAKE_PROFIT.status === 'ACCEPTED'; i++) {
    await market('BUY', '0.001');
    await market('SELL', '0.001');
  }
  // The triggered stop's MARKET order fills after the trade that triggered it was answered: its event is awaited.
  await events.waitFor((e) => e.type === 'event.trade_order.updated' && e.data.tradeOrderId === sl.tradeOrderId && e.data.status === 'FILLED', 240_000);
  const legs = await list();
  assert.deepEqual([legs.STOP_LOSS.status, legs.STOP_LOSS.executedQuantity, legs.STOP_LOSS.emulated], ['FILLED', '0.01', undefined]);
  assert.deepEqual([legs.TAKE_PROFIT.status, legs.TAKE_PROFIT.executedQuantity], ['CANCELLED', '0']);
});
