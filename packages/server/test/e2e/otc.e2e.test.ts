/**
 * The OTC desk end to end, through the official centrifuge client against a real server (PAPER's living market):
 * an administrator creates a dealer and links a PAPER account; a trader connects a FERMATA account, is funded from
 * an accounting wallet, asks for a quote, accepts it and sees the fill and the wallet balances move on its account
 * channel; the dealer's hedge appears on its PAPER account; an expired quote is refused; a frozen wallet refuses a
 * transfer; a closed wallet stays closed; another user reaches none of it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dec, str } from '@cadenza/domain';
import { harness, type Client } from './rpc-harness.ts';

const h = await harness();

async function protocolError(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (e) {
    return (e as { code: number }).code;
  }
  assert.fail('expected a protocol error');
}

async function refused(c: Client, method: string, params: unknown): Promise<number> {
  const r = await c.rpc(method, params);
  assert.ok(r.error, `${method} should be refused: ${JSON.stringify(r.data)}`);
  return r.error.code;
}

const total = (portfolio: { balances?: Array<{ securitySymbol: string; total: string }> }, asset: string) => portfolio.balances?.find((b) => b.securitySymbol === asset)?.total;

test('dealer, RFQ, QUOTED order, wallets and hedge through the real client', async () => {
  const admin = await h.user('otc-admin', { admin: true });
  const trader = await h.user('otc-trader');
  const other = await h.user('otc-other');

  // The administrator: a PAPER account to hedge on, a dealer linked to it, an accounting wallet for deposits.
  const paper = (await admin.ok('command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'hedging' } })).tradingAccountId;
  const dealer = await admin.ok('command.fermata.dealer.create', { name: 'E2E desk', baseCurrencies: ['USDT'], riskThreshold: '5000000' });
  assert.equal(dealer.status, 'ACTIVE');
  assert.equal(await admin.ok('command.fermata.dealer.link', { dealerAccountId: dealer.dealerAccountId, tradingAccountId: paper }), paper);
  assert.deepEqual((await admin.ok('query.fermata.dealer.get', { dealerAccountId: dealer.dealerAccountId })).linkedAccountIds, [paper]);
  const treasury = await admin.ok('command.fermata.wallet.create', { nickname: 'treasury' });
  assert.deepEqual([treasury.walletType, treasury.allowNegative], ['ACCOUNTING', true]);
  const hedges = await admin.subscribe(`tradingAccount:${paper}`);
  const dealerChannel = await admin.subscribe(`tradingAccount:${dealer.dealerAccountId}`);

  // The trader: a FERMATA account connected to the dealer, its wallet, its channel.
  const account = await trader.ok('command.trading_account.connect', { tradingAccount: { venue: 'FERMATA', nickname: 'otc', dealerAccountId: dealer.dealerAccountId } });
  assert.deepEqual([account.venue, account.status, account.externalAccountId], ['FERMATA', 'ACTIVE', dealer.dealerAccountId]);
  const mine = await trader.rpc('query.fermata.wallet.list', {});
  assert.equal(mine.data.length, 1);
  assert.equal(mine.pagination.total, 1);
  const wallet = mine.data[0];
  assert.deepEqual([wallet.walletType, wallet.metadata.tradingAccountId], ['CLIENT', account.tradingAccountId]);
  const channel = await trader.subscribe(`tradingAccount:${account.tradingAccountId}`);

  // A deposit: a transfer from the accounting wallet, shown as the FERMATA account's portfolio.
  const transferId = await admin.ok('command.fermata.wallet.transfer', { sourceWalletId: treasury.walletId, destWalletId: wallet.walletId, asset: 'USDT', amount: '200000' });
  assert.match(transferId, /^[0-9a-f-]{36}$/);
  await channel.waitFor((e) => e.type === 'event.portfolio.updated' && total(e.data, 'USDT') === '200000');

  // The quote, and its acceptance.
  const quote = await trader.ok('command.quote.rfq', { dealerAccountId: dealer.dealerAccountId, traderAccountId: account.tradingAccountId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '0.5', quoteRequestId: 'e2e-1' });
  assert.equal(quote.status, 'CREATED');
  assert.ok(Number(quote.price) > 0);
  assert.equal(quote.expireAt - quote.createdAt, 10_000);
  assert.equal((await trader.ok('command.quote.rfq', { dealerAccountId: dealer.dealerAccountId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '9', quoteRequestId: 'e2e-1' })).quoteId, quote.quoteId, 'the same request id answers the same quote');
  const order = await trader.ok('command.trade_order.submit', {
    tradingAccountId: account.tradingAccountId,
    tradeOrder: { orderType: 'QUOTED', quoteId: quote.quoteId, orderSide: 'BUY', quantity: '0.5' },
    idempotencyKey: 'accept-1',
  });
  assert.deepEqual([order.status, order.orderType, order.venue, order.executedQuantity, order.executedCost, order.externalOrderId], ['FILLED', 'QUOTED', 'FERMATA', '0.5', quote.quoteQuantity, quote.quoteId]);
  await channel.waitFor((e) => e.type === 'event.trade_order.updated' && e.data.tradeOrderId === order.tradeOrderId && e.data.status === 'FILLED');
  const delta = await channel.waitFor((e) => e.type === 'event.portfolio.updated' && total(e.data, 'BTC') === '0.5');
  assert.equal(str(dec(total(delta.data, 'USDT')!).add(quote.quoteQuantity)), '200000');
  await channel.waitFor((e) => e.type === 'event.quote.updated' && e.data.quoteId === quote.quoteId && e.data.status === 'ACCEPTED');
  await dealerChannel.waitFor((e) => e.type === 'event.quote.updated' && e.data.quoteId === quote.quoteId && e.data.status === 'ACCEPTED');
  const portfolio = await trader.ok('query.portfolio.get', { tradingAccountId: account.tradingAccountId });
  assert.equal(total(portfolio, 'BTC'), '0.5');
  assert.equal(str(dec(total(portfolio, 'USDT')!).add(quote.quoteQuantity)), '200000');
  const dealerPortfolio = await admin.ok('query.portfolio.get', { tradingAccountId: dealer.dealerAccountId });
  assert.equal(total(dealerPortfolio, 'BTC'), '-0.5', 'the dealer wallet went short');
  assert.equal(total(dealerPortfolio, 'USDT'), quote.quoteQuantity);
  // Accepted once: again with another key is refused, again with the same key answers the same order.
  assert.equal(await refused(trader, 'command.trade_order.submit', { tradingAccountId: account.tradingAccountId, tradeOrder: { orderType: 'QUOTED', quoteId: quote.quoteId } }), 18013);
  assert.equal((await trader.ok('command.trade_order.submit', { tradingAccountId: account.tradingAccountId, tradeOrder: { orderType: 'QUOTED', quoteId: quote.quoteId }, idempotencyKey: 'accept-1' })).tradeOrderId, order.tradeOrderId);

  // The dealer's hedge: a normal MARKET BUY of 0.5 BTC on its PAPER account.
  const hedge = await hedges.waitFor((e) => e.type === 'event.trade_order.updated' && e.data.status === 'FILLED');
  assert.deepEqual([hedge.data.orderType, hedge.data.orderSide, hedge.data.quantity, hedge.data.venue], ['MARKET', 'BUY', '0.5', 'PAPER']);
  const listed = await admin.ok('query.trade_order.list', { tradingAccountId: paper });
  assert.deepEqual(listed.map((o: { tradeOrderId: string }) => o.tradeOrderId), [hedge.data.tradeOrderId]);

  // An expired quote is refused: it expires on the server's clock, pushed as EXPIRED.
  const short = await trader.ok('command.quote.rfq', { dealerAccountId: dealer.dealerAccountId, traderAccountId: account.tradingAccountId, instrumentId: 'BTC/USDT', orderSide: 'SELL', quantity: '0.1', ttl: 1 });
  await channel.waitFor((e) => e.type === 'event.quote.updated' && e.data.quoteId === short.quoteId && e.data.status === 'EXPIRED', 10_000);
  assert.equal(await refused(trader, 'command.trade_order.submit', { tradingAccountId: account.tradingAccountId, tradeOrder: { orderType: 'QUOTED', quoteId: short.quoteId } }), 18012);

  // A frozen wallet refuses a transfer; unfrozen, it takes one again.
  assert.equal((await admin.ok('command.fermata.wallet.freeze', { walletId: wallet.walletId })).status, 'FROZEN');
  assert.equal(await refused(admin, 'command.fermata.wallet.transfer', { sourceWalletId: treasury.walletId, destWalletId: wallet.walletId, asset: 'USDT', amount: '1' }), 18022);
  assert.equal(await protocolError(trader.rpc('command.fermata.wallet.unfreeze', { walletId: wallet.walletId })), 103, 'only administrators unfreeze');
  assert.equal((await admin.ok('command.fermata.wallet.unfreeze', { walletId: wallet.walletId })).status, 'ACTIVE');

  // A closed wallet stays closed: nothing comes in, it cannot be unfrozen or frozen, closing again changes nothing.
  const spare = await trader.ok('command.fermata.wallet.create', { nickname: 'spare' });
  await trader.ok('command.fermata.wallet.transfer', { sourceWalletId: wallet.walletId, destWalletId: spare.walletId, asset: 'USDT', amount: '10' });
  assert.equal((await trader.ok('command.fermata.wallet.close', { walletId: spare.walletId })).status, 'CLOSED');
  assert.equal(await refused(admin, 'command.fermata.wallet.transfer', { sourceWalletId: treasury.walletId, destWalletId: spare.walletId, asset: 'USDT', amount: '1' }), 18023);
  assert.equal(await refused(trader, 'command.fermata.wallet.transfer', { sourceWalletId: spare.walletId, destWalletId: wallet.walletId, asset: 'USDT', amount: '5' }), 18023, 'only all of it');
  assert.equal(await refused(admin, 'command.fermata.wallet.unfreeze', { walletId: spare.walletId }), 18025);
  assert.equal(await refused(admin, 'command.fermata.wallet.freeze', { walletId: spare.walletId }), 18025);
  await trader.ok('command.fermata.wallet.transfer', { sourceWalletId: spare.walletId, destWalletId: wallet.walletId, asset: 'USDT', amount: '10' });
  assert.equal((await trader.ok('query.fermata.wallet.get', { walletId: spare.walletId })).status, 'CLOSED');
  assert.equal((await trader.ok('command.fermata.wallet.close', { walletId: spare.walletId })).status, 'CLOSED');

  // Another user reaches none of it.
  assert.equal(await refused(other, 'query.fermata.wallet.get', { walletId: wallet.walletId }), 18021);
  assert.equal(await refused(other, 'command.fermata.wallet.transfer', { sourceWalletId: wallet.walletId, destWalletId: spare.walletId, asset: 'USDT', amount: '1' }), 18021);
  assert.equal(await refused(other, 'command.fermata.wallet.close', { walletId: wallet.walletId }), 18021);
  assert.deepEqual((await other.ok('query.fermata.wallet.list', {})), []);
  assert.equal(await refused(other, 'query.portfolio.get', { tradingAccountId: account.tradingAccountId }), 12001);
  assert.equal(await refused(other, 'command.quote.rfq', { dealerAccountId: dealer.dealerAccountId, traderAccountId: account.tradingAccountId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '0.1' }), 12001);
  const open = await trader.ok('command.quote.rfq', { dealerAccountId: dealer.dealerAccountId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '0.1' });
  assert.equal(await refused(other, 'command.trade_order.submit', { tradingAccountId: account.tradingAccountId, tradeOrder: { orderType: 'QUOTED', quoteId: open.quoteId } }), 12001);
  const otherAccount = await other.ok('command.trading_account.connect', { tradingAccount: { venue: 'FERMATA', dealerAccountId: dealer.dealerAccountId } });
  assert.equal(await refused(other, 'command.trade_order.submit', { tradingAccountId: otherAccount.tradingAccountId, tradeOrder: { orderType: 'QUOTED', quoteId: open.quoteId } }), 18011);
  await assert.rejects(other.subscribe(`tradingAccount:${account.tradingAccountId}`), (e: { code: number }) => e.code === 103);
  await assert.rejects(other.subscribe(`tradingAccount:${dealer.dealerAccountId}`), (e: { code: number }) => e.code === 103);
  for (const [method, params] of [
    ['query.fermata.dealer.get', { dealerAccountId: dealer.dealerAccountId }],
    ['query.fermata.dealer.list', {}],
    ['command.fermata.dealer.pause', { dealerAccountId: dealer.dealerAccountId }],
    ['command.fermata.dealer.link', { dealerAccountId: dealer.dealerAccountId, tradingAccountId: otherAccount.tradingAccountId }],
    ['command.fermata.wallet.freeze', { walletId: wallet.walletId }],
  ] as const) {
    assert.equal(await protocolError(other.rpc(method, params)), 103, method);
  }

  // Pausing stops quoting (the open quote is rejected, a new RFQ is REJECTED with the reason); the dealer is flat, so it archives.
  assert.equal((await admin.ok('command.fermata.dealer.pause', { dealerAccountId: dealer.dealerAccountId })).status, 'PAUSED');
  // That quote named no account: its updates go to the trader's user channel.
  await trader.waitForServerPublication((p) => p.channel === `user:${trader.userId}` && p.data.type === 'event.quote.updated' && p.data.data.quoteId === open.quoteId && p.data.data.status === 'REJECTED');
  const paused = await trader.ok('command.quote.rfq', { dealerAccountId: dealer.dealerAccountId, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '0.1' });
  assert.deepEqual([paused.status, paused.rejectReason], ['REJECTED', 'dealer is paused']);
  assert.equal((await admin.ok('command.fermata.dealer.archive', { dealerAccountId: dealer.dealerAccountId })).status, 'ARCHIVED');
  const archived = await admin.rpc('query.fermata.dealer.list', { status: 'ARCHIVED' });
  assert.deepEqual(archived.data.map((d: { dealerAccountId: string }) => d.dealerAccountId), [dealer.dealerAccountId]);
  assert.equal(archived.pagination.total, 1);
});

test('the same desk over REST, plain HTTP: dealer, wallets, RFQ, QUOTED submit, statuses by meaning', async () => {
  const admin = await h.user('rest-admin', { admin: true });
  const trader = await h.user('rest-trader');
  const other = await h.user('rest-other');
  const rest = (c: Client) => async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${h.server.url}/api/v3${path}`, {
      method,
      headers: { authorization: `Bearer ${c.accessToken}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const [asAdmin, asTrader, asOther] = [rest(admin), rest(trader), rest(other)];

  const paper = (await asAdmin('POST', '/tradingAccount/connect', { venue: 'PAPER', nickname: 'hedging' })).body.data.tradingAccountId;
  const created = await asAdmin('POST', '/fermata/dealer/create', { name: 'REST desk', baseCurrencies: ['USDT'], config: { pricingProfileId: '44444444-4444-4444-8444-444444444444', pricingProfiles: { '44444444-4444-4444-8444-444444444444': { spreadBps: 25 } } } });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  assert.deepEqual([created.body.success, created.body.errno, created.body.data.status], [true, 0, 'ACTIVE']);
  const dealerId = created.body.data.dealerAccountId;
  const linked = await asAdmin('POST', '/fermata/dealer/link', { dealerAccountId: dealerId, tradingAccountId: paper });
  assert.deepEqual(linked.body, { errno: 0, error: null, data: paper }, 'the standalone wrapper');
  assert.deepEqual((await asAdmin('GET', `/fermata/dealer/get?dealerAccountId=${dealerId}`)).body.data.linkedAccountIds, [paper]);
  const listed = await asAdmin('GET', '/fermata/dealer/list?status=ACTIVE&limit=1');
  assert.equal(listed.body.data.length, 1);
  assert.ok(listed.body.pagination.total >= 1);
  const treasury = (await asAdmin('POST', '/fermata/wallet/create', { nickname: 'treasury' })).body.data;
  assert.equal(treasury.walletType, 'ACCOUNTING');

  const account = (await asTrader('POST', '/tradingAccount/connect', { venue: 'FERMATA', dealerAccountId: dealerId })).body.data;
  assert.equal(account.venue, 'FERMATA');
  const wallets = await asTrader('GET', '/fermata/wallet/list?walletType=CLIENT');
  assert.deepEqual([wallets.body.data.length, wallets.body.pagination.total], [1, 1]);
  const wallet = wallets.body.data[0];
  assert.equal((await asTrader('GET', `/fermata/wallet/get?walletId=${wallet.walletId}`)).body.data.metadata.tradingAccountId, account.tradingAccountId);
  const deposit = await asAdmin('POST', '/fermata/wallet/transfer', { sourceWalletId: treasury.walletId, destWalletId: wallet.walletId, asset: 'USDT', amount: '50000' });
  assert.equal(deposit.body.errno, 0);
  assert.match(deposit.body.data, /^[0-9a-f-]{36}$/);

  const quote = await asTrader('POST', '/quote/rfq', { dealerAccountId: dealerId, traderAccountId: account.tradingAccountId, baseAsset: 'BTC', quoteAsset: 'USDT', orderSide: 'BUY', quoteQuantity: '10000', ttl: 60 });
  assert.equal(quote.status, 200, JSON.stringify(quote.body));
  assert.deepEqual([quote.body.data.status, quote.body.data.quantityType, quote.body.data.pricingProfileId], ['CREATED', 'QUOTE', '44444444-4444-4444-8444-444444444444']);
  assert.ok(dec(quote.body.data.quoteQuantity).lte('10000'));
  assert.equal(typeof quote.body.data.expireAt, 'number', 'REST times are epoch ms');
  const { quoteId, quantity, quoteQuantity } = quote.body.data;
  const submitted = await asTrader('POST', '/tradeOrder/submit', { tradingAccountId: account.tradingAccountId, orderSide: 'BUY', orderType: 'QUOTED', quantity, quoteId });
  assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
  assert.deepEqual([submitted.body.data[0].status, submitted.body.data[0].quoteId, submitted.body.data[0].executedCost], ['FILLED', quoteId, quoteQuantity]);
  const portfolios = await asTrader('GET', `/tradingAccount/portfolio/list?tradingAccountId=${account.tradingAccountId}`);
  const balances = portfolios.body.data[0].balances as Array<{ securitySymbol: string; total: string }>;
  assert.equal(balances.find((b) => b.securitySymbol === 'BTC')?.total, quantity);
  assert.equal(str(dec(balances.find((b) => b.securitySymbol === 'USDT')!.total).add(quoteQuantity)), '50000');

  // Statuses by meaning.
  const again = await asTrader('POST', '/tradeOrder/submit', { tradingAccountId: account.tradingAccountId, orderSide: 'BUY', orderType: 'QUOTED', quantity, quoteId });
  assert.deepEqual([again.status, again.body.errno, again.body.details.code], [409, 18013, 'QUOTE_ALREADY_USED']);
  assert.equal((await asTrader('POST', '/fermata/dealer/create', { name: 'mine', baseCurrencies: ['USDT'] })).status, 403);
  assert.equal((await asTrader('POST', '/fermata/wallet/freeze', { walletId: wallet.walletId })).status, 403);
  assert.equal((await asOther('GET', `/fermata/wallet/get?walletId=${wallet.walletId}`)).status, 404);
  assert.equal((await asAdmin('GET', '/fermata/dealer/get?dealerAccountId=00000000-0000-4000-8000-000000000000')).status, 404);
  assert.equal((await asTrader('POST', '/quote/rfq', { dealerAccountId: dealerId, instrumentId: 'BTC/USDT', orderSide: 'BUY' })).status, 400);
  await asAdmin('POST', '/fermata/wallet/freeze', { walletId: wallet.walletId });
  const frozen = await asAdmin('POST', '/fermata/wallet/transfer', { sourceWalletId: treasury.walletId, destWalletId: wallet.walletId, asset: 'USDT', amount: '1' });
  assert.deepEqual([frozen.status, frozen.body.errno], [409, 18022]);
  assert.equal((await asAdmin('POST', '/fermata/wallet/unfreeze', { walletId: wallet.walletId })).body.data.status, 'ACTIVE');
  assert.equal((await asAdmin('POST', '/fermata/dealer/pause', { dealerAccountId: dealerId })).body.data.status, 'PAUSED');
  assert.equal((await asAdmin('POST', '/fermata/dealer/resume', { dealerAccountId: dealerId })).body.data.status, 'ACTIVE');
  assert.deepEqual((await asAdmin('POST', '/fermata/dealer/unlink', { dealerAccountId: dealerId, tradingAccountId: paper })).body.data, paper);
  const spare = (await asTrader('POST', '/fermata/wallet/create', {})).body.data;
  assert.equal((await asTrader('POST', '/fermata/wallet/close', { walletId: spare.walletId })).body.data.status, 'CLOSED');
});
