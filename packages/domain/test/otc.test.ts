/**
 * The OTC desk through the domain's services, on SQLite: dealers, wallets and their ledger, RFQs priced from a linked
 * venue's book, QUOTED orders that settle between wallets, hedges on the linked account, and a restart.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dec, str, toQuote, type Cadenza, type DomainContext, type Store } from '@cadenza/domain';
import { SqliteStore } from '@cadenza/store';
import { testCadenza, alice, bob, admin, refusal as refusalOf, type Refusable, type TestCadenza } from '@cadenza/testkit';

const refusal = async (op: Refusable) => (await refusalOf(op)).errorName;

interface Desk {
  t: TestCadenza;
  z: Cadenza;
  paperId: string;
  dealerId: string;
  dealerWallet: string;
  treasury: string;
  traderId: string;
  traderWallet: string;
}

/** A dealer hedging on the admin's PAPER account, an accounting wallet, and alice's FERMATA account funded 100,000 USDT. */
async function desk(opts: { store?: Store; riskThreshold?: string; config?: Record<string, unknown>; settings?: NonNullable<Parameters<typeof testCadenza>[0]>['config'] } = {}): Promise<Desk> {
  const t = await testCadenza({ ...(opts.store ? { store: opts.store } : {}), ...(opts.settings ? { config: opts.settings } : {}) });
  const z = t.cadenza;
  const paperId = z.tradingAccounts.create(admin, { venue: 'PAPER', nickname: 'hedging' }).tradingAccountId;
  const dealer = z.otc.dealers.create(admin, { name: 'Desk one', baseCurrencies: ['USDT'], ...(opts.riskThreshold ? { riskThreshold: opts.riskThreshold } : {}), ...(opts.config ? { config: opts.config } : {}) });
  z.otc.dealers.link(dealer.dealerAccountId, paperId);
  const treasury = z.otc.wallets.create(admin, { nickname: 'treasury' }).walletId;
  const traderId = (await z.tradingAccounts.connect(alice, { venue: 'FERMATA', nickname: 'otc', dealerAccountId: dealer.dealerAccountId } as never)).tradingAccountId;
  const traderWallet = z.otc.walletBook.ofAccount(traderId)!.walletId;
  z.otc.wallets.transfer(admin, { sourceWalletId: treasury, destWalletId: traderWallet, asset: 'USDT', amount: '100000' });
  return { t, z, paperId, dealerId: dealer.dealerAccountId, dealerWallet: dealer.walletId, treasury, traderId, traderWallet };
}

const balance = (z: Cadenza, accountId: string, asset: string) => z.portfolios.get(admin, accountId).balances?.find((b) => b.securitySymbol === asset)?.total ?? '0';

describe('dealers', () => {
  test('create provisions a FERMATA account and a DEALER wallet that may go short; pause, resume, list', async () => {
    const { z, dealerId, dealerWallet } = await desk();
    const account = z.accounts.find(dealerId)!;
    assert.equal(account.venue, 'FERMATA');
    assert.equal(account.userId, admin.userId);
    const wallet = z.otc.wallets.get(admin, dealerWallet);
    assert.deepEqual([wallet.walletType, wallet.allowNegative, wallet.metadata.tradingAccountId], ['DEALER', true, dealerId]);
    assert.equal(z.otc.dealers.pause(dealerId).status, 'PAUSED');
    assert.equal(z.otc.dealers.list({ status: 'PAUSED' }, { offset: 0, limit: 10 }).total, 1);
    assert.equal(z.otc.dealers.resume(dealerId).status, 'ACTIVE');
    assert.equal(z.otc.dealers.list({ status: 'PAUSED' }, { offset: 0, limit: 10 }).total, 0);
    assert.equal(z.otc.dealers.resume(dealerId).status, 'ACTIVE', 'resuming an active dealer changes nothing');
    assert.equal(await refusal(() => z.otc.dealers.get('00000000-0000-4000-8000-000000000000')), 'DEALER_NOT_FOUND');
    assert.equal(z.otc.dealers.archive(dealerId).status, 'ARCHIVED');
    assert.equal(await refusal(() => z.otc.dealers.pause(dealerId)), 'INVALID_DEALER_TRANSITION');
    assert.equal(await refusal(() => z.otc.dealers.resume(dealerId)), 'INVALID_DEALER_TRANSITION');
  });

  test('bad parameters are refused naming the field', async () => {
    const { z } = await desk();
    assert.equal(await refusal(() => z.otc.dealers.create(admin, { name: '', baseCurrencies: ['USDT'] })), 'INVALID_DEALER_PARAMETERS');
    assert.equal(await refusal(() => z.otc.dealers.create(admin, { name: 'x', baseCurrencies: [] })), 'INVALID_DEALER_PARAMETERS');
    assert.equal(await refusal(() => z.otc.dealers.create(admin, { name: 'x', baseCurrencies: ['usdt'] })), 'INVALID_DEALER_PARAMETERS');
    assert.equal(await refusal(() => z.otc.dealers.create(admin, { name: 'x', baseCurrencies: ['USDT'], riskThreshold: '-1' })), 'INVALID_DEALER_PARAMETERS');
    assert.equal(await refusal(() => z.otc.dealers.create(admin, { name: 'x', baseCurrencies: ['USDT'], config: { pricingProfileId: '11111111-1111-4111-8111-111111111111' } })), 'INVALID_DEALER_PARAMETERS');
  });

  test("links only exchange accounts of the dealer's owner", async () => {
    const { z, dealerId, traderId } = await desk();
    const alicePaper = z.tradingAccounts.create(alice, { venue: 'PAPER' }).tradingAccountId;
    assert.equal(await refusal(() => z.otc.dealers.link(dealerId, alicePaper)), 'DEALER_LINK_INVALID');
    assert.equal(await refusal(() => z.otc.dealers.link(dealerId, traderId)), 'DEALER_LINK_INVALID');
    const second = z.tradingAccounts.create(admin, { venue: 'PAPER' }).tradingAccountId;
    assert.equal(z.otc.dealers.link(dealerId, second), second);
    assert.equal(z.otc.dealers.link(dealerId, second), second, 'linking again changes nothing');
    assert.equal(z.otc.dealers.get(dealerId).linkedAccountIds.length, 2);
    z.otc.dealers.unlink(dealerId, second);
    assert.equal(await refusal(() => z.otc.dealers.unlink(dealerId, second)), 'DEALER_LINK_INVALID');
  });
});

describe('RFQ pricing', () => {
  test('walks the book for the size and adds the spread: bigger clips get worse prices, rounded in the dealer’s favour', async () => {
    const { z, dealerId, traderId } = await desk();
    // Asks 50001, 50002, … one BTC each; the default profile is 10 bps.
    const small = await z.otc.quotes.rfq(alice, { dealerAccountId: dealerId, traderAccountId: traderId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '0.5' });
    assert.equal(small.status, 'CREATED');
    assert.equal(small.price, str(dec('50001').mul('1.001').div('0.01').ceil().mul('0.01')));
    assert.equal(small.quoteQuantity, str(dec(small.price).mul('0.5')));
    const big = await z.otc.quotes.rfq(alice, { dealerAccountId: dealerId, instrumentId: 'FERMATA:BTC/USDT', orderSide: 'BUY', quantity: '2.5' });
    const vwap = dec('50001').add('50002').add(dec('50003').mul('0.5')).div('2.5');
    assert.equal(big.price, str(vwap.mul('1.001').div('0.01').ceil().mul('0.01')));
    assert.ok(dec(big.price).gt(small.price));
    const sell = await z.otc.quotes.rfq(alice, { dealerAccountId: dealerId, baseAsset: 'BTC', quoteAsset: 'USDT', orderSide: 'SELL', quantity: '0.5' });
    assert.equal(sell.price, str(dec('49999').mul('0.999').div('0.01').floor().mul('0.01')));
    assert.equal(sell.expireAt - sell.createdAt, 10_000, 'ttl defaults to 10 s');
  });

  test('by quoteQuantity: whole lots at or below the amount, settled at price × quantity', async () => {
    const { z, dealerId } = await desk();
    const q = await z.otc.quotes.rfq(alice, { dealerAccountId: dealerId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quoteQuantity: '10000', ttl: 30 });
    assert.equal(q.status, 'CREATED');
    assert.equal(q.quantityType, 'QUOTE');
    assert.ok(dec(q.quoteQuantity).lte('10000'));
    assert.ok(dec(q.quoteQuantity).gt(dec('10000').sub(q.price).mul('0.0001').sub(10)), 'within one lot of the amount');
    assert.equal(q.quoteQuantity, str(dec(q.price).mul(q.quantity)));
    assert.ok(dec(q.quantity).mod('0.0001').isZero());
    assert.equal(q.expireAt - q.createdAt, 30_000);
  });

  test('a named pricing profile sets the spread; an unknown one is refused', async () => {
    const tier = '22222222-2222-4222-8222-222222222222';
    const { z, dealerId } = await desk({ config: { pricingProfileId: tier, pricingProfiles: { [tier]: { spreadBps: 50 } } } });
    const q = await z.otc.quotes.rfq(alice, { dealerAccountId: dealerId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '0.1' });
    assert.equal(q.pricingProfileId, tier);
    assert.equal(q.price, str(dec('50001').mul('1.005').div('0.01').ceil().mul('0.01')));
    assert.equal(await refusal(z.otc.quotes.rfq(alice, { dealerAccountId: dealerId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '0.1', pricingProfileId: '33333333-3333-4333-8333-333333333333' })), 'INVALID_QUOTE_REQUEST');
  });

  test('REJECTED with the reason: paused, unsupported currency, no venue for the pair, not enough depth, over the risk threshold', async () => {
    const { z, dealerId } = await desk({ riskThreshold: '100000' });
    const ask = (over: Record<string, unknown>) => z.otc.quotes.rfq(alice, { dealerAccountId: dealerId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '0.1', ...over });
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ instrumentId: 'BTC/EUR' }, /unsupported currency EUR/],
      [{ instrumentId: 'DOGE/USDT' }, /unsupported pair DOGE\/USDT/],
      [{ quantity: '25' }, /not enough depth/],
      [{ quantity: '2.5' }, /risk threshold/],
    ];
    for (const [over, reason] of cases) {
      const q = await ask(over);
      assert.equal(q.status, 'REJECTED', JSON.stringify(over));
      assert.match(q.rejectReason ?? '', reason);
      assert.equal(q.price, '0');
    }
    z.otc.dealers.pause(dealerId);
    const paused = await ask({});
    assert.equal(paused.status, 'REJECTED');
    assert.match(paused.rejectReason ?? '', /paused/);
  });

  test('bad requests are refused: no size, both sizes, ttl with expireAt, expireAt too far, unknown dealer', async () => {
    const { z, dealerId, t } = await desk();
    const base = { dealerAccountId: dealerId, instrumentId: 'BTC/USDT', orderSide: 'BUY' as const };
    assert.equal(await refusal(z.otc.quotes.rfq(alice, base)), 'INVALID_QUOTE_REQUEST');
    assert.equal(await refusal(z.otc.quotes.rfq(alice, { ...base, quantity: '1', quoteQuantity: '1' })), 'INVALID_QUOTE_REQUEST');
    assert.equal(await refusal(z.otc.quotes.rfq(alice, { ...base, quantity: '0' })), 'INVALID_QUOTE_REQUEST');
    const soon = new Date(t.clock.now() + 5_000).toISOString();
    assert.equal(await refusal(z.otc.quotes.rfq(alice, { ...base, quantity: '1', ttl: 5, expireAt: soon })), 'INVALID_QUOTE_REQUEST');
    assert.equal(await refusal(z.otc.quotes.rfq(alice, { ...base, quantity: '1', expireAt: new Date(t.clock.now() + 301_000).toISOString() })), 'INVALID_QUOTE_REQUEST');
    assert.equal((await z.otc.quotes.rfq(alice, { ...base, quantity: '1', expireAt: soon })).expireAt, t.clock.now() + 5_000);
    assert.equal(await refusal(z.otc.quotes.rfq(alice, { ...base, quantity: '1', instrumentId: 'PAPER:BTC/USDT' })), 'INVALID_QUOTE_REQUEST');
    assert.equal(await refusal(z.otc.quotes.rfq(alice, { ...base, quantity: '1', dealerAccountId: '00000000-0000-4000-8000-000000000000' })), 'DEALER_NOT_FOUND');
  });

  test('quoteRequestId answers the same quote; a new quote replaces the open one for the same dealer, pair and side', async () => {
    const { z, dealerId, traderId, t } = await desk();
    const base = { dealerAccountId: dealerId, traderAccountId: traderId, instrumentId: 'BTC/USDT', orderSide: 'BUY' as const };
    const first = await z.otc.quotes.rfq(alice, { ...base, quantity: '0.1', quoteRequestId: 'r-1' });
    const again = await z.otc.quotes.rfq(alice, { ...base, quantity: '0.9', quoteRequestId: 'r-1' });
    assert.equal(again.quoteId, first.quoteId);
    assert.equal(again.quantity, '0.1');
    const second = await z.otc.quotes.rfq(alice, { ...base, quantity: '0.2' });
    assert.equal((await z.otc.quotes.get(alice, first.quoteId)).status, 'REPLACED');
    assert.equal(second.status, 'CREATED');
    const events = t.events.on(`tradingAccount:${traderId}`, 'event.quote.updated').map((e) => (e.data as { status: string }).status);
    assert.deepEqual(events, ['CREATED', 'REPLACED', 'CREATED']);
    // Another user's request id is theirs alone; their quote is not found for alice.
    const bobs = await z.otc.quotes.rfq(bob, { dealerAccountId: dealerId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '0.1', quoteRequestId: 'r-1' });
    assert.notEqual(bobs.quoteId, first.quoteId);
    assert.equal(await refusal(z.otc.quotes.get(alice, bobs.quoteId)), 'QUOTE_NOT_FOUND');
  });

  test("rfqQuote answers the Quote its event pushed; a repeated quoteRequestId answers the quote's current state", async () => {
    const { z, dealerId, traderId, t } = await desk();
    const base = { dealerAccountId: dealerId, traderAccountId: traderId, instrumentId: 'BTC/USDT', orderSide: 'SELL' as const, quantity: '0.3' };
    const answer = await z.otc.quotes.rfqQuote(alice, { ...base, quoteRequestId: 'r-7' });
    const pushed = t.events.on(`tradingAccount:${traderId}`, 'event.quote.updated').at(-1)!.data;
    assert.deepEqual(answer, pushed);
    assert.deepEqual(answer, toQuote(await z.otc.quotes.get(alice, answer.quoteId)));
    await z.otc.quotes.rfq(alice, { ...base, quantity: '0.4' });
    const again = await z.otc.quotes.rfqQuote(alice, { ...base, quoteRequestId: 'r-7' });
    assert.deepEqual([again.quoteId, again.status], [answer.quoteId, 'REPLACED']);
  });
});

describe('accepting a quote', () => {
  test('fills at exactly the quoted price, once; moves both wallets in one change; the dealer hedges on its PAPER account', async () => {
    const { z, t, dealerId, traderId, paperId, traderWallet, dealerWallet } = await desk();
    const q = await z.otc.quotes.rfq(alice, { dealerAccountId: dealerId, traderAccountId: traderId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '0.5' });
    const order = await z.orders.submit(alice, { tradingAccountId: traderId, tradeOrder: { orderType: 'QUOTED', quoteId: q.quoteId, orderSide: 'BUY', quantity: '00.50' } as never });
    assert.deepEqual([order.status, order.orderType, order.executedQuantity, order.executedCost, order.externalOrderId], ['FILLED', 'QUOTED', '0.5', q.quoteQuantity, q.quoteId]);
    assert.equal(str(dec(order.executedCost).div(order.executedQuantity)), q.price);
    assert.equal(balance(z, traderId, 'BTC'), '0.5');
    assert.equal(balance(z, traderId, 'USDT'), str(dec('100000').sub(q.quoteQuantity)));
    assert.equal(balance(z, dealerId, 'BTC'), '-0.5', 'a dealer wallet may go short');
    assert.equal(balance(z, dealerId, 'USDT'), q.quoteQuantity);
    assert.equal((await z.otc.quotes.get(alice, q.quoteId)).status, 'ACCEPTED');
    // The entries: two per asset, each wallet's balance the sum of its entries.
    for (const w of [traderWallet, dealerWallet]) {
      for (const asset of ['BTC', 'USDT']) {
        const entries = await t.store.otc.listLedgerEntries(w, asset);
        const sum = entries.reduce((s, e) => s.add(e.amount), dec(0));
        assert.equal(str(sum), str(z.otc.walletBook.balance(w, asset)));
        assert.equal(entries.at(-1)?.balanceAfter, str(sum));
      }
    }
    // Pushed on the trader's channel: the order, the portfolio delta (with the position), the quote.
    const types = t.events.on(`tradingAccount:${traderId}`).map((e) => e.type);
    assert.deepEqual(types.slice(-3), ['event.trade_order.updated', 'event.portfolio.updated', 'event.quote.updated']);
    // Used once.
    assert.equal(await refusal(z.orders.submit(alice, { tradingAccountId: traderId, tradeOrder: { orderType: 'QUOTED', quoteId: q.quoteId } as never })), 'QUOTE_ALREADY_USED');
    // The hedge: a normal MARKET BUY of 0.5 BTC on the linked PAPER account; the dealer is flat again.
    await z.otc.hedger.idle();
    const hedges = await z.orders.list(admin, { tradingAccountId: paperId }, { offset: 0, limit: 10 });
    assert.equal(hedges.total, 1);
    const hedge = hedges.items[0]!;
    assert.deepEqual([hedge.orderType, hedge.side, hedge.quantity, hedge.status], ['MARKET', 'BUY', '0.5', 'FILLED']);
    assert.equal(str(z.otc.hedger.exposureOf(dealerId).get('BTC/USDT')!.value), '0');
    assert.equal(z.otc.hedger.isFlat(z.otc.dealers.get(dealerId)), true);
  });

  test('an accepted quote and its order, which memory lets go of, are answered from their rows: a second accept in the same turn, the quote, its quoteRequestId, the order by each id', async () => {
    const { z, dealerId, traderId } = await desk();
    const ask = { dealerAccountId: dealerId, traderAccountId: traderId, instrumentId: 'BTC/USDT', orderSide: 'BUY' as const, quantity: '0.1', quoteRequestId: 'r-9' };
    const q = await z.otc.quotes.rfq(alice, ask);
    const submit = () => z.orders.submit(alice, { tradingAccountId: traderId, tradeOrder: { orderType: 'QUOTED', quoteId: q.quoteId } as never });
    const first = submit();
    const second = refusal(submit());
    const order = await first;
    assert.equal(order.status, 'FILLED');
    assert.equal(await second, 'QUOTE_ALREADY_USED');
    assert.equal((await z.otc.quotes.get(alice, q.quoteId)).status, 'ACCEPTED');
    const again = await z.otc.quotes.rfq(alice, ask);
    assert.deepEqual([again.quoteId, again.status, again.tradeOrderId], [q.quoteId, 'ACCEPTED', order.tradeOrderId]);
    for (const by of [{ tradeOrderId: order.tradeOrderId }, { tradingAccountId: traderId, clientOrderId: order.clientOrderId }, { tradingAccountId: traderId, externalOrderId: q.quoteId }]) {
      const found = await z.orders.get(alice, by);
      assert.deepEqual([found.tradeOrderId, found.status, found.executedQuantity], [order.tradeOrderId, 'FILLED', '0.1'], JSON.stringify(by));
    }
    assert.equal(balance(z, traderId, 'BTC'), '0.1', 'filled once');
  });

  test('hedging passes are at least hedgeIntervalMs apart: the trades in between wait, and net into the next pass', async () => {
    // An interval no test outlasts: the pass after the first stays pending, whatever the machine's speed.
    const { z, dealerId, traderId, paperId } = await desk({ settings: { hedgeIntervalMs: 3_600_000 } });
    const trade = async (orderSide: 'BUY' | 'SELL', quantity: string) => {
      const q = await z.otc.quotes.rfq(alice, { dealerAccountId: dealerId, instrumentId: 'BTC/USDT', orderSide, quantity });
      await z.orders.submit(alice, { tradingAccountId: traderId, tradeOrder: { orderType: 'QUOTED', quoteId: q.quoteId } as never });
      // Turns of the event loop: enough for a pass that was free to run (it needs two).
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    };
    const hedgeOrders = async () => (await z.orders.list(admin, { tradingAccountId: paperId }, { offset: 0, limit: 10 })).items.map((o) => `${o.side} ${o.quantity}`);
    // After a quiet spell: hedged at once.
    await trade('BUY', '0.5');
    await z.otc.hedger.idle();
    assert.deepEqual(await hedgeOrders(), ['BUY 0.5']);
    assert.equal(str(z.otc.hedger.exposureOf(dealerId).get('BTC/USDT')!.value), '0');
    // Within the interval: no order, the dealer's position accumulates (net of the three: short 0.2).
    await trade('BUY', '0.3');
    await trade('SELL', '0.4');
    await trade('BUY', '0.3');
    assert.deepEqual(await hedgeOrders(), ['BUY 0.5']);
    assert.equal(str(z.otc.hedger.exposureOf(dealerId).get('BTC/USDT')!.value), '-0.2');
    z.otc.hedger.stop();
  });

  test('the same idempotencyKey answers the same order instead of a second fill', async () => {
    const { z, dealerId, traderId } = await desk();
    const q = await z.otc.quotes.rfq(alice, { dealerAccountId: dealerId, instrumentId: 'BTC/USDT', orderSide: 'SELL', quantity: '0.001' });
    z.otc.wallets.transfer(admin, { sourceWalletId: z.otc.wallets.list(admin, { walletType: 'ACCOUNTING' }, { offset: 0, limit: 1 }).items[0]!.walletId, destWalletId: z.otc.walletBook.ofAccount(traderId)!.walletId, asset: 'BTC', amount: '1' });
    const a = await z.orders.submit(alice, { tradingAccountId: traderId, idempotencyKey: 'k-1', tradeOrder: { orderType: 'QUOTED', quoteId: q.quoteId } as never });
    const b = await z.orders.submit(alice, { tradingAccountId: traderId, idempotencyKey: 'k-1', tradeOrder: { orderType: 'QUOTED', quoteId: q.quoteId } as never });
    assert.equal(a.tradeOrderId, b.tradeOrderId);
    assert.equal(balance(z, traderId, 'BTC'), '0.999');
  });

  test('refused with clear codes: expired, foreign, mismatched, on another account, without funds; nothing moves', async () => {
    const { z, t, dealerId, traderId } = await desk();
    const submit = (quoteId: string, over: Record<string, unknown> = {}, accountId = traderId, who = alice) =>
      z.orders.submit(who, { tradingAccountId: accountId, tradeOrder: { orderType: 'QUOTED', quoteId, ...over } as never });
    const q = await z.otc.quotes.rfq(alice, { dealerAccountId: dealerId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '0.5', ttl: 5 });
    assert.equal(await refusal(submit(q.quoteId, { orderSide: 'SELL' })), 'QUOTE_MISMATCH');
    assert.equal(await refusal(submit(q.quoteId, { quantity: '0.4' })), 'QUOTE_MISMATCH');
    assert.equal(await refusal(submit(q.quoteId, { limitPrice: '1' })), 'QUOTE_MISMATCH');
    // Restated as the same amount written another way, it still must be the quote's; not a number, nor off the grid.
    assert.equal(await refusal(submit(q.quoteId, { quantity: 0.5 })), 'QUOTE_MISMATCH');
    assert.equal(await refusal(submit(q.quoteId, { quantity: '0.500000000000000000000000001' })), 'QUOTE_MISMATCH');
    assert.equal(await refusal(submit(q.quoteId, { quantity: '0.5', limitPrice: '1e3' })), 'QUOTE_MISMATCH');
    // Bob's FERMATA account cannot take alice's quote: it is not found for him.
    const bobs = z.otc.fermataAccounts.connect(bob, { dealerAccountId: dealerId }).tradingAccountId;
    assert.equal(await refusal(submit(q.quoteId, {}, bobs, bob)), 'QUOTE_NOT_FOUND');
    // A quote given to one account is not accepted on another of the same user.
    const other = z.otc.fermataAccounts.connect(alice, {}).tradingAccountId;
    const pinned = await z.otc.quotes.rfq(alice, { dealerAccountId: dealerId, traderAccountId: traderId, instrumentId: 'ETH/USDT', orderSide: 'BUY', quantity: '1' });
    assert.equal(await refusal(submit(pinned.quoteId, {}, other)), 'QUOTE_MISMATCH');
    // Without funds: the unfunded account cannot pay.
    assert.equal(await refusal(submit(q.quoteId, {}, other)), 'INSUFFICIENT_BALANCE');
    assert.equal((await z.otc.quotes.get(alice, q.quoteId)).status, 'CREATED', 'a refused accept leaves the quote open');
    t.clock.advance(5_000);
    assert.equal(await refusal(submit(q.quoteId)), 'QUOTE_EXPIRED');
    assert.equal((await z.otc.quotes.get(alice, q.quoteId)).status, 'EXPIRED');
    assert.equal(await refusal(submit('00000000-0000-4000-8000-000000000000')), 'QUOTE_NOT_FOUND');
    assert.equal(await refusal(z.orders.submit(alice, { tradingAccountId: traderId, tradeOrder: { orderType: 'MARKET', instrumentId: 'FERMATA:BTC/USDT', orderSide: 'BUY', quantity: '1' } })), 'ORDER_TYPE_NOT_ALLOWED');
    const alicePaper = z.tradingAccounts.create(alice, { venue: 'PAPER' }).tradingAccountId;
    assert.equal(await refusal(submit(pinned.quoteId, {}, alicePaper)), 'ACCOUNT_VENUE_MISMATCH');
    assert.equal(balance(z, traderId, 'USDT'), '100000', 'nothing moved');
    assert.equal(balance(z, other, 'USDT'), '0');
  });

  test('expiry: open quotes are marked EXPIRED when their time passes, and pushed', async () => {
    const { z, t, dealerId, traderId } = await desk();
    const q = await z.otc.quotes.rfq(alice, { dealerAccountId: dealerId, traderAccountId: traderId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '0.5', ttl: 2 });
    assert.equal(z.otc.quotes.expireDue(), 0);
    t.clock.advance(2_000);
    assert.equal(z.otc.quotes.expireDue(), 1);
    assert.equal((await z.otc.quotes.get(alice, q.quoteId)).status, 'EXPIRED');
    const last = t.events.on(`tradingAccount:${dealerId}`, 'event.quote.updated').at(-1);
    assert.equal((last?.data as { status: string; quoteId: string }).status, 'EXPIRED');
  });

  test('a closed quote that never traded is let go of after closedOrderMemoryMs, and its quoteRequestId with it', async () => {
    const { z, t, dealerId } = await desk();
    const ask = (quoteRequestId: string) => z.otc.quotes.rfq(alice, { dealerAccountId: dealerId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '0.1', quoteRequestId });
    const first = await ask('again');
    await ask('next'); // replaces the first: REPLACED, never stored
    assert.equal((await ask('again')).quoteId, first.quoteId, 'held: the same id answers the same quote');
    t.clock.advance(t.cadenza.config.closedOrderMemoryMs);
    await ask('later'); // closes 'next' and lets 'again' go
    assert.equal(await refusal(z.otc.quotes.get(alice, first.quoteId)), 'QUOTE_NOT_FOUND');
    const reused = await ask('again');
    assert.notEqual(reused.quoteId, first.quoteId);
    assert.equal(reused.status, 'CREATED');
  });

  test('beyond closedQuoteLimit the oldest closed quotes are let go of first, whatever their age', async () => {
    const { z, dealerId } = await desk({ settings: { closedQuoteLimit: 2 } });
    const ask = (quoteRequestId: string) => z.otc.quotes.rfq(alice, { dealerAccountId: dealerId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '0.1', quoteRequestId });
    const quotes = [];
    for (const id of ['r1', 'r2', 'r3', 'r4']) quotes.push(await ask(id)); // each replaces the one before: r1–r3 closed
    assert.equal(await refusal(z.otc.quotes.get(alice, quotes[0]!.quoteId)), 'QUOTE_NOT_FOUND');
    assert.deepEqual([(await z.otc.quotes.get(alice, quotes[1]!.quoteId)).status, (await z.otc.quotes.get(alice, quotes[2]!.quoteId)).status], ['REPLACED', 'REPLACED']);
    assert.equal((await ask('r2')).quoteId, quotes[1]!.quoteId, 'still held: the same id answers the same quote');
    assert.notEqual((await ask('r1')).quoteId, quotes[0]!.quoteId, 'let go of: its quoteRequestId asks anew');
  });

  test('pausing rejects the open quotes; archive needs the dealer flat', async () => {
    const { z, dealerId, traderId, paperId } = await desk();
    const q = await z.otc.quotes.rfq(alice, { dealerAccountId: dealerId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '0.5' });
    z.otc.dealers.pause(dealerId);
    assert.equal((await z.otc.quotes.get(alice, q.quoteId)).status, 'REJECTED');
    assert.equal(await refusal(z.orders.submit(alice, { tradingAccountId: traderId, tradeOrder: { orderType: 'QUOTED', quoteId: q.quoteId } as never })), 'QUOTE_NOT_ACCEPTABLE');
    z.otc.dealers.resume(dealerId);
    // Unlinked, the dealer cannot hedge: its exposure stays open and archive is refused.
    const q2 = await z.otc.quotes.rfq(alice, { dealerAccountId: dealerId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '0.5' });
    z.otc.dealers.unlink(dealerId, paperId);
    await z.orders.submit(alice, { tradingAccountId: traderId, tradeOrder: { orderType: 'QUOTED', quoteId: q2.quoteId } as never });
    await z.otc.hedger.idle();
    assert.equal(await refusal(() => z.otc.dealers.archive(dealerId)), 'DEALER_NOT_FLAT');
    z.otc.dealers.link(dealerId, paperId);
    await z.otc.hedger.idle();
    assert.equal(z.otc.dealers.archive(dealerId).status, 'ARCHIVED');
    assert.equal(await refusal(z.otc.quotes.rfq(alice, { dealerAccountId: dealerId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '0.5' })), 'DEALER_NOT_ACTIVE');
  });
});

describe('FERMATA accounts', () => {
  test('connect with a dealer makes the account and its CLIENT wallet once; create and wallet create make more; balances only move through wallets', async () => {
    const { z, dealerId, traderId, traderWallet } = await desk();
    const account = z.accounts.find(traderId)!;
    assert.deepEqual([account.venue, account.status, account.externalAccountId, account.nickname], ['FERMATA', 'ACTIVE', dealerId, 'otc']);
    assert.equal((await z.tradingAccounts.connect(alice, { venue: 'FERMATA', dealerAccountId: dealerId } as never)).tradingAccountId, traderId);
    const wallet = z.otc.wallets.get(alice, traderWallet);
    assert.deepEqual([wallet.walletType, wallet.allowNegative, wallet.metadata.tradingAccountId], ['CLIENT', false, traderId]);
    const free = z.tradingAccounts.create(alice, { venue: 'FERMATA', nickname: 'any dealer' });
    assert.equal(free.externalAccountId, undefined);
    assert.equal(z.otc.walletBook.ofAccount(free.tradingAccountId)?.walletType, 'CLIENT');
    assert.equal(z.portfolios.get(alice, free.tradingAccountId).balances?.length, 0, 'a new account holds nothing: money comes by transfer');
    assert.equal(await refusal(() => z.portfolios.save(admin, { tradingAccountId: traderId, balances: [{ securitySymbol: 'USDT', free: '1' }] })), 'VENUE_CAPABILITY_MISSING');
    assert.equal(await refusal(z.tradingAccounts.connect(alice, { venue: 'FERMATA', dealerAccountId: '00000000-0000-4000-8000-000000000000' } as never)), 'DEALER_NOT_FOUND');
    // Disconnected, it is reconnected by id; a connect by dealer then makes a new account.
    z.tradingAccounts.disconnect(alice, traderId);
    assert.notEqual((await z.tradingAccounts.connect(alice, { venue: 'FERMATA', dealerAccountId: dealerId } as never)).tradingAccountId, traderId);
    assert.equal((await z.tradingAccounts.connect(alice, { tradingAccountId: traderId })).status, 'ACTIVE');
  });
});

describe('wallets', () => {
  test('a movement whose unit fails is undone: the wallets, their portfolios and a first-seen asset as before', async () => {
    const { z, treasury, traderWallet, traderId, dealerWallet, dealerId } = await desk();
    // The unit the desk's writes run in (the accept's, a transfer's), reached as its services reach it.
    const { unit } = (z.otc.walletBook as unknown as { ctx: DomainContext }).ctx;
    const book = z.otc.walletBook;
    const before = () => [book.balance(traderWallet, 'USDT'), book.balance(traderWallet, 'BTC'), book.balance(dealerWallet, 'USDT'), book.balance(dealerWallet, 'BTC')].map(str);
    const shown = () => [balance(z, traderId, 'USDT'), balance(z, traderId, 'BTC'), balance(z, dealerId, 'USDT'), balance(z, dealerId, 'BTC'), z.portfolios.get(admin, traderId).balances?.length];
    const [held, seen] = [before(), shown()];
    assert.throws(() =>
      unit.run(() => {
        // The same wallet twice in one movement, an asset new to the trader, then a second movement: all undone.
        book.move([
          { from: traderWallet, to: dealerWallet, asset: 'USDT', amount: dec('30000.5') },
          { from: dealerWallet, to: traderWallet, asset: 'BTC', amount: dec('0.5') },
          { from: traderWallet, to: dealerWallet, asset: 'USDT', amount: dec('0.25') },
        ], 'TRADE', 'ref-1');
        book.move([{ from: treasury, to: traderWallet, asset: 'USDT', amount: dec('1') }], 'TRANSFER', 'ref-2');
        assert.deepEqual(before(), ['70000.25', '0.5', '30000.75', '-0.5']);
        assert.deepEqual(shown(), ['70000.25', '0.5', '30000.75', '-0.5', 2]);
        throw new Error('the unit fails');
      }),
      /the unit fails/,
    );
    assert.deepEqual(before(), held);
    assert.deepEqual(shown(), seen);
    assert.deepEqual(held, ['100000', '0', '0', '0']);
  });

  test('users reach only their own wallets; transfers never overdraw a client wallet', async () => {
    const { z, traderWallet, treasury } = await desk();
    const mine = z.otc.wallets.create(alice, { nickname: 'savings' });
    assert.deepEqual([mine.walletType, mine.allowNegative, mine.metadata.name], ['CLIENT', false, 'savings']);
    assert.equal(await refusal(() => z.otc.wallets.get(bob, mine.walletId)), 'WALLET_NOT_FOUND');
    assert.equal(await refusal(() => z.otc.wallets.transfer(bob, { sourceWalletId: traderWallet, destWalletId: mine.walletId, asset: 'USDT', amount: '1' })), 'WALLET_NOT_FOUND');
    assert.equal(await refusal(() => z.otc.wallets.transfer(alice, { sourceWalletId: traderWallet, destWalletId: treasury, asset: 'USDT', amount: '1' })), 'WALLET_NOT_FOUND', 'a client reaches only its own wallets');
    assert.equal(await refusal(() => z.otc.wallets.transfer(alice, { sourceWalletId: traderWallet, destWalletId: mine.walletId, asset: 'USDT', amount: '100000.01' })), 'INSUFFICIENT_BALANCE');
    assert.equal(await refusal(() => z.otc.wallets.transfer(alice, { sourceWalletId: traderWallet, destWalletId: traderWallet, asset: 'USDT', amount: '1' })), 'INVALID_TRANSFER');
    assert.equal(await refusal(() => z.otc.wallets.transfer(alice, { sourceWalletId: traderWallet, destWalletId: mine.walletId, asset: 'usdt', amount: '1' })), 'INVALID_TRANSFER');
    const id = z.otc.wallets.transfer(alice, { sourceWalletId: traderWallet, destWalletId: mine.walletId, asset: 'USDT', amount: '250.5' });
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.equal(balance(z, mine.metadata.tradingAccountId!, 'USDT'), '250.5');
    assert.deepEqual(z.otc.wallets.list(alice, {}, { offset: 0, limit: 10 }).items.map((w) => w.walletId).sort(), [mine.walletId, traderWallet].sort());
    assert.equal(z.otc.wallets.list(bob, {}, { offset: 0, limit: 10 }).total, 0);
    assert.equal(z.otc.wallets.list(admin, { walletType: 'ACCOUNTING' }, { offset: 0, limit: 10 }).total, 1);
  });

  test('a frozen wallet refuses transfers and trades; a closed one takes nothing and pays only a final withdrawal', async () => {
    const { z, dealerId, traderId, traderWallet, treasury } = await desk();
    z.otc.wallets.freeze(admin, traderWallet);
    assert.equal(await refusal(() => z.otc.wallets.transfer(admin, { sourceWalletId: treasury, destWalletId: traderWallet, asset: 'USDT', amount: '1' })), 'WALLET_FROZEN');
    const q = await z.otc.quotes.rfq(alice, { dealerAccountId: dealerId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '0.1' });
    assert.equal(await refusal(z.orders.submit(alice, { tradingAccountId: traderId, tradeOrder: { orderType: 'QUOTED', quoteId: q.quoteId } as never })), 'WALLET_FROZEN');
    assert.equal(await refusal(() => z.otc.wallets.close(alice, traderWallet)), 'INVALID_WALLET_TRANSITION');
    z.otc.wallets.unfreeze(admin, traderWallet);
    assert.equal(z.otc.wallets.close(alice, traderWallet).status, 'CLOSED');
    assert.equal(await refusal(() => z.otc.wallets.transfer(admin, { sourceWalletId: treasury, destWalletId: traderWallet, asset: 'USDT', amount: '1' })), 'WALLET_CLOSED');
    assert.equal(await refusal(() => z.otc.wallets.transfer(admin, { sourceWalletId: traderWallet, destWalletId: treasury, asset: 'USDT', amount: '1' })), 'WALLET_CLOSED', 'only all of it');
    z.otc.wallets.transfer(admin, { sourceWalletId: traderWallet, destWalletId: treasury, asset: 'USDT', amount: '100000' });
    assert.equal(balance(z, traderId, 'USDT'), '0');
    assert.equal(await refusal(() => z.otc.wallets.unfreeze(admin, traderWallet)), 'INVALID_WALLET_TRANSITION');
    assert.equal(await refusal(() => z.otc.wallets.freeze(admin, traderWallet)), 'INVALID_WALLET_TRANSITION');
    assert.equal(z.otc.wallets.close(alice, traderWallet).status, 'CLOSED', 'closing again: still closed');
    assert.equal(await refusal(() => z.otc.wallets.close(admin, z.otc.dealers.get(dealerId).walletId)), 'INVALID_WALLET_TRANSITION');
  });
});

/** A database file in a directory of its own, removed after the test. */
async function dbPath(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const fs = await import('node:fs/promises');
  const dir = await fs.mkdtemp(`${process.env.TMPDIR ?? '/tmp'}/otc-`);
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return `${dir}/cadenza.db`;
}

describe('restart', () => {
  test('dealers, wallets, balances, quotes and exposures come back; a hedge left pending is sent again with its key, once', async (t) => {
    const path = await dbPath(t);
    const one = await desk({ store: new SqliteStore({ path }) });
    const open = await one.z.otc.quotes.rfq(alice, { dealerAccountId: one.dealerId, instrumentId: 'ETH/USDT', orderSide: 'BUY', quantity: '1', ttl: 300, quoteRequestId: 'keep' });
    const q = await one.z.otc.quotes.rfq(alice, { dealerAccountId: one.dealerId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '0.5' });
    // The hedge order is recorded but never reaches the venue; the process then stops with the hedge PENDING.
    one.t.venue.dropNextSubmit();
    await one.z.orders.submit(alice, { tradingAccountId: one.traderId, tradeOrder: { orderType: 'QUOTED', quoteId: q.quoteId } as never });
    await one.z.otc.hedger.idle();
    const stuck = await one.z.orders.list(admin, { tradingAccountId: one.paperId }, { offset: 0, limit: 10 });
    assert.deepEqual(stuck.items.map((o) => o.status), ['SUBMITTED']);
    await one.z.stop();
    await one.t.store.close();

    const two = await testCadenza({ store: new SqliteStore({ path }) });
    const z = two.cadenza;
    assert.equal(z.otc.dealers.get(one.dealerId).linkedAccountIds[0], one.paperId);
    assert.equal(balance(z, one.traderId, 'BTC'), '0.5');
    assert.equal(str(z.otc.walletBook.balance(one.traderWallet, 'BTC')), '0.5');
    assert.equal((await z.otc.quotes.get(alice, open.quoteId)).status, 'CREATED');
    assert.equal((await z.otc.quotes.rfq(alice, { dealerAccountId: one.dealerId, instrumentId: 'ETH/USDT', orderSide: 'BUY', quantity: '2', quoteRequestId: 'keep' })).quoteId, open.quoteId);
    assert.equal((await z.otc.quotes.get(alice, q.quoteId)).status, 'ACCEPTED');
    await z.otc.hedger.idle();
    // Sent again with the same key, the order desk answered the order that had landed (cancelled by the restart: a
    // MARKET order caught in flight) instead of placing a second one; what it did not fill was hedged anew.
    const after = await z.orders.list(admin, { tradingAccountId: one.paperId }, { offset: 0, limit: 10 });
    assert.deepEqual(after.items.map((o) => `${o.status} ${o.side} ${o.quantity}`).sort(), ['CANCELLED BUY 0.5', 'FILLED BUY 0.5']);
    assert.equal(after.items.find((o) => o.status === 'CANCELLED')!.tradeOrderId, stuck.items[0]!.tradeOrderId);
    assert.equal(str(z.otc.hedger.exposureOf(one.dealerId).get('BTC/USDT')!.value), '0');
    await z.stop();
    await two.store.close();
  });

  test('a clean stop writes every quote memory holds, closed ones included, in units of at most 500', async (t) => {
    const path = await dbPath(t);
    const one = await desk({ store: new SqliteStore({ path }) });
    // Each RFQ replaces the one before it on the same side: 1,201 quotes, one of them open, 1,200 REPLACED in memory.
    const ids: string[] = [];
    for (let i = 0; i <= 1200; i++) {
      ids.push((await one.z.otc.quotes.rfq(alice, { dealerAccountId: one.dealerId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '0.01', ttl: 300, quoteRequestId: `r${i}` })).quoteId);
    }
    const store = one.t.store;
    const transaction = store.transaction.bind(store);
    const insertQuote = store.otc.insertQuote.bind(store.otc);
    let inUnit = 0;
    const units: number[] = [];
    store.transaction = ((fn: () => unknown) => {
      inUnit = 0;
      const out = transaction(fn);
      if (inUnit) units.push(inUnit);
      return out;
    }) as typeof store.transaction;
    store.otc.insertQuote = (q) => {
      inUnit++;
      insertQuote(q);
    };
    await one.z.stop();
    await store.close();
    assert.deepEqual(units, [500, 500, 201]);

    const two = await testCadenza({ store: new SqliteStore({ path }) });
    t.after(async () => {
      await two.cadenza.stop();
      await two.store.close();
    });
    const statuses = await Promise.all(ids.map(async (id) => (await two.cadenza.otc.quotes.get(alice, id)).status));
    assert.deepEqual([statuses.filter((s) => s === 'REPLACED').length, statuses.at(-1)], [1200, 'CREATED']);
  });

  test('without a stop (a crash) open quotes are withdrawn: an RFQ writes nothing; an accepted quote is written with its fill', async (t) => {
    const path = await dbPath(t);
    const one = await desk({ store: new SqliteStore({ path }) });
    const rfq = (quoteRequestId: string, quantity = '0.5') => one.z.otc.quotes.rfq(alice, { dealerAccountId: one.dealerId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity, ttl: 300, quoteRequestId });
    const taken = await rfq('taken');
    await one.z.orders.submit(alice, { tradingAccountId: one.traderId, tradeOrder: { orderType: 'QUOTED', quoteId: taken.quoteId } as never });
    const open = await one.z.otc.quotes.rfq(alice, { dealerAccountId: one.dealerId, instrumentId: 'ETH/USDT', orderSide: 'BUY', quantity: '1', ttl: 300, quoteRequestId: 'open' });
    assert.equal(await one.t.store.otc.getQuote(open.quoteId), undefined, 'a CREATED quote has no row');
    assert.equal((await one.t.store.otc.getQuote(taken.quoteId))?.status, 'ACCEPTED');
    await one.z.otc.hedger.idle();
    // The process dies here: no stop, so nothing of memory is written; the store keeps what was committed.
    await one.t.store.close();

    const two = await testCadenza({ store: new SqliteStore({ path }) });
    const z = two.cadenza;
    assert.equal(await refusal(z.otc.quotes.get(alice, open.quoteId)), 'QUOTE_NOT_FOUND');
    const again = await z.otc.quotes.rfq(alice, { dealerAccountId: one.dealerId, instrumentId: 'ETH/USDT', orderSide: 'BUY', quantity: '1', ttl: 300, quoteRequestId: 'open' });
    assert.notEqual(again.quoteId, open.quoteId, 'a retried quoteRequestId gets a new quote');
    assert.equal(again.status, 'CREATED');
    const replay = await z.otc.quotes.rfq(alice, { dealerAccountId: one.dealerId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '0.5', quoteRequestId: 'taken' });
    assert.deepEqual([replay.quoteId, replay.status], [taken.quoteId, 'ACCEPTED']);
    await z.stop();
    await two.store.close();
  });
});
