/**
 * An accepted quote's rows in the SQLite store (sqlite-unit-of-work.ts): the order, its fill, the quote, both
 * accounts' positions and the four ledger entries are held until the call ends and written without a savepoint, the
 * dealer's exposure until the group commits — and a call whose rows fail is still undone alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleFill, sampleOrder, samplePosition, preparedBy } from '@cadenza/testkit';
import type { Exposure, LedgerEntry, Position, QuoteRecord } from '@cadenza/domain';
import { SqliteStore } from './sqlite-store.ts';

const DEALER = 'd0000000-0000-4000-8000-000000000001';

const quote = (over: Partial<QuoteRecord> = {}): QuoteRecord => ({
  quoteId: 'q-1', userId: 'user-a', dealerAccountId: DEALER, instrumentId: 'FERMATA:BTC/USDT', symbol: 'BTC/USDT',
  baseAsset: 'BTC', quoteAsset: 'USDT', side: 'BUY', quantityType: 'BASE', quantity: '0.5', quoteQuantity: '25000.5', price: '50001', status: 'ACCEPTED',
  pricingProfileId: 'p', createdAt: 2_000, updatedAt: 2_000, expireAt: 12_000, ...over,
});

/** A fill's four entries: the quote asset from buyer to seller, the base asset back. */
function entries(ref: string, n: number): LedgerEntry[] {
  const e = (i: number, walletId: string, asset: string, amount: string, counterpartyWalletId: string): LedgerEntry => ({
    entryId: `${ref}-e${i}`, walletId, asset, amount, balanceAfter: String(n * Number(amount)), kind: 'TRADE', referenceId: ref, counterpartyWalletId, createdAt: 3_000,
  });
  return [e(1, 'w-trader', 'USDT', '-25000.5', 'w-dealer'), e(2, 'w-dealer', 'USDT', '25000.5', 'w-trader'), e(3, 'w-dealer', 'BTC', '-0.5', 'w-trader'), e(4, 'w-trader', 'BTC', '0.5', 'w-dealer')];
}

const exposure = (quantity: string): Exposure => ({ dealerAccountId: DEALER, symbol: 'BTC/USDT', quantity, updatedAt: 3_000 });

/** What an accept writes, as the quote desk's unit does (the fill booked in a nested unit). */
function accept(s: SqliteStore, n: number, over: { dealerPosition?: string; entries?: LedgerEntry[]; quoteRequestId?: string; dealerStored?: Position | null } = {}): void {
  const id = `10000000-0000-4000-8000-00000000000${n}`;
  s.transaction(() => {
    s.insertOrder(sampleOrder({ tradeOrderId: id, clientOrderId: `c-${n}`, venue: 'FERMATA', orderType: 'QUOTED', status: 'FILLED' }));
    s.transaction(() => assert.equal(s.insertFill(sampleFill({ tradeOrderId: id, tradeId: `q-${n}` })), true));
    s.otc.appendLedgerEntries(over.entries ?? entries(`t-${n}`, n));
    const trader = samplePosition({ positionId: `trader-${n}`, tradingAccountId: `trader-${n}`, quantity: '0.5' });
    const dealer = samplePosition({ positionId: over.dealerPosition ?? 'dealer', tradingAccountId: DEALER, side: 'SHORT', quantity: String(0.5 * n), updatedAt: n });
    if (over.dealerStored === undefined) {
      s.upsertPosition(trader);
      s.upsertPosition(dealer);
    } else {
      // As the position book writes them: each with its stored state (a new one: none).
      s.upsertPosition(trader, null);
      s.upsertPosition(dealer, over.dealerStored);
    }
    s.otc.insertQuote(quote({ quoteId: `q-${n}`, tradeOrderId: id, ...(over.quoteRequestId ? { quoteRequestId: over.quoteRequestId } : {}) }));
    s.otc.upsertExposure(exposure(String(-0.5 * n)));
  });
}

const count = (s: SqliteStore, table: string) => (s.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

test('an accept in a group: its rows are written when the call ends without a savepoint, the exposure once per group', async () => {
  const s = new SqliteStore({ path: ':memory:', groupCommit: true });
  const prepared = preparedBy(s.db);
  accept(s, 1);
  accept(s, 2);
  assert.deepEqual(prepared.filter((t) => t.startsWith('SAVEPOINT')), [], 'no savepoint');
  assert.deepEqual([count(s, 'orders'), count(s, 'fills'), count(s, 'fermata_quotes'), count(s, 'fermata_ledger_entries'), count(s, 'trading_positions')], [2, 2, 2, 8, 3]);
  assert.equal(count(s, 'fermata_exposures'), 0, 'held until the group commits');
  assert.equal((await s.otc.getQuote('q-2'))?.tradeOrderId, '10000000-0000-4000-8000-000000000002');
  assert.deepEqual(await s.otc.loadExposures(), [exposure('-1')], 'a load sees the held exposure');
  s.transaction(() => s.otc.upsertExposure(exposure('-1.5')));
  await s.flush();
  assert.deepEqual(await s.otc.loadExposures(), [exposure('-1.5')]);
  assert.deepEqual((await s.otc.listLedgerEntries('w-dealer')).map((e) => e.entryId), ['t-1-e2', 't-1-e3', 't-2-e2', 't-2-e3']);
  assert.equal((await s.loadPositions()).find((p) => p.positionId === 'dealer')?.quantity, '1');
  await s.close();
});

test('a quote inserted and changed within one call is written once, in its latest state; a held quote is found by id', () => {
  const s = new SqliteStore({ path: ':memory:', groupCommit: true });
  s.transaction(() => {
    s.otc.insertQuote(quote({ status: 'CREATED' }));
    s.otc.updateQuote(quote({ status: 'ACCEPTED', tradeOrderId: 'o-1' }));
    assert.throws(() => s.otc.insertQuote(quote()), /twice/);
  });
  assert.deepEqual((s.db.prepare('SELECT status, body FROM fermata_quotes').all() as Array<{ status: string; body: string }>).map((r) => [r.status, (JSON.parse(r.body) as QuoteRecord).tradeOrderId]), [['ACCEPTED', 'o-1']]);
});

test('an accept whose ledger entries are refused is undone alone: order, fill and quote deleted, both positions put back', async () => {
  const s = new SqliteStore({ path: ':memory:', groupCommit: true });
  accept(s, 1);
  const dealerBefore = (await s.loadPositions()).find((p) => p.positionId === 'dealer');
  // An entry without its wallet (NOT NULL): the last statement of the call fails.
  assert.throws(() => accept(s, 2, { entries: [...entries('t-2', 2).slice(0, 3), { ...entries('t-2', 2)[3]!, walletId: null as never }] }), /NOT NULL/);
  assert.deepEqual([count(s, 'orders'), count(s, 'fills'), count(s, 'fermata_quotes'), count(s, 'fermata_ledger_entries')], [1, 1, 1, 4]);
  assert.equal(await s.otc.getQuote('q-2'), undefined);
  assert.deepEqual((await s.loadPositions()).map((p) => p.positionId).sort(), ['dealer', 'trader-1'], "the new trader's position is gone");
  assert.deepEqual((await s.loadPositions()).find((p) => p.positionId === 'dealer'), dealerBefore, "the dealer's position is as before");
  await s.flush();
  assert.deepEqual(await s.otc.loadExposures(), [exposure('-0.5')], "the failed call's exposure was dropped");
  accept(s, 2);
  await s.flush();
  assert.deepEqual([count(s, 'orders'), count(s, 'fermata_ledger_entries')], [2, 8], 'the accept can come again');
  await s.close();
});

test('an accept whose positions come with their stored states is undone from those states, none read back', async () => {
  const s = new SqliteStore({ path: ':memory:', groupCommit: true });
  accept(s, 1);
  const dealerBefore = (await s.loadPositions()).find((p) => p.positionId === 'dealer')!;
  const refused = [...entries('t-2', 2).slice(0, 3), { ...entries('t-2', 2)[3]!, walletId: null as never }];
  // The stated state is what goes back (a writer states what it stored; here one that differs, to tell them apart).
  const stated = { ...dealerBefore, quantity: '0.25', updatedAt: 7 };
  assert.throws(() => accept(s, 2, { entries: refused, dealerStored: stated }), /NOT NULL/);
  assert.deepEqual((await s.loadPositions()).map((p) => p.positionId).sort(), ['dealer', 'trader-1'], "the new trader's position (stated: none) is gone");
  assert.deepEqual((await s.loadPositions()).find((p) => p.positionId === 'dealer'), stated, "the dealer's position is back as stated");
  accept(s, 3, { dealerStored: stated });
  await s.flush();
  assert.deepEqual([count(s, 'orders'), count(s, 'fermata_ledger_entries'), count(s, 'trading_positions')], [2, 8, 3]);
  await s.close();
});

test("an accept whose dealer's position is refused is undone alone: the trader's position deleted again", async () => {
  const s = new SqliteStore({ path: ':memory:', groupCommit: true });
  accept(s, 1);
  // A second OPEN position in the dealer's slot breaks the open-slot index, after the trader's position was written.
  assert.throws(() => accept(s, 2, { dealerPosition: 'dealer-2' }), /UNIQUE/);
  assert.deepEqual([count(s, 'orders'), count(s, 'fills'), count(s, 'fermata_quotes'), count(s, 'fermata_ledger_entries')], [1, 1, 1, 4]);
  assert.deepEqual((await s.loadPositions()).map((p) => p.positionId).sort(), ['dealer', 'trader-1']);
  await s.flush();
  assert.deepEqual(await s.otc.loadExposures(), [exposure('-0.5')]);
  await s.close();
});

test("a user's quoteRequestId is taken once, checked without an index: within a call, after a reopen, and free again when the call that wrote its quote fails", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-otc-requests-'));
  const path = join(dir, 'cadenza.db');
  const dup = /duplicate quoteRequestId/;
  // The ledger entries are the accept's last statement: refused, after its quote's row was written.
  const refused = (n: number) => [...entries(`t-${n}`, n).slice(0, 3), { ...entries(`t-${n}`, n)[3]!, walletId: null as never }];
  try {
    let s = new SqliteStore({ path, groupCommit: true });
    assert.equal(s.db.prepare("SELECT name FROM sqlite_master WHERE name = 'fermata_quotes_request'").get(), undefined, 'no index');
    accept(s, 1, { quoteRequestId: 'r-1' });
    assert.throws(() => accept(s, 2, { quoteRequestId: 'r-1' }), dup);
    assert.throws(() => s.transaction(() => {
      s.otc.insertQuote(quote({ quoteId: 'q-a', status: 'CREATED', quoteRequestId: 'r-2' }));
      s.otc.insertQuote(quote({ quoteId: 'q-b', status: 'CREATED', quoteRequestId: 'r-2' }));
    }), dup, 'two held quotes of one call');
    s.transaction(() => s.otc.insertQuote(quote({ quoteId: 'q-c', userId: 'user-b', quoteRequestId: 'r-1' })));
    assert.throws(() => accept(s, 3, { quoteRequestId: 'r-3', entries: refused(3) }), /NOT NULL/);
    accept(s, 4, { quoteRequestId: 'r-3' });
    await s.close();
    // Without group commit the failed call is rolled back by its transaction rather than undone by hand.
    s = new SqliteStore({ path, groupCommit: false });
    assert.throws(() => s.transaction(() => s.otc.insertQuote(quote({ quoteId: 'q-9', quoteRequestId: 'r-1' }))), dup, 'read back from the table');
    assert.throws(() => s.transaction(() => s.otc.insertQuote(quote({ quoteId: 'q-9', userId: 'user-b', quoteRequestId: 'r-1' }))), dup);
    assert.throws(() => s.transaction(() => s.otc.insertQuote(quote({ quoteId: 'q-9', quoteRequestId: 'r-3' }))), dup);
    assert.throws(() => accept(s, 5, { quoteRequestId: 'r-5', entries: refused(5) }), /NOT NULL/);
    accept(s, 6, { quoteRequestId: 'r-5' });
    s.transaction(() => s.otc.insertQuote(quote({ quoteId: 'q-10', status: 'CREATED', quoteRequestId: 'r-2' })));
    assert.deepEqual((await s.otc.loadQuoteKeys()).map((k) => `${k.userId} ${k.quoteRequestId} ${k.quoteId}`).sort(), [
      'user-a r-1 q-1', 'user-a r-2 q-10', 'user-a r-3 q-4', 'user-a r-5 q-6', 'user-b r-1 q-c',
    ]);
    await s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
