/**
 * The contract walk: every REST operation of the contract is called on a real server with realistic data on PAPER,
 * MOCK and the OTC desk (FERMATA) — a trader's day, an admin's, a dealer's — and every answer, successes and
 * refusals, must be exactly the model the OpenAPI document names for it (RestWalk: required fields, types,
 * decimal patterns, enums, date-time/uuid formats, no undeclared field). The last test proves none was left out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dec } from '@cadenza/domain';
import { RestWalk } from '@cadenza/testkit/contracts/rest-responses';
import { restHarness, type RestUser } from './rest-harness.ts';

const h = await restHarness();
const walk = new RestWalk();
/** The WebSocket endpoint is in the document but is no REST operation (the RPC tests walk it). */
const notRest = (_id: string, path: string) => path === '/connection/websocket';

/** Sends the operation and checks the answer against the contract; `status` is the one expected. */
async function call(operationId: string, opts: { token?: string; query?: Record<string, unknown>; body?: unknown } = {}, status = 200) {
  const r = await h.api(operationId, opts);
  assert.equal(r.status, status, `${operationId}: ${JSON.stringify(r.body)}`);
  walk.expect(operationId, r.status, r.body);
  return r.body;
}

let trader: RestUser;
let admin: RestUser;

test('auth and utility: signup, login, refresh, user, recover; root, health', async () => {
  trader = await h.user('trader');
  admin = await h.user('admin', { admin: true });
  await call('authSignup', { body: { email: `walk-${Date.now()}@example.com`, password: 'another-long-password' } });
  const session = await call('authLogin', { body: { email: trader.email, password: trader.password } });
  assert.equal(session.data.tokenType, 'bearer');
  const refreshed = await call('authRefreshToken', { body: { refreshToken: session.data.refreshToken } });
  trader.accessToken = refreshed.data.accessToken;
  await call('authGetUser', { token: trader.accessToken });
  const updated = await call('authUpdateUser', { token: trader.accessToken, body: { metadata: { desk: 'walk' } } });
  assert.equal(updated.data.userMetadata.desk, 'walk');
  await call('authRecover', { body: { email: trader.email } });
  const root = await call('root', { token: trader.accessToken });
  assert.equal(root.data.documentation, '/docs');
  const health = await call('health');
  assert.equal(health.status, 'healthy');
  await call('authLogin', { body: { email: trader.email, password: 'wrong-password-here' } }, 401);
  await call('root', {}, 401);
});

test('market data: venues, instruments, securities, books, tickers, klines, order-book subscriptions', async () => {
  const t = trader.accessToken;
  const venues = await call('listMarketVenues', { token: t });
  assert.deepEqual(venues.data.map((v: { venue: string }) => v.venue).sort(), ['MOCK', 'PAPER']);
  const instruments = await call('listMarketInstruments', { token: t, query: { venue: 'PAPER', symbols: ['BTC/USDT', 'ETH/USDT'], instrumentStatus: 'ACTIVE', limit: 10 } });
  assert.deepEqual(instruments.data.map((i: { symbol: string }) => i.symbol).sort(), ['BTC/USDT', 'ETH/USDT']);
  assert.equal(instruments.pagination.total, 2);
  const securities = await call('listMarketSecurities', { token: t, query: { venue: 'PAPER', limit: 2 } });
  assert.equal(securities.data.length, 2);
  assert.equal((await call('listMarketSecurities', { token: t, query: { securityId: 'PAPER:BTC' } })).data[0].securityId, 'PAPER:BTC');
  const book = await call('getMarketOrderBook', { token: t, query: { instrumentId: 'MOCK:BTC/USDT', depth: 3 } });
  assert.equal(book.data.bids.length, 3);
  await call('listMarketOrderBooks', { token: t, query: { instrumentIds: ['MOCK:BTC/USDT', 'MOCK:ETH/USDT'], depth: 2 } });
  const ticker = await call('getMarketTicker', { token: t, query: { instrumentId: 'MOCK:BTC/USDT' } });
  assert.equal(ticker.data.lastPrice, '50000.00');
  const tickers = await call('listMarketTickers', { token: t, query: { instrumentIds: ['MOCK:BTC/USDT', 'MOCK:ETH/USDT'], limit: 1 } });
  assert.equal(tickers.data.length, 1);
  assert.equal(tickers.pagination.hasNext, true);
  const kline = await call('getMarketKline', { token: t, query: { instrumentId: 'PAPER:BTC/USDT', interval: '1m', limit: 5 } });
  assert.ok(kline.data.candles.length >= 1 && kline.data.candles.length <= 5);
  const empty = await call('getMarketKline', { token: t, query: { instrumentId: 'PAPER:BTC/USDT', interval: '1m', from: 0, to: 1000 } });
  assert.deepEqual(empty.data.candles, []);
  const sub = await call('subscribeMarketOrderBook', { token: t, body: { instrumentId: 'PAPER:ETH/USDT' } });
  assert.equal(sub.data.subscriptionType, 'MARKET.SUBSCRIPTION.ORDERBOOK');
  const subs = await call('listMarketOrderBookSubscriptions', { token: t, query: { instrumentId: 'PAPER:ETH/USDT' } });
  assert.ok(subs.data.some((s: { subscriptionId: string }) => s.subscriptionId === sub.data.subscriptionId));
  const ended = await call('unsubscribeMarketOrderBook', { token: t, body: { subscriptionId: sub.data.subscriptionId } });
  assert.equal(ended.data.status, 'TERMINATED');
  await call('getMarketTicker', { token: t, query: { instrumentId: 'MOCK:NOPE/USDT' } }, 404);
});

test('credentials and trading accounts: create, connect with them, update, disable/enable, history, streams, portfolio', async () => {
  const t = trader.accessToken;
  const cred = await call('createTradingAccountCredential', { token: t, body: { venue: 'PAPER', nickname: 'paper keys', credentialType: 'HMAC', apiKey: 'paper-key-123456', apiSecret: 'paper-secret' } });
  const credentialId = cred.data.credentialId;
  await call('listTradingAccountCredentials', { token: t, query: { credentialStatus: 'CREATED', credentialIds: [credentialId] } });
  await call('rotateTradingAccountCredential', { token: t, body: { credentialId, apiKey: 'paper-key-654321', apiSecret: 'paper-secret-2' } });
  const account = await call('connectTradingAccount', { token: t, body: { venue: 'PAPER', nickname: 'walk', credentialIds: [credentialId] } });
  const tradingAccountId = account.data.tradingAccountId;
  assert.equal(account.data.status, 'ACTIVE');
  const verified = await call('verifyTradingAccountCredential', { token: t, body: { credentialIds: [credentialId] } });
  assert.deepEqual(verified.data.map((a: { tradingAccountId: string }) => a.tradingAccountId), [tradingAccountId]);
  await call('updateTradingAccount', { token: t, body: { tradingAccountId, nickname: 'walk 2' } });
  assert.equal((await call('disableTradingAccount', { token: t, body: { tradingAccountId } })).data.status, 'INACTIVE');
  assert.equal((await call('enableTradingAccount', { token: t, body: { tradingAccountId } })).data.status, 'ACTIVE');
  const accounts = await call('listTradingAccounts', { token: t, query: { venue: 'PAPER', accountStatus: 'ACTIVE', limit: 5 } });
  assert.ok(accounts.data.some((a: { nickname: string }) => a.nickname === 'walk 2'));
  const ops = await call('listTradingAccountOperations', { token: t, query: { tradingAccountId, operationType: 'DISABLE' } });
  assert.equal(ops.data.length, 1);
  const stream = await call('subscribeTradingAccount', { token: t, body: { tradingAccountId } });
  assert.equal(stream.data.tradingAccountId, tradingAccountId);
  await call('listTradingAccountSubscriptions', { token: t, query: { tradingAccountId } });
  await call('unsubscribeTradingAccount', { token: t, body: { subscriptionId: stream.data.subscriptionId } });
  const portfolios = await call('listTradingAccountPortfolios', { token: t, query: { tradingAccountId } });
  assert.ok(portfolios.data[0].balances.some((b: { securitySymbol: string }) => b.securitySymbol === 'USDT'));

  // Orders: a market order that fills, a limit order that rests and is cancelled, lists by status and age.
  const filled = await call('submitTradeOrder', { token: t, body: { tradingAccountId, instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'MARKET', quantity: '0.01', awaitClosed: true, clientOrderId: 'walk-1' } });
  assert.equal(filled.data[0].status, 'FILLED');
  assert.ok(filled.data[0].fees.length > 0);
  const resting = await call('submitTradeOrder', {
    token: t,
    body: { tradingAccountId, instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', timeInForce: 'GTD', limitPrice: '1000.00', quantity: '0.01', expireAt: Date.now() + 3_600_000 },
  });
  assert.equal(resting.data[0].executedPrice, '0');
  assert.equal(typeof resting.data[0].expireAt, 'number');
  const open = await call('listTradeOrders', { token: t, query: { tradingAccountId, orderStatus: resting.data[0].status } });
  assert.deepEqual(open.data.map((o: { tradeOrderId: string }) => o.tradeOrderId), [resting.data[0].tradeOrderId]);
  const oldest = await call('listTradeOrders', { token: t, query: { tradingAccountId, ascending: true, limit: 1 } });
  assert.equal(oldest.data[0].tradeOrderId, filled.data[0].tradeOrderId);
  // The server's extensions (docs/extensions.md): amend, the fills, cancel-all.
  const amended = await call('amendTradeOrder', { token: t, body: { tradingAccountId, tradeOrderId: resting.data[0].tradeOrderId, limitPrice: '1001.00', quantity: '0.02' } });
  assert.deepEqual([amended.data.tradeOrderId, amended.data.quantity, amended.data.status], [resting.data[0].tradeOrderId, '0.02', 'ACCEPTED']);
  assert.ok(dec(amended.data.limitPrice).eq('1001'));
  await call('amendTradeOrder', { token: t, body: { tradingAccountId, tradeOrderId: filled.data[0].tradeOrderId, limitPrice: '1001.00' } }, 409);
  await call('amendTradeOrder', { token: t, body: { tradingAccountId, tradeOrderId: resting.data[0].tradeOrderId, limitPrice: 'cheap' } }, 400);
  const fills = await call('listTradeOrderExecutions', { token: t, query: { tradingAccountId, tradeOrderId: filled.data[0].tradeOrderId, limit: 100 } });
  assert.ok(fills.data.length >= 1 && fills.data.every((f: { tradeOrderId: string }) => f.tradeOrderId === filled.data[0].tradeOrderId));
  assert.equal(fills.pagination.total, fills.data.length);
  assert.ok(fills.data.reduce((sum: ReturnType<typeof dec>, f: { executedQuantity: string }) => sum.add(f.executedQuantity), dec(0)).eq(filled.data[0].executedQuantity), 'the fills add up to the order');
  // Every REST order carries its fills as `executions` (the contract's TradeExecution): the submit answer, a list, a resting order's none.
  const asExecution = (f: Record<string, unknown>) => { const { tradeOrderId: _o, tradingAccountId: _a, liquidity: _l, ...e } = f; return e; };
  assert.deepEqual(filled.data[0].executions, fills.data.map(asExecution).reverse(), 'oldest first');
  const read = await call('listTradeOrders', { token: t, query: { tradingAccountId, tradeOrderId: filled.data[0].tradeOrderId } });
  assert.deepEqual(read.data[0].executions, filled.data[0].executions);
  const both = await call('listTradeOrders', { token: t, query: { tradingAccountId, ascending: true, limit: 2 } });
  assert.deepEqual(both.data.map((o: { tradeOrderId: string; executions: unknown[] }) => [o.tradeOrderId, o.executions.length]), [[filled.data[0].tradeOrderId, fills.data.length], [resting.data[0].tradeOrderId, 0]]);
  const later = await call('listTradeOrderExecutions', { token: t, query: { tradingAccountId, startTime: fills.data[0].executedAt + 1 } });
  assert.deepEqual(later.data, []);
  const second = await call('submitTradeOrder', { token: t, body: { tradingAccountId, instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', limitPrice: '1000.00', quantity: '0.01' } });
  const third = await call('submitTradeOrder', { token: t, body: { tradingAccountId, instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', limitPrice: '1000.00', quantity: '0.01' } });
  const cancelled = await call('cancelTradeOrder', { token: t, body: { tradingAccountId, tradeOrderId: third.data[0].tradeOrderId } });
  assert.equal(cancelled.data.status, 'CANCELLED');
  const all = await call('cancelAllTradeOrders', { token: t, body: { tradingAccountId, instrumentId: 'PAPER:BTC/USDT' } });
  assert.deepEqual(all.data.map((o: { tradeOrderId: string; status: string }) => [o.tradeOrderId, o.status]).sort(), [[resting.data[0].tradeOrderId, 'CANCELLED'], [second.data[0].tradeOrderId, 'CANCELLED']].sort());
  assert.deepEqual((await call('cancelAllTradeOrders', { token: t, body: { tradingAccountId } })).data, []);
  await call('cancelTradeOrder', { token: t, body: { tradingAccountId, tradeOrderId: resting.data[0].tradeOrderId } }, 409);
  // An order list answers every leg, as the contract writes it: an OTOCO whose entry rests.
  const otoco = await call('submitTradeOrder', {
    token: t,
    body: { tradingAccountId, instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', limitPrice: '1000.00', quantity: '0.01', contingencyType: 'OTOCO', takeProfitPrice: '2000.00', stopLossPrice: '900.00', stopLossTimeInForce: 'GTC' },
  });
  assert.deepEqual(otoco.data.map((o: { orderType: string; orderSide: string; status: string }) => [o.orderType, o.orderSide, o.status]), [['LIMIT', 'BUY', 'ACCEPTED'], ['LIMIT', 'SELL', 'CREATED'], ['STOP_LOSS', 'SELL', 'CREATED']]);
  assert.ok(otoco.data.every((o: { orderListId: string; contingencyType: string; takeProfitPrice: string }) => o.orderListId === otoco.data[0].orderListId && o.contingencyType === 'OTOCO' && o.takeProfitPrice === '2000.00'));
  assert.equal((await call('cancelAllTradeOrders', { token: t, body: { tradingAccountId } })).data.length, 3, 'the entry and its waiting exits');
  await call('submitTradeOrder', { token: t, body: { tradingAccountId, instrumentId: 'PAPER:BTC/USDT', orderSide: 'SIDEWAYS', orderType: 'MARKET', quantity: '1' } }, 400);

  await call('revokeTradingAccountCredential', { token: t, body: { credentialId } });
  assert.equal((await call('disconnectTradingAccount', { token: t, body: { tradingAccountId } })).data.status, 'DISCONNECTED');
});

test("an admin's day: sync, enable/disable and delete instruments; sync and delete securities", async () => {
  const a = admin.accessToken;
  const synced = await call('syncMarketInstruments', { token: a, body: { venue: 'MOCK', symbols: ['BTC/USDT'] } });
  assert.equal(typeof synced.data.total, 'number');
  assert.equal((await call('disableMarketInstrument', { token: a, body: { instrumentId: 'MOCK:ETH/USDT' } })).data.status, 'DISABLED');
  assert.equal((await call('enableMarketInstrument', { token: a, body: { instrumentId: 'MOCK:ETH/USDT' } })).data.status, 'ACTIVE');
  const securities = await call('syncMarketSecurities', { token: a, body: { venue: 'MOCK' } });
  assert.match(securities.data, /^\d+$/);
  const deleted = await call('deleteMarketInstrument', { token: a, body: { instrumentId: 'MOCK:ETH/USDT' } });
  assert.equal(deleted.data, 'MOCK:ETH/USDT');
  const gone = await call('deleteMarketSecurity', { token: a, body: { securityId: 'MOCK:ETH' } });
  assert.equal(gone.data.securityId, 'MOCK:ETH');
  await call('deleteMarketSecurity', { token: a, body: { securityId: 'MOCK:ETH' } }, 404);
  await call('deleteMarketInstrument', { token: trader.accessToken, body: { instrumentId: 'MOCK:BTC/USDT' } }, 403);
});

test("the OTC desk: a dealer's day, a treasury, a trader's FERMATA account, an RFQ, a QUOTED order, wallets", async () => {
  const [t, a] = [trader.accessToken, admin.accessToken];
  const hedging = (await call('connectTradingAccount', { token: a, body: { venue: 'PAPER', nickname: 'hedging' } })).data.tradingAccountId;
  const dealer = (await call('fermataCreateDealer', { token: a, body: { name: 'Walk desk', baseCurrencies: ['USDT'], riskThreshold: '100000', config: { desk: 'walk' } } })).data;
  assert.equal(dealer.status, 'ACTIVE');
  const dealerAccountId = dealer.dealerAccountId;
  assert.equal((await call('fermataLinkDealer', { token: a, body: { dealerAccountId, tradingAccountId: hedging } })).data, hedging);
  assert.deepEqual((await call('fermataGetDealer', { token: a, query: { dealerAccountId } })).data.linkedAccountIds, [hedging]);
  const dealers = await call('fermataListDealers', { token: a, query: { status: 'ACTIVE', limit: 1 } });
  assert.equal(dealers.data.length, 1);
  const treasury = (await call('fermataCreateWallet', { token: a, body: { nickname: 'treasury' } })).data;
  assert.equal(treasury.walletType, 'ACCOUNTING');

  const account = (await call('connectTradingAccount', { token: t, body: { venue: 'FERMATA', dealerAccountId } })).data;
  assert.equal(account.venue, 'FERMATA');
  const wallets = await call('fermataListWallets', { token: t, query: { walletType: 'CLIENT', limit: 10 } });
  const wallet = wallets.data.find((w: { metadata: { tradingAccountId?: string } }) => w.metadata.tradingAccountId === account.tradingAccountId);
  assert.ok(wallet, 'the FERMATA account owns a CLIENT wallet');
  assert.equal((await call('fermataGetWallet', { token: t, query: { walletId: wallet.walletId } })).data.walletId, wallet.walletId);
  assert.match((await call('fermataTransferWallet', { token: a, body: { sourceWalletId: treasury.walletId, destWalletId: wallet.walletId, asset: 'USDT', amount: '50000' } })).data, /^[0-9a-f-]{36}$/);

  const quote = (await call('quoteRfq', { token: t, body: { dealerAccountId, traderAccountId: account.tradingAccountId, baseAsset: 'BTC', quoteAsset: 'USDT', orderSide: 'BUY', quantity: '0.1', ttl: 60, quoteRequestId: 'walk-rfq-1' } })).data;
  assert.equal(quote.status, 'CREATED');
  const filled = await call('submitTradeOrder', { token: t, body: { tradingAccountId: account.tradingAccountId, orderSide: 'BUY', orderType: 'QUOTED', quantity: quote.quantity, quoteId: quote.quoteId } });
  assert.deepEqual([filled.data[0].status, filled.data[0].quoteId, filled.data[0].executedPrice], ['FILLED', quote.quoteId, quote.price]);
  await call('submitTradeOrder', { token: t, body: { tradingAccountId: account.tradingAccountId, orderSide: 'BUY', orderType: 'QUOTED', quantity: quote.quantity, quoteId: quote.quoteId } }, 409);
  await call('quoteRfq', { token: t, body: { dealerAccountId, instrumentId: 'BTC/USDT', orderSide: 'BUY' } }, 400);
  const balances = (await call('listTradingAccountPortfolios', { token: t, query: { tradingAccountId: account.tradingAccountId } })).data[0].balances;
  assert.equal(balances.find((b: { securitySymbol: string }) => b.securitySymbol === 'BTC')?.total, quote.quantity);

  assert.equal((await call('fermataFreezeWallet', { token: a, body: { walletId: wallet.walletId } })).data.status, 'FROZEN');
  await call('fermataTransferWallet', { token: a, body: { sourceWalletId: treasury.walletId, destWalletId: wallet.walletId, asset: 'USDT', amount: '1' } }, 409);
  assert.equal((await call('fermataUnfreezeWallet', { token: a, body: { walletId: wallet.walletId } })).data.status, 'ACTIVE');
  const spare = (await call('fermataCreateWallet', { token: t, body: { nickname: 'spare' } })).data;
  assert.equal((await call('fermataCloseWallet', { token: t, body: { walletId: spare.walletId } })).data.status, 'CLOSED');
  await call('fermataCreateDealer', { token: t, body: { name: 'not mine', baseCurrencies: ['USDT'] } }, 403);
  await call('fermataGetDealer', { token: a, query: { dealerAccountId: '00000000-0000-4000-8000-000000000000' } }, 404);

  assert.equal((await call('fermataPauseDealer', { token: a, body: { dealerAccountId } })).data.status, 'PAUSED');
  assert.equal((await call('fermataResumeDealer', { token: a, body: { dealerAccountId } })).data.status, 'ACTIVE');
  assert.equal((await call('fermataUnlinkDealer', { token: a, body: { dealerAccountId, tradingAccountId: hedging } })).data, hedging);
  const spareDealer = (await call('fermataCreateDealer', { token: a, body: { name: 'Flat desk', baseCurrencies: ['USDT'] } })).data.dealerAccountId;
  assert.equal((await call('fermataArchiveDealer', { token: a, body: { dealerAccountId: spareDealer } })).data.status, 'ARCHIVED');
});

test('log out, then every operation has answered exactly as the contract says', async () => {
  await call('authLogout', { token: trader.accessToken });
  assert.deepEqual(walk.missing(notRest), []);
});
