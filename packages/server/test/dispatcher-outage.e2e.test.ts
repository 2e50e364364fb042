/**
 * A read that fails because PostgreSQL is away is answered at once, even while writes made before it wait for the
 * database: the dispatcher holds an answer for pending writes only when it may acknowledge them. Real parts: the
 * domain on a PgStore over a private PostgreSQL that the test halts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PgStore } from '@cadenza/store/postgres';
import { startPostgres, type TestPostgres } from '@cadenza/testkit/services/postgres-server';
import { alice, testCadenza, type TestCadenza } from '@cadenza/testkit';
import { createRpcDispatcher, type RpcDispatcher } from '../src/rpc/rpc-dispatcher.ts';

let postgres: TestPostgres;
let store: PgStore;
let world: TestCadenza;
let rpc: RpcDispatcher;

before(async () => {
  postgres = await startPostgres();
  store = await PgStore.open({ url: await postgres.createDatabase(), probeMs: 50 });
  world = await testCadenza({ store });
  rpc = createRpcDispatcher(world.cadenza, { system: { database: () => store.isHealthy() } });
});
after(async () => {
  await world.cadenza.stop();
  await store.close();
  await postgres.stop();
});

test('a failed read during an outage answers 10003 without waiting for the writes the database holds', async () => {
  const created = await rpc.dispatch(alice, 'command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'held' } });
  assert.ok('result' in created && !created.result.error, JSON.stringify(created));
  const account = (created.result.data as { tradingAccountId: string }).tradingAccountId;

  await postgres.halt();
  while (store.isHealthy()) await new Promise((r) => setTimeout(r, 20));
  // A write the domain made while the database is away (as a venue's fill would): held, not committed.
  let committed = false;
  store.appendOperation({ operationId: 'op-held', tradingAccountId: account, timestamp: Date.now(), operateBy: 'system', tags: [] });
  store.afterCommit(() => (committed = true));
  assert.ok(store.backlog > 0, 'the write is held');

  const listed = await rpc.dispatch(alice, 'query.trade_order.list', { tradingAccountId: account });
  assert.ok('result' in listed);
  assert.equal(listed.result.error?.code, 10003);
  assert.equal(listed.result.error?.temporary, true);
  assert.equal(committed, false, 'answered while the write still waits for the database');

  await postgres.start();
  while (!committed) await new Promise((r) => setTimeout(r, 20));
});
