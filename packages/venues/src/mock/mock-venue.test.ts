import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExecutionEvent, VenueDeps, VenueOrder } from '@cadenza/domain';
import { createMockVenue, MockVenueError, type MockVenue } from './mock-venue.ts';

const NOW = Date.UTC(2026, 10, 24, 9, 30, 0);

function setup() {
  const executions: ExecutionEvent[] = [];
  const trades: unknown[] = [];
  const books: string[] = [];
  const deps: VenueDeps = {
    clock: { now: () => NOW },
    execution: { onExecution: (e) => executions.push(e) },
    market: { onBookChanged: (v, s) => books.push(`${v}:${s}`), onTrade: (t) => trades.push(t), onTicker() {}, onKline() {} },
    log: { info() {}, warn() {}, error() {} },
  };
  return { venue: createMockVenue(deps), executions, trades, books };
}

let n = 0;
function order(fields: Partial<VenueOrder>): VenueOrder {
  n++;
  return {
    tradeOrderId: `t${n}`, clientOrderId: `c${n}`, tradingAccountId: 'a1', instrumentId: 'MOCK:BTC/USDT', symbol: 'BTC/USDT',
    side: 'BUY', orderType: 'MARKET', timeInForce: 'IOC', quantityType: 'BASE', quantity: '0.5', ...fields,
  };
}

async function run(venue: MockVenue, executions: ExecutionEvent[], o: VenueOrder) {
  const before = executions.length;
  await venue.submitOrder(o, { tradingAccountId: o.tradingAccountId });
  return executions.slice(before) as Array<ExecutionEvent & Record<string, unknown>>;
}

describe('MockVenue', () => {
  test('shows a static book around 50000 for BTC/USDT and a fixed ticker', async () => {
    const { venue, books } = setup();
    const book = venue.getBook('BTC/USDT', 3)!;
    assert.deepEqual(book.bids.map((l) => [l.price, l.quantity]), [['49999.00', '1.00000'], ['49998.00', '1.00000'], ['49997.00', '1.00000']]);
    assert.deepEqual(book.asks.map((l) => l.price), ['50001.00', '50002.00', '50003.00']);
    assert.equal(venue.getBook('BTC/USDT', 50)!.asks.length, 10);
    const t = venue.getTicker('BTC/USDT')!;
    assert.deepEqual([t.lastPrice, t.bidPrice, t.askPrice, t.priceChangePercent], ['50000.00', '49999.00', '50001.00', '0.00']);
    await venue.start();
    assert.ok(books.includes('MOCK:BTC/USDT'), 'start() announces the books');
    const [spec] = await venue.listInstruments();
    assert.equal(spec!.instrumentId, 'MOCK:BTC/USDT');
  });

  test('MARKET buys fill at once, in full, at the best ask, with the taker fee in base', async () => {
    const { venue, executions, trades } = setup();
    const ev = await run(venue, executions, order({}));
    assert.deepEqual(ev.map((e) => e.type), ['accepted', 'filled']);
    assert.deepEqual([ev[1]!.price, ev[1]!.quantity, ev[1]!.fee, ev[1]!.feeAsset, ev[1]!.liquidity, ev[1]!.final], ['50001.00', '0.50000', '0.00050000', 'BTC', 'TAKER', true]);
    assert.equal(trades.length, 1);
    assert.equal(venue.getTicker('BTC/USDT')!.lastPrice, '50001.00');
  });

  test('MARKET sells fill at the best bid with the fee in quote; QUOTE quantities buy whole lots', async () => {
    const { venue, executions } = setup();
    const sell = await run(venue, executions, order({ side: 'SELL', quantity: '0.1' }));
    assert.deepEqual([sell[1]!.price, sell[1]!.fee, sell[1]!.feeAsset], ['49999.00', '4.99990000', 'USDT']);
    const quote = await run(venue, executions, order({ quantityType: 'QUOTE', quantity: '1000' }));
    // 1000 / 50001 = 0.0199996 → 0.01999 BTC.
    assert.equal(quote[1]!.quantity, '0.01999');
  });

  test('marketable LIMIT orders fill at the touch; others rest until cancelled', async () => {
    const { venue, executions } = setup();
    const taker = await run(venue, executions, order({ orderType: 'LIMIT', timeInForce: 'GTC', limitPrice: '50100.00' }));
    assert.deepEqual([taker.map((e) => e.type), taker[1]!.price], [['accepted', 'filled'], '50001.00']);
    const resting = order({ orderType: 'LIMIT', timeInForce: 'GTC', limitPrice: '49000.00' });
    assert.deepEqual((await run(venue, executions, resting)).map((e) => e.type), ['accepted']);
    await venue.cancelOrder({ tradeOrderId: resting.tradeOrderId, clientOrderId: resting.clientOrderId, tradingAccountId: 'a1', symbol: 'BTC/USDT' }, { tradingAccountId: 'a1' });
    assert.equal(executions.at(-1)!.type, 'cancelled');
    await assert.rejects(venue.cancelOrder({ tradeOrderId: resting.tradeOrderId, clientOrderId: resting.clientOrderId, tradingAccountId: 'a1', symbol: 'BTC/USDT' }, { tradingAccountId: 'a1' }), MockVenueError);
  });

  test('fillResting fills a resting order as MAKER at its limit price with the maker fee', async () => {
    const { venue, executions } = setup();
    const o = order({ side: 'SELL', orderType: 'LIMIT', timeInForce: 'GTC', limitPrice: '52000.00', quantity: '0.25' });
    await run(venue, executions, o);
    assert.equal(venue.fillResting(o.tradeOrderId), true);
    const f = executions.at(-1) as ExecutionEvent & Record<string, unknown>;
    // 0.25 × 52000 = 13000 USDT × 0.0008 = 10.4 USDT.
    assert.deepEqual([f.type, f.price, f.liquidity, f.fee, f.final], ['filled', '52000.00', 'MAKER', '10.40000000', true]);
    assert.equal(venue.fillResting(o.tradeOrderId), false);
  });

  test('scripted rules: reject- prefix, quantity 13, expire- prefix, partial- prefix', async () => {
    const { venue, executions } = setup();
    const r1 = await run(venue, executions, order({ clientOrderId: 'reject-this' }));
    assert.deepEqual(r1.map((e) => e.type), ['rejected']);
    assert.match(String(r1[0]!.reason), /scripted rejection/);
    assert.deepEqual((await run(venue, executions, order({ quantity: '13' }))).map((e) => e.type), ['rejected']);
    const ex = await run(venue, executions, order({ clientOrderId: 'expire-1', orderType: 'LIMIT', timeInForce: 'GTC', limitPrice: '40000.00' }));
    assert.deepEqual(ex.map((e) => e.type), ['accepted', 'expired']);
    const partialMarket = await run(venue, executions, order({ clientOrderId: 'partial-1', quantity: '0.5' }));
    assert.deepEqual(partialMarket.map((e) => [e.type, e.quantity]), [['accepted', undefined], ['filled', '0.25000'], ['expired', undefined]]);
    assert.equal(partialMarket[1]!.final, false);
    const partialLimit = order({ clientOrderId: 'partial-2', orderType: 'LIMIT', timeInForce: 'GTC', limitPrice: '50001.00', quantity: '0.00021' });
    const pl = await run(venue, executions, partialLimit);
    assert.deepEqual(pl.map((e) => [e.type, e.quantity]), [['accepted', undefined], ['filled', '0.00010']]);
    assert.equal(venue.fillResting(partialLimit.tradeOrderId), true);
    assert.equal((executions.at(-1) as Record<string, unknown>).quantity, '0.00011');
    const fok = await run(venue, executions, order({ clientOrderId: 'partial-3', timeInForce: 'FOK' }));
    assert.deepEqual(fok.map((e) => e.type), ['accepted', 'expired']);
  });

  test('validates like PAPER: tick, lot, min notional, post-only, stops, unknown symbol', async () => {
    const { venue, executions } = setup();
    const cases: Array<[Partial<VenueOrder>, RegExp]> = [
      [{ orderType: 'LIMIT', timeInForce: 'GTC', limitPrice: '100.001' }, /^price 100\.001 is not a multiple of tick size 0\.01$/],
      [{ quantity: '0.000015' }, /not a multiple of lot size 0\.00001/],
      [{ quantity: '0.00001' }, /below the minimum notional 5/],
      [{ orderType: 'LIMIT', timeInForce: 'GTX', limitPrice: '50001.00' }, /post-only/],
      [{ orderType: 'STOP_LOSS', timeInForce: 'GTC', side: 'SELL', stopPrice: '50500.00' }, /trigger immediately/],
      [{ orderType: 'QUOTED' }, /not supported/],
      [{ symbol: 'XYZ/USDT' }, /unknown symbol/],
    ];
    for (const [fields, reason] of cases) {
      const ev = await run(venue, executions, order(fields));
      assert.deepEqual(ev.map((e) => e.type), ['rejected'], JSON.stringify(fields));
      assert.match(String(ev[0]!.reason), reason);
    }
    const stop = await run(venue, executions, order({ orderType: 'STOP_LOSS', timeInForce: 'GTC', side: 'SELL', stopPrice: '49000.00' }));
    assert.deepEqual(stop.map((e) => e.type), ['accepted']);
  });

  test('klines are flat bars at the reference price ending with the forming bar', async () => {
    const { venue } = setup();
    const k = await venue.getKlines('BTC/USDT', '1m', 3);
    assert.deepEqual(k.map((x) => [x.candle.openTime, x.candle.close, x.isClosed]), [
      [NOW - 120_000, '50000.00', true],
      [NOW - 60_000, '50000.00', true],
      [NOW, '50000.00', false],
    ]);
    await assert.rejects(venue.getKlines('BTC/USDT', '1s', 3), MockVenueError);
    await assert.rejects(venue.subscribeMarket({ kind: 'orderbook', symbol: 'NOPE/USDT' }), MockVenueError);
  });

  test('the same requests always produce the same events', async () => {
    const script = async () => {
      const { venue, executions } = setup();
      n = 1000;
      await run(venue, executions, order({}));
      await run(venue, executions, order({ orderType: 'LIMIT', timeInForce: 'GTC', limitPrice: '45000.00' }));
      await run(venue, executions, order({ clientOrderId: 'partial-x', side: 'SELL' }));
      return executions;
    };
    assert.deepEqual(await script(), await script());
  });
});
