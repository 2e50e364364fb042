/**
 * The OTC desk at its edges, through the domain's services: sizes a dealer cannot trade as asked (below one lot,
 * finer than the base asset), transfers the ledger could not hold exactly, wallets counted against the account
 * quota, accounts deleted only with their wallet closed and empty, and quotes traded only on client accounts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Cadenza } from '@cadenza/domain';
import { testCadenza, alice, admin, refusal } from '@cadenza/testkit';

/** A dealer hedging on the admin's PAPER account (BTC/USDT: lot 0.0001, 8 places), and an accounting wallet. */
async function desk() {
  const t = await testCadenza();
  const z: Cadenza = t.cadenza;
  const paperId = z.tradingAccounts.create(admin, { venue: 'PAPER' }).tradingAccountId;
  const dealerId = z.otc.dealers.create(admin, { name: 'Edges', baseCurrencies: ['USDT'] }).dealerAccountId;
  z.otc.dealers.link(dealerId, paperId);
  const treasury = z.otc.wallets.create(admin, { nickname: 'treasury' }).walletId;
  return { t, z, dealerId, treasury };
}

describe('sizes', () => {
  test('a dealer refuses a size below one lot, or with more places than the base asset has; one lot is quoted', async () => {
    const { z, dealerId } = await desk();
    const ask = (quantity: string) => z.otc.quotes.rfq(alice, { dealerAccountId: dealerId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity });
    for (const [quantity, reason] of [
      ['0.00001', /below one lot/],
      ['0.00009999', /below one lot/],
      ['0.123456789', /more decimal places than BTC/],
      ['0.0000000000000000001', /more decimal places than BTC/],
      ['1.0000000000000000000000000000000000000000001', /more decimal places than BTC/],
    ] as const) {
      const q = await ask(quantity);
      assert.equal(q.status, 'REJECTED', quantity);
      assert.match(q.rejectReason ?? '', reason, quantity);
    }
    assert.equal((await ask('0.0001')).status, 'CREATED');
    assert.equal((await ask('0.12345678')).status, 'CREATED', 'off the lot but within the asset: priced, the residue hedged within one lot');
  });
});

describe('transfers', () => {
  test('an amount or a balance the ledger cannot hold exactly (over 40 significant digits) is refused, nothing moved', async () => {
    const { z, treasury } = await desk();
    const wallet = z.otc.wallets.create(alice, {}).walletId;
    const move = (amount: string) => z.otc.wallets.transfer(admin, { sourceWalletId: treasury, destWalletId: wallet, asset: 'USDT', amount });
    assert.equal((await refusal(() => move('1.000000000000000000000000000000000000000001'))).errorName, 'INVALID_TRANSFER');
    move('1' + '0'.repeat(30));
    assert.equal((await refusal(() => move('0.0000000001'))).errorName, 'INVALID_TRANSFER', '10^30 + 10^-10 takes 41 digits');
    assert.equal(z.otc.walletBook.balance(wallet, 'USDT').toFixed(), '1' + '0'.repeat(30));
    assert.equal(z.otc.walletBook.balance(treasury, 'USDT').toFixed(), '-1' + '0'.repeat(30));
    move('0.000000001');
    assert.equal(z.otc.walletBook.balance(wallet, 'USDT').toFixed(), `1${'0'.repeat(30)}.000000001`, '40 digits are held exactly');
  });
});

describe('wallets and the account quota', () => {
  test('a wallet brings a FERMATA account, so creating one counts against maxAccountsPerUser', async () => {
    const z = (await testCadenza({ config: { maxAccountsPerUser: 2 } })).cadenza;
    z.otc.wallets.create(alice, {});
    z.otc.wallets.create(alice, {});
    assert.equal((await refusal(() => z.otc.wallets.create(alice, {}))).errorName, 'TRADING_ACCOUNT_LIMIT_REACHED');
    assert.equal(z.otc.wallets.list(alice, {}, { offset: 0, limit: 10 }).total, 2);
  });
});

describe('deleting a FERMATA account', () => {
  test("needs its wallet closed and empty: the account's portfolio is the only place the wallet's balances show", async () => {
    const { z, dealerId, treasury } = await desk();
    const account = (await z.tradingAccounts.connect(alice, { venue: 'FERMATA', dealerAccountId: dealerId } as never)).tradingAccountId;
    const wallet = z.otc.walletBook.ofAccount(account)!.walletId;
    z.otc.wallets.transfer(admin, { sourceWalletId: treasury, destWalletId: wallet, asset: 'USDT', amount: '100' });
    assert.equal((await refusal(() => z.tradingAccounts.delete(alice, account))).errorName, 'INVALID_WALLET_TRANSITION', 'an open, funded wallet');
    z.otc.wallets.close(alice, wallet);
    assert.equal((await refusal(() => z.tradingAccounts.delete(alice, account))).errorName, 'INVALID_WALLET_TRANSITION', 'closed, still holding 100 USDT');
    assert.equal(z.portfolios.get(alice, account).balances?.find((b) => b.securitySymbol === 'USDT')?.total, '100', 'still in sight');
    z.otc.wallets.transfer(alice, { sourceWalletId: wallet, destWalletId: z.otc.wallets.create(alice, {}).walletId, asset: 'USDT', amount: '100' });
    assert.ok(z.tradingAccounts.delete(alice, account).deletedAt);
    assert.equal((await refusal(() => z.tradingAccounts.delete(admin, dealerId))).errorName, 'INVALID_WALLET_TRANSITION', "a dealer's account, its wallet open");
    assert.equal(z.otc.dealers.get(dealerId).status, 'ACTIVE');
  });
});

describe('who trades on a quote', () => {
  test("only a client account: a dealer's or an accounting account (wallets that may go negative) neither asks nor accepts", async () => {
    const { z, dealerId, treasury } = await desk();
    const otherDealer = z.otc.dealers.create(admin, { name: 'Other', baseCurrencies: ['USDT'] }).dealerAccountId;
    const treasuryAccount = z.otc.wallets.get(admin, treasury).tradingAccountId;
    const ask = { dealerAccountId: dealerId, instrumentId: 'BTC/USDT', orderSide: 'BUY' as const, quantity: '0.1' };
    for (const traderAccountId of [otherDealer, treasuryAccount]) {
      assert.equal((await refusal(z.otc.quotes.rfq(admin, { ...ask, traderAccountId }))).errorName, 'INVALID_QUOTE_REQUEST');
      const q = await z.otc.quotes.rfq(admin, ask);
      assert.equal(q.status, 'CREATED');
      const accept = z.orders.submit(admin, { tradingAccountId: traderAccountId, tradeOrder: { orderType: 'QUOTED', quoteId: q.quoteId } as never });
      assert.equal((await refusal(accept)).errorName, 'QUOTE_MISMATCH');
      assert.equal(z.otc.walletBook.balance(z.otc.walletBook.ofAccount(traderAccountId)!.walletId, 'BTC').toFixed(), '0', 'nothing moved');
    }
  });
});
