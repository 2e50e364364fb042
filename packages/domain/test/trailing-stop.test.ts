/**
 * Trailing stops in the domain: what a venue reports about a trigger is booked only when it moves in the position's
 * favour, whatever order the reports come in (orders/order-ledger.ts, orders/trailing-stop.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScriptedVenue, alice, testCadenza } from '@cadenza/testkit';
import { dec } from '@cadenza/domain';

const BTC = 'PAPER:BTC/USDT';

/** A venue that trails natively (as PAPER does): its instruments list TRAILING_STOP. */
function trailingVenue(): ScriptedVenue {
  const venue = new ScriptedVenue();
  for (const i of venue.instruments) i.orderTypes = [...i.orderTypes, 'TRAILING_STOP'];
  return venue;
}

test('a stale or replayed trailed report never moves a published trigger against the position', async () => {
  const t = await testCadenza({ venues: [trailingVenue()] });
  const { tradingAccountId } = await t.cadenza.tradingAccounts.create(alice, { venue: 'PAPER', nickname: 'trail' });
  const channel = `tradingAccount:${tradingAccountId}`;
  const sell = await t.cadenza.orders.submit(alice, { tradingAccountId, tradeOrder: { instrumentId: BTC, orderSide: 'SELL', orderType: 'TRAILING_STOP', quantity: '0.01', trailingOffset: '100' } as never });
  const buy = await t.cadenza.orders.submit(alice, { tradingAccountId, tradeOrder: { instrumentId: BTC, orderSide: 'BUY', orderType: 'TRAILING_STOP', quantity: '0.01', trailingOffset: '100' } as never });
  // The book is 49,999 / 50,001: the sell starts 100 under the bid, the buy 100 over the ask.
  assert.deepEqual([sell.status, sell.stopPrice, buy.status, buy.stopPrice], ['ACCEPTED', '49899', 'ACCEPTED', '50101']);

  // The interleaving of the flake, played on purpose: moves in favour, then an older report arriving late, a
  // repeat, and a move against the position; then a real move again.
  const report = (tradeOrderId: string, stopPrice: string) => t.venue.sink.onExecution({ type: 'trailed', tradeOrderId, tradingAccountId, stopPrice, timestamp: 0 });
  for (const p of ['49907', '49950', '49907', '49950', '49899', '49960']) report(sell.tradeOrderId, p);
  for (const p of ['50090', '50050', '50090', '50101', '50040']) report(buy.tradeOrderId, p);
  await t.cadenza.durable();

  const published = (id: string) =>
    t.events.on(channel, 'event.trade_order.updated').map((e) => e.data as { tradeOrderId: string; status: string; stopPrice?: string }).filter((o) => o.tradeOrderId === id && o.status === 'ACCEPTED').map((o) => o.stopPrice!);
  assert.deepEqual(published(sell.tradeOrderId), ['49899', '49907', '49950', '49960']);
  assert.deepEqual(published(buy.tradeOrderId), ['50101', '50090', '50050', '50040']);
  for (const [id, favour] of [[sell.tradeOrderId, 1], [buy.tradeOrderId, -1]] as const) {
    const seen = published(id);
    for (let i = 1; i < seen.length; i++) assert.ok(dec(seen[i]!).sub(seen[i - 1]!).mul(favour).gt(0), `${seen.join(' → ')}`);
  }
  const stored = await t.store.getOrder(sell.tradeOrderId);
  assert.equal(stored?.stopPrice, '49960', 'the store holds the furthest trigger, not the last report');
  await t.cadenza.stop();
});
