/**
 * Order lists (orders/order-lists.ts) under any interleaving of market moves, fills, cancels and restarts: an OCO
 * (alone, or as an OTOCO's exits) ends with at most one exit traded, and an OTOCO's exits work only after its entry
 * traded. Work-counted: a fixed number of generated runs, each a bounded list of steps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ScriptedVenue, SequentialIds, alice, testCadenza, type TestCadenza } from '@cadenza/testkit';
import { dec, type Order } from '@cadenza/domain';

const BTC = 'PAPER:BTC/USDT';
type Leg = 'ENTRY' | 'TAKE_PROFIT' | 'STOP_LOSS';
type Step =
  | { k: 'trade'; price: number }
  | { k: 'fill'; leg: Leg; partial: boolean }
  | { k: 'cancel'; leg: Leg }
  | { k: 'restart' };

const leg = fc.constantFrom<Leg>('ENTRY', 'TAKE_PROFIT', 'STOP_LOSS');
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 49_700, max: 50_300 }).map((price) => ({ k: 'trade' as const, price })) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('fill' as const), leg, partial: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('cancel' as const), leg }) },
  { weight: 1, arbitrary: fc.constant({ k: 'restart' as const }) },
);

/** Lets the list's deferred steps (microtasks, awaited cancels and sends) run to their end. */
async function settle(): Promise<void> {
  for (let i = 0; i < 8; i++) await new Promise((r) => setImmediate(r));
}

/** Which exit traded in each run: the generated runs must reach both outcomes, or they prove little. */
const outcomes = new Map<string, number>();

async function run(kind: 'OCO' | 'OTOCO', steps: Step[]): Promise<void> {
  const ids = new SequentialIds();
  let price = 50_000;
  let t: TestCadenza = await testCadenza({ ids, venues: [new ScriptedVenue()] });
  const account = await t.cadenza.tradingAccounts.create(alice, { venue: 'PAPER', nickname: 'lists' });
  const tradingAccountId = account.tradingAccountId;
  const tradeOrder =
    kind === 'OCO'
      ? { instrumentId: BTC, orderSide: 'SELL', quantity: '0.01', contingencyType: 'OCO', takeProfitPrice: '50100', stopLossPrice: '49900' }
      : { instrumentId: BTC, orderSide: 'BUY', orderType: 'LIMIT', limitPrice: '49950', quantity: '0.01', contingencyType: 'OTOCO', takeProfitPrice: '50150', stopLossPrice: '49800' };
  const first = await t.cadenza.orders.submit(alice, { tradingAccountId, tradeOrder: tradeOrder as never });
  const orderListId = first.orderListId!;
  await settle();
  const legs = async (): Promise<Record<string, Order>> =>
    Object.fromEntries((await t.cadenza.orders.list(alice, { orderListId }, { offset: 0, limit: 10 })).items.map((o) => [o.orderListRole!, o]));

  for (const s of steps) {
    const now = await legs();
    if (s.k === 'trade') {
      price = s.price;
      t.venue.setPrice('BTC/USDT', String(price));
      t.cadenza.orders.onTrade({ instrumentId: BTC, venue: 'PAPER', symbol: 'BTC/USDT', tradeId: `t-${price}`, price: String(price), quantity: '1', side: 'BUY', timestamp: 0 });
    } else if (s.k === 'fill') {
      const o = now[s.leg];
      if (o && t.venue.resting.has(o.tradeOrderId)) t.venue.fillResting(o.tradeOrderId, s.partial ? '0.004' : undefined);
    } else if (s.k === 'cancel') {
      const o = now[s.leg];
      if (o) await t.cadenza.orders.cancel(alice, { tradingAccountId, tradeOrderId: o.tradeOrderId }).catch(() => undefined);
    } else {
      await t.cadenza.durable();
      await t.cadenza.stop();
      const venue = new ScriptedVenue();
      venue.setPrice('BTC/USDT', String(price));
      t = await testCadenza({ ids, store: t.store, venues: [venue] });
    }
    await settle();

    const after = await legs();
    const exits = [after.TAKE_PROFIT, after.STOP_LOSS].filter((o): o is Order => o !== undefined);
    const traded = exits.filter((o) => dec(o.executedQuantity).gt(0));
    assert.ok(traded.length <= 1, `${kind}: at most one exit traded (${exits.map((o) => `${o.orderListRole} ${o.status} ${o.executedQuantity}`).join(', ')})`);
    const atVenue = exits.filter((o) => !o.emulated && o.status !== 'CREATED' && !(o.status === 'CANCELLED' && dec(o.executedQuantity).isZero() && o.triggeredAt === undefined && o.orderListRole === 'STOP_LOSS'));
    const live = atVenue.filter((o) => ['SUBMITTED', 'ACCEPTED', 'PARTIALLY_FILLED', 'PENDING_CANCEL'].includes(o.status));
    assert.ok(live.length <= 1, `${kind}: one exit at the venue at a time (${live.map((o) => o.orderListRole).join(', ')})`);
    // A held stop-loss (emulated, ACCEPTED) holds its instrument's trades — a live venue streams them only while held.
    const held = exits.some((o) => o.emulated && o.status === 'ACCEPTED');
    assert.equal(t.cadenza.subscriptions.feeds.count('PAPER', { kind: 'trade', symbol: 'BTC/USDT' }), held ? 1 : 0, `${kind}: the trade stream held exactly while a stop-loss is held`);
    if (kind === 'OTOCO' && (atVenue.length > 0 || exits.some((o) => o.status === 'ACCEPTED'))) {
      const entry = after.ENTRY!;
      assert.ok(['FILLED', 'CANCELLED', 'EXPIRED'].includes(entry.status) && dec(entry.executedQuantity).gt(0), `OTOCO: the exits work only after the entry traded (entry ${entry.status} ${entry.executedQuantity})`);
    }
  }
  const end = await legs();
  for (const role of ['TAKE_PROFIT', 'STOP_LOSS']) if (dec(end[role]?.executedQuantity ?? '0').gt(0)) outcomes.set(`${kind} ${role}`, (outcomes.get(`${kind} ${role}`) ?? 0) + 1);
  await t.cadenza.stop();
}

// The two ways a list ends, each reached on purpose (the generated runs reach them by chance).
test('the paths the property walks: the take-profit trades, or the stop triggers, hands over and sells', async () => {
  outcomes.clear();
  await run('OCO', [{ k: 'fill', leg: 'TAKE_PROFIT', partial: true }, { k: 'trade', price: 49_800 }]);
  await run('OCO', [{ k: 'restart' }, { k: 'trade', price: 49_850 }]);
  await run('OTOCO', [{ k: 'fill', leg: 'ENTRY', partial: false }, { k: 'restart' }, { k: 'trade', price: 49_700 }]);
  await run('OTOCO', [{ k: 'fill', leg: 'ENTRY', partial: true }, { k: 'cancel', leg: 'ENTRY' }, { k: 'fill', leg: 'TAKE_PROFIT', partial: false }]);
  assert.deepEqual(Object.fromEntries(outcomes), { 'OCO TAKE_PROFIT': 1, 'OCO STOP_LOSS': 1, 'OTOCO STOP_LOSS': 1, 'OTOCO TAKE_PROFIT': 1 });
  outcomes.clear();
});

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

for (const kind of ['OCO', 'OTOCO'] as const) {
  test(`${kind}: any interleaving of market moves, fills, cancels and restarts leaves at most one exit traded${kind === 'OTOCO' ? ', and exits only after the entry traded' : ''}`, async (t) => {
    t.diagnostic(`fast-check seed ${seed} (rerun with FC_SEED=${seed})`);
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 20 }), (steps) => run(kind, steps)), { seed, numRuns: 80 });
    t.diagnostic(`runs ending with an exit traded: ${JSON.stringify([...outcomes])}`);
  });
}
