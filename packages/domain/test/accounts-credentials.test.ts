import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ScriptedVenue, testCadenza, alice, bob, admin, paperAndCredentialedVenue, refusal, refusalNow } from '@cadenza/testkit';
import type { DomainError } from '@cadenza/domain';

const code = (fn: () => unknown) => refusalNow(fn).code;
const acode = async (p: Promise<unknown>) => (await refusal(p)).code;
const world = () => testCadenza({ venues: paperAndCredentialedVenue() });

describe('trading accounts', () => {
  test('status transitions follow the table and every change is in the history with who and old/new values', async () => {
    const t = await world();
    const a = t.cadenza.tradingAccounts.create(alice, { venue: 'PAPER', nickname: 'one' });
    t.cadenza.tradingAccounts.update(alice, { tradingAccountId: a.tradingAccountId, nickname: 'two', config: { leverage: 3 } });
    assert.equal(t.cadenza.tradingAccounts.disable(alice, a.tradingAccountId).status, 'INACTIVE');
    assert.equal(code(() => t.cadenza.tradingAccounts.disconnect(alice, a.tradingAccountId)), 12002);
    assert.equal(t.cadenza.tradingAccounts.enable(alice, a.tradingAccountId).status, 'ACTIVE');
    assert.equal(t.cadenza.tradingAccounts.disconnect(alice, a.tradingAccountId).status, 'DISCONNECTED');
    assert.equal((await t.cadenza.tradingAccounts.connect(alice, { tradingAccountId: a.tradingAccountId })).status, 'ACTIVE');
    const ops = (await t.cadenza.tradingAccounts.operations(alice, { tradingAccountId: a.tradingAccountId }, { offset: 0, limit: 50 })).items.reverse();
    assert.deepEqual(ops.map((o) => o.operationType ?? o.tags[0]), ['CREATED', 'UPDATED', 'DISABLED', 'ENABLED', 'DISCONNECTED', 'CONNECTED']);
    assert.ok(ops.every((o) => o.operateBy === alice.userId));
    assert.deepEqual(ops[1]!.previousValues, { nickname: 'one', leverage: null });
    assert.deepEqual(ops[1]!.newValues, { nickname: 'two', leverage: 3 });
    assert.deepEqual(ops[2]!.previousValues, { status: 'ACTIVE' });
    const pushed = t.events.on(`tradingAccount:${a.tradingAccountId}`, 'event.trading_account.updated').map((e) => (e.data as { status: string }).status);
    assert.deepEqual(pushed, ['ACTIVE', 'ACTIVE', 'INACTIVE', 'ACTIVE', 'DISCONNECTED', 'ACTIVE']);
  });

  test('an inactive account cannot trade; delete refuses with open orders, then hides the account', async () => {
    const t = await world();
    const a = t.cadenza.tradingAccounts.create(alice, { venue: 'PAPER' });
    const o = await t.cadenza.orders.submit(alice, { tradingAccountId: a.tradingAccountId, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '40000' } });
    assert.equal(code(() => t.cadenza.tradingAccounts.delete(alice, a.tradingAccountId)), 12004);
    t.cadenza.tradingAccounts.disable(alice, a.tradingAccountId);
    assert.equal(await acode(t.cadenza.orders.submit(alice, { tradingAccountId: a.tradingAccountId, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', quantity: '0.01' } })), 12003);
    await t.cadenza.orders.cancel(alice, { tradingAccountId: a.tradingAccountId, tradeOrderId: o.tradeOrderId });
    t.cadenza.tradingAccounts.delete(alice, a.tradingAccountId);
    assert.equal((await t.cadenza.tradingAccounts.list(alice, {}, { offset: 0, limit: 10 })).total, 0);
    assert.equal(code(() => t.cadenza.portfolios.get(alice, a.tradingAccountId)), 12001);
  });

  test('a real-venue account goes NEW → CREATED (credential) → ACTIVE on connect with the venue balances', async () => {
    const t = await world();
    const a = t.cadenza.tradingAccounts.create(alice, { venue: 'BINANCE' });
    assert.equal(a.status, 'NEW');
    assert.equal(await acode(t.cadenza.tradingAccounts.connect(alice, { tradingAccountId: a.tradingAccountId })), 12005);
    t.cadenza.credentials.create(alice, { tradingAccountId: a.tradingAccountId, venue: 'BINANCE', credentialType: 'HMAC', apiKey: 'good-0123456789', secretKey: 's' });
    assert.equal(t.cadenza.accounts.find(a.tradingAccountId)!.status, 'CREATED');
    const c = await t.cadenza.tradingAccounts.connect(alice, { tradingAccountId: a.tradingAccountId });
    assert.equal(c.status, 'ACTIVE');
    const usdt = t.cadenza.portfolios.get(alice, a.tradingAccountId).balances!.find((b) => b.securitySymbol === 'USDT')!;
    assert.deepEqual([usdt.free, usdt.locked, usdt.total], ['250.5', '10', '260.5']);
    assert.equal(await t.cadenza.tradingAccounts.validate(alice, { tradingAccountId: a.tradingAccountId }), true);
    assert.equal(await t.cadenza.tradingAccounts.validate(alice, { venue: 'OKX' }), false);
  });

  test('venue balance snapshots replace the portfolio of a real-venue account', async () => {
    const t = await world();
    const a = t.cadenza.tradingAccounts.create(alice, { venue: 'BINANCE' });
    t.cadenza.execution.onExecution({ type: 'balances', tradingAccountId: a.tradingAccountId, balances: [{ asset: 'BTC', free: '0.3', locked: '0' }], timestamp: 1 });
    assert.deepEqual(t.cadenza.portfolios.get(alice, a.tradingAccountId).balances!.map((b) => [b.securitySymbol, b.total]), [['BTC', '0.3']]);
  });

  test('accounts of unknown venues and bad parameters are refused', async () => {
    const t = await world();
    assert.equal(code(() => t.cadenza.tradingAccounts.create(alice, { venue: 'OKX' })), 19001);
    assert.equal(code(() => t.cadenza.tradingAccounts.create(alice, {})), 12006);
    assert.equal(code(() => t.cadenza.tradingAccounts.create(alice, { venue: 'PAPER', config: { leverage: 0 } })), 12006);
  });
});

describe('credentials', () => {
  test('secrets are sealed; only the masked key is ever returned or published', async () => {
    const t = await world();
    const a = t.cadenza.tradingAccounts.create(alice, { venue: 'BINANCE' });
    const c = t.cadenza.credentials.create(alice, { tradingAccountId: a.tradingAccountId, venue: 'BINANCE', credentialType: 'HMAC', apiKey: 'good-AKIAXYZ123456', secretKey: 'TOP-SECRET-VALUE', nickname: 'main' });
    assert.equal(c.apiKeyMasked, 'good…3456');
    const stored = (await t.store.loadCredentials()).find((x) => x.credentialId === c.credentialId)!;
    assert.ok(!Buffer.from(stored.secretCiphertext).toString('latin1').includes('TOP-SECRET-VALUE'));
    const everything = JSON.stringify([t.events.events, t.cadenza.accounts.toRpc(t.cadenza.accounts.find(a.tradingAccountId)!), (await t.cadenza.credentials.list(alice, {}, { offset: 0, limit: 10 })).items.map((x) => ({ ...x, secretCiphertext: undefined }))]);
    assert.ok(!everything.includes('TOP-SECRET-VALUE') && !everything.includes('AKIAXYZ123456'));
    assert.equal(t.events.on(`user:${alice.userId}`, 'event.credential.updated').length, 1);
  });

  test('a masked key shows at most half of the key: 4 + 4 characters only from 16 characters on', async () => {
    const t = await world();
    const a = t.cadenza.tradingAccounts.create(alice, { venue: 'BINANCE' });
    const masked = (apiKey: string) => t.cadenza.credentials.create(alice, { tradingAccountId: a.tradingAccountId, venue: 'BINANCE', credentialType: 'HMAC', apiKey, secretKey: 's' }).apiKeyMasked;
    assert.equal(masked('abcdefghi'), '****', 'nine characters: 4 + 4 would show all but one');
    assert.equal(masked('abcdefghijklmno'), '****');
    assert.equal(masked('abcdefghijklmnop'), 'abcd…mnop');
    const r = t.cadenza.credentials.rotate(alice, { credentialId: t.cadenza.credentials.create(alice, { tradingAccountId: a.tradingAccountId, venue: 'BINANCE', credentialType: 'HMAC', apiKey: 'abcdefghijklmnop', secretKey: 's' }).credentialId, credentialType: 'HMAC', apiKey: 'qrstuvwxyz', secretKey: 's2' });
    assert.equal(r.apiKeyMasked, '****');
  });

  test('verify asks the venue: a good key becomes ACTIVE, a bad one is refused with the venue reason', async () => {
    const t = await world();
    const a = t.cadenza.tradingAccounts.create(alice, { venue: 'BINANCE' });
    const good = t.cadenza.credentials.create(alice, { tradingAccountId: a.tradingAccountId, venue: 'BINANCE', credentialType: 'HMAC', apiKey: 'good-key-000001', secretKey: 's' });
    const accounts = await t.cadenza.credentials.verify(alice, [good.credentialId]);
    assert.deepEqual(accounts.map((x) => x.tradingAccountId), [a.tradingAccountId]);
    assert.equal((await t.store.loadCredentials()).find((x) => x.credentialId === good.credentialId)!.status, 'ACTIVE');
    const bad = t.cadenza.credentials.create(alice, { tradingAccountId: a.tradingAccountId, venue: 'BINANCE', credentialType: 'HMAC', apiKey: 'evil-key-000001', secretKey: 's' });
    assert.equal(await acode(t.cadenza.credentials.verify(alice, [bad.credentialId])), 13003);
    assert.equal(await acode(t.cadenza.credentials.verify(bob, [good.credentialId])), 13001);
  });

  test('rotate replaces the secrets under the same id; revoke makes it unusable', async () => {
    const t = await world();
    const a = t.cadenza.tradingAccounts.create(alice, { venue: 'BINANCE' });
    const c = t.cadenza.credentials.create(alice, { tradingAccountId: a.tradingAccountId, venue: 'BINANCE', credentialType: 'HMAC', apiKey: 'good-key-000001', secretKey: 's1' });
    await t.cadenza.credentials.verify(alice, [c.credentialId]);
    const r = t.cadenza.credentials.rotate(alice, { credentialId: c.credentialId, credentialType: 'HMAC', apiKey: 'good-key-0000002', secretKey: 's2' });
    assert.equal(r.credentialId, c.credentialId);
    assert.equal(r.status, 'CREATED');
    assert.equal(r.apiKeyMasked, 'good…0002');
    const rev = t.cadenza.credentials.revoke(alice, c.credentialId);
    assert.equal(rev.status, 'REVOKED');
    assert.ok(rev.revokedAt);
    assert.equal(code(() => t.cadenza.credentials.rotate(alice, { credentialId: c.credentialId, credentialType: 'HMAC', apiKey: 'x', secretKey: 'y' })), 13002);
    assert.equal(await acode(t.cadenza.tradingAccounts.connect(alice, { tradingAccountId: a.tradingAccountId })), 12005);
    const tags = (await t.cadenza.tradingAccounts.operations(alice, { tradingAccountId: a.tradingAccountId }, { offset: 0, limit: 50 })).items.flatMap((o) => o.tags);
    assert.ok(tags.includes('CREDENTIAL_ROTATE') && tags.includes('CREDENTIAL_REVOKE'));
  });

  test('missing secrets and venue mismatches are refused', async () => {
    const t = await world();
    const a = t.cadenza.tradingAccounts.create(alice, { venue: 'BINANCE' });
    assert.equal(code(() => t.cadenza.credentials.create(alice, { tradingAccountId: a.tradingAccountId, venue: 'BINANCE', credentialType: 'HMAC', apiKey: 'k' })), 13004);
    assert.equal(code(() => t.cadenza.credentials.create(alice, { tradingAccountId: a.tradingAccountId, venue: 'PAPER', credentialType: 'HMAC', apiKey: 'k', secretKey: 's' })), 13004);
    assert.equal(code(() => t.cadenza.credentials.create(bob, { tradingAccountId: a.tradingAccountId, venue: 'BINANCE', credentialType: 'HMAC', apiKey: 'k', secretKey: 's' })), 12001);
    assert.equal((await t.cadenza.credentials.list(admin, {}, { offset: 0, limit: 10 })).total, 0);
  });
});

describe('subscriptions', () => {
  test('market feeds are reference counted across users; the same subscription twice is returned once', async () => {
    const t = await world();
    const [s1] = await t.cadenza.subscriptions.create(alice, { venue: 'PAPER', instruments: ['PAPER:BTC/USDT'], subscriptionType: 'MARKET.SUBSCRIPTION.ORDERBOOK' });
    const [again] = await t.cadenza.subscriptions.create(alice, { venue: 'PAPER', instruments: ['PAPER:BTC/USDT'], subscriptionType: 'MARKET.SUBSCRIPTION.ORDERBOOK' });
    assert.equal(again!.subscriptionId, s1!.subscriptionId);
    await t.cadenza.subscriptions.subscribeOrderBook(bob, { venue: 'PAPER', symbols: ['BTC/USDT'] });
    const key = { kind: 'orderbook' as const, symbol: 'BTC/USDT' };
    assert.equal(t.cadenza.subscriptions.feeds.count('PAPER', key), 2);
    assert.deepEqual(t.venue.feedCalls.map((c) => c.op), ['subscribe']);
    const changes: boolean[] = [];
    t.cadenza.onFeedChange((c) => changes.push(c.active));
    await t.cadenza.subscriptions.unsubscribeMarket(alice, { subscriptionId: s1!.subscriptionId });
    assert.deepEqual(t.venue.feedCalls.map((c) => c.op), ['subscribe'], 'bob still needs the feed');
    await t.cadenza.subscriptions.unsubscribeMarket(bob, { instrumentId: 'PAPER:BTC/USDT' });
    assert.deepEqual(t.venue.feedCalls.map((c) => c.op), ['subscribe', 'unsubscribe']);
    assert.deepEqual(changes, [false]);
    assert.deepEqual(t.cadenza.subscriptions.list(alice, {}), []);
    assert.equal(t.events.on(`user:${alice.userId}`, 'event.subscription.updated').length, 2);
  });

  test('klines need an offered interval; account stream types go through the account commands', async () => {
    const t = await world();
    await assert.rejects(t.cadenza.subscriptions.create(alice, { venue: 'PAPER', instruments: ['PAPER:BTC/USDT'], subscriptionType: 'MARKET.SUBSCRIPTION.KLINE' }), (e: DomainError) => e.code === 16002);
    await assert.rejects(t.cadenza.subscriptions.create(alice, { venue: 'PAPER', instruments: ['PAPER:BTC/USDT'], subscriptionType: 'MARKET.SUBSCRIPTION.KLINE', interval: '1d' }), (e: DomainError) => e.code === 16002);
    await assert.rejects(t.cadenza.subscriptions.create(alice, { venue: 'PAPER', subscriptionType: 'TRADING_ACCOUNT.SUBSCRIPTION.USER_DATA' }), (e: DomainError) => e.code === 16002);
    const k = await t.cadenza.subscriptions.create(alice, { venue: 'PAPER', instruments: ['PAPER:BTC/USDT'], subscriptionType: 'MARKET.SUBSCRIPTION.KLINE', interval: '5m' });
    assert.deepEqual(t.venue.feedCalls.at(-1)!.key, { kind: 'kline', symbol: 'BTC/USDT', interval: '5m' });
    assert.equal(k.length, 1);
    const tickers = await t.cadenza.subscriptions.create(alice, { venue: 'PAPER', subscriptionType: 'MARKET.SUBSCRIPTION.TICKER' });
    assert.equal(tickers.length, 2, 'no instruments = every instrument of the venue, for tickers');
  });

  test('account stream subscriptions belong to the account owner', async () => {
    const t = await world();
    const a = t.cadenza.tradingAccounts.create(alice, { venue: 'PAPER' });
    const s = t.cadenza.subscriptions.subscribeAccount(alice, { tradingAccountId: a.tradingAccountId, subscriptionType: 'TRADING_ACCOUNT.SUBSCRIPTION.USER_DATA' });
    assert.equal(t.cadenza.subscriptions.subscribeAccount(alice, { tradingAccountId: a.tradingAccountId, subscriptionType: 'TRADING_ACCOUNT.SUBSCRIPTION.USER_DATA' }).subscriptionId, s.subscriptionId);
    assert.equal(code(() => t.cadenza.subscriptions.subscribeAccount(bob, { tradingAccountId: a.tradingAccountId, subscriptionType: 'TRADING_ACCOUNT.SUBSCRIPTION.USER_DATA' })), 12001);
    assert.equal(t.cadenza.subscriptions.unsubscribeAccount(alice, { tradingAccountId: a.tradingAccountId }).status, 'TERMINATED');
    assert.deepEqual(await t.cadenza.subscriptions.listAccount(alice, { tradingAccountId: a.tradingAccountId }), []);
    assert.equal(code(() => t.cadenza.subscriptions.unsubscribeAccount(alice, { tradingAccountId: a.tradingAccountId })), 16001);
  });

  test('after a restart the feeds of ACTIVE market subscriptions are started again', async () => {
    const venue = new ScriptedVenue({ id: 'PAPER' });
    const t = await testCadenza({ venues: [venue] });
    await t.cadenza.subscriptions.create(alice, { venue: 'PAPER', instruments: ['PAPER:ETH/USDT'], subscriptionType: 'MARKET.SUBSCRIPTION.TRADE' });
    const venue2 = new ScriptedVenue({ id: 'PAPER' });
    const t2 = await testCadenza({ venues: [venue2], store: t.store });
    assert.deepEqual(venue2.feedCalls, [{ op: 'subscribe', key: { kind: 'trade', symbol: 'ETH/USDT' } }]);
    assert.equal(t2.cadenza.subscriptions.feeds.count('PAPER', { kind: 'trade', symbol: 'ETH/USDT' }), 1);
  });
});

describe('instrument catalogue', () => {
  test('a venue that cannot list its instruments keeps the cached catalogue; a slow one does not hold up the start', async () => {
    const first = new ScriptedVenue({ id: 'PAPER' });
    const t1 = await testCadenza({ venues: [first] });
    const down = new ScriptedVenue({ id: 'PAPER' });
    down.listInstruments = async () => {
      throw new Error('venue down');
    };
    const t2 = await testCadenza({ venues: [down], store: t1.store });
    assert.deepEqual(t2.cadenza.instruments.list().map((i) => i.spec.instrumentId), ['PAPER:BTC/USDT', 'PAPER:ETH/USDT']);

    const slow = new ScriptedVenue({ id: 'MOCK' });
    let release: () => void = () => undefined;
    slow.listInstruments = () => new Promise((resolve) => (release = () => resolve(new ScriptedVenue({ id: 'MOCK' }).instruments)));
    const t3 = await testCadenza({ venues: [slow], config: { instrumentListWaitMs: 20 } });
    assert.equal(t3.cadenza.instruments.list({ venue: 'MOCK' }).length, 0);
    release();
    await new Promise((r) => setImmediate(r));
    assert.equal(t3.cadenza.instruments.list({ venue: 'MOCK' }).length, 2, 'applied when the list arrives');
  });
});
