/**
 * Reconciliation of open orders with a venue that keeps its own ledger (ScriptedVenue in `ledger: 'venue'` mode, one
 * instance shared by two Cadenza instances on one SQLite file to play a restart; `muted` plays the time the venue's
 * reports were lost).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '@cadenza/store';
import { ScriptedVenue, SequentialIds, alice, testCadenza, type TestCadenza } from '@cadenza/testkit';
import type { CadenzaConfig } from '@cadenza/domain';

const VENUE_BALANCES = [
  { asset: 'USDT', free: '90000', locked: '0' },
  { asset: 'BTC', free: '0.5', locked: '0' },
];

function binance(): ScriptedVenue {
  return new ScriptedVenue({ id: 'BINANCE', ledger: 'venue', requiresCredential: true, balances: VENUE_BALANCES });
}

async function connectedAccount(t: TestCadenza): Promise<string> {
  const a = t.cadenza.tradingAccounts.create(alice, { venue: 'BINANCE' });
  t.cadenza.credentials.create(alice, { tradingAccountId: a.tradingAccountId, venue: 'BINANCE', credentialType: 'HMAC', apiKey: 'good-0123456789', secretKey: 's' });
  await t.cadenza.tradingAccounts.connect(alice, { tradingAccountId: a.tradingAccountId });
  return a.tradingAccountId;
}

function buy(t: TestCadenza, tradingAccountId: string, clientOrderId: string, quantity = '0.1') {
  return t.cadenza.orders.submit(alice, { tradingAccountId, tradeOrder: { instrumentId: 'BINANCE:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity, limitPrice: '40000', clientOrderId } });
}

const order = (t: TestCadenza, tradeOrderId: string) => t.cadenza.orders.get(alice, { tradeOrderId });
const usdt = (t: TestCadenza, id: string) => t.cadenza.portfolios.get(alice, id).balances!.find((b) => b.securitySymbol === 'USDT')!;

/** Resolves when `check` holds (reconciliation retries run on timers). */
async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Runs `body` with a first Cadenza, "crashes" it (reports lost from then on), then starts a second on the same file. */
async function restart(
  venue: ScriptedVenue,
  config: Partial<CadenzaConfig>,
  before: (t: TestCadenza) => Promise<unknown>,
  whileDown: () => void,
  after: (t: TestCadenza) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-reconcile-'));
  try {
    const path = join(dir, 'd.db');
    const t1 = await testCadenza({ store: new SqliteStore({ path }), venues: [venue], config });
    await before(t1);
    venue.muted = true;
    await t1.cadenza.stop();
    await t1.store.close();
    whileDown();
    venue.muted = false;
    const t2 = await testCadenza({ store: new SqliteStore({ path }), venues: [venue], config, ids: new SequentialIds('22222222') });
    try {
      await after(t2);
    } finally {
      await t2.cadenza.stop();
      await t2.store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('reconciliation with a venue that keeps the ledger', () => {
  test('after a restart: missed fills are booked once, then the end; unknown SUBMITTED is rejected; a pending cancel is sent again; balances come from the venue', async () => {
    const venue = binance();
    const ids = { partly: '', filled: '', resting: '', lost: '', cancelling: '' };
    let accountId = '';
    await restart(
      venue,
      { unknownOrderGraceMs: 0 },
      async (t1) => {
        accountId = await connectedAccount(t1);
        ids.partly = (await buy(t1, accountId, 'partly')).tradeOrderId;
        ids.filled = (await buy(t1, accountId, 'filled')).tradeOrderId;
        ids.resting = (await buy(t1, accountId, 'resting')).tradeOrderId;
        venue.dropNextSubmit();
        ids.lost = (await buy(t1, accountId, 'lost')).tradeOrderId;
        ids.cancelling = (await buy(t1, accountId, 'cancelling')).tradeOrderId;
        venue.dropNextCancel();
        assert.equal((await t1.cadenza.orders.cancel(alice, { tradingAccountId: accountId, tradeOrderId: ids.cancelling })).status, 'PENDING_CANCEL');
        venue.fillResting(ids.filled, '0.04'); // booked live before the crash
        assert.equal((await order(t1, ids.lost)).status, 'SUBMITTED');
        assert.equal((await order(t1, ids.filled)).executedQuantity, '0.04');
      },
      () => {
        venue.fillResting(ids.partly, '0.03');
        venue.cancelResting(ids.partly);
        venue.fillResting(ids.filled); // the remaining 0.06
        venue.setBalances([{ asset: 'USDT', free: '12345.6', locked: '4000' }, { asset: 'BTC', free: '0.63', locked: '0' }]);
      },
      async (t2) => {
        await t2.cadenza.orders.reconciled();
        const partly = (await order(t2, ids.partly));
        assert.equal(partly.status, 'CANCELLED');
        assert.equal(partly.cancelReason, 'cancelled on the venue');
        assert.equal(partly.executedQuantity, '0.03');
        assert.equal(partly.lockedAmount, '0');
        assert.equal((await t2.store.listFills(ids.partly)).length, 1);

        const filled = (await order(t2, ids.filled));
        assert.equal(filled.status, 'FILLED');
        assert.equal(filled.executedQuantity, '0.1');
        assert.deepEqual((await t2.store.listFills(ids.filled)).map((f) => f.quantity).sort(), ['0.04', '0.06'], 'the fill booked before the crash is not booked again');

        assert.equal((await order(t2, ids.resting)).status, 'ACCEPTED', 'an order still working on the venue stays open');
        const lost = (await order(t2, ids.lost));
        assert.equal(lost.status, 'REJECTED');
        assert.equal(lost.rejectReason, 'never reached the venue (server restarted)');
        assert.equal(lost.lockedAmount, '0');
        assert.equal((await order(t2, ids.cancelling)).status, 'CANCELLED', 'the cancel pending at the crash was sent again');

        assert.deepEqual([usdt(t2, accountId).free, usdt(t2, accountId).locked], ['12345.6', '4000'], 'balances are the venue snapshot');
        const pushed = t2.events.on(`tradingAccount:${accountId}`, 'event.trade_order.updated').map((e) => e.data as { tradeOrderId: string; status: string });
        assert.deepEqual(pushed.filter((e) => e.tradeOrderId === ids.partly).map((e) => e.status), ['PARTIALLY_FILLED', 'CANCELLED'], 'clients hear the fill and the end');

        // A second pass changes nothing: replaying the venue's fills is harmless.
        venue.resync(accountId);
        await t2.cadenza.orders.reconciled();
        assert.equal((await t2.store.listFills(ids.partly)).length, 1);
        assert.equal((await order(t2, ids.filled)).executedQuantity, '0.1');

        // The restored order still hears the venue live.
        venue.fillResting(ids.resting);
        assert.equal((await order(t2, ids.resting)).status, 'FILLED');
      },
    );
  });

  test('a venue that cannot be asked blocks nothing: the order stays as it is and is reconciled on a later try', async () => {
    const venue = binance();
    let accountId = '';
    let id = '';
    await restart(
      venue,
      { reconcileRetryMs: 20 },
      async (t1) => {
        accountId = await connectedAccount(t1);
        id = (await buy(t1, accountId, 'a')).tradeOrderId;
      },
      () => {
        venue.fillResting(id);
        venue.failQueries(2);
      },
      async (t2) => {
        await t2.cadenza.orders.reconciled();
        assert.equal((await order(t2, id)).status, 'ACCEPTED', 'left as it was while the venue is unreachable');
        await eventually(async () => (await order(t2, id)).status === 'FILLED', 'the retry to book the fill');
        assert.ok(venue.queries.length >= 3, 'asked again after the failures');
        assert.equal((await t2.store.listFills(id)).length, 1);
      },
    );
  });

  test('start does not wait for a venue that does not answer', async () => {
    const venue = binance();
    let accountId = '';
    let id = '';
    await restart(
      venue,
      {},
      async (t1) => {
        accountId = await connectedAccount(t1);
        id = (await buy(t1, accountId, 'h')).tradeOrderId;
      },
      () => {
        venue.queryOrder = () => new Promise(() => undefined);
      },
      async (t2) => {
        assert.equal((await order(t2, id)).status, 'ACCEPTED');
        assert.equal(t2.cadenza.orders.openOrderCount(), 1);
      },
    );
  });

  test('resync: a fill whose report was lost is booked when the venue says it may have missed something; balances refresh', async () => {
    const venue = binance();
    const t = await testCadenza({ venues: [venue] });
    const accountId = await connectedAccount(t);
    const o = await buy(t, accountId, 'r1');
    venue.muted = true;
    venue.fillResting(o.tradeOrderId, '0.025');
    venue.setBalances([{ asset: 'USDT', free: '89000', locked: '2990' }]);
    venue.muted = false;
    assert.equal((await order(t, o.tradeOrderId)).status, 'ACCEPTED');
    venue.resync(accountId);
    await t.cadenza.orders.reconciled();
    const got = (await order(t, o.tradeOrderId));
    assert.equal(got.status, 'PARTIALLY_FILLED');
    assert.equal(got.executedQuantity, '0.025');
    assert.deepEqual([usdt(t, accountId).free, usdt(t, accountId).locked], ['89000', '2990']);
    await t.cadenza.stop();
  });

  test('an acknowledged order the venue no longer knows is cancelled with the reason', async () => {
    const venue = binance();
    const t = await testCadenza({ venues: [venue], config: { unknownOrderGraceMs: 0 } });
    const accountId = await connectedAccount(t);
    const o = await buy(t, accountId, 'gone');
    venue.forget(o.tradeOrderId);
    venue.resync(accountId);
    await t.cadenza.orders.reconciled();
    const got = (await order(t, o.tradeOrderId));
    assert.equal(got.status, 'CANCELLED');
    assert.equal(got.cancelReason, 'not found on the venue when reconciling');
    assert.equal(got.lockedAmount, '0');
    await t.cadenza.stop();
  });

  test('a SUBMITTED order the venue does not know yet is left alone until the grace has passed', async () => {
    const venue = binance();
    const t = await testCadenza({ venues: [venue], config: { unknownOrderGraceMs: 30_000 } });
    const accountId = await connectedAccount(t);
    venue.dropNextSubmit();
    const o = await buy(t, accountId, 'in-flight');
    venue.resync(accountId);
    await t.cadenza.orders.reconciled();
    assert.equal((await order(t, o.tradeOrderId)).status, 'SUBMITTED', 'its request may still be on the way');
    t.clock.advance(30_000);
    venue.resync(accountId);
    await t.cadenza.orders.reconciled();
    const got = (await order(t, o.tradeOrderId));
    assert.equal(got.status, 'REJECTED');
    assert.equal(got.rejectReason, 'never reached the venue');
    await t.cadenza.stop();
  });
});
