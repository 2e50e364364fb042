/**
 * @module contracts/venue
 * The promises of the Venue port (packages/domain/src/ports/venue.ts) as one suite every adapter runs — PAPER,
 * MOCK, the scripted venue the domain's own tests rest on, and each live connector (BINANCE, OKX, BITFINEX …)
 * against its venue fake. Only port-level behaviour is checked; venue-specific behaviour (book integrity rules,
 * signing, rate limits) stays in the venue's own tests.
 *
 * A live venue (one that keeps its own ledger and needs a credential) passes `live`, and the same suite checks what
 * the port promises of those too: nothing connects at start, bad stream keys are refused, an unused feed closes its
 * socket, orders without a credential are rejected (not thrown), the venue's order id comes with the acceptance,
 * `queryOrder` / `fetchBalances` / `verifyCredential` answer, and a stopped venue rejects orders.
 *
 * Venues report through their sinks synchronously (in-process venues) or later (networked ones): every check waits
 * for what it expects, re-checking whenever the venue reports something, until `timeoutMs`.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExecutionEvent, InstrumentSpec, Venue, VenueAccount, VenueCredential, VenueDeps, VenueOrder } from '@cadenza/domain';
import { compareFixed, decimalPlaces, formatFixed, parseFixed, pow10, toScaled } from '@cadenza/domain';

export interface VenueContractSetup {
  /** Builds the venue on the suite's recording deps; the suite starts and stops it. */
  make(deps: VenueDeps): Venue | Promise<Venue>;
  /** A listed instrument with a two-sided book once its order-book stream is subscribed. */
  symbol: string;
  /** Symbols are the venue's contract names (derivatives venues: `BTC-PERPETUAL`), not `BASE/QUOTE`. */
  contractNames?: boolean;
  /** The account orders are placed for (with a credential where the venue requires one). */
  account?: VenueAccount;
  /** Clock of the deps; the wall clock by default. */
  now?: () => number;
  /**
   * Called while the suite waits for a book: a venue fake that only streams when told to moves its market here
   * (a diff-depth book syncs on the first event after its snapshot).
   */
  moveMarket?: () => void;
  /** Runs after the venue stopped (e.g. closes a venue fake). */
  teardown?: () => Promise<void> | void;
  timeoutMs?: number;
  /** For a live venue (its own ledger, a credential, sockets to a venue fake): the live checks' inputs. */
  live?: LiveVenueChecks;
}

/** What the suite needs to check a live venue's extra promises (see the module comment). */
export interface LiveVenueChecks {
  /** A credential the venue fake refuses. */
  badCredential: VenueCredential;
  /** Sockets open on the venue fake. */
  socketCount(): number;
}

type FillEvent = Extract<ExecutionEvent, { type: 'filled' }>;

/** `k` times the instrument's minimum notional (1 when it has none), as a decimal string. */
function notional(spec: InstrumentSpec, k: bigint): string {
  const min = parseFixed(spec.minNotional)!;
  return min.units === 0n ? String(k) : formatFixed(min.units * k, min.scale);
}

/** A base quantity worth at least `amount` at `price`, on the lot grid and at least the minimum quantity (exact). */
function quantityFor(spec: InstrumentSpec, price: string, amount: string): string {
  const n = parseFixed(amount)!;
  const p = parseFixed(price)!;
  const lot = parseFixed(spec.lotSize)!;
  // lots = ceil(amount / (price × lot)), in integers
  const num = n.units * pow10(p.scale + lot.scale);
  const den = p.units * lot.units * pow10(n.scale);
  let lots = (num + den - 1n) / den;
  const min = parseFixed(spec.minQuantity)!;
  while (compareFixed({ units: lots * lot.units, scale: lot.scale }, min) < 0) lots++;
  return formatFixed(lots * lot.units, lot.scale);
}

export function venueContract(name: string, setup: VenueContractSetup): void {
  describe(`Venue contract: ${name}`, () => {
    const executions: ExecutionEvent[] = [];
    const waiters = new Set<() => void>();
    const poke = () => {
      for (const w of [...waiters]) w();
    };
    const deps: VenueDeps = {
      clock: { now: setup.now ?? (() => Date.now()) },
      execution: { onExecution: (e) => (executions.push(e), poke()) },
      market: { onBookChanged: poke, onTrade: poke, onTicker: poke, onKline: poke },
      log: { info() {}, warn() {}, error() {} },
    };
    const timeoutMs = setup.timeoutMs ?? (setup.live ? 8_000 : 5_000);
    const live = setup.live;
    const account: VenueAccount = setup.account ?? { tradingAccountId: 'contract-account' };
    /** Resolves with `check()`'s first truthy answer, re-checked on every report (and every 10 ms for what the venue does not report). */
    const until = <T>(check: () => T | undefined | false, what: string): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        const attempt = () => {
          const v = check();
          if (v !== undefined && v !== false) {
            done();
            resolve(v);
          }
        };
        const poll = setInterval(attempt, 10);
        const timer = setTimeout(() => (done(), reject(new Error(`${name}: timed out waiting for ${what}`))), timeoutMs);
        const done = () => {
          clearInterval(poll);
          clearTimeout(timer);
          waiters.delete(attempt);
        };
        waiters.add(attempt);
        attempt();
      });
    const eventsOf = (id: string) => executions.filter((e) => 'tradeOrderId' in e && e.tradeOrderId === id);

    let venue: Venue;
    let spec: InstrumentSpec;
    let seq = 0;
    const order = (fields: Partial<VenueOrder>): VenueOrder => {
      seq++;
      return {
        tradeOrderId: `contract-${seq}`, clientOrderId: `contractc${seq}`, tradingAccountId: account.tradingAccountId, instrumentId: spec.instrumentId,
        symbol: setup.symbol, side: 'BUY', orderType: 'LIMIT', timeInForce: 'GTC', quantityType: 'BASE', quantity: spec.minQuantity, ...fields,
      };
    };
    const book = () => until(() => {
      setup.moveMarket?.();
      const b = venue.getBook(setup.symbol, 5);
      return b && b.bids.length > 0 && b.asks.length > 0 ? b : undefined;
    }, 'a two-sided book');

    after(async () => {
      await venue?.stop();
      await setup.teardown?.();
    });

    test('starts idempotently and lists well-formed instruments of its own venue', async () => {
      venue = await setup.make(deps);
      await venue.start();
      await venue.start();
      if (live) {
        const { orderLists, ...core } = venue.capabilities;
        assert.deepEqual(core, { ledger: 'venue', requiresCredential: true, marketData: true, trading: true });
        if (orderLists) assert.equal(typeof venue.submitOrderList, 'function', 'a venue that names native order lists places them');
        assert.equal(live.socketCount(), 0, 'a live venue connects nothing at start');
        assert.ok(typeof venue.queryOrder === 'function' && typeof venue.fetchBalances === 'function' && typeof venue.verifyCredential === 'function');
      }
      const list = await venue.listInstruments();
      assert.ok(list.length > 0);
      for (const s of list) {
        assert.equal(s.venue, venue.id);
        assert.equal(s.instrumentId, `${venue.id}:${s.symbol}`);
        // Spot pairs are BASE/QUOTE; a derivative keeps its venue's contract name and says what it is and settles in.
        if (s.contract) {
          assert.ok(s.instrumentType && s.instrumentType !== 'SPOT', `${s.symbol} has a derivative instrumentType`);
          assert.match(s.contract.contractSize, /^\d+(\.\d+)?$/, `${s.symbol} contract size`);
          assert.ok(s.contract.settleAsset, `${s.symbol} settle asset`);
        }
        if (setup.contractNames || s.contract) assert.match(s.symbol, /^[A-Z0-9][A-Za-z0-9_-]*$/);
        else assert.equal(s.symbol, `${s.baseAsset}/${s.quoteAsset}`);
        for (const d of [s.tickSize, s.lotSize, s.minQuantity, s.maxQuantity, s.minNotional, s.makerFee, s.takerFee]) assert.match(d, /^\d+(\.\d+)?$/, `${s.symbol} decimals`);
        assert.ok(s.orderTypes.includes('LIMIT') && s.orderTypes.includes('MARKET'), `${s.symbol} takes LIMIT and MARKET`);
      }
      spec = list.find((s) => s.symbol === setup.symbol)!;
      assert.ok(spec, `${setup.symbol} is listed`);
    });

    test('serves a sorted, uncrossed book once its stream is subscribed; nothing for unknown symbols', async () => {
      await venue.subscribeMarket({ kind: 'orderbook', symbol: setup.symbol });
      const b = await book();
      assert.ok(b.bids.length <= 5 && b.asks.length <= 5);
      const px = (l: { price: string }) => parseFixed(l.price)!;
      for (let i = 1; i < b.bids.length; i++) assert.equal(compareFixed(px(b.bids[i]!), px(b.bids[i - 1]!)), -1, 'bids best first');
      for (let i = 1; i < b.asks.length; i++) assert.equal(compareFixed(px(b.asks[i]!), px(b.asks[i - 1]!)), 1, 'asks best first');
      assert.equal(compareFixed(px(b.bids[0]!), px(b.asks[0]!)), -1, 'not crossed');
      assert.equal(b.symbol, setup.symbol);
      for (const l of [...b.bids, ...b.asks]) assert.ok(/^\d+(\.\d+)?$/.test(l.price) && /^\d+(\.\d+)?$/.test(l.quantity), 'levels are plain decimals');
      assert.equal(venue.getBook('NO/SUCH', 5), undefined);
    });

    if (live) {
      test('live: bad stream keys are refused; a second subscription is harmless; unsubscribing stops the feed', async () => {
        await assert.rejects(venue.subscribeMarket({ kind: 'orderbook', symbol: 'btc-usd' }));
        await assert.rejects(venue.subscribeMarket({ kind: 'kline', symbol: setup.symbol, interval: '7m' }));
        await venue.subscribeMarket({ kind: 'orderbook', symbol: setup.symbol });
        await venue.unsubscribeMarket({ kind: 'orderbook', symbol: setup.symbol });
        assert.equal(venue.getBook(setup.symbol, 5), undefined);
        await until(() => live.socketCount() === 0, 'the feed stopped when unused');
        await venue.subscribeMarket({ kind: 'orderbook', symbol: setup.symbol });
        await book();
      });

      test('live: an order without a credential is rejected, not thrown', async () => {
        const o = order({ limitPrice: (await book()).bids[0]!.price });
        await venue.submitOrder(o, { tradingAccountId: account.tradingAccountId });
        await until(() => eventsOf(o.tradeOrderId).some((e) => e.type === 'rejected'), 'the rejection');
        assert.deepEqual(eventsOf(o.tradeOrderId).map((e) => e.type), ['rejected']);
      });
    }

    test('a MARKET buy is accepted, then filled in full, each fill once', async () => {
      const ask = (await book()).asks[0]!.price;
      const quantity = quantityFor(spec, ask, notional(spec, 3n));
      const o = order({ orderType: 'MARKET', timeInForce: 'IOC', quantity });
      await venue.submitOrder(o, account);
      const filled = () => eventsOf(o.tradeOrderId).filter((e): e is FillEvent => e.type === 'filled');
      const total = () => filled().reduce((sum, f) => sum + toScaled(f.quantity), 0n);
      const want = toScaled(quantity);
      await until(() => total() >= want, `fills adding up to ${quantity}`);
      assert.equal(total(), want, 'filled exactly the quantity');
      const types = eventsOf(o.tradeOrderId).map((e) => e.type);
      assert.ok(types.indexOf('accepted') !== -1 && types.indexOf('accepted') < types.indexOf('filled'), `accepted before the first fill (${types.join(', ')})`);
      const ids = filled().map((f) => f.tradeId);
      assert.equal(new Set(ids).size, ids.length, 'no fill reported twice');
      for (const f of filled()) assert.match(f.price, /^\d+(\.\d+)?$/);
      if (venue.capabilities.ledger === 'domain') assert.equal(filled().at(-1)!.final, true, 'an in-process venue marks the last fill final');
    });

    test('a price off the tick grid is rejected', async () => {
      const bid = (await book()).bids[0]!.price;
      // One digit finer than the tick: the bid plus 10^-(tick places + 1).
      const places = decimalPlaces(spec.tickSize) + 1;
      const b = parseFixed(bid)!;
      const off = formatFixed(b.units * pow10(places - b.scale) + 1n, places);
      const o = order({ limitPrice: off, quantity: quantityFor(spec, bid, notional(spec, 2n)) });
      await venue.submitOrder(o, account).catch(() => undefined);
      const rejected = await until(() => eventsOf(o.tradeOrderId).find((e) => e.type === 'rejected'), 'the rejection');
      assert.ok((rejected as { reason: string }).reason.length > 0, 'with a reason');
      assert.deepEqual(eventsOf(o.tradeOrderId).map((e) => e.type), ['rejected'], 'and nothing else');
    });

    test('a LIMIT far from the market rests until cancelled; cancelling it again is refused', async () => {
      const bid = parseFixed((await book()).bids[0]!.price)!;
      const tick = parseFixed(spec.tickSize)!;
      const scale = Math.max(bid.scale, tick.scale);
      const half = (bid.units * pow10(scale - bid.scale)) / 2n;
      const step = tick.units * pow10(scale - tick.scale);
      const price = formatFixed(half - (half % step), scale);
      const o = order({ limitPrice: price, quantity: quantityFor(spec, price, notional(spec, 2n)) });
      await venue.submitOrder(o, account);
      const accepted = await until(() => eventsOf(o.tradeOrderId).find((e) => e.type === 'accepted'), 'the acceptance');
      const req = { tradeOrderId: o.tradeOrderId, clientOrderId: o.clientOrderId, tradingAccountId: o.tradingAccountId, symbol: setup.symbol };
      if (live) {
        assert.ok('externalOrderId' in accepted && accepted.externalOrderId, "the acceptance carries the venue's order id");
        assert.equal((await venue.queryOrder!(req, account))?.status, 'OPEN', 'queryOrder finds it open');
      }
      await venue.cancelOrder(req, account);
      await until(() => eventsOf(o.tradeOrderId).some((e) => e.type === 'cancelled'), 'the cancellation');
      assert.deepEqual(eventsOf(o.tradeOrderId).filter((e) => e.type !== 'accepted').map((e) => e.type), ['cancelled'], 'no fill, one cancellation');
      await assert.rejects(venue.cancelOrder(req, account));
      if (venue.queryOrder) {
        const state = await venue.queryOrder(req, account);
        assert.equal(state?.status, 'CANCELLED', 'queryOrder knows the order ended');
        assert.deepEqual(state?.fills, []);
      }
    });

    test('klines come oldest first, at most the last one forming; an unknown interval is refused', async () => {
      const interval = spec.klineIntervals.includes('1m') ? '1m' : spec.klineIntervals[0]!;
      const bars = await venue.getKlines(setup.symbol, interval, 5);
      assert.ok(bars.length > 0 && bars.length <= 5);
      for (let i = 1; i < bars.length; i++) assert.ok(bars[i]!.candle.openTime > bars[i - 1]!.candle.openTime);
      assert.ok(bars.slice(0, -1).every((b) => b.isClosed), 'only the last bar may be forming');
      await assert.rejects(Promise.resolve().then(() => venue.getKlines(setup.symbol, '7m', 5)));
    });

    if (live) {
      test('live: an order the venue never had answers undefined; balances are decimals; a bad key is invalid', async () => {
        assert.equal(await venue.queryOrder!({ tradeOrderId: 'none', clientOrderId: 'contractnever1', tradingAccountId: account.tradingAccountId, symbol: setup.symbol }, account), undefined);
        const balances = await venue.fetchBalances!(account);
        assert.ok(balances.length > 0);
        for (const b of balances) assert.ok(/^\d+(\.\d+)?$/.test(b.free) && /^\d+(\.\d+)?$/.test(b.locked), JSON.stringify(b));
        assert.equal((await venue.verifyCredential!(live.badCredential)).valid, false);
        assert.equal((await venue.verifyCredential!(account.credential!)).valid, true);
      });
    }

    test('stops idempotently', async () => {
      await venue.stop();
      await venue.stop();
      if (live) {
        const o = order({ limitPrice: spec.tickSize });
        await venue.submitOrder(o, account);
        assert.deepEqual(eventsOf(o.tradeOrderId).map((e) => e.type), ['rejected'], 'a stopped live venue rejects orders');
        await until(() => live.socketCount() === 0, 'every socket closed');
      }
    });
  });
}
