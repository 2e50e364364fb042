/**
 * The market streams emulated orders hold (market-data/market-holds.ts): an armed trailing stop or held stop-loss
 * holds its instrument's trade and book streams through the same reference-counted feeds market subscriptions hold,
 * once per instrument whatever the number of orders, lets go with the last of them without touching a subscription's
 * hold, holds again after a restart; and a trailing stop on a venue without a book yet waits for one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScriptedVenue, alice, testCadenza } from '@cadenza/testkit';
import { DomainError } from '@cadenza/domain';
import { SqliteStore } from '@cadenza/store';

const BTC = 'PAPER:BTC/USDT';
const trade = { kind: 'trade', symbol: 'BTC/USDT' } as const;
const book = { kind: 'orderbook', symbol: 'BTC/USDT' } as const;
const stop = (quantity = '0.01') => ({ instrumentId: BTC, orderSide: 'SELL', orderType: 'TRAILING_STOP', quantity, trailingOffset: '100' }) as never;
/** Lets the feed registry's acquire/release promises settle. */
const settle = () => new Promise((r) => setImmediate(r));

test('armed emulated orders hold their instrument\'s streams once, beside a subscription\'s hold, and let go with the last', async () => {
  const t = await testCadenza();
  const feeds = t.cadenza.subscriptions.feeds;
  const { tradingAccountId } = await t.cadenza.tradingAccounts.create(alice, { venue: 'PAPER', nickname: 'holds' });
  t.venue.setBalances([{ asset: 'BTC', free: '1', locked: '0' }]);
  await t.cadenza.subscriptions.create(alice, { venue: 'PAPER', instruments: [BTC], subscriptionType: 'MARKET.SUBSCRIPTION.TRADE' });
  assert.equal(feeds.count('PAPER', trade), 1, 'the client\'s subscription');

  const a = await t.cadenza.orders.submit(alice, { tradingAccountId, tradeOrder: stop() });
  const b = await t.cadenza.orders.submit(alice, { tradingAccountId, tradeOrder: stop('0.02') });
  assert.deepEqual([a.emulated, b.emulated], [true, true]);
  const sl = await t.cadenza.orders.submit(alice, { tradingAccountId, tradeOrder: { instrumentId: BTC, orderSide: 'SELL', quantity: '0.01', contingencyType: 'OCO', takeProfitPrice: '51000', stopLossPrice: '49000' } as never });
  assert.equal(sl.orderListRole, 'TAKE_PROFIT');
  await settle();
  assert.deepEqual([feeds.count('PAPER', trade), feeds.count('PAPER', book)], [2, 1], 'the subscription\'s, and one for the trailing stops and the list\'s stop-loss');

  await t.cadenza.orders.cancel(alice, { tradingAccountId, tradeOrderId: a.tradeOrderId });
  await settle();
  assert.equal(feeds.count('PAPER', trade), 2, 'other emulated orders still armed there');
  await t.cadenza.orders.cancel(alice, { tradingAccountId, tradeOrderId: b.tradeOrderId });
  await t.cadenza.orders.cancel(alice, { tradingAccountId, tradeOrderId: sl.tradeOrderId });
  await settle();
  assert.deepEqual([feeds.count('PAPER', trade), feeds.count('PAPER', book)], [1, 0], 'only the subscription\'s hold is left');
  assert.deepEqual(t.venue.feedCalls.filter((c) => c.op === 'unsubscribe').map((c) => c.key.kind), ['orderbook'], 'the trade stream keeps running for its subscriber');
  await t.cadenza.stop();
});

test('a trailing stop that fires lets go of the streams once its order is at the venue; after a restart an armed one holds them again', async () => {
  const store = new SqliteStore({ path: ':memory:' });
  const t = await testCadenza({ store });
  const { tradingAccountId } = await t.cadenza.tradingAccounts.create(alice, { venue: 'PAPER', nickname: 'holds' });
  t.venue.setBalances([{ asset: 'BTC', free: '1', locked: '0' }]);
  const fired = await t.cadenza.orders.submit(alice, { tradingAccountId, tradeOrder: stop() });
  const armed = await t.cadenza.orders.submit(alice, { tradingAccountId, tradeOrder: { ...(stop() as object), trailingOffset: '500' } as never });
  await settle();
  assert.equal(t.cadenza.subscriptions.feeds.count('PAPER', trade), 1);
  // 49,999 is the bid: the first stop's trigger is 49,899, the second's 49,499.
  t.cadenza.orders.onTrade({ instrumentId: BTC, venue: 'PAPER', symbol: 'BTC/USDT', tradeId: 'x1', price: '49800', quantity: '1', side: 'SELL', timestamp: 0 });
  await t.cadenza.orders.desk.awaitClosed(fired.tradeOrderId);
  assert.equal(t.venue.submitted.at(-1)?.orderType, 'MARKET');
  await settle();
  assert.equal(t.cadenza.subscriptions.feeds.count('PAPER', trade), 1, 'the other stop still holds');
  await t.cadenza.durable();
  await t.cadenza.stop();

  const again = await testCadenza({ store });
  await settle();
  assert.equal((await again.cadenza.orders.get(alice, { tradeOrderId: armed.tradeOrderId })).status, 'ACCEPTED');
  assert.deepEqual([again.cadenza.subscriptions.feeds.count('PAPER', trade), again.cadenza.subscriptions.feeds.count('PAPER', book)], [1, 1], 're-armed, held again');
  await again.cadenza.stop();
});

test('a trailing stop on a venue with no book yet waits for the book it starts from, and is refused when none comes', async () => {
  const venue = new ScriptedVenue();
  venue.prices.delete('BTC/USDT');
  const t = await testCadenza({ venues: [venue], config: { marketWaitMs: 60_000 } });
  const { tradingAccountId } = await t.cadenza.tradingAccounts.create(alice, { venue: 'PAPER', nickname: 'holds' });
  t.venue.setBalances([{ asset: 'BTC', free: '1', locked: '0' }]);
  const placing = t.cadenza.orders.submit(alice, { tradingAccountId, tradeOrder: stop() });
  await settle();
  assert.deepEqual(venue.feedCalls.map((c) => `${c.op} ${c.key.kind}`), ['subscribe trade', 'subscribe orderbook'], 'the book asked for');
  venue.setPrice('BTC/USDT', '50000');
  t.cadenza.marketHolds.onBookChanged('PAPER', 'BTC/USDT');
  const placed = await placing;
  assert.deepEqual([placed.status, placed.stopPrice], ['ACCEPTED', '49899']);
  await settle();
  assert.equal(venue.feedCalls.filter((c) => c.op === 'unsubscribe').length, 0, 'the armed stop took the streams over without a gap');
  await t.cadenza.stop();

  const quiet = new ScriptedVenue();
  quiet.prices.delete('BTC/USDT');
  const q = await testCadenza({ venues: [quiet], config: { marketWaitMs: 1 } });
  const acct = await q.cadenza.tradingAccounts.create(alice, { venue: 'PAPER', nickname: 'quiet' });
  await assert.rejects(q.cadenza.orders.submit(alice, { tradingAccountId: acct.tradingAccountId, tradeOrder: stop() }), (e: unknown) => e instanceof DomainError && e.code === 11011);
  await new Promise((r) => setTimeout(r, 0)); // after the hold's end-of-turn let-go, queued before it
  await settle();
  assert.deepEqual(quiet.feedCalls.map((c) => `${c.op} ${c.key.kind}`), ['subscribe trade', 'subscribe orderbook', 'unsubscribe trade', 'unsubscribe orderbook'], 'let go after the wait');
  await q.cadenza.stop();
});
