import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '@cadenza/store';
import { ScriptedVenue, SequentialIds, alice, bob, refusal, testCadenza, type TestCadenza } from '@cadenza/testkit';
import { dec, str, toRpcTradeOrder } from '@cadenza/domain';

async function paperAccount(t: TestCadenza, caller = alice) {
  return t.cadenza.tradingAccounts.create(caller, { venue: 'PAPER', nickname: 'p' });
}

function balances(t: TestCadenza, id: string) {
  return Object.fromEntries(t.cadenza.portfolios.get(alice, id).balances!.map((b) => [b.securitySymbol, { free: b.free, locked: b.locked, total: b.total }]));
}

describe('orders', () => {
  test('a paper account starts ACTIVE with the default balances', async () => {
    const t = await testCadenza();
    const a = await paperAccount(t);
    assert.equal(a.status, 'ACTIVE');
    assert.deepEqual(balances(t, a.tradingAccountId), {
      BTC: { free: '1', locked: '0', total: '1' },
      ETH: { free: '10', locked: '0', total: '10' },
      USDT: { free: '100000', locked: '0', total: '100000' },
    });
  });

  test('a MARKET buy fills at once; balances move by exactly the fill minus the fee', async () => {
    const t = await testCadenza();
    const a = await paperAccount(t);
    const o = await t.cadenza.orders.submit(alice, {
      tradingAccountId: a.tradingAccountId,
      tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'MARKET', quantity: '0.01' },
      awaitClosed: true,
    });
    assert.equal(o.status, 'FILLED');
    assert.equal(o.executedQuantity, '0.01');
    assert.equal(o.executedCost, '500.01'); // 0.01 × 50001 (best ask)
    assert.deepEqual(o.fees, { BTC: '0.00001' });
    const b = balances(t, a.tradingAccountId);
    assert.deepEqual(b.USDT, { free: '99499.99', locked: '0', total: '99499.99' });
    assert.deepEqual(b.BTC, { free: '1.00999', locked: '0', total: '1.00999' });
    // The holding is what the account received (the fee came out of it) at what it cost, 8 decimals shown.
    const p = t.cadenza.portfolios.get(alice, a.tradingAccountId).positions![0]!;
    assert.equal(p.quantity, '0.00999');
    assert.equal(p.entryPrice, '50051.05105105');
    assert.equal(p.positionSide, 'LONG');
    assert.equal(p.status, 'OPEN');
  });

  test('selling the BTC the account was funded with leaves no position — never a SHORT on a spot account', async () => {
    const t = await testCadenza();
    const a = await paperAccount(t);
    const sell = await t.cadenza.orders.submit(alice, {
      tradingAccountId: a.tradingAccountId,
      tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'SELL', orderType: 'MARKET', quantity: '0.5' },
      awaitClosed: true,
    });
    assert.equal(sell.status, 'FILLED');
    assert.equal(balances(t, a.tradingAccountId).BTC!.total, '0.5');
    assert.deepEqual(t.cadenza.portfolios.get(alice, a.tradingAccountId).positions, []);
    // Bought, then sold past the holding: the holding closes with its PnL, and the rest (funded BTC) opens nothing.
    const buy = { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY' as const, orderType: 'MARKET' as const, quantity: '0.1' };
    await t.cadenza.orders.submit(alice, { tradingAccountId: a.tradingAccountId, tradeOrder: buy, awaitClosed: true });
    await t.cadenza.orders.submit(alice, { tradingAccountId: a.tradingAccountId, tradeOrder: { ...buy, orderSide: 'SELL', quantity: '0.3' }, awaitClosed: true });
    const [p, ...rest] = t.cadenza.portfolios.get(alice, a.tradingAccountId).positions!;
    assert.equal(rest.length, 0);
    assert.equal(p!.status, 'CLOSED');
    assert.equal(p!.positionSide, 'LONG');
    assert.equal(p!.quantity, '0');
    assert.match(p!.realizedPnl!, /^-?\d+(\.\d{1,8})?$/, 'rounded to the quote precision, not 40 digits');
    assert.match(p!.entryPrice!, /^\d+(\.\d{1,8})?$/);
  });

  test('an order with nothing executed has no executedPrice (never "NaN") in its contract form', async () => {
    const t = await testCadenza();
    const a = await paperAccount(t);
    const o = await t.cadenza.orders.submit(alice, {
      tradingAccountId: a.tradingAccountId,
      tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '40000' },
    });
    const events = t.events.on(`tradingAccount:${a.tradingAccountId}`, 'event.trade_order.updated').map((e) => e.data as { status: string; executedPrice?: string });
    assert.ok(events.length >= 2);
    for (const e of events) assert.equal(e.executedPrice, undefined, `${e.status} carries no executedPrice`);
    t.venue.fillResting(o.tradeOrderId, '0.004');
    const partly = t.events.on(`tradingAccount:${a.tradingAccountId}`, 'event.trade_order.updated').at(-1)!.data as { status: string; executedPrice?: string };
    assert.equal(partly.status, 'PARTIALLY_FILLED');
    assert.equal(partly.executedPrice, '40000');
  });

  test('a resting LIMIT buy locks price × qty × (1 + taker fee); cancel releases it', async () => {
    const t = await testCadenza();
    const a = await paperAccount(t);
    const o = await t.cadenza.orders.submit(alice, {
      tradingAccountId: a.tradingAccountId,
      tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.5', limitPrice: '40000' },
    });
    assert.equal(o.status, 'ACCEPTED');
    assert.equal(o.externalOrderId, 'X1');
    assert.deepEqual(balances(t, a.tradingAccountId).USDT, { free: '79980', locked: '20020', total: '100000' });
    const c = await t.cadenza.orders.cancel(alice, { tradingAccountId: a.tradingAccountId, clientOrderId: o.clientOrderId });
    assert.equal(c.status, 'CANCELLED');
    assert.equal(c.cancelReason, 'cancelled by user');
    assert.deepEqual(balances(t, a.tradingAccountId).USDT, { free: '100000', locked: '0', total: '100000' });
    const again = await refusal(t.cadenza.orders.cancel(alice, { tradingAccountId: a.tradingAccountId, tradeOrderId: o.tradeOrderId }));
    assert.equal(again.code, 11009);
  });

  test('partial fill then cancel: fills are booked, the rest of the lock is released', async () => {
    const t = await testCadenza();
    const a = await paperAccount(t);
    const o = await t.cadenza.orders.submit(alice, {
      tradingAccountId: a.tradingAccountId,
      tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'SELL', orderType: 'LIMIT', quantity: '0.4', limitPrice: '60000' },
    });
    assert.deepEqual(balances(t, a.tradingAccountId).BTC, { free: '0.6', locked: '0.4', total: '1' });
    t.venue.fillResting(o.tradeOrderId, '0.1');
    assert.equal((await t.cadenza.orders.get(alice, { tradeOrderId: o.tradeOrderId })).status, 'PARTIALLY_FILLED');
    await t.cadenza.orders.cancel(alice, { tradingAccountId: a.tradingAccountId, externalOrderId: o.externalOrderId! });
    const b = balances(t, a.tradingAccountId);
    assert.deepEqual(b.BTC, { free: '0.9', locked: '0', total: '0.9' });
    assert.deepEqual(b.USDT, { free: '105994', locked: '0', total: '105994' }); // + 6000 − 6 maker fee
    const closed = (await t.cadenza.orders.get(alice, { tradeOrderId: o.tradeOrderId }));
    assert.equal(closed.status, 'CANCELLED');
    assert.equal(closed.executedQuantity, '0.1');
  });

  test('two cancels of one order at once: one cancels, the other is refused 11009; the order stays CANCELLED, its lock released once', async () => {
    const t = await testCadenza();
    const a = await paperAccount(t);
    const o = await t.cadenza.orders.submit(alice, {
      tradingAccountId: a.tradingAccountId,
      tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.5', limitPrice: '40000' },
    });
    const cancel = () => t.cadenza.orders.cancel(alice, { tradingAccountId: a.tradingAccountId, tradeOrderId: o.tradeOrderId });
    const [first, second] = await Promise.allSettled([cancel(), cancel()]);
    assert.equal(first.status === 'fulfilled' && first.value.status, 'CANCELLED');
    assert.equal(second.status === 'rejected' && (second.reason as { code?: number }).code, 11009);
    assert.equal((await t.cadenza.orders.get(alice, { tradeOrderId: o.tradeOrderId })).status, 'CANCELLED');
    assert.deepEqual(balances(t, a.tradingAccountId).USDT, { free: '100000', locked: '0', total: '100000' });
  });

  test('the same idempotencyKey or clientOrderId returns the original order without a second submission', async () => {
    const t = await testCadenza();
    const a = await paperAccount(t);
    const req = { tradingAccountId: a.tradingAccountId, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY' as const, orderType: 'MARKET' as const, quantity: '0.01' }, idempotencyKey: 'k1' };
    const first = await t.cadenza.orders.submit(alice, req);
    const second = await t.cadenza.orders.submit(alice, req);
    assert.equal(second.tradeOrderId, first.tradeOrderId);
    const c1 = await t.cadenza.orders.submit(alice, { tradingAccountId: a.tradingAccountId, tradeOrder: { ...req.tradeOrder, clientOrderId: 'mine-1' } });
    const c2 = await t.cadenza.orders.submit(alice, { tradingAccountId: a.tradingAccountId, tradeOrder: { ...req.tradeOrder, clientOrderId: 'mine-1', quantity: '0.02' } });
    assert.equal(c2.tradeOrderId, c1.tradeOrderId);
    assert.equal(t.venue.submitted.length, 2);
    // keys are per account: another account may reuse them
    const b = await paperAccount(t);
    const other = await t.cadenza.orders.submit(alice, { ...req, tradingAccountId: b.tradingAccountId });
    assert.notEqual(other.tradeOrderId, first.tradeOrderId);
  });

  test('pre-trade checks refuse with catalogue codes', async () => {
    const t = await testCadenza();
    const a = await paperAccount(t);
    const submit = (tradeOrder: object) => t.cadenza.orders.submit(alice, { tradingAccountId: a.tradingAccountId, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', ...tradeOrder } as never });
    assert.equal((await refusal(submit({ orderType: 'LIMIT', quantity: '1', limitPrice: '50000.001' }))).code, 11004);
    assert.equal((await refusal(submit({ orderType: 'LIMIT', quantity: '0.00015', limitPrice: '50000' }))).code, 11005);
    assert.equal((await refusal(submit({ orderType: 'LIMIT', quantity: '0.0001', limitPrice: '100' }))).code, 11007);
    assert.equal((await refusal(submit({ orderType: 'LIMIT', quantity: '3', limitPrice: '50000' }))).code, 14001);
    assert.equal((await refusal(submit({ orderType: 'STOP_LOSS', quantity: '1', stopPrice: '50000' }))).code, 11002);
    assert.equal((await refusal(submit({ orderType: 'LIMIT', quantity: '1', limitPrice: '100', timeInForce: 'DAY' }))).code, 11003);
    assert.equal((await refusal(submit({ orderType: 'LIMIT', quantity: '1e3', limitPrice: '100' }))).code, 11000);
    // A refusal quotes a client's number as it quotes any input: at most 64 characters of it (docs/errors.md, "Messages").
    const long = `0.${'0'.repeat(200)}1`;
    for (const tradeOrder of [{ orderType: 'LIMIT', quantity: long, limitPrice: '50000' }, { orderType: 'LIMIT', quantity: '0.001', limitPrice: `9${'0'.repeat(99)}` }]) {
      const r = await refusal(submit(tradeOrder));
      assert.ok(r.code > 11000 && r.code < 11100, `${r.code} ${r.message}`);
      assert.ok(!r.message.includes('0'.repeat(65)), r.message);
    }
    // A number Dec would round (over 40 significant digits) is refused, not placed at a price or size the client did
    // not send.
    const fine = await refusal(submit({ orderType: 'LIMIT', quantity: '0.001', limitPrice: `50000.${'0'.repeat(40)}1` }));
    assert.equal(fine.code, 11000);
    assert.match(fine.message, /limitPrice has more than 40 significant digits/);
    // Zero is not a positive amount (decimal.js counts +0 as "positive": the checks compare with 0 instead).
    const zero = await refusal(submit({ orderType: 'LIMIT', quantity: '0', limitPrice: '100' }));
    assert.equal(zero.code, 11000);
    assert.match(zero.message, /quantity must be greater than zero/);
    assert.equal((await refusal(submit({ orderType: 'LIMIT', quantity: '1', limitPrice: '0' }))).code, 11000);
    assert.equal((await refusal(submit({ orderType: 'LIMIT', quantity: '1', limitPrice: '100', instrumentId: 'PAPER:DOGE/USDT' }))).code, 15001);
    assert.equal((await refusal(submit({ orderType: 'LIMIT', quantity: '0.1', limitPrice: '40000', clientOrderId: 'x'.repeat(65) }))).code, 11000);
    assert.equal((await refusal(t.cadenza.orders.submit(alice, { tradingAccountId: a.tradingAccountId, idempotencyKey: 'k'.repeat(129), tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', quantity: '0.01' } }))).code, 11000);
    assert.equal((await refusal(submit({ orderType: 'LIMIT', quantityType: 'QUOTE', quantity: '100', limitPrice: '100' }))).code, 11010);
    t.cadenza.instruments.setStatus('PAPER:BTC/USDT', 'DISABLED');
    assert.equal((await refusal(submit({ orderType: 'MARKET', quantity: '0.01' }))).code, 15002);
    assert.equal(t.venue.submitted.length, 0, 'nothing refused reached the venue');
    assert.deepEqual(balances(t, a.tradingAccountId).USDT, { free: '100000', locked: '0', total: '100000' });
  });

  test('quantity rounding fits the lot; POSITION_PERCENTAGE sells a share of the free base', async () => {
    const t = await testCadenza();
    const a = await paperAccount(t);
    const o = await t.cadenza.orders.submit(alice, {
      tradingAccountId: a.tradingAccountId,
      tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.00035', limitPrice: '40000', quantityRounding: 'DOWN' },
    });
    assert.equal(o.quantity, '0.0003');
    // The contract's order (RPC, and REST through it) echoes how its quantity was fitted; it was dropped.
    assert.equal(toRpcTradeOrder(await t.cadenza.orders.get(alice, { tradeOrderId: o.tradeOrderId })).quantityRounding, 'DOWN');
    const s = await t.cadenza.orders.submit(alice, {
      tradingAccountId: a.tradingAccountId,
      tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'SELL', orderType: 'MARKET', quantityType: 'POSITION_PERCENTAGE', quantity: '25' },
      awaitClosed: true,
    });
    assert.equal(s.quantity, '0.25');
    assert.equal(s.status, 'FILLED');
  });

  test('a MARKET buy by QUOTE amount locks amount × (1 + fee) and fills', async () => {
    const t = await testCadenza();
    const a = await paperAccount(t);
    const o = await t.cadenza.orders.submit(alice, {
      tradingAccountId: a.tradingAccountId,
      tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'MARKET', quantityType: 'QUOTE', quantity: '1000' },
      awaitClosed: true,
    });
    assert.equal(o.quantityType, 'QUOTE');
    assert.equal(o.status, 'EXPIRED');
    assert.equal(o.executedQuantity, '0.0199');
    const b = balances(t, a.tradingAccountId);
    assert.equal(b.USDT!.locked, '0');
    assert.equal(b.USDT!.free, str(dec('100000').sub(dec('0.0199').mul('50001'))));
  });

  test('a lock never has more places than its asset: rounded up to the precision, released to the unit', async () => {
    const t = await testCadenza();
    const a = await paperAccount(t);
    // 100 USDT ÷ the 49999 bid × 1.05 = 0.0021000420008400… BTC: 40 significant digits on the balance without the rounding.
    t.venue.dropNextSubmit();
    const sell = await t.cadenza.orders.submit(alice, {
      tradingAccountId: a.tradingAccountId,
      tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'SELL', orderType: 'MARKET', quantityType: 'QUOTE', quantity: '100' },
    });
    assert.equal(sell.status, 'SUBMITTED');
    assert.deepEqual(balances(t, a.tradingAccountId).BTC, { free: '0.99789995', locked: '0.00210005', total: '1' });
    // 40000.01 × 0.0123 × 1.001 = 492.492123123 USDT: nine places of an eight-place asset.
    const buy = await t.cadenza.orders.submit(alice, {
      tradingAccountId: a.tradingAccountId,
      tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.0123', limitPrice: '40000.01' },
    });
    assert.equal(buy.status, 'ACCEPTED');
    assert.deepEqual(balances(t, a.tradingAccountId).USDT, { free: '99507.50787687', locked: '492.49212313', total: '100000' });
    await t.cadenza.orders.cancel(alice, { tradingAccountId: a.tradingAccountId, tradeOrderId: buy.tradeOrderId });
    assert.deepEqual(balances(t, a.tradingAccountId).USDT, { free: '100000', locked: '0', total: '100000' });
  });

  test('a venue rejection or failure closes the order REJECTED and releases the lock', async () => {
    const t = await testCadenza();
    const a = await paperAccount(t);
    t.venue.rejectNext('insufficient liquidity');
    const r = await t.cadenza.orders.submit(alice, { tradingAccountId: a.tradingAccountId, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.1', limitPrice: '40000' } });
    assert.equal(r.status, 'REJECTED');
    assert.equal(r.rejectReason, 'insufficient liquidity');
    t.venue.failNext();
    const f = await t.cadenza.orders.submit(alice, { tradingAccountId: a.tradingAccountId, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.1', limitPrice: '40000' } });
    assert.equal(f.status, 'REJECTED');
    assert.match(f.rejectReason!, /down/);
    assert.deepEqual(balances(t, a.tradingAccountId).USDT, { free: '100000', locked: '0', total: '100000' });
  });

  test('a fill reported twice is booked once', async () => {
    const t = await testCadenza();
    t.venue.duplicateFills = true;
    const a = await paperAccount(t);
    const o = await t.cadenza.orders.submit(alice, { tradingAccountId: a.tradingAccountId, tradeOrder: { instrumentId: 'PAPER:ETH/USDT', orderSide: 'BUY', orderType: 'MARKET', quantity: '1' }, awaitClosed: true });
    assert.equal(o.executedQuantity, '1');
    assert.equal(balances(t, a.tradingAccountId).ETH!.total, '10.999');
    assert.equal((await t.store.listFills(o.tradeOrderId)).length, 1);
  });

  test('events: SUBMITTED, ACCEPTED, FILLED on the account channel, each followed by the portfolio delta when balances moved', async () => {
    const t = await testCadenza();
    const a = await paperAccount(t);
    t.events.clear();
    await t.cadenza.orders.submit(alice, { tradingAccountId: a.tradingAccountId, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'MARKET', quantity: '0.01' } });
    const ch = `tradingAccount:${a.tradingAccountId}`;
    const seq = t.events.events.filter((e) => e.channel === ch).map((e) => (e.event.type === 'event.trade_order.updated' ? (e.event.data as { status: string }).status : 'portfolio'));
    assert.deepEqual(seq, ['SUBMITTED', 'portfolio', 'ACCEPTED', 'FILLED', 'portfolio']);
    const delta = t.events.on(ch, 'event.portfolio.updated').at(-1)!.data as { updateMode: string; balances: Array<{ securitySymbol: string }> };
    assert.equal(delta.updateMode, 'DELTA');
    assert.deepEqual(delta.balances.map((b) => b.securitySymbol).sort(), ['BTC', 'USDT']);
  });

  test('another user sees neither the account nor its orders', async () => {
    const t = await testCadenza();
    const a = await paperAccount(t);
    const o = await t.cadenza.orders.submit(alice, { tradingAccountId: a.tradingAccountId, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'MARKET', quantity: '0.01' } });
    assert.equal((await refusal(() => t.cadenza.orders.get(bob, { tradeOrderId: o.tradeOrderId }))).code, 11001);
    assert.equal((await refusal(() => t.cadenza.portfolios.get(bob, a.tradingAccountId))).code, 12001);
    assert.equal((await refusal(t.cadenza.orders.submit(bob, { tradingAccountId: a.tradingAccountId, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'MARKET', quantity: '0.01' } }))).code, 12001);
    assert.equal((await t.cadenza.orders.list(bob, {}, { offset: 0, limit: 10 })).total, 0);
    assert.equal((await t.cadenza.orders.list(alice, {}, { offset: 0, limit: 10 })).total, 1);
  });

  test('list filters and paginates newest first', async () => {
    const t = await testCadenza();
    const a = await paperAccount(t);
    for (let i = 0; i < 5; i++) {
      t.clock.advance(1000);
      await t.cadenza.orders.submit(alice, { tradingAccountId: a.tradingAccountId, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: i % 2 ? 'SELL' : 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: i % 2 ? '60000' : '40000' } });
    }
    const page = (await t.cadenza.orders.list(alice, { tradingAccountId: a.tradingAccountId }, { offset: 1, limit: 2 }));
    assert.equal(page.total, 5);
    assert.equal(page.items.length, 2);
    assert.ok(page.items[0]!.createdAt > page.items[1]!.createdAt);
    assert.equal((await t.cadenza.orders.list(alice, { side: 'SELL' }, { offset: 0, limit: 10 })).total, 2);
    assert.equal((await t.cadenza.orders.list(alice, { status: 'FILLED' }, { offset: 0, limit: 10 })).total, 0);
  });

  test('after a restart, open PAPER orders go back into the venue with what remains of them, locks kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cadenza-recover-'));
    try {
      const path = join(dir, 'd.db');
      const t1 = await testCadenza({ store: new SqliteStore({ path }) });
      const a = await paperAccount(t1);
      const submit = (t: TestCadenza, clientOrderId: string, quantity: string) =>
        t.cadenza.orders.submit(alice, { tradingAccountId: a.tradingAccountId, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity, limitPrice: '40000', clientOrderId } });
      const kept = await submit(t1, 'keep-me', '1');
      const partly = await submit(t1, 'partly', '0.5');
      t1.venue.fillResting(partly.tradeOrderId, '0.2');
      const refused = await submit(t1, 'refused', '0.1');
      assert.equal((await t1.cadenza.orders.get(alice, { tradeOrderId: partly.tradeOrderId })).status, 'PARTIALLY_FILLED');
      const lockedBefore = balances(t1, a.tradingAccountId).USDT!.locked;
      await t1.cadenza.stop();
      await t1.store.close();

      // The venue refuses the third order's remainder when it comes back (the first two are accepted).
      const venue = new ScriptedVenue({ seqStart: 1000 });
      const original = venue.submitOrder.bind(venue);
      venue.submitOrder = (order, account) => {
        if (order.clientOrderId === 'refused') venue.rejectNext('instrument halted');
        return original(order, account);
      };
      const t2 = await testCadenza({ store: new SqliteStore({ path }), ids: new SequentialIds('11111111'), venues: [venue] });
      const back = t2.venue.submitted.map((o) => [o.clientOrderId, o.quantity]);
      assert.deepEqual(back, [['keep-me', '1'], ['partly', '0.3'], ['refused', '0.1']], 'oldest first, with the remainder');
      assert.equal((await t2.cadenza.orders.get(alice, { tradeOrderId: kept.tradeOrderId })).status, 'ACCEPTED');
      assert.equal((await t2.cadenza.orders.get(alice, { tradeOrderId: partly.tradeOrderId })).status, 'PARTIALLY_FILLED');
      const gone = (await t2.cadenza.orders.get(alice, { tradeOrderId: refused.tradeOrderId }));
      assert.equal(gone.status, 'CANCELLED');
      assert.equal(gone.cancelReason, 'venue restarted: instrument halted');
      assert.equal(dec(balances(t2, a.tradingAccountId).USDT!.locked).toString(), dec(lockedBefore).sub(dec(refused.lockedAmount)).toString(), 'only the refused order released its lock');
      // The restored order lives in the venue again: it fills and it cancels.
      t2.venue.fillResting(partly.tradeOrderId);
      assert.equal((await t2.cadenza.orders.get(alice, { tradeOrderId: partly.tradeOrderId })).status, 'FILLED');
      assert.equal((await t2.cadenza.orders.get(alice, { tradeOrderId: partly.tradeOrderId })).executedQuantity, '0.5');
      const cancelled = await t2.cadenza.orders.cancel(alice, { tradingAccountId: a.tradingAccountId, tradeOrderId: kept.tradeOrderId });
      assert.equal(cancelled.status, 'CANCELLED');
      assert.equal(balances(t2, a.tradingAccountId).USDT!.locked, '0');
      const dup = await submit(t2, 'keep-me', '1');
      assert.equal(dup.tradeOrderId, kept.tradeOrderId, 'the clientOrderId index survives the restart');
      await t2.store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('after a restart without the venue configured, its open orders stay open and still cancel', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cadenza-novenue-'));
    try {
      const path = join(dir, 'd.db');
      const t1 = await testCadenza({ store: new SqliteStore({ path }) });
      const a = await paperAccount(t1);
      const o = await t1.cadenza.orders.submit(alice, { tradingAccountId: a.tradingAccountId, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '1', limitPrice: '40000' } });
      await t1.cadenza.stop();
      await t1.store.close();
      const t2 = await testCadenza({ store: new SqliteStore({ path }), ids: new SequentialIds('22222222'), venues: [new ScriptedVenue({ id: 'MOCK' })] });
      assert.equal((await t2.cadenza.orders.get(alice, { tradeOrderId: o.tradeOrderId })).status, 'ACCEPTED', 'left as it was');
      const cancelled = await t2.cadenza.orders.cancel(alice, { tradingAccountId: a.tradingAccountId, tradeOrderId: o.tradeOrderId });
      assert.equal(cancelled.status, 'CANCELLED');
      assert.equal(balances(t2, a.tradingAccountId).USDT!.locked, '0');
      await t2.store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('with a group-commit store, events wait for the commit and durable() resolves after it', async () => {
    const store = new SqliteStore({ path: ':memory:', groupCommit: true });
    const t = await testCadenza({ store });
    const a = await paperAccount(t);
    await t.cadenza.durable();
    t.events.clear();
    const o = await t.cadenza.orders.submit(alice, { tradingAccountId: a.tradingAccountId, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'MARKET', quantity: '0.01' } });
    assert.equal(o.status, 'FILLED');
    assert.equal(t.events.events.length, 0, 'nothing is pushed before the commit');
    await t.cadenza.durable();
    assert.deepEqual(
      t.events.on(`tradingAccount:${a.tradingAccountId}`, 'event.trade_order.updated').map((e) => (e.data as { status: string }).status),
      ['SUBMITTED', 'ACCEPTED', 'FILLED'],
    );
    await store.close();
  });

  test('awaitClosed answers the current state when the order stays open past the timeout', async () => {
    const t = await testCadenza({ config: { awaitClosedTimeoutMs: 30 } });
    const a = await paperAccount(t);
    const o = await t.cadenza.orders.submit(alice, { tradingAccountId: a.tradingAccountId, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.1', limitPrice: '40000' }, awaitClosed: true });
    assert.equal(o.status, 'ACCEPTED');
  });
});
