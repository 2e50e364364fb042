/**
 * The instrument catalogue refreshes by itself: on demand when a request names an instrument of a venue whose
 * catalogue is empty or whose last listing failed (once per 30 s per venue, the request waiting for it), and
 * periodically; admin decisions (DISABLED, deleted) survive every automatic refresh; `stop()` ends the timer.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ScriptedVenue, refusal, sampleInstrument, testCadenza, alice, type TestCadenza } from '@cadenza/testkit';
import type { InstrumentSpec } from '@cadenza/domain';

/** A ScriptedVenue whose listing can be down or slow, counting calls; `listing(n)` resolves at the n-th call. */
function listingVenue(id = 'BINANCE') {
  const venue = new ScriptedVenue({ id });
  const control = {
    venue,
    down: false,
    /** When set, listings wait for `release()`. */
    hold: false,
    calls: 0,
    release: () => undefined as void,
    waiters: [] as Array<{ n: number; resolve: () => void }>,
    /** Resolves when the listing count reaches `n` (and its result has been applied); fails after 3 s. */
    listing(n: number): Promise<void> {
      if (control.calls >= n) return settle();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`listing #${n} never came (calls: ${control.calls})`)), 3000);
        control.waiters.push({ n, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
  };
  const original = venue.listInstruments.bind(venue);
  venue.listInstruments = async (): Promise<InstrumentSpec[]> => {
    control.calls++;
    for (const w of control.waiters.filter((w) => w.n <= control.calls)) {
      control.waiters.splice(control.waiters.indexOf(w), 1);
      void settle().then(w.resolve);
    }
    if (control.hold) await new Promise<void>((resolve) => (control.release = resolve));
    if (control.down) throw new Error('venue unreachable');
    return original();
  };
  return control;
}

/** Lets a listing that was just answered be applied (it resolves through a few promise hops). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const refusalCode = async (p: Promise<unknown>) => (await refusal(p)).code;

const INSTRUMENT_NOT_FOUND = 15001;
const ids = (t: TestCadenza, venue = 'BINANCE') => t.cadenza.instruments.list({ venue }).map((i) => i.spec.instrumentId);

describe('on-demand refresh', () => {
  test('a venue down at start leaves its catalogue empty; a request for BTC/USDT once it is back lists it once and succeeds', async (t) => {
    const v = listingVenue();
    v.down = true;
    const w = await testCadenza({ venues: [v.venue] });
    t.after(() => w.cadenza.stop());
    assert.equal(v.calls, 1);
    assert.deepEqual(ids(w), []);

    v.down = false;
    const subs = await w.cadenza.subscriptions.create(alice, { venue: 'BINANCE', instruments: ['BTC/USDT'], subscriptionType: 'MARKET.SUBSCRIPTION.TRADE' });
    assert.equal(subs.length, 1);
    assert.equal(v.calls, 2, 'one listing for the request');
    assert.deepEqual(ids(w), ['BINANCE:BTC/USDT', 'BINANCE:ETH/USDT']);
    assert.ok(w.cadenza.instruments.listSecurities({ venue: 'BINANCE' }).some((s) => s.securityId === 'BINANCE:BTC'));

    // The catalogue is filled and the last listing worked: an unknown symbol is refused without asking the venue.
    assert.equal(await refusalCode(w.cadenza.subscriptions.create(alice, { venue: 'BINANCE', instruments: ['DOGE/USDT'], subscriptionType: 'MARKET.SUBSCRIPTION.TRADE' })), INSTRUMENT_NOT_FOUND);
    assert.equal(w.cadenza.instruments.get('BINANCE:DOGE/USDT'), undefined);
    assert.equal(v.calls, 2);
  });

  test('an order submitted once the venue is back waits for the listing and goes through', async (t) => {
    const v = listingVenue('PAPER');
    v.down = true;
    const w = await testCadenza({ venues: [v.venue] });
    t.after(() => w.cadenza.stop());
    const account = await w.cadenza.tradingAccounts.create(alice, { venue: 'PAPER', nickname: 'p' });
    v.down = false;
    const order = await w.cadenza.orders.submit(alice, {
      tradingAccountId: account.tradingAccountId,
      tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '40000' },
    });
    assert.equal(order.status, 'ACCEPTED');
    assert.equal(v.calls, 2, 'one listing for the order');
  });

  test('a flood of requests while the venue is still down costs one listing per 30 s; then the venue is asked again', async (t) => {
    const v = listingVenue();
    v.down = true;
    const w = await testCadenza({ venues: [v.venue] });
    t.after(() => w.cadenza.stop());

    const flood = Array.from({ length: 40 }, (_, i) =>
      refusalCode(w.cadenza.subscriptions.create(alice, { venue: 'BINANCE', instruments: [i % 2 ? 'BTC/USDT' : 'ETH/USDT'], subscriptionType: 'MARKET.SUBSCRIPTION.TICKER' })),
    );
    assert.deepEqual(new Set(await Promise.all(flood)), new Set([INSTRUMENT_NOT_FOUND]));
    assert.equal(v.calls, 2, 'start + one on-demand listing');
    assert.equal(w.cadenza.instruments.get('BINANCE:BTC/USDT'), undefined);
    assert.equal(v.calls, 2);

    w.clock.advance(29_000);
    v.down = false;
    assert.equal(await w.cadenza.instruments.lookup('BINANCE:BTC/USDT'), undefined, 'still within 30 s of the last on-demand listing');
    assert.equal(v.calls, 2);
    w.clock.advance(1_000);
    assert.equal((await w.cadenza.instruments.lookup('BINANCE:BTC/USDT'))?.status, 'ACTIVE');
    assert.equal(v.calls, 3);
  });

  test('requests wait for a slow listing at most instrumentListWaitMs; the list is applied when it arrives', async (t) => {
    const v = listingVenue();
    v.down = true;
    const w = await testCadenza({ venues: [v.venue], config: { instrumentListWaitMs: 30 } });
    t.after(() => w.cadenza.stop());
    v.down = false;
    v.hold = true;
    // The listing is held until after the lookups settle: they can only settle by giving up waiting for it.
    const waiting = [w.cadenza.instruments.lookup('BINANCE:BTC/USDT'), w.cadenza.instruments.lookup('BINANCE:ETH/USDT')];
    assert.deepEqual(await Promise.all(waiting), [undefined, undefined]);
    assert.equal(v.calls, 2, 'both requests joined one listing');
    v.release();
    await settle();
    assert.deepEqual(ids(w), ['BINANCE:BTC/USDT', 'BINANCE:ETH/USDT']);
  });

  test('a market channel for an instrument of an empty catalogue is authorized once the refresh lists it', async (t) => {
    const v = listingVenue();
    v.down = true;
    const w = await testCadenza({ venues: [v.venue] });
    t.after(() => w.cadenza.stop());
    v.down = false;
    const verdict = w.cadenza.authorizeChannel(alice, 'market:orderbook:BINANCE:BTC/USDT');
    assert.ok(verdict instanceof Promise, 'waits for the refresh');
    assert.deepEqual(await verdict, { allowed: true });
    assert.deepEqual(w.cadenza.authorizeChannel(alice, 'market:orderbook:BINANCE:DOGE/USDT'), { allowed: false, reason: 'unknown channel' });
    assert.equal(v.calls, 2);
  });

  test('a market-data query naming a missing instrument waits for the refresh (klines)', async (t) => {
    const v = listingVenue();
    v.down = true;
    const w = await testCadenza({ venues: [v.venue] });
    t.after(() => w.cadenza.stop());
    v.down = false;
    const bars = await w.cadenza.marketData.klines({ instrumentIds: ['BINANCE:BTC/USDT'] }, '1m');
    assert.ok(Array.isArray(bars));
    assert.equal(v.calls, 2);
  });
});

describe('periodic refresh', () => {
  test('picks up a new listing and a changed spec, writes only what changed, and stops with cadenza.stop()', async (t) => {
    const v = listingVenue();
    const w = await testCadenza({ venues: [v.venue], config: { instrumentRefreshMs: 10 } });
    t.after(() => w.cadenza.stop());
    const eth = w.cadenza.instruments.get('BINANCE:ETH/USDT')!;
    w.clock.advance(60_000);
    v.venue.instruments.push(sampleInstrument('BINANCE', 'SOL', 'USDT'));
    v.venue.instruments[0] = { ...v.venue.instruments[0]!, tickSize: '0.1' };
    await v.listing(2);

    assert.deepEqual(ids(w), ['BINANCE:BTC/USDT', 'BINANCE:ETH/USDT', 'BINANCE:SOL/USDT']);
    assert.equal(w.cadenza.instruments.get('BINANCE:BTC/USDT')!.spec.tickSize, '0.1');
    assert.ok(w.cadenza.instruments.listSecurities({ venue: 'BINANCE' }).some((s) => s.securityId === 'BINANCE:SOL'));
    assert.equal(w.cadenza.instruments.get('BINANCE:ETH/USDT')!.updatedAt, eth.updatedAt, 'an unchanged instrument is not rewritten');
    assert.ok((await w.store.loadInstruments()).some((i) => i.spec.instrumentId === 'BINANCE:SOL/USDT'), 'stored');

    await w.cadenza.stop();
    const atStop = v.calls;
    await new Promise((resolve) => setTimeout(resolve, 60)); // six intervals
    assert.equal(v.calls, atStop);
  });

  test('a venue down at start fills its catalogue at the next periodic refresh', async (t) => {
    const v = listingVenue();
    v.down = true;
    const w = await testCadenza({ venues: [v.venue], config: { instrumentRefreshMs: 10 } });
    t.after(() => w.cadenza.stop());
    v.down = false;
    await v.listing(2);
    assert.deepEqual(ids(w), ['BINANCE:BTC/USDT', 'BINANCE:ETH/USDT']);
  });
});

describe('admin decisions', () => {
  test('a disabled instrument stays DISABLED and a deleted one stays deleted across refreshes and a restart; an explicit sync brings it back', async (t) => {
    const v = listingVenue();
    const w = await testCadenza({ venues: [v.venue], config: { instrumentRefreshMs: 10 } });
    t.after(() => w.cadenza.stop());
    w.cadenza.instruments.setStatus('BINANCE:BTC/USDT', 'DISABLED');
    w.cadenza.instruments.delete('BINANCE:ETH/USDT');
    await v.listing(v.calls + 2);
    assert.deepEqual(ids(w), ['BINANCE:BTC/USDT']);
    assert.equal(w.cadenza.instruments.get('BINANCE:BTC/USDT')!.status, 'DISABLED');
    await w.cadenza.stop();

    const again = listingVenue();
    const restarted = await testCadenza({ venues: [again.venue], store: w.store });
    t.after(() => restarted.cadenza.stop());
    assert.equal(again.calls, 1);
    assert.deepEqual(ids(restarted), ['BINANCE:BTC/USDT'], 'the deletion survives the restart and its refresh');
    assert.equal(restarted.cadenza.instruments.get('BINANCE:BTC/USDT')!.status, 'DISABLED');
    assert.equal(await restarted.cadenza.instruments.lookup('BINANCE:ETH/USDT'), undefined);
    assert.equal(again.calls, 1, 'a deleted instrument is not a reason to ask the venue');

    assert.equal(await restarted.cadenza.instruments.sync('BINANCE'), 2);
    assert.deepEqual(ids(restarted), ['BINANCE:BTC/USDT', 'BINANCE:ETH/USDT']);
    assert.equal(restarted.cadenza.instruments.get('BINANCE:BTC/USDT')!.status, 'DISABLED', 'an explicit sync keeps DISABLED too');
  });

  test('a failed explicit sync marks the venue for on-demand refresh; a successful one clears it', async (t) => {
    const v = listingVenue();
    const w = await testCadenza({ venues: [v.venue] });
    t.after(() => w.cadenza.stop());
    v.down = true;
    assert.equal(await refusalCode(w.cadenza.instruments.sync('BINANCE')), 19002);
    v.down = false;
    v.venue.instruments.push(sampleInstrument('BINANCE', 'SOL', 'USDT'));
    assert.equal((await w.cadenza.instruments.lookup('BINANCE:SOL/USDT'))?.spec.symbol, 'SOL/USDT', 'last listing failed: a miss refreshes');
    const calls = v.calls;
    assert.equal(await w.cadenza.instruments.lookup('BINANCE:XRP/USDT'), undefined);
    assert.equal(v.calls, calls, 'listing worked again: a miss is just a miss');
  });
});
