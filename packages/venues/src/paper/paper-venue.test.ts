import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFixed, parseFixed, pow10, rescaleExact, type ExecutionEvent, type GridBook, type VenueOrder } from '@cadenza/domain';
import { createPaperVenue, type PaperVenue, type PaperVenueOptions } from './paper-venue.ts';
import { PaperVenueError } from './paper-venue-error.ts';
import { recordingDeps, type RecordingDeps } from '@cadenza/testkit';

type Filled = Extract<ExecutionEvent, { type: 'filled' }>;

function setup(options: PaperVenueOptions = {}): { deps: RecordingDeps; venue: PaperVenue } {
  const deps = recordingDeps();
  const venue = createPaperVenue(deps, { seed: 3, instruments: ['BTC/USDT', 'XRP/USDT'], lively: false, historyMinutes: 0, ...options });
  return { deps, venue };
}

let n = 0;
function order(fields: Partial<VenueOrder>): VenueOrder {
  n++;
  return {
    tradeOrderId: `to-${n}`,
    clientOrderId: `co-${n}`,
    tradingAccountId: 'acct-1',
    instrumentId: 'PAPER:BTC/USDT',
    symbol: 'BTC/USDT',
    side: 'BUY',
    orderType: 'LIMIT',
    timeInForce: 'GTC',
    quantityType: 'BASE',
    quantity: '0.01',
    ...fields,
  };
}

async function submit(venue: PaperVenue, deps: RecordingDeps, o: VenueOrder): Promise<ExecutionEvent[]> {
  const before = deps.executions.length;
  await venue.submitOrder(o, { tradingAccountId: o.tradingAccountId });
  return deps.executions.slice(before).filter((e) => 'tradeOrderId' in e && e.tradeOrderId === o.tradeOrderId);
}

const units = (text: string, scale: number): bigint => rescaleExact(parseFixed(text)!, scale)!;

/** fee = floor(received × rate) at the received asset's precision (8 dp for both BTC and USDT here). */
function expectedFee(f: Filled, rate: string): bigint {
  const r = parseFixed(rate)!;
  // Buyer receives the quantity (8 dp); seller receives price × quantity (2 + 5 = 7 dp, shifted to 8 dp).
  const received = f.feeAsset === 'BTC' ? units(f.quantity, 8) : units(f.price, 2) * units(f.quantity, 5) * pow10(1);
  return (received * r.units) / pow10(r.scale);
}

describe('PaperVenue through the port', () => {
  test('lists its instruments with trading rules, fees and capabilities', async () => {
    const { venue } = setup();
    const [btc] = await venue.listInstruments();
    assert.equal(venue.id, 'PAPER');
    assert.deepEqual(venue.capabilities, { ledger: 'domain', requiresCredential: false, marketData: true, trading: true });
    assert.equal(btc!.instrumentId, 'PAPER:BTC/USDT');
    assert.equal(btc!.externalSymbol, 'BTCUSDT');
    assert.deepEqual([btc!.tickSize, btc!.lotSize, btc!.minNotional, btc!.makerFee, btc!.takerFee], ['0.01', '0.00001', '5', '0.0008', '0.001']);
    assert.equal(btc!.orderTypes.length, 10);
    assert.deepEqual(btc!.timeInForceOptions, ['GTC', 'IOC', 'FOK', 'GTX', 'GTD', 'DAY']);
    assert.equal(btc!.klineIntervals.length, 16);
  });

  test('has a seeded book at once: bids best first, asks best first, not crossed', () => {
    const { venue } = setup();
    const book = venue.getBook('BTC/USDT', 5)!;
    assert.equal(book.bids.length, 5);
    assert.equal(book.asks.length, 5);
    const px = (s: string) => Number(s);
    for (let i = 1; i < 5; i++) {
      assert.ok(px(book.bids[i]!.price) < px(book.bids[i - 1]!.price));
      assert.ok(px(book.asks[i]!.price) > px(book.asks[i - 1]!.price));
    }
    assert.ok(px(book.bids[0]!.price) < px(book.asks[0]!.price));
    assert.match(book.bids[0]!.price, /^\d+\.\d{2}$/);
    assert.equal(venue.getBook('NOPE/USDT', 5), undefined);
  });

  test('a grid read is the book in tick and lot counts: the levels of one side asked for, and the best of both', async () => {
    const { venue, deps } = setup();
    // A user order resting at the top of the bids, so the read follows the book as it changes.
    const bestBid = venue.getBook('BTC/USDT', 1)!.bids[0]!.price;
    await submit(venue, deps, order({ side: 'BUY', limitPrice: (Number(bestBid) + 0.01).toFixed(2), quantity: '0.123' }));
    venue.step(deps.clock.now() + 1_000);
    const book = venue.getBook('BTC/USDT', 20)!;
    const into: GridBook = { tickSize: '', lotSize: '', count: 0, ticks: [], lots: [], bestBid: undefined, bestAsk: undefined };
    const price = (ticks: number) => formatFixed(BigInt(ticks) * units(into.tickSize, 2), 2);
    const quantity = (lots: number) => formatFixed(BigInt(lots) * units(into.lotSize, 5), 5);
    for (const side of ['bids', 'asks'] as const) {
      assert.equal(venue.readGridBook('BTC/USDT', side, 20, into), true);
      assert.deepEqual([into.tickSize, into.lotSize, into.count], ['0.01', '0.00001', 20]);
      const levels = book[side].map((l) => ({ price: l.price, quantity: l.quantity }));
      assert.deepEqual(into.ticks.slice(0, into.count).map((t, i) => ({ price: price(t), quantity: quantity(into.lots[i]!) })), levels);
      assert.deepEqual([price(into.bestBid!), price(into.bestAsk!)], [book.bids[0]!.price, book.asks[0]!.price]);
    }
    // A shallower read over the same buffer says how many of its entries are the book's.
    venue.readGridBook('BTC/USDT', 'asks', 3, into);
    assert.equal(into.count, 3);
    assert.equal(venue.readGridBook('NOPE/USDT', 'bids', 5, into), false);
  });

  test('a MARKET buy is accepted, filled across the asks at exact prices with taker fees in base, the last fill final', async () => {
    const { venue, deps } = setup();
    const asks = venue.getBook('BTC/USDT', 50)!.asks;
    const events = await submit(venue, deps, order({ orderType: 'MARKET', timeInForce: 'IOC', quantity: '1.5' }));
    assert.equal(events[0]!.type, 'accepted');
    const fills = events.filter((e): e is Filled => e.type === 'filled');
    assert.equal(fills.length, events.length - 1);
    assert.equal(fills.reduce((s, f) => s + units(f.quantity, 5), 0n), units('1.5', 5));
    assert.deepEqual(fills.map((f) => f.final), [...fills.slice(1).map(() => false), true]);
    assert.equal(fills[0]!.price, asks[0]!.price);
    for (const f of fills) {
      assert.equal(f.liquidity, 'TAKER');
      assert.equal(f.feeAsset, 'BTC');
      assert.equal(units(f.fee, 8), expectedFee(f, '0.001'));
      assert.ok(asks.some((a) => a.price === f.price));
    }
    assert.equal(new Set(fills.map((f) => f.tradeId)).size, fills.length, 'trade ids unique');
    assert.deepEqual(deps.trades.slice(-fills.length).map((t) => [t.tradeId, t.price, t.quantity, t.side]), fills.map((f) => [f.tradeId, f.price, f.quantity, 'BUY']));
    assert.ok(deps.bookChanges.includes('PAPER:BTC/USDT'));
    assert.equal(deps.tickers.at(-1)!.lastPrice, fills.at(-1)!.price);
  });

  test('a MARKET sell pays its fee in the quote asset, exactly', async () => {
    const { venue, deps } = setup();
    const fills = (await submit(venue, deps, order({ side: 'SELL', orderType: 'MARKET', timeInForce: 'IOC', quantity: '0.12345' }))).filter((e): e is Filled => e.type === 'filled');
    assert.ok(fills.length >= 1);
    for (const f of fills) {
      assert.equal(f.feeAsset, 'USDT');
      assert.match(f.fee, /^\d+\.\d{8}$/);
      assert.equal(units(f.fee, 8), expectedFee(f, '0.001'));
    }
  });

  test('a QUOTE-quantity market buy spends at most the amount and completes', async () => {
    const { venue, deps } = setup();
    const fills = (await submit(venue, deps, order({ orderType: 'MARKET', timeInForce: 'IOC', quantityType: 'QUOTE', quantity: '2500' }))).filter((e): e is Filled => e.type === 'filled');
    const spent = fills.reduce((s, f) => s + units(f.price, 2) * units(f.quantity, 5), 0n);
    assert.ok(spent <= units('2500', 7));
    assert.ok(spent > units('2499', 7), 'within one lot of the amount');
    assert.equal(fills.at(-1)!.final, true);
  });

  test('a LIMIT below the market rests; cancelling reports cancelled; cancelling again is refused', async () => {
    const { venue, deps } = setup();
    const bid = venue.getBook('BTC/USDT', 1)!.bids[0]!.price;
    const o = order({ limitPrice: (Number(bid) - 500).toFixed(2) });
    assert.deepEqual((await submit(venue, deps, o)).map((e) => e.type), ['accepted']);
    await venue.cancelOrder({ tradeOrderId: o.tradeOrderId, clientOrderId: o.clientOrderId, tradingAccountId: 'acct-1', symbol: 'BTC/USDT' }, { tradingAccountId: 'acct-1' });
    assert.equal(deps.executions.at(-1)!.type, 'cancelled');
    await assert.rejects(
      venue.cancelOrder({ tradeOrderId: o.tradeOrderId, clientOrderId: o.clientOrderId, tradingAccountId: 'acct-1', symbol: 'BTC/USDT' }, { tradingAccountId: 'acct-1' }),
      (err: unknown) => err instanceof PaperVenueError && err.code === 'ORDER_NOT_OPEN',
    );
  });

  test('a throwing sink is logged and the remaining events of the order are still delivered', async () => {
    const deps = recordingDeps();
    const seen: string[] = [];
    deps.execution = {
      onExecution: (e) => {
        seen.push(e.type);
        if (e.type === 'accepted') throw new Error('downstream bug');
      },
    };
    const broken = createPaperVenue(deps, { seed: 3, instruments: ['BTC/USDT'], lively: false, historyMinutes: 0 });
    await broken.submitOrder(order({ orderType: 'MARKET', timeInForce: 'IOC', quantity: '0.01' }), { tradingAccountId: 'acct-1' });
    assert.deepEqual(seen.slice(0, 2), ['accepted', 'filled']);
    assert.equal(deps.errors.length, 1);
  });

  test("an account cannot cancel another account's order, even by its external id", async () => {
    const { venue, deps } = setup();
    const o = order({ limitPrice: '1000.00' });
    const [accepted] = await submit(venue, deps, o);
    const externalOrderId = (accepted as { externalOrderId: string }).externalOrderId;
    await assert.rejects(
      venue.cancelOrder({ tradeOrderId: 'someone-else', clientOrderId: 'x', externalOrderId, tradingAccountId: 'acct-2', symbol: 'BTC/USDT' }, { tradingAccountId: 'acct-2' }),
      PaperVenueError,
    );
    await venue.cancelOrder({ tradeOrderId: 'unknown-to-venue', clientOrderId: 'x', externalOrderId, tradingAccountId: 'acct-1', symbol: 'BTC/USDT' }, { tradingAccountId: 'acct-1' });
    assert.equal(deps.executions.at(-1)!.type, 'cancelled', 'the owner may cancel by external id');
  });

  test('refuses invalid orders with one rejected event and a clear reason', async () => {
    const { venue, deps } = setup();
    const cases: Array<[Partial<VenueOrder>, RegExp]> = [
      [{ limitPrice: '100.001' }, /^price 100\.001 is not a multiple of tick size 0\.01$/],
      [{ limitPrice: '60000', quantity: '0.000015' }, /quantity 0\.000015 is not a multiple of lot size 0\.00001/],
      [{ limitPrice: '60000', quantity: '0.00005' }, /notional 3\.00000000 .* below the minimum notional 5/],
      [{ limitPrice: '60000', quantity: '9001' }, /above the maximum quantity 9000/],
      [{ orderType: 'MARKET', timeInForce: 'IOC', quantity: '0.00001' }, /below the minimum notional 5/],
      [{ orderType: 'MARKET', timeInForce: 'IOC', quantityType: 'QUOTE', quantity: '4.99' }, /quote quantity 4\.99 is below the minimum notional 5/],
      [{ orderType: 'QUOTED', limitPrice: '60000' }, /order type QUOTED is not supported/],
      [{ timeInForce: 'OPG', limitPrice: '60000' }, /time in force OPG is not supported/],
      [{ timeInForce: 'GTD', limitPrice: '60000', expireAt: Date.UTC(2020, 0, 1) }, /expireAt .* is not in the future/],
      [{ limitPrice: undefined }, /LIMIT order needs a limit price/],
      [{ orderType: 'STOP_LOSS', timeInForce: 'GTC' }, /STOP_LOSS order needs a stop price/],
      [{ quantity: '-1', limitPrice: '60000' }, /not a plain decimal/],
      [{ symbol: 'DOGE/EUR', limitPrice: '1' }, /unknown symbol DOGE\/EUR on PAPER/],
      [{ quantityType: 'POSITION_RATIO' as never, limitPrice: '60000' }, /quantity type POSITION_RATIO is not supported/],
    ];
    for (const [fields, reason] of cases) {
      const events = await submit(venue, deps, order(fields));
      assert.equal(events.length, 1, JSON.stringify(fields));
      const e = events[0]!;
      assert.equal(e.type, 'rejected', JSON.stringify(fields));
      assert.match((e as { reason: string }).reason, reason);
    }
  });

  test('a second order with an open tradeOrderId is rejected', async () => {
    const { venue, deps } = setup();
    const o = order({ limitPrice: '1000.00' });
    await submit(venue, deps, o);
    const again = await submit(venue, deps, { ...o });
    assert.deepEqual(again.map((e) => e.type), ['rejected']);
  });

  test('post-only orders that would take are rejected', async () => {
    const { venue, deps } = setup();
    const ask = venue.getBook('BTC/USDT', 1)!.asks[0]!.price;
    const events = await submit(venue, deps, order({ timeInForce: 'GTX', limitPrice: ask }));
    assert.deepEqual(events.map((e) => e.type), ['rejected']);
    assert.match((events[0] as { reason: string }).reason, /post-only/);
  });

  test('a resting user bid inside the spread is filled by simulated takers as MAKER with the maker fee', async () => {
    const { venue, deps } = setup();
    const book = venue.getBook('BTC/USDT', 1)!;
    const inside = ((Number(book.bids[0]!.price) * 100 + 1) / 100).toFixed(2);
    const o = order({ limitPrice: inside, quantity: '0.05' });
    await submit(venue, deps, o);
    for (let i = 0; i < 2400 && !deps.executions.some((e) => e.type === 'filled' && e.tradeOrderId === o.tradeOrderId); i++) {
      deps.now += 250;
      venue.step();
    }
    const fills = deps.executions.filter((e): e is Filled => e.type === 'filled' && e.tradeOrderId === o.tradeOrderId);
    assert.ok(fills.length > 0, 'filled within 10 simulated minutes');
    for (const f of fills) {
      assert.equal(f.liquidity, 'MAKER');
      assert.equal(f.price, inside);
      assert.equal(units(f.fee, 8), expectedFee(f, '0.0008'));
    }
  });

  test('GTD orders expire when the market steps past expireAt', async () => {
    const { venue, deps } = setup();
    const o = order({ timeInForce: 'GTD', limitPrice: '1000.00', expireAt: deps.now + 5000 });
    await submit(venue, deps, o);
    deps.now += 4000;
    venue.step();
    assert.equal(deps.executions.at(-1)!.type, 'accepted');
    deps.now += 1000;
    venue.step();
    const last = deps.executions.at(-1)!;
    assert.equal(last.type, 'expired');
    assert.equal((last as { tradeOrderId: string }).tradeOrderId, o.tradeOrderId);
  });

  test("a STOP_LOSS sell triggers when another account's selling moves the last price through the stop", async () => {
    const { venue, deps } = setup();
    const bids = venue.getBook('BTC/USDT', 5)!.bids;
    const stop = order({ tradingAccountId: 'acct-stop', side: 'SELL', orderType: 'STOP_LOSS', timeInForce: 'GTC', stopPrice: bids[2]!.price, quantity: '0.01' });
    // No trade yet on a fresh market, so the stop waits rather than being rejected.
    assert.deepEqual((await submit(venue, deps, stop)).map((e) => e.type), ['accepted']);
    const depth = bids.slice(0, 3).reduce((s, l) => s + Number(l.quantity), 0);
    await submit(venue, deps, order({ tradingAccountId: 'acct-seller', side: 'SELL', orderType: 'MARKET', timeInForce: 'IOC', quantity: depth.toFixed(5) }));
    const fills = deps.executions.filter((e): e is Filled => e.type === 'filled' && e.tradeOrderId === stop.tradeOrderId);
    assert.ok(fills.length > 0, 'stop fired and sold');
    assert.equal(fills.at(-1)!.final, true);
  });

  test("self-trade prevention expires the account's own resting order and trades with others", async () => {
    const { venue, deps } = setup();
    const ask = venue.getBook('BTC/USDT', 1)!.asks[0]!.price;
    const mine = order({ side: 'SELL', limitPrice: ((Number(ask) * 100 - 1) / 100).toFixed(2), quantity: '0.01' });
    await submit(venue, deps, mine);
    const buy = order({ orderType: 'MARKET', timeInForce: 'IOC', quantity: '0.02' });
    await venue.submitOrder(buy, { tradingAccountId: 'acct-1' });
    const expired = deps.executions.find((e) => e.type === 'expired' && e.tradeOrderId === mine.tradeOrderId);
    assert.ok(expired);
    assert.match((expired as { reason: string }).reason, /self-trade/);
    const fills = deps.executions.filter((e): e is Filled => e.type === 'filled' && e.tradeOrderId === buy.tradeOrderId);
    assert.equal(fills.reduce((s, f) => s + units(f.quantity, 5), 0n), units('0.02', 5));
  });

  test('klines: history at every interval, the last bar forming; unsupported intervals refused', async () => {
    const { venue, deps } = setup({ historyMinutes: 180 });
    for (let i = 0; i < 240; i++) {
      deps.now += 250;
      venue.step();
    }
    const hours = await venue.getKlines('BTC/USDT', '1h', 10);
    assert.ok(hours.length >= 3);
    assert.deepEqual(hours.map((k) => k.isClosed), [...hours.slice(1).map(() => true), false]);
    const minutes = await venue.getKlines('BTC/USDT', '1m', 500);
    assert.ok(minutes.length >= 180);
    for (let i = 1; i < minutes.length; i++) assert.equal(minutes[i]!.candle.openTime - minutes[i - 1]!.candle.openTime, 60_000);
    const c = minutes.at(-1)!.candle;
    assert.ok(Number(c.low) <= Number(c.open) && Number(c.open) <= Number(c.high));
    assert.equal(minutes.at(-1)!.instrumentId, 'PAPER:BTC/USDT');
    assert.equal((await venue.getKlines('BTC/USDT', '1s', 5)).length, 5);
    assert.ok(deps.klines.some((k) => k.interval === '1s' && k.isClosed), 'closed 1s bars were published');
    await assert.rejects(venue.getKlines('BTC/USDT', '2M', 5), PaperVenueError);
    await assert.rejects(venue.getKlines('NOPE/USDT', '1m', 5), PaperVenueError);
  });

  test('forming klines of user trades: once per event-loop turn, each bar in its latest state; a step reports at once', async () => {
    const { venue, deps } = setup();
    deps.now += 250;
    venue.step();
    deps.klines.length = 0;
    const trades = deps.trades.length;
    for (const side of ['BUY', 'SELL', 'BUY'] as const) await submit(venue, deps, order({ orderType: 'MARKET', side, quantity: '0.001', timeInForce: 'IOC' }));
    assert.equal(deps.trades.length - trades >= 3, true, 'trades are reported as they happen');
    assert.equal(deps.klines.length, 0, 'forming bars wait for the end of the turn');
    await new Promise((r) => setImmediate(r));
    const minute = deps.klines.filter((k) => k.interval === '1m');
    assert.equal(minute.length, 1, 'one report per interval for the turn');
    assert.equal(deps.klines.length, 16);
    const bars = await venue.getKlines('BTC/USDT', '1m', 1);
    assert.deepEqual(minute[0]!.candle, bars[0]!.candle, 'the bar as the last trade left it');
    assert.equal(minute[0]!.isClosed, false);
    // A step in the same turn reports what waits at once; nothing is reported twice.
    deps.klines.length = 0;
    await submit(venue, deps, order({ orderType: 'MARKET', side: 'SELL', quantity: '0.001', timeInForce: 'IOC' }));
    venue.step();
    const stepped = deps.klines.length;
    assert.ok(deps.klines.some((k) => k.interval === '1m'));
    await new Promise((r) => setImmediate(r));
    assert.equal(deps.klines.length, stepped);
    // Stopping reports what waits.
    deps.klines.length = 0;
    await submit(venue, deps, order({ orderType: 'MARKET', side: 'BUY', quantity: '0.001', timeInForce: 'IOC' }));
    await venue.stop();
    assert.equal(deps.klines.length, 16);
  });

  test('ticker: last trade, best bid/ask and the 24 h change', async () => {
    const { venue, deps } = setup({ historyMinutes: 1440 });
    deps.now += 1000;
    venue.step();
    const t = venue.getTicker('BTC/USDT')!;
    assert.equal(t.symbol, 'BTC/USDT');
    assert.equal(t.bidPrice, venue.getBook('BTC/USDT', 1)!.bids[0]!.price);
    assert.equal(t.askPrice, venue.getBook('BTC/USDT', 1)!.asks[0]!.price);
    assert.ok(t.lastPrice);
    assert.match(t.priceChangePercent!, /^-?\d+\.\d{2}$/);
    assert.equal(venue.getTicker('NOPE/USDT'), undefined);
  });

  test('market subscriptions are checked: unknown symbols and kline intervals are refused', async () => {
    const { venue } = setup();
    await venue.subscribeMarket({ kind: 'orderbook', symbol: 'BTC/USDT' });
    await venue.subscribeMarket({ kind: 'kline', symbol: 'BTC/USDT', interval: '1m' });
    await assert.rejects(venue.subscribeMarket({ kind: 'trade', symbol: 'NOPE/USDT' }), PaperVenueError);
    await assert.rejects(venue.subscribeMarket({ kind: 'kline', symbol: 'BTC/USDT' }), PaperVenueError);
    await venue.unsubscribeMarket({ kind: 'orderbook', symbol: 'BTC/USDT' });
  });

  describe('lively loop', () => {
    const deps = { ...recordingDeps(), clock: { now: () => Date.now() } };
    const live = createPaperVenue(deps, { seed: 1, instruments: ['SOL/USDT'], historyMinutes: 0, tickIntervalMs: 20 });
    after(() => live.stop());

    test('start() runs the market on a timer until stop(); both are idempotent', async () => {
      assert.equal(deps.bookChanges.length, 0, 'nothing moves before start()');
      await live.start();
      await live.start();
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (deps.bookChanges.length > 0) {
            clearInterval(poll);
            resolve();
          }
        }, 5);
      });
      await live.stop();
      await live.stop();
      const settled = deps.bookChanges.length;
      await new Promise((r) => setTimeout(r, 60));
      assert.equal(deps.bookChanges.length, settled, 'nothing moves after stop()');
    });
  });
});

describe('PaperVenue perpetuals', () => {
  const perp = () => setup({ instruments: ['BTC-PERP'], fundingIntervalMs: 60_000 });

  test('lists BTC-PERP as a linear USDT-margined perpetual with its margin and funding terms', async () => {
    const { venue } = perp();
    const [spec] = await venue.listInstruments();
    assert.deepEqual([spec!.instrumentId, spec!.symbol, spec!.instrumentType, spec!.baseAsset, spec!.quoteAsset], ['PAPER:BTC-PERP', 'BTC-PERP', 'PERPETUAL', 'BTC', 'USDT']);
    assert.deepEqual(spec!.contract, { contractSize: '1', settleAsset: 'USDT', underlying: 'BTC/USDT', maxLeverage: 125, maintenanceMarginRate: '0.004', fundingIntervalMs: 60_000 });
  });

  test('both sides pay their fee in the settle asset', async () => {
    const { deps, venue } = perp();
    const events = await submit(venue, deps, order({ instrumentId: 'PAPER:BTC-PERP', symbol: 'BTC-PERP', orderType: 'MARKET', quantity: '0.5', timeInForce: 'IOC' }));
    const fills = events.filter((e): e is Filled => e.type === 'filled');
    assert.ok(fills.length >= 1);
    for (const f of fills) {
      assert.equal(f.feeAsset, 'USDT');
      // taker 0.05 % of price × quantity, in USDT units (8 dp), rounded down
      assert.equal(units(f.fee, 8), (units(f.price, 1) * units(f.quantity, 3) * pow10(4) * 5n) / 10_000n);
    }
  });

  test('steps report the mark price as it moves and one funding settlement per interval', () => {
    const { deps, venue } = perp();
    const t0 = deps.now;
    for (let i = 1; i <= 150; i++) {
      deps.now = t0 + i * 1000;
      venue.step();
    }
    assert.ok(deps.marks.length >= 3, `${deps.marks.length} marks`);
    const last = deps.marks.at(-1)!;
    assert.equal(last.instrumentId, 'PAPER:BTC-PERP');
    assert.match(last.markPrice, /^\d+\.\d$/);
    const book = venue.getBook('BTC-PERP', 1)!;
    assert.ok(Math.abs(Number(last.markPrice) / Number(book.bids[0]!.price) - 1) < 0.01, 'the mark stays by the book');
    // 150 s from 09:00:00 on a 60 s interval: settlements at 09:01 and 09:02.
    assert.deepEqual(deps.fundings.map((f) => f.fundingTime - t0), [60_000, 120_000]);
    for (const f of deps.fundings) assert.match(f.rate, /^-?0\.\d+$/);
  });
});
