/**
 * Instruments answer what Cadenza takes (the venue's order types plus the emulated TRAILING_STOP), while the stored
 * list stays the venue's own, so saving an instrument as it was answered never turns emulation off
 * (instruments/offered-order-types.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScriptedVenue, alice, sampleInstrument, samplePerpetual, testCadenza } from '@cadenza/testkit';
import { nativeOrderTypes, offeredOrderTypes, specFromRpc, toRpcInstrument } from '@cadenza/domain';

const BTC = 'PAPER:BTC/USDT';

test('a spot instrument without a trailing stop of its own is answered with TRAILING_STOP after its own types', () => {
  const spec = sampleInstrument('MOCK', 'BTC', 'USDT');
  assert.deepEqual(offeredOrderTypes(spec), ['MARKET', 'LIMIT', 'LIMIT_MAKER', 'STOP_LIMIT', 'TRAILING_STOP']);
  assert.deepEqual(spec.orderTypes, ['MARKET', 'LIMIT', 'LIMIT_MAKER', 'STOP_LIMIT'], 'the spec itself is left as the venue listed it');
  assert.deepEqual(offeredOrderTypes(sampleInstrument('MOCK', 'BTC', 'USDT', { orderTypes: ['LIMIT'] })), ['LIMIT', 'TRAILING_STOP'], 'fires as a LIMIT order');
});

test('where Cadenza cannot take a trailing stop, or the venue has its own, the answer is the venue\'s list', () => {
  const native = sampleInstrument('BITFINEX', 'BTC', 'USD', { orderTypes: ['LIMIT', 'MARKET', 'TRAILING_STOP'] });
  assert.deepEqual(offeredOrderTypes(native), ['LIMIT', 'MARKET', 'TRAILING_STOP']);
  assert.deepEqual(offeredOrderTypes(sampleInstrument('FERMATA', 'BTC', 'USD', { orderTypes: ['QUOTED'] })), ['QUOTED'], 'nothing to fire as');
  assert.deepEqual(offeredOrderTypes(samplePerpetual('DERIBIT', { orderTypes: ['LIMIT', 'MARKET'] })), ['LIMIT', 'MARKET'], 'derivatives take no held stop');
});

test('an emulated type given on save is stored only when the venue already had it natively', () => {
  assert.deepEqual(nativeOrderTypes(['LIMIT', 'MARKET', 'TRAILING_STOP'], ['LIMIT', 'MARKET']), ['LIMIT', 'MARKET']);
  assert.deepEqual(nativeOrderTypes(['LIMIT', 'MARKET', 'TRAILING_STOP'], undefined), ['LIMIT', 'MARKET'], 'a new instrument: the venue says what is native');
  assert.deepEqual(nativeOrderTypes(['LIMIT', 'TRAILING_STOP'], ['LIMIT', 'MARKET', 'TRAILING_STOP']), ['LIMIT', 'TRAILING_STOP']);
  assert.deepEqual(nativeOrderTypes(['LIMIT'], ['LIMIT', 'MARKET']), ['LIMIT'], 'an admin may still narrow the list');
});

test('round trip: an instrument saved as it was answered still answers TRAILING_STOP, stores the venue\'s list, and its trailing stops are still emulated', async (t) => {
  const venue = new ScriptedVenue();
  const w = await testCadenza({ venues: [venue] });
  t.after(() => w.cadenza.stop());
  const answered = toRpcInstrument(w.cadenza.instruments.require(BTC));
  assert.ok(answered.orderTypes!.includes('TRAILING_STOP'));

  const spec = specFromRpc(answered, w.cadenza.instruments.require(BTC).spec)!;
  const [saved] = w.cadenza.instruments.save([spec], new Map());
  assert.deepEqual(toRpcInstrument(saved!).orderTypes, answered.orderTypes, 'answered as before');
  assert.ok(!saved!.spec.orderTypes.includes('TRAILING_STOP'));
  await w.cadenza.durable();
  const stored = (await w.store.loadInstruments()).find((i) => i.spec.instrumentId === BTC)!;
  assert.deepEqual(stored.spec.orderTypes, venue.instruments.find((i) => i.instrumentId === BTC)!.orderTypes, 'the store holds the venue\'s own list');

  const { tradingAccountId } = await w.cadenza.tradingAccounts.create(alice, { venue: 'PAPER', nickname: 'round trip' });
  const stop = await w.cadenza.orders.submit(alice, { tradingAccountId, tradeOrder: { instrumentId: BTC, orderSide: 'SELL', orderType: 'TRAILING_STOP', quantity: '0.01', trailingOffset: '100' } as never });
  assert.deepEqual([stop.status, stop.emulated], ['ACCEPTED', true], 'Cadenza holds it');
  assert.equal(venue.submitted.filter((o) => o.orderType === 'TRAILING_STOP').length, 0, 'the venue never sees it');
});
