/**
 * Trailing stops Cadenza emulates (orders/trailing-stop-emulator.ts) on a venue without its own — the scripted venue's
 * instruments do not list TRAILING_STOP — under any sequence of trades and restarts: every published trigger moves
 * only in the position's favour, the trigger is always the best price seen (from its start) less (SELL) or plus (BUY)
 * the distance, the stop fires — reaching the venue as a MARKET order — exactly when a trade reaches it, and it holds
 * its instrument's trade stream exactly while armed.
 * Work-counted: a fixed number of generated runs of bounded length.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ScriptedVenue, SequentialIds, alice, testCadenza, type TestCadenza } from '@cadenza/testkit';
import { dec, str, type Dec } from '@cadenza/domain';

const BTC = 'PAPER:BTC/USDT';
const DISTANCE = '100';
type Step = { k: 'trade'; price: number } | { k: 'restart' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 49_000, max: 51_000 }).map((price) => ({ k: 'trade' as const, price })) },
  { weight: 1, arbitrary: fc.constant({ k: 'restart' as const }) },
);

async function settle(): Promise<void> {
  for (let i = 0; i < 8; i++) await new Promise((r) => setImmediate(r));
}

/** How each run ended: the generated runs must reach both, or they prove little. */
const endings = new Map<string, number>();

async function run(side: 'BUY' | 'SELL', steps: Step[]): Promise<void> {
  const ids = new SequentialIds();
  const venue = () => new ScriptedVenue();
  let t: TestCadenza = await testCadenza({ ids, venues: [venue()] });
  const { tradingAccountId } = await t.cadenza.tradingAccounts.create(alice, { venue: 'PAPER', nickname: 'trail' });
  const channel = `tradingAccount:${tradingAccountId}`;
  const stop = await t.cadenza.orders.submit(alice, { tradingAccountId, tradeOrder: { instrumentId: BTC, orderSide: side, orderType: 'TRAILING_STOP', quantity: '0.01', trailingOffset: DISTANCE } as never });
  assert.deepEqual([stop.status, stop.emulated, stop.lockedAmount], ['ACCEPTED', true, '0'], 'held by Cadenza, locking nothing');
  // The model: the best price seen starts at the price the stop would trade against (the book is 49,999 / 50,001).
  const sell = side === 'SELL';
  let best: Dec = dec(sell ? '49999' : '50001');
  const trigger = () => (sell ? best.sub(DISTANCE) : best.add(DISTANCE));
  let fired = false;
  let price = 50_000;
  const published: string[] = [stop.stopPrice!];
  const collect = () => {
    for (const e of t.events.on(channel, 'event.trade_order.updated')) {
      const o = e.data as { tradeOrderId: string; status: string; stopPrice?: string; emulated?: boolean };
      if (o.tradeOrderId === stop.tradeOrderId && o.status === 'ACCEPTED' && o.emulated) published.push(o.stopPrice!);
    }
    t.events.clear();
  };
  t.events.clear();

  for (const s of steps) {
    if (s.k === 'trade') {
      price = s.price;
      t.venue.setPrice('BTC/USDT', String(price));
      t.cadenza.orders.onTrade({ instrumentId: BTC, venue: 'PAPER', symbol: 'BTC/USDT', tradeId: `t-${price}`, price: String(price), quantity: '1', side: 'BUY', timestamp: 0 });
      if (!fired) {
        const p = dec(price);
        if (sell ? p.lte(trigger()) : p.gte(trigger())) fired = true;
        else if (sell ? p.gt(best) : p.lt(best)) best = p;
      }
    } else {
      collect();
      await t.cadenza.durable();
      await t.cadenza.stop();
      const next = venue();
      next.setPrice('BTC/USDT', String(price));
      t = await testCadenza({ ids, store: t.store, venues: [next] });
    }
    await settle();
    collect();
    const now = await t.cadenza.orders.get(alice, { tradingAccountId, tradeOrderId: stop.tradeOrderId });
    if (fired) {
      assert.equal(now.status, 'FILLED', 'a stop a trade reached goes to the venue and fills');
      assert.ok(now.triggeredAt !== undefined && !now.emulated);
      assert.equal(t.venue.submitted.at(-1)?.orderType ?? 'MARKET', 'MARKET');
    } else {
      assert.deepEqual([now.status, now.stopPrice], ['ACCEPTED', str(trigger())], 'armed, its trigger the best price seen less/plus the distance');
    }
    // The trade stream (which a live venue runs only while held) is held exactly while the stop is armed, restarts too.
    assert.equal(t.cadenza.subscriptions.feeds.count('PAPER', { kind: 'trade', symbol: 'BTC/USDT' }), fired ? 0 : 1, 'the stop holds its trades while armed');
  }
  for (let i = 1; i < published.length; i++) {
    const d = dec(published[i]!).sub(published[i - 1]!);
    assert.ok(sell ? d.gte(0) : d.lte(0), `a published trigger never moves against the position: ${published.join(' → ')}`);
  }
  endings.set(`${side} ${fired ? 'fired' : 'armed'}`, (endings.get(`${side} ${fired ? 'fired' : 'armed'}`) ?? 0) + 1);
  await t.cadenza.stop();
}

test('the paths the property walks: a sell trails up and fires on the retrace across a restart; a buy trails down', async () => {
  endings.clear();
  await run('SELL', [{ k: 'trade', price: 50_200 }, { k: 'restart' }, { k: 'trade', price: 50_150 }, { k: 'trade', price: 50_100 }]);
  await run('BUY', [{ k: 'trade', price: 49_800 }, { k: 'trade', price: 49_850 }, { k: 'restart' }]);
  assert.deepEqual(Object.fromEntries(endings), { 'SELL fired': 1, 'BUY armed': 1 });
  endings.clear();
});

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

for (const side of ['SELL', 'BUY'] as const) {
  test(`emulated ${side} trailing stop: any sequence of trades and restarts — the trigger never moves against the position and fires exactly when reached`, async (t) => {
    t.diagnostic(`fast-check seed ${seed} (rerun with FC_SEED=${seed})`);
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 20 }), (steps) => run(side, steps)), { seed, numRuns: 60 });
    t.diagnostic(`endings: ${JSON.stringify([...endings])}`);
  });
}
