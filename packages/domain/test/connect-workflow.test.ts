import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testCadenza, alice, bob, paperAndCredentialedVenue, refusal as refusalOf, type Refusable } from '@cadenza/testkit';
import { operationKind } from '@cadenza/domain';

const refusal = async (op: Refusable) => (await refusalOf(op)).errorName;
const world = () => testCadenza({ venues: paperAndCredentialedVenue() });

describe('connect without an account (the REST workflow)', () => {
  test('a credential made on its own is attached by connect, which creates the account and connects it', async () => {
    const t = await world();
    const cred = t.cadenza.credentials.create(alice, { venue: 'BINANCE', credentialType: 'HMAC', apiKey: 'good-1234567890', secretKey: 'secret' });
    assert.equal(cred.tradingAccountId, undefined);
    assert.equal(cred.userId, alice.userId);
    const account = await t.cadenza.tradingAccounts.connect(alice, { venue: 'BINANCE', externalAccountId: 'sub-1', nickname: 'main', credentials: [{ credentialId: cred.credentialId }] });
    assert.equal(account.status, 'ACTIVE');
    assert.deepEqual(account.credentialIds, [cred.credentialId]);
    assert.equal(account.externalAccountId, 'sub-1');
    assert.equal(account.nickname, 'main');
    // The same venue account again: the same trading account, not a second one.
    const again = await t.cadenza.tradingAccounts.connect(alice, { venue: 'BINANCE', externalAccountId: 'sub-1', credentials: [{ credentialId: cred.credentialId }] });
    assert.equal(again.tradingAccountId, account.tradingAccountId);
    assert.equal((await t.cadenza.tradingAccounts.list(alice, { venue: 'BINANCE' }, { offset: 0, limit: 10 })).total, 1);
    // Verify answers the accounts the credential is attached to, though it was made without one.
    assert.deepEqual((await t.cadenza.credentials.verify(alice, [cred.credentialId])).map((a) => a.tradingAccountId), [account.tradingAccountId]);
  });

  test("another user's live account on the same venue account is a conflict; a venue needing keys wants them first", async () => {
    const t = await world();
    const mine = t.cadenza.credentials.create(alice, { venue: 'BINANCE', credentialType: 'HMAC', apiKey: 'good-1234567890', secretKey: 'secret' });
    await t.cadenza.tradingAccounts.connect(alice, { venue: 'BINANCE', externalAccountId: 'shared', credentials: [{ credentialId: mine.credentialId }] });
    const theirs = t.cadenza.credentials.create(bob, { venue: 'BINANCE', credentialType: 'HMAC', apiKey: 'key-abcdefghij', secretKey: 'secret' });
    assert.equal(await refusal(t.cadenza.tradingAccounts.connect(bob, { venue: 'BINANCE', externalAccountId: 'shared', credentials: [{ credentialId: theirs.credentialId }] })), 'EXTERNAL_ACCOUNT_TAKEN');
    assert.equal(await refusal(t.cadenza.tradingAccounts.connect(bob, { venue: 'BINANCE', externalAccountId: 'other' })), 'CREDENTIAL_REQUIRED');
    // Someone else's credential is not found, and nothing was created on the way.
    assert.equal(await refusal(t.cadenza.tradingAccounts.connect(bob, { venue: 'BINANCE', credentials: [{ credentialId: mine.credentialId }] })), 'CREDENTIAL_NOT_FOUND');
    assert.equal((await t.cadenza.tradingAccounts.list(bob, {}, { offset: 0, limit: 10 })).total, 0);
    assert.equal(await refusal(t.cadenza.tradingAccounts.connect(bob, { nickname: 'no venue' })), 'INVALID_ACCOUNT_PARAMETERS');
  });

  test('PAPER needs no credential: each connect without an external account makes a new funded account', async () => {
    const t = await world();
    const a = await t.cadenza.tradingAccounts.connect(alice, { venue: 'PAPER' });
    const b = await t.cadenza.tradingAccounts.connect(alice, { venue: 'PAPER' });
    assert.notEqual(a.tradingAccountId, b.tradingAccountId);
    assert.equal(a.status, 'ACTIVE');
  });
});

describe('account history queries', () => {
  test('filter by the contract operation type and time, over one account or all of the caller', async () => {
    const t = await world();
    const a = t.cadenza.tradingAccounts.create(alice, { venue: 'PAPER' });
    const b = t.cadenza.tradingAccounts.create(alice, { venue: 'PAPER' });
    t.cadenza.tradingAccounts.create(bob, { venue: 'PAPER' });
    t.cadenza.tradingAccounts.disable(alice, a.tradingAccountId);
    t.cadenza.tradingAccounts.enable(alice, a.tradingAccountId);
    t.cadenza.tradingAccounts.disable(alice, b.tradingAccountId);
    const page = { offset: 0, limit: 50 };
    const disables = await t.cadenza.tradingAccounts.operations(alice, { operationType: 'DISABLE' }, page);
    assert.deepEqual(new Set(disables.items.map((o) => o.tradingAccountId)), new Set([a.tradingAccountId, b.tradingAccountId]));
    assert.equal(disables.total, 2);
    const all = await t.cadenza.tradingAccounts.operations(alice, {}, page);
    assert.equal(all.total, 5, 'two creations, two disables, one enable; bob’s account is not the caller’s');
    assert.deepEqual(all.items.map((o) => operationKind(o).type).sort(), ['DISABLE', 'DISABLE', 'ENABLE', 'UPDATE', 'UPDATE']);
    const times = all.items.map((o) => o.timestamp);
    assert.deepEqual(times, [...times].sort((x, y) => y - x), 'newest first');
    assert.equal((await t.cadenza.tradingAccounts.operations(alice, { from: times[0]! + 1 }, page)).total, 0);
    assert.equal((await t.cadenza.tradingAccounts.operations(alice, { tradingAccountId: a.tradingAccountId, to: times.at(-1)! - 1 }, page)).total, 0);
    const second = await t.cadenza.tradingAccounts.operations(alice, {}, { offset: 1, limit: 2 });
    assert.deepEqual(second.items, all.items.slice(1, 3));
  });

  test('operation kinds: failed connects, credential changes and deletions', () => {
    assert.deepEqual(operationKind({ operationType: 'CONNECT', tags: ['FAILED'] }), { type: 'CONNECT', status: 'FAILED' });
    assert.deepEqual(operationKind({ operationType: 'CONNECTED', tags: [] }), { type: 'CONNECT', status: 'SUCCESS' });
    assert.deepEqual(operationKind({ tags: ['CREDENTIAL_ROTATE'] }), { type: 'CREDENTIAL_ROTATE', status: 'SUCCESS' });
    assert.deepEqual(operationKind({ operationType: 'DELETED', tags: [] }), { type: 'DISCONNECT', status: 'SUCCESS' });
    assert.deepEqual(operationKind({ tags: ['CREDENTIAL_ATTACHED'] }), { type: 'UPDATE', status: 'SUCCESS' });
  });

  test('list by owner: another user id matches nothing unless the caller is an admin', async () => {
    const t = await world();
    t.cadenza.tradingAccounts.create(alice, { venue: 'PAPER', tenantId: 'desk-1' });
    t.cadenza.tradingAccounts.create(alice, { venue: 'PAPER' });
    const page = { offset: 0, limit: 10 };
    assert.equal((await t.cadenza.tradingAccounts.list(bob, { userId: alice.userId }, page)).total, 0);
    assert.equal((await t.cadenza.tradingAccounts.list(alice, { userId: alice.userId }, page)).total, 2);
    assert.equal((await t.cadenza.tradingAccounts.list(alice, { tenantId: 'desk-1' }, page)).total, 1);
  });
});

describe('account stream subscriptions by id alone', () => {
  test("unsubscribe finds the account from the subscription; someone else's is not found", async () => {
    const t = await world();
    const a = t.cadenza.tradingAccounts.create(alice, { venue: 'PAPER' });
    const sub = t.cadenza.subscriptions.subscribeAccount(alice, { tradingAccountId: a.tradingAccountId, subscriptionType: 'TRADING_ACCOUNT.SUBSCRIPTION.USER_DATA' });
    assert.equal((await t.cadenza.subscriptions.listAccount(alice, {})).length, 1);
    assert.equal((await t.cadenza.subscriptions.listAccount(bob, {})).length, 0);
    assert.equal(await refusal(() => t.cadenza.subscriptions.unsubscribeAccount(bob, { subscriptionId: sub.subscriptionId })), 'SUBSCRIPTION_NOT_FOUND');
    assert.equal(t.cadenza.subscriptions.unsubscribeAccount(alice, { subscriptionId: sub.subscriptionId }).status, 'TERMINATED');
    assert.equal((await t.cadenza.subscriptions.listAccount(alice, {})).length, 0);
  });
});
