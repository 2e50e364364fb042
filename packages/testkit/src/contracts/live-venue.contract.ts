/**
 * @module contracts/live-venue
 * The Venue port as every live venue (one that keeps its own ledger: BINANCE, OKX, BITFINEX, DERIBIT, their test twins) must
 * show it, run by each connector's test file against its local fake. Only port-level promises are checked; the
 * venue's own integrity rules have their own tests. (The port suite the domain-ledger venues run is
 * packages/venues/test/venue-conformance.ts; the two meet in the shared venue suite when it lands.)
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExecutionEvent, InstrumentSpec, Venue, VenueAccount, VenueCredential, VenueOrder } from '@cadenza/domain';
import { harness, isUncrossed, type Harness } from '../venue-fakes/shared/venue-harness.ts';

export interface LiveVenueSetup {
  /** Builds the connector under test, pointed at the fake. */
  make: Parameters<typeof harness>[0];
  /** A symbol the fake lists with a two-sided book. */
  symbol: string;
  /** Symbols are the venue's contract names (derivatives venues: `BTC-PERPETUAL`), not `BASE/QUOTE`. */
  contractNames?: boolean;
  /** An account whose credential the fake accepts, with funds for a small resting buy. */
  account: VenueAccount;
  /** A credential the fake refuses. */
  badCredential: VenueCredential;
  /** A resting buy: price far below the market, quantity above the minimum; clientOrderId made valid for the venue. */
  restingBuy(n: number): { limitPrice: string; quantity: string; clientOrderId: string };
  /** The venue's market moves a little (a book update away from the top), as live markets do. */
  marketMoves(): void;
  /** Sockets open on the fake (nothing may connect at start). */
  socketCount(): number;
  close(): Promise<void>;
}

const DECIMAL = /^\d+(\.\d+)?$/;

export function liveVenueContract(name: string, setup: () => Promise<LiveVenueSetup>): void {
  describe(`${name} live venue conformance`, () => {
    let s: LiveVenueSetup;
    let h: Harness<Venue>;
    let spec: InstrumentSpec;
    let seq = 0;
    before(async () => {
      s = await setup();
      h = harness(s.make);
    });
    after(async () => {
      await h.venue.stop();
      await s.close();
    });

    const order = (fields: Partial<VenueOrder> = {}): VenueOrder => {
      seq++;
      return {
        tradeOrderId: `lv-${seq}`, tradingAccountId: s.account.tradingAccountId, instrumentId: spec.instrumentId, symbol: s.symbol,
        side: 'BUY', orderType: 'LIMIT', timeInForce: 'GTC', quantityType: 'BASE', ...(s.restingBuy(seq) as Pick<VenueOrder, 'limitPrice' | 'quantity' | 'clientOrderId'>), ...fields,
      };
    };
    const eventsOf = (id: string) => h.rec.executions.filter((e): e is Exclude<ExecutionEvent, { type: 'balances' | 'resync' }> => 'tradeOrderId' in e && e.tradeOrderId === id);

    test('keeps its own ledger, needs a credential, connects nothing at start, starts idempotently', async () => {
      assert.deepEqual(h.venue.capabilities, { ledger: 'venue', requiresCredential: true, marketData: true, trading: true });
      await h.venue.start();
      await h.venue.start();
      assert.equal(s.socketCount(), 0);
      assert.ok(typeof h.venue.queryOrder === 'function' && typeof h.venue.fetchBalances === 'function' && typeof h.venue.verifyCredential === 'function');
    });

    test('lists well-formed instruments of its own venue', async () => {
      const list = await h.venue.listInstruments();
      assert.ok(list.length > 0);
      for (const i of list) {
        assert.equal(i.venue, h.venue.id);
        assert.equal(i.instrumentId, `${h.venue.id}:${i.symbol}`);
        if (s.contractNames) assert.match(i.symbol, /^[A-Z0-9][A-Za-z0-9_-]*$/);
        else assert.equal(i.symbol, `${i.baseAsset}/${i.quoteAsset}`);
        for (const d of [i.tickSize, i.lotSize, i.minQuantity, i.maxQuantity, i.minNotional, i.makerFee, i.takerFee]) assert.match(d, DECIMAL);
        assert.ok(i.orderTypes.includes('LIMIT') && i.orderTypes.includes('MARKET'));
        assert.ok(i.klineIntervals.includes('1m'));
      }
      spec = list.find((i) => i.symbol === s.symbol)!;
      assert.ok(spec, `${s.symbol} is listed`);
    });

    test('a subscribed book arrives sorted and uncrossed; bad keys are refused; unsubscribing ends it', async () => {
      await assert.rejects(h.venue.subscribeMarket({ kind: 'orderbook', symbol: 'btc-usd' }));
      await assert.rejects(h.venue.subscribeMarket({ kind: 'kline', symbol: s.symbol, interval: '7m' }));
      await h.venue.subscribeMarket({ kind: 'orderbook', symbol: s.symbol });
      const moves = setInterval(() => s.marketMoves(), 50);
      const book = await h.until(() => h.venue.getBook(s.symbol, 5), 'a book').finally(() => clearInterval(moves));
      assert.ok(book.bids.length > 0 && book.asks.length > 0 && book.bids.length <= 5 && book.asks.length <= 5);
      const num = (p: string) => Number(p);
      for (let i = 1; i < book.bids.length; i++) assert.ok(num(book.bids[i]!.price) < num(book.bids[i - 1]!.price));
      for (let i = 1; i < book.asks.length; i++) assert.ok(num(book.asks[i]!.price) > num(book.asks[i - 1]!.price));
      assert.ok(isUncrossed(book));
      for (const l of [...book.bids, ...book.asks]) assert.ok(DECIMAL.test(l.price) && DECIMAL.test(l.quantity));
      await h.venue.subscribeMarket({ kind: 'orderbook', symbol: s.symbol });
      await h.venue.unsubscribeMarket({ kind: 'orderbook', symbol: s.symbol });
      assert.equal(h.venue.getBook(s.symbol, 5), undefined);
      await h.until(() => s.socketCount() === 0, 'the feed stopped when unused');
    });

    test('klines come oldest first, only the last one forming', async () => {
      const bars = await h.venue.getKlines(s.symbol, '1m', 5);
      assert.ok(bars.length > 0 && bars.length <= 5);
      for (let i = 1; i < bars.length; i++) assert.ok(bars[i]!.candle.openTime > bars[i - 1]!.candle.openTime);
      assert.ok(bars.slice(0, -1).every((b) => b.isClosed));
    });

    test('an order without a credential is rejected, not thrown', async () => {
      const o = order();
      await h.venue.submitOrder(o, { tradingAccountId: s.account.tradingAccountId });
      assert.deepEqual(eventsOf(o.tradeOrderId).map((e) => e.type), ['rejected']);
    });

    test('a resting LIMIT is accepted with the venue id, reported open, cancelled once; a second cancel is refused', async () => {
      const o = order();
      await h.venue.submitOrder(o, s.account);
      const accepted = eventsOf(o.tradeOrderId)[0]!;
      assert.equal(accepted.type, 'accepted');
      assert.ok(accepted.externalOrderId);
      const q = { tradeOrderId: o.tradeOrderId, clientOrderId: o.clientOrderId, tradingAccountId: o.tradingAccountId, symbol: s.symbol };
      assert.equal((await h.venue.queryOrder!(q, s.account))!.status, 'OPEN');
      await h.venue.cancelOrder(q, s.account);
      await h.until(() => eventsOf(o.tradeOrderId).some((e) => e.type === 'cancelled'), 'cancelled');
      await assert.rejects(h.venue.cancelOrder(q, s.account));
      assert.equal((await h.venue.queryOrder!(q, s.account))!.status, 'CANCELLED');
      assert.equal(eventsOf(o.tradeOrderId).filter((e) => e.type === 'cancelled').length, 1);
    });

    test('an order the venue never had answers undefined; balances are decimal strings; a bad key is invalid', async () => {
      assert.equal(await h.venue.queryOrder!({ tradeOrderId: 'none', clientOrderId: s.restingBuy(9999).clientOrderId, tradingAccountId: s.account.tradingAccountId, symbol: s.symbol }, s.account), undefined);
      const balances = await h.venue.fetchBalances!(s.account);
      assert.ok(balances.length > 0);
      for (const b of balances) assert.ok(DECIMAL.test(b.free) && DECIMAL.test(b.locked), JSON.stringify(b));
      assert.equal((await h.venue.verifyCredential!(s.badCredential)).valid, false);
      assert.equal((await h.venue.verifyCredential!(s.account.credential!)).valid, true);
    });

    test('stops idempotently; a stopped venue rejects orders', async () => {
      await h.venue.stop();
      await h.venue.stop();
      const o = order();
      await h.venue.submitOrder(o, s.account);
      assert.equal(eventsOf(o.tradeOrderId)[0]!.type, 'rejected');
    });
  });
}
