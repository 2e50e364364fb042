/**
 * @module test/venue-conformance
 * The behaviour every domain-ledger venue (PAPER, MOCK, …) shows through the port, as one suite that each
 * implementation's test calls with its own factory. Only port-level promises are checked here; venue-specific
 * behaviour stays in the venue's own tests.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExecutionEvent, InstrumentSpec, Venue, VenueDeps, VenueOrder } from '@cadenza/domain';

export interface ConformanceHarness {
  deps: VenueDeps;
  executions: ExecutionEvent[];
  venue: Venue;
}

const NOW = Date.UTC(2026, 10, 24, 10, 0, 0);

function harness(make: (deps: VenueDeps) => Venue): ConformanceHarness {
  const executions: ExecutionEvent[] = [];
  const deps: VenueDeps = {
    clock: { now: () => NOW },
    execution: { onExecution: (e) => executions.push(e) },
    market: { onBookChanged() {}, onTrade() {}, onTicker() {}, onKline() {} },
    log: { info() {}, warn() {}, error() {} },
  };
  return { deps, executions, venue: make(deps) };
}

const decimals = (step: string): number => (step.split('.')[1] ?? '').replace(/0+$/, '').length;

/** A base quantity worth about `notional` quote units at `price`, on the lot grid. */
function quantityFor(spec: InstrumentSpec, price: string, notional: number): string {
  const d = decimals(spec.lotSize);
  const lot = Number(spec.lotSize);
  return (Math.ceil(notional / Number(price) / lot) * lot).toFixed(d);
}

export function venueConformance(name: string, make: (deps: VenueDeps) => Venue, symbol: string): void {
  describe(`${name} venue conformance`, () => {
    const h = harness(make);
    let seq = 0;
    let spec: InstrumentSpec;
    after(() => h.venue.stop());

    const order = (fields: Partial<VenueOrder>): VenueOrder => {
      seq++;
      return {
        tradeOrderId: `conf-${seq}`, clientOrderId: `conf-c-${seq}`, tradingAccountId: 'conf-acct', instrumentId: spec.instrumentId,
        symbol, side: 'BUY', orderType: 'LIMIT', timeInForce: 'GTC', quantityType: 'BASE', quantity: spec.minQuantity, ...fields,
      };
    };
    const submit = async (o: VenueOrder) => {
      const before = h.executions.length;
      await h.venue.submitOrder(o, { tradingAccountId: o.tradingAccountId });
      return h.executions.slice(before).filter((e) => 'tradeOrderId' in e && e.tradeOrderId === o.tradeOrderId);
    };

    test('starts idempotently and lists well-formed instruments of its own venue', async () => {
      await h.venue.start();
      await h.venue.start();
      assert.equal(h.venue.capabilities.ledger, 'domain');
      const list = await h.venue.listInstruments();
      assert.ok(list.length > 0);
      for (const s of list) {
        assert.equal(s.venue, h.venue.id);
        assert.equal(s.instrumentId, `${h.venue.id}:${s.symbol}`);
        assert.equal(s.symbol, `${s.baseAsset}/${s.quoteAsset}`);
        for (const d of [s.tickSize, s.lotSize, s.minQuantity, s.maxQuantity, s.minNotional, s.makerFee, s.takerFee]) assert.match(d, /^\d+(\.\d+)?$/);
        assert.ok(s.orderTypes.includes('LIMIT') && s.orderTypes.includes('MARKET'));
      }
      spec = list.find((s) => s.symbol === symbol)!;
      assert.ok(spec, `${symbol} is listed`);
    });

    test('serves a sorted, uncrossed book and a ticker; nothing for unknown symbols', () => {
      const book = h.venue.getBook(symbol, 5)!;
      assert.ok(book.bids.length > 0 && book.asks.length > 0);
      assert.ok(book.bids.length <= 5 && book.asks.length <= 5);
      for (let i = 1; i < book.bids.length; i++) assert.ok(Number(book.bids[i]!.price) < Number(book.bids[i - 1]!.price));
      for (let i = 1; i < book.asks.length; i++) assert.ok(Number(book.asks[i]!.price) > Number(book.asks[i - 1]!.price));
      assert.ok(Number(book.bids[0]!.price) < Number(book.asks[0]!.price));
      assert.equal(h.venue.getTicker(symbol)!.symbol, symbol);
      assert.equal(h.venue.getBook('NO/SUCH', 5), undefined);
    });

    test('a MARKET buy is accepted, then filled in full; the last fill is final', async () => {
      const ask = h.venue.getBook(symbol, 1)!.asks[0]!.price;
      const quantity = quantityFor(spec, ask, Number(spec.minNotional) * 20);
      const events = await submit(order({ orderType: 'MARKET', timeInForce: 'IOC', quantity }));
      assert.equal(events[0]!.type, 'accepted');
      const fills = events.slice(1) as Array<Extract<ExecutionEvent, { type: 'filled' }>>;
      assert.ok(fills.length > 0 && fills.every((f) => f.type === 'filled'));
      const d = decimals(spec.lotSize);
      const total = fills.reduce((s, f) => s + BigInt(Number(f.quantity).toFixed(d).replace('.', '')), 0n);
      assert.equal(total, BigInt(quantity.replace('.', '')));
      assert.equal(fills.at(-1)!.final, true);
      for (const f of fills) assert.equal(f.feeAsset, spec.baseAsset);
    });

    test('a price off the tick grid is rejected with a reason naming the tick size', async () => {
      const bid = h.venue.getBook(symbol, 1)!.bids[0]!.price;
      const off = `${bid}${'0'.repeat(Math.max(0, decimals(spec.tickSize) - (bid.split('.')[1]?.length ?? 0)))}${bid.includes('.') ? '' : '.'}1`;
      const events = await submit(order({ limitPrice: off, quantity: quantityFor(spec, bid, Number(spec.minNotional) * 2) }));
      assert.deepEqual(events.map((e) => e.type), ['rejected']);
      assert.match((events[0] as { reason: string }).reason, new RegExp(`tick size ${spec.tickSize.replace('.', '\\.')}`));
    });

    test('a LIMIT far from the market rests until cancelled; a second cancel is refused', async () => {
      const bid = Number(h.venue.getBook(symbol, 1)!.bids[0]!.price);
      const price = (bid / 2).toFixed(decimals(spec.tickSize));
      const o = order({ limitPrice: price, quantity: quantityFor(spec, price, Number(spec.minNotional) * 2) });
      assert.deepEqual((await submit(o)).map((e) => e.type), ['accepted']);
      const req = { tradeOrderId: o.tradeOrderId, clientOrderId: o.clientOrderId, tradingAccountId: o.tradingAccountId, symbol };
      await h.venue.cancelOrder(req, { tradingAccountId: o.tradingAccountId });
      assert.equal(h.executions.at(-1)!.type, 'cancelled');
      await assert.rejects(h.venue.cancelOrder(req, { tradingAccountId: o.tradingAccountId }));
    });

    test('klines come oldest first with only the last bar forming; unknown intervals are refused', async () => {
      const bars = await h.venue.getKlines(symbol, '1m', 5);
      assert.ok(bars.length > 0 && bars.length <= 5);
      for (let i = 1; i < bars.length; i++) assert.ok(bars[i]!.candle.openTime > bars[i - 1]!.candle.openTime);
      assert.deepEqual(bars.map((b) => b.isClosed), [...bars.slice(1).map(() => true), false]);
      await assert.rejects(h.venue.getKlines(symbol, '7m', 5));
    });

    test('stops idempotently', async () => {
      await h.venue.stop();
      await h.venue.stop();
    });
  });
}
