import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { EngineEvent, StpMode, SubmitOrder } from './engine-messages.ts';
import { testEngine } from '../../../test/support/engine-fixture.ts';
import type { MatchingEngine } from './matching-engine.ts';
import type { BookSide } from './order-book.ts';

type Op =
  | { kind: 'limit'; side: 'BUY' | 'SELL'; price: number; lots: number; owner: number; tif: 'GTC' | 'IOC' | 'FOK' | 'GTX' | 'GTD' }
  | { kind: 'market'; side: 'BUY' | 'SELL'; lots: number; owner: number; fok: boolean }
  | { kind: 'quote'; side: 'BUY' | 'SELL'; budget: number; owner: number }
  | { kind: 'stop'; side: 'BUY' | 'SELL'; type: 'STOP_LOSS' | 'TAKE_PROFIT' | 'STOP_LIMIT' | 'TAKE_PROFIT_LIMIT' | 'TRAILING_STOP'; stop: number; price: number; lots: number; owner: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'wait'; ms: number };

const side = fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL');
const owner = fc.integer({ min: 1, max: 4 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('limit' as const), side, price: fc.integer({ min: 90, max: 110 }), lots: fc.integer({ min: 1, max: 20 }), owner, tif: fc.constantFrom('GTC', 'GTC', 'IOC', 'FOK', 'GTX', 'GTD') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('market' as const), side, lots: fc.integer({ min: 1, max: 40 }), owner, fok: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('quote' as const), side, budget: fc.integer({ min: 50, max: 3000 }), owner }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('stop' as const),
      side,
      type: fc.constantFrom('STOP_LOSS', 'TAKE_PROFIT', 'STOP_LIMIT', 'TAKE_PROFIT_LIMIT', 'TRAILING_STOP'),
      stop: fc.integer({ min: 90, max: 110 }),
      price: fc.integer({ min: 90, max: 110 }),
      lots: fc.integer({ min: 1, max: 20 }),
      owner,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 3000 }) }) },
);

function checkSide(s: BookSide, e: MatchingEngine): number {
  let total = 0;
  const keys = s.keys;
  assert.equal(keys.length, s.levels.size, 'level index and level map agree');
  for (let i = 1; i < keys.length; i++) assert.ok(keys[i - 1]! < keys[i]!, 'level index strictly sorted');
  for (const level of s.levels.values()) {
    let lots = 0;
    let count = 0;
    let seq = -1;
    for (let o = level.head; o; o = o.next) {
      assert.ok(o.seq > seq, 'orders in a level keep arrival order');
      seq = o.seq;
      assert.ok(o.lots > 0);
      assert.equal(o.priceTicks, level.priceTicks);
      assert.equal(e.book.orders.get(o.id), o);
      lots += o.lots;
      count++;
    }
    assert.ok(count > 0, 'no empty levels');
    assert.equal(level.lots, lots);
    assert.equal(level.count, count);
    total += count;
  }
  return total;
}

function run(ops: Op[], stp: StpMode): void {
  const e = testEngine(stp);
  const T0 = Date.UTC(2026, 0, 1);
  let now = T0;
  let nextId = 1;
  const submitted = new Map<number, number>();
  const filled = new Map<number, number>();
  const closed = new Set<number>();
  const seqOf = new Map<number, number>();
  const budgets = new Map<number, bigint>();
  const sideOf = new Map<number, 'BUY' | 'SELL'>();
  const trigger = new Map<number, number>();
  const ids: number[] = [];
  for (const o of ops) {
    let events: EngineEvent[];
    if (o.kind === 'wait') {
      now += o.ms;
      events = e.advanceTime(now);
    } else if (o.kind === 'cancel') {
      if (ids.length === 0) continue;
      events = e.cancel(ids[o.pick % ids.length]!, now);
    } else {
      const id = nextId++;
      ids.push(id);
      let order: SubmitOrder;
      if (o.kind === 'limit') {
        order = { id, owner: o.owner, side: o.side, type: 'LIMIT', timeInForce: o.tif, lots: o.lots, priceTicks: o.price, expireAt: o.tif === 'GTD' ? now + 2000 : undefined };
      } else if (o.kind === 'market') {
        order = { id, owner: o.owner, side: o.side, type: 'MARKET', timeInForce: o.fok ? 'FOK' : 'IOC', lots: o.lots };
      } else if (o.kind === 'quote') {
        order = { id, owner: o.owner, side: o.side, type: 'MARKET', timeInForce: 'IOC', lots: 0, quoteBudget: BigInt(o.budget) };
        budgets.set(id, BigInt(o.budget));
      } else {
        const limitPrice = o.type === 'STOP_LIMIT' || o.type === 'TAKE_PROFIT_LIMIT' ? o.price : undefined;
        order = { id, owner: o.owner, side: o.side, type: o.type, timeInForce: 'GTC', lots: o.lots, priceTicks: limitPrice };
        if (o.type === 'TRAILING_STOP') {
          order.trailingTicks = 1 + (o.stop % 5);
          // Half of them start where the domain puts them (orders/trailing-stop.ts): the distance from the best price
          // they would trade against — which may sit either side of the last trade. That start is their first trigger.
          const best = o.side === 'SELL' ? e.book.bestBid() : e.book.bestAsk();
          if (o.price % 2 === 0 && best !== undefined) {
            order.stopTicks = o.side === 'SELL' ? best - order.trailingTicks : best + order.trailingTicks;
            trigger.set(id, order.stopTicks);
          }
        } else order.stopTicks = o.stop;
      }
      sideOf.set(id, order.side);
      if (order.quoteBudget === undefined) submitted.set(id, order.lots);
      const bestBefore = o.side === 'BUY' ? e.book.bestAsk() : e.book.bestBid();
      events = e.submit(order, now);
      const takerFills = events.filter((x) => x.type === 'fill' && x.takerId === id) as Extract<EngineEvent, { type: 'fill' }>[];
      // Price priority: fills walk away from the best price, never back.
      for (let i = 1; i < takerFills.length; i++) {
        const a = takerFills[i - 1]!.priceTicks;
        const b = takerFills[i]!.priceTicks;
        assert.ok(o.side === 'BUY' ? b >= a : b <= a, 'fills walk the book outward');
      }
      if (takerFills.length && bestBefore !== undefined) assert.ok(o.side === 'BUY' ? takerFills[0]!.priceTicks >= bestBefore : takerFills[0]!.priceTicks <= bestBefore);
      if (o.kind === 'quote') {
        const spent = takerFills.reduce((sum, f) => sum + BigInt(f.priceTicks) * BigInt(f.lots), 0n);
        assert.ok(spent <= BigInt(o.budget), 'a quote budget is never overspent');
      }
      if (o.kind === 'limit') for (const f of takerFills) assert.ok(o.side === 'BUY' ? f.priceTicks <= o.price : f.priceTicks >= o.price, 'limit respected');
    }
    for (const ev of events) {
      if (ev.type === 'fill') {
        // Time priority: no order older than the maker remains at the maker's price on its side.
        const makerSeq = seqOf.get(ev.makerId) ?? Infinity; // unknown: rested within this command (a triggered stop)
        const level = (ev.takerSide === 'BUY' ? e.book.asks : e.book.bids).levels.get(ev.priceTicks);
        if (makerSeq !== Infinity) for (let r = level?.head; r; r = r.next) assert.ok(r.seq >= makerSeq || r.owner === ev.takerOwner, 'older order skipped');
        filled.set(ev.takerId, (filled.get(ev.takerId) ?? 0) + ev.lots);
        filled.set(ev.makerId, (filled.get(ev.makerId) ?? 0) + ev.lots);
        assert.ok(ev.makerOwner !== ev.takerOwner || stp === 'NONE', 'self-trade prevented');
      } else if (ev.type === 'trailed') {
        // A trailing stop's trigger never moves against the position: a sell's only rises, a buy's only falls.
        const before = trigger.get(ev.id);
        if (before !== undefined) assert.ok(sideOf.get(ev.id) === 'SELL' ? ev.stopTicks > before : ev.stopTicks < before, `trailing stop ${ev.id} moved against the position`);
        assert.ok(e.isOpen(ev.id), 'only a pending stop trails');
        trigger.set(ev.id, ev.stopTicks);
      } else if (ev.type === 'cancelled' || ev.type === 'expired' || ev.type === 'rejected') {
        assert.ok(!closed.has(ev.id), 'an order closes once');
        closed.add(ev.id);
        assert.ok(!e.isOpen(ev.id));
      }
    }
    for (const r of e.book.orders.values()) if (!seqOf.has(r.id)) seqOf.set(r.id, r.seq);
    // Never crossed.
    const bid = e.book.bestBid();
    const ask = e.book.bestAsk();
    if (bid !== undefined && ask !== undefined) assert.ok(bid < ask, `book crossed: ${bid} >= ${ask}`);
    assert.equal(checkSide(e.book.bids, e) + checkSide(e.book.asks, e), e.book.orders.size);
    // Conservation: every order's lots are filled, resting, or closed — never more than submitted.
    for (const [id, lots] of submitted) {
      const f = filled.get(id) ?? 0;
      assert.ok(f <= lots, `order ${id} overfilled`);
      const resting = e.book.orders.get(id);
      if (resting) assert.equal(f + resting.lots, lots, `order ${id}: filled + resting = submitted`);
      else if (e.isOpen(id)) assert.equal(f, 0, `pending stop ${id} has not traded`);
      else if (!closed.has(id)) assert.equal(f, lots, `order ${id} vanished with ${lots - f} lots unaccounted`);
    }
  }
}

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

for (const stp of ['EXPIRE_MAKER', 'EXPIRE_TAKER', 'EXPIRE_BOTH', 'NONE'] as const) {
  test(`random order streams (limits, markets, quote budgets, stops, cancels, expiries) keep the book uncrossed, conserve quantity and keep time priority (STP ${stp})`, (t) => {
    t.diagnostic(`fast-check seed ${seed} (rerun with FC_SEED=${seed})`);
    console.log(`[property] STP ${stp}: fast-check seed ${seed}`);
    fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 200 }), (ops) => run(ops, stp)), { seed, numRuns: 150 });
  });
}
