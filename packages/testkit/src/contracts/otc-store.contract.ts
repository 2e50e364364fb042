/**
 * @module contracts/otc-store
 * The shared suite of the OTC desk's tables (`Store.otc`, packages/domain/src/ports/otc-store.ts); `storeContract`
 * runs it for every Store implementation.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dealer, Hedge, LedgerEntry, QuoteRecord, Store, Wallet } from '@cadenza/domain';

const dealer = (over: Partial<Dealer> = {}): Dealer => ({
  dealerAccountId: 'd0000000-0000-4000-8000-000000000001', userId: 'admin', name: 'Desk', status: 'ACTIVE', baseCurrencies: ['USDT'],
  linkedAccountIds: [], config: { pricingProfileId: 'x' }, walletId: 'w-dealer', createdAt: 1_000, updatedAt: 1_000, ...over,
});
const wallet = (over: Partial<Wallet> = {}): Wallet => ({
  walletId: 'w-1', walletType: 'CLIENT', status: 'ACTIVE', allowNegative: false, metadata: { name: 'main' }, userId: 'user-a',
  tradingAccountId: 'a-1', createdAt: 1_000, updatedAt: 1_000, ...over,
});
const entry = (over: Partial<LedgerEntry>): LedgerEntry => ({
  entryId: 'e', walletId: 'w-1', asset: 'USDT', amount: '1', balanceAfter: '1', kind: 'TRANSFER', referenceId: 't', counterpartyWalletId: 'w-2', createdAt: 1_000, ...over,
});
const quote = (over: Partial<QuoteRecord> = {}): QuoteRecord => ({
  quoteId: 'q-1', userId: 'user-a', dealerAccountId: 'd0000000-0000-4000-8000-000000000001', instrumentId: 'FERMATA:BTC/USDT', symbol: 'BTC/USDT',
  baseAsset: 'BTC', quoteAsset: 'USDT', side: 'BUY', quantityType: 'BASE', quantity: '0.5', quoteQuantity: '25000.5', price: '50001', status: 'CREATED',
  pricingProfileId: 'p', createdAt: 2_000, updatedAt: 2_000, expireAt: 12_000, ...over,
});
const hedge = (over: Partial<Hedge> = {}): Hedge => ({
  hedgeId: 'h-1', dealerAccountId: 'd0000000-0000-4000-8000-000000000001', tradingAccountId: 'a-paper', instrumentId: 'PAPER:BTC/USDT', symbol: 'BTC/USDT',
  side: 'BUY', quantity: '0.5', status: 'PENDING', createdAt: 3_000, updatedAt: 3_000, ...over,
});

export function otcStoreContract(name: string, open: () => Store | Promise<Store>): void {
  describe(`OtcStore contract: ${name}`, () => {
    test('dealers and wallets round-trip, archived and closed ones included', async () => {
      const s = await open();
      s.transaction(() => {
        s.otc.insertDealer(dealer());
        s.otc.insertDealer(dealer({ dealerAccountId: 'd0000000-0000-4000-8000-000000000002', createdAt: 1_001 }));
        s.otc.insertWallet(wallet());
        s.otc.insertWallet(wallet({ walletId: 'w-2', walletType: 'ACCOUNTING', allowNegative: true, createdAt: 1_001 }));
      });
      s.transaction(() => {
        s.otc.updateDealer(dealer({ status: 'ARCHIVED', linkedAccountIds: ['a-paper'], updatedAt: 5 }));
        s.otc.updateWallet(wallet({ status: 'CLOSED' }));
      });
      const dealers = await s.otc.loadDealers();
      assert.deepEqual(dealers.map((d) => [d.status, d.linkedAccountIds]), [['ARCHIVED', ['a-paper']], ['ACTIVE', []]]);
      assert.deepEqual(dealers[0]?.config, { pricingProfileId: 'x' });
      assert.deepEqual((await s.otc.loadWallets()).map((w) => [w.walletId, w.status, w.allowNegative, w.metadata]), [['w-1', 'CLOSED', false, { name: 'main' }], ['w-2', 'ACTIVE', true, { name: 'main' }]]);
      await s.close();
    });

    test("ledger entries are kept in order; each wallet's balance is its latest entry's running sum", async () => {
      const s = await open();
      s.transaction(() => s.otc.appendLedgerEntries([
        entry({ entryId: 'e1', walletId: 'w-2', amount: '-100.5', balanceAfter: '-100.5', counterpartyWalletId: 'w-1' }),
        entry({ entryId: 'e2', walletId: 'w-1', amount: '100.5', balanceAfter: '100.5', counterpartyWalletId: 'w-2' }),
      ]));
      s.transaction(() => s.otc.appendLedgerEntries([
        entry({ entryId: 'e3', walletId: 'w-1', amount: '-0.25', balanceAfter: '100.25', counterpartyWalletId: 'w-2', kind: 'TRADE', createdAt: 2_000 }),
        entry({ entryId: 'e4', walletId: 'w-2', amount: '0.25', balanceAfter: '-100.25', counterpartyWalletId: 'w-1', kind: 'TRADE', createdAt: 2_000 }),
        entry({ entryId: 'e5', walletId: 'w-1', asset: 'BTC', amount: '0.00000001', balanceAfter: '0.00000001', createdAt: 3_000 }),
      ]));
      assert.deepEqual(
        (await s.otc.loadWalletBalances()).map((b) => `${b.walletId} ${b.asset} ${b.balance} ${b.updatedAt}`).sort(),
        ['w-1 BTC 0.00000001 3000', 'w-1 USDT 100.25 2000', 'w-2 USDT -100.25 2000'],
      );
      const w1 = await s.otc.listLedgerEntries('w-1');
      assert.deepEqual(w1.map((e) => e.entryId), ['e2', 'e3', 'e5']);
      assert.deepEqual(w1[1], entry({ entryId: 'e3', walletId: 'w-1', amount: '-0.25', balanceAfter: '100.25', counterpartyWalletId: 'w-2', kind: 'TRADE', createdAt: 2_000 }));
      assert.deepEqual((await s.otc.listLedgerEntries('w-1', 'USDT')).map((e) => e.amount), ['100.5', '-0.25']);
      await s.close();
    });

    test('a failed transaction leaves no entry, quote or balance behind', async () => {
      const s = await open();
      assert.throws(() =>
        s.transaction(() => {
          s.otc.appendLedgerEntries([entry({ entryId: 'e1' })]);
          s.otc.insertQuote(quote());
          throw new Error('boom');
        }),
      );
      assert.deepEqual(await s.otc.loadWalletBalances(), []);
      assert.equal(await s.otc.getQuote('q-1'), undefined);
      await s.close();
    });

    test('quotes: open ones load, client references are unique per user', async () => {
      const s = await open();
      s.transaction(() => {
        s.otc.insertQuote(quote({ quoteRequestId: 'r-1' }));
        s.otc.insertQuote(quote({ quoteId: 'q-2', createdAt: 2_001 }));
        s.otc.insertQuote(quote({ quoteId: 'q-3', userId: 'user-b', quoteRequestId: 'r-1', status: 'REJECTED', rejectReason: 'dealer paused' }));
      });
      s.transaction(() => s.otc.updateQuote(quote({ quoteId: 'q-2', status: 'ACCEPTED', tradeOrderId: 'o-1', updatedAt: 3_000 })));
      assert.deepEqual((await s.otc.loadOpenQuotes()).map((q) => q.quoteId), ['q-1']);
      assert.deepEqual(await s.otc.getQuote('q-2'), quote({ quoteId: 'q-2', status: 'ACCEPTED', tradeOrderId: 'o-1', updatedAt: 3_000 }));
      assert.equal((await s.otc.getQuote('q-3'))?.rejectReason, 'dealer paused');
      assert.deepEqual((await s.otc.loadQuoteKeys()).map((k) => `${k.userId} ${k.quoteRequestId} ${k.quoteId}`).sort(), ['user-a r-1 q-1', 'user-b r-1 q-3']);
      assert.throws(() => s.transaction(() => s.otc.insertQuote(quote({ quoteId: 'q-4', quoteRequestId: 'r-1' }))));
      assert.equal(await s.otc.getQuote('q-4'), undefined);
      await s.close();
    });

    test('hedges load while PENDING; exposures are one row per dealer and pair', async () => {
      const s = await open();
      s.transaction(() => {
        s.otc.insertHedge(hedge());
        s.otc.insertHedge(hedge({ hedgeId: 'h-2', createdAt: 3_001 }));
        s.otc.upsertExposure({ dealerAccountId: 'd', symbol: 'BTC/USDT', quantity: '-0.5', updatedAt: 1 });
      });
      s.transaction(() => {
        s.otc.updateHedge(hedge({ status: 'DONE', executedQuantity: '0.5', tradeOrderId: 'o-9' }));
        s.otc.upsertExposure({ dealerAccountId: 'd', symbol: 'BTC/USDT', quantity: '0', updatedAt: 2 });
        s.otc.upsertExposure({ dealerAccountId: 'd', symbol: 'ETH/USDT', quantity: '3', updatedAt: 2 });
      });
      assert.deepEqual((await s.otc.loadPendingHedges()).map((h) => h.hedgeId), ['h-2']);
      assert.deepEqual((await s.otc.loadExposures()).map((e) => `${e.symbol} ${e.quantity}`), ['BTC/USDT 0', 'ETH/USDT 3']);
      await s.close();
    });
  });
}
