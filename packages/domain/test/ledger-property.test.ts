/**
 * Property: whatever mix of submits, partial fills, cancels, rejections and repeated fill reports happens, every
 * balance equals initial + fills − fees (from the stored fills), locked equals what the open orders still hold,
 * and free never goes negative.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { testCadenza, alice } from '@cadenza/testkit';
import { dec, str, ZERO, isTerminal, type Dec } from '@cadenza/domain';

type Action =
  | { kind: 'submit'; side: 'BUY' | 'SELL'; type: 'MARKET' | 'LIMIT'; qty: number; offset: number }
  | { kind: 'fill'; pick: number; share: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'reject' }
  | { kind: 'dupes'; on: boolean }
  | { kind: 'move'; price: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('submit' as const), side: fc.constantFrom('BUY' as const, 'SELL' as const), type: fc.constantFrom('MARKET' as const, 'LIMIT' as const), qty: fc.integer({ min: 1, max: 300 }), offset: fc.integer({ min: -50, max: 50 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('fill' as const), pick: fc.nat(), share: fc.integer({ min: 1, max: 100 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  fc.constant({ kind: 'reject' as const }),
  fc.record({ kind: fc.constant('dupes' as const), on: fc.boolean() }),
  fc.record({ kind: fc.constant('move' as const), price: fc.integer({ min: 40_000, max: 60_000 }) }),
);

test('property: the ledger always equals initial + fills − fees, and locks match open orders', async () => {
  const stats = { orders: 0, fills: 0, open: 0 };
  await fc.assert(
    fc.asyncProperty(fc.array(action, { minLength: 10, maxLength: 40, size: 'max' }), async (actions) => {
      const t = await testCadenza();
      const acct = t.cadenza.tradingAccounts.create(alice, { venue: 'PAPER' }).tradingAccountId;
      const ids: string[] = [];
      for (const a of actions) {
        try {
          if (a.kind === 'submit') {
            const mid = Number(t.venue.prices.get('BTC/USDT'));
            const o = await t.cadenza.orders.submit(alice, {
              tradingAccountId: acct,
              tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: a.side, orderType: a.type, quantity: str(dec(a.qty).div(1000)), ...(a.type === 'LIMIT' ? { limitPrice: String(mid + a.offset) } : {}) },
            });
            ids.push(o.tradeOrderId);
          } else if (a.kind === 'fill') {
            const resting = [...t.venue.resting.keys()];
            if (resting.length) {
              const id = resting[a.pick % resting.length]!;
              const r = t.venue.resting.get(id)!;
              const left = dec(r.order.quantity).sub(r.filled);
              const q = left.mul(a.share).div(100).toDecimalPlaces(4, 1);
              if (q.gt(0)) t.venue.fillResting(id, str(q));
            }
          } else if (a.kind === 'cancel' && ids.length) {
            await t.cadenza.orders.cancel(alice, { tradingAccountId: acct, tradeOrderId: ids[a.pick % ids.length]! });
          } else if (a.kind === 'reject') {
            t.venue.rejectNext('no');
          } else if (a.kind === 'dupes') {
            t.venue.duplicateFills = a.on;
          } else if (a.kind === 'move') {
            t.venue.setPrice('BTC/USDT', String(a.price));
          }
        } catch (e) {
          if (!(e instanceof Error) || !('code' in e)) throw e; // domain refusals are fine, bugs are not
        }
      }
      const expected: Record<string, Dec> = { USDT: dec('100000'), BTC: dec('1'), ETH: dec('10') };
      const lockedByOrders: Record<string, Dec> = {};
      const orders = (await t.cadenza.orders.list(alice, { tradingAccountId: acct }, { offset: 0, limit: 1000 })).items;
      for (const o of orders) {
        for (const f of (await t.store.listFills(o.tradeOrderId))) {
          const cost = dec(f.price).mul(f.quantity);
          expected.BTC = expected.BTC![f.side === 'BUY' ? 'add' : 'sub'](f.quantity);
          expected.USDT = expected.USDT![f.side === 'BUY' ? 'sub' : 'add'](cost);
          expected[f.feeAsset] = (expected[f.feeAsset] ?? ZERO).sub(f.fee);
        }
        if (!isTerminal(o.status)) lockedByOrders[o.lockAsset] = (lockedByOrders[o.lockAsset] ?? ZERO).add(o.lockedAmount);
        else assert.equal(o.lockedAmount, '0', `closed order ${o.status} holds nothing`);
      }
      for (const b of t.cadenza.portfolios.get(alice, acct).balances!) {
        const asset = b.securitySymbol!;
        assert.equal(b.total, str(expected[asset] ?? ZERO), `${asset} total`);
        assert.equal(b.locked, str(lockedByOrders[asset] ?? ZERO), `${asset} locked`);
        assert.ok(!dec(b.free!).isNeg(), `${b.securitySymbol} free is not negative`);
      }
      stats.orders += orders.length;
      for (const o of orders) stats.fills += (await t.store.listFills(o.tradeOrderId)).length;
      stats.open += orders.filter((o) => !isTerminal(o.status)).length;
      await t.store.close();
    }),
    { seed: 20261124, numRuns: 60 },
  );
  assert.ok(stats.orders > 200 && stats.fills > 100 && stats.open > 20, `the runs exercised the ledger: ${JSON.stringify(stats)}`);
});
