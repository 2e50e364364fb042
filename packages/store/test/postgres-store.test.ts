/**
 * The PostgreSQL domain store on a real PostgreSQL (started by the test): the shared Store contract (each test its own
 * database), migrations that run once however many
 * servers start together, write-behind batches that acknowledge only after COMMIT and that reads wait for, ids
 * PostgreSQL text cannot hold, and uniqueness that holds across processes (two stores on one database).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import type { Balance } from '@cadenza/domain';
import { sampleAccount, sampleOrder, storeContract } from '@cadenza/testkit';
import { startPostgres, type TestPostgres } from '@cadenza/testkit/services/postgres-server';
import { PgStore, domainMigrations, migrate } from '@cadenza/store/postgres';

let server: TestPostgres;
const open: PgStore[] = [];
const clients: pg.Client[] = [];

before(async () => {
  server = await startPostgres();
});
after(async () => {
  for (const s of open) await s.close(1000);
  for (const c of clients) await c.end();
  await server.stop();
});

async function store(url: string, onFatal: (err: Error) => void = (err) => assert.fail(err)): Promise<PgStore> {
  const s = await PgStore.open({ url, onFatal });
  open.push(s);
  return s;
}

async function psql(url: string): Promise<pg.Client> {
  const c = new pg.Client(url);
  await c.connect();
  clients.push(c);
  return c;
}

storeContract('PgStore', async () => store(await server.createDatabase()));

describe('migrations', () => {
  test('servers starting together apply each migration once; a second start changes nothing', async () => {
    const url = await server.createDatabase();
    const stores = await Promise.all([store(url), store(url), store(url)]);
    assert.equal(stores.length, 3);
    const db = await psql(url);
    const rows = (await db.query("SELECT version FROM cadenza_migrations WHERE component = 'domain'")).rows;
    assert.deepEqual(rows.map((r) => r.version), domainMigrations.map((m) => m.version));
    const pool = new pg.Pool({ connectionString: url });
    try {
      assert.deepEqual(await migrate(pool, 'domain', domainMigrations), { applied: [], unknown: [] });
      // A newer release's migration is left alone (rolling restart); an edited one stops the start.
      await db.query("INSERT INTO cadenza_migrations (component, version, name, checksum) VALUES ('domain', 999, 'from the future', 'x')");
      assert.deepEqual(await migrate(pool, 'domain', domainMigrations), { applied: [], unknown: [999] });
      const edited = domainMigrations.map((m) => ({ ...m, sql: `${m.sql}\n-- edited` }));
      await assert.rejects(migrate(pool, 'domain', edited), /differs from the one applied/);
    } finally {
      await pool.end();
    }
  });

  test('an unreachable database fails the start with a clear message and no password', async () => {
    const url = `postgres://cadenza:s3cret@127.0.0.1:${server.port + 1}/nope`;
    await assert.rejects(PgStore.open({ url, connectTimeoutMs: 2000 }), (err: Error) => {
      assert.match(err.message, /cannot use the database at postgres:\/\/cadenza:\*\*\*@127\.0\.0\.1:\d+\/nope/);
      assert.match(err.message, /CADENZA_DATABASE_URL/);
      assert.doesNotMatch(err.message, /s3cret/);
      return true;
    });
  });
});

describe('write-behind', () => {
  test('acknowledges a turn of transactions in one commit, after it is visible to another connection', async () => {
    const url = await server.createDatabase();
    const s = await store(url);
    const db = await psql(url);
    s.insertTradingAccount(sampleAccount());
    for (let i = 0; i < 50; i++) {
      s.transaction(() => s.insertOrder(sampleOrder({ tradeOrderId: `o-${i}`, clientOrderId: `c-${i}` })));
    }
    assert.equal(s.backlog, 51, 'nothing is committed synchronously');
    const seen = await new Promise<number>((resolve) => s.afterCommit(() => void db.query('SELECT count(*)::int AS n FROM orders').then((r) => resolve(r.rows[0].n))));
    assert.equal(seen, 50, 'every order of the turn was committed when the callback ran');
    assert.equal(s.backlog, 0);
    const writers = (await db.query('SELECT batch FROM cadenza_store_writers')).rows;
    assert.deepEqual(writers.map((w) => Number(w.batch)), [1], 'the 51 transactions of one turn were one batch');
  });

  test('balances: each written once per batch, in its latest state; a replacement voids what was held for the account before it; a failed nested unit changes none', async () => {
    const url = await server.createDatabase();
    const s = await store(url);
    const db = await psql(url);
    await db.query(`CREATE TABLE balance_writes (n int NOT NULL); INSERT INTO balance_writes VALUES (0);
      CREATE FUNCTION count_balance_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE balance_writes SET n = n + 1; RETURN NULL; END $$;
      CREATE TRIGGER balance_writes AFTER INSERT OR UPDATE ON balances FOR EACH ROW EXECUTE FUNCTION count_balance_write();`);
    const writes = async () => (await db.query('SELECT n FROM balance_writes')).rows[0].n as number;
    const bal = (tradingAccountId: string, asset: string, free: string): Balance => ({
      balanceId: `${tradingAccountId}-${asset}`, tradingAccountId, asset, free, locked: '0', createdAt: 1, updatedAt: 1,
    });
    const stored = async () => (await s.loadBalances()).map((b) => `${b.tradingAccountId} ${b.asset} ${b.free}`);

    for (let i = 1; i <= 20; i++) s.transaction(() => s.upsertBalance(bal('A', 'USDT', String(1000 - i))));
    s.transaction(() => {
      s.upsertBalance(bal('B', 'BTC', '1'));
      s.upsertBalance(bal('B', 'ETH', '2'));
    });
    s.transaction(() => s.replaceBalances('B', [bal('B', 'USDT', '3')]));
    s.transaction(() => s.upsertBalance(bal('B', 'USDT', '4')));
    s.transaction(() => {
      s.upsertBalance(bal('A', 'BTC', '9'));
      assert.throws(() => s.transaction(() => {
        s.upsertBalance(bal('A', 'USDT', '0'));
        s.replaceBalances('A', []);
        throw new Error('inner');
      }));
    });
    assert.deepEqual(await stored(), ['A BTC 9', 'A USDT 980', 'B USDT 4']);
    assert.equal(await writes(), 3, 'one upsert per balance the batch changed');

    // In a later batch: the replacement deletes what earlier batches wrote.
    s.replaceBalances('A', [bal('A', 'USDT', '5')]);
    assert.deepEqual(await stored(), ['A USDT 5', 'B USDT 4']);
    assert.equal(await writes(), 4);
  });

  test('reads see every write made before them; nested failures discard only their own writes', async () => {
    const s = await store(await server.createDatabase());
    s.transaction(() => {
      s.insertTradingAccount(sampleAccount());
      s.insertOrder(sampleOrder());
      s.updateOrder(sampleOrder({ status: 'ACCEPTED', externalOrderId: 'x-1' }));
      assert.throws(() =>
        s.transaction(() => {
          s.insertOrder(sampleOrder({ tradeOrderId: 'lost', clientOrderId: 'lost' }));
          s.updateOrder(sampleOrder({ status: 'FILLED' }));
          throw new Error('inner');
        }),
      );
    });
    assert.equal((await s.getOrder(sampleOrder().tradeOrderId))?.status, 'ACCEPTED');
    assert.equal(await s.getOrder('lost'), undefined);
    assert.equal((await s.findOrderByExternalOrderId(sampleOrder().tradingAccountId, 'x-1'))?.tradeOrderId, sampleOrder().tradeOrderId);
    // the failed block's key is free again
    s.insertOrder(sampleOrder({ tradeOrderId: 'again', clientOrderId: 'lost' }));
    assert.equal((await s.loadOrderKeys()).find((k) => k.clientOrderId === 'lost')?.tradeOrderId, 'again');
  });

  test('ids PostgreSQL text cannot hold round-trip exactly and stay distinct', async () => {
    const s = await store(await server.createDatabase());
    const odd = ['nul\u0000inside', 'lone\uD800surrogate', '\u0001"starts-with-marker"', 'nul\uFFFDinside', "quote'and\\backslash"];
    odd.forEach((clientOrderId, i) => s.insertOrder(sampleOrder({ tradeOrderId: `odd-${i}`, clientOrderId, idempotencyKey: clientOrderId })));
    const keys = await s.loadOrderKeys();
    assert.deepEqual(keys.map((k) => k.clientOrderId).sort(), [...odd].sort());
    assert.deepEqual(keys.map((k) => k.idempotencyKey).sort(), [...odd].sort());
    for (const [i, id] of odd.entries()) assert.equal((await s.listOrders({ tradeOrderId: `odd-${i}` }, { offset: 0, limit: 1 })).items[0]?.clientOrderId, id);
    assert.equal((await s.getOrder('odd-0'))?.clientOrderId, odd[0]);
    assert.throws(() => s.insertOrder(sampleOrder({ tradeOrderId: 'dup', clientOrderId: odd[1] })), /duplicate/);
  });

  test('a clientOrderId taken at the same moment by another process: one order is stored, the loser stops instead of acknowledging', async () => {
    const url = await server.createDatabase();
    const failures: Array<['a' | 'b', Error]> = [];
    const a = await store(url, (err) => failures.push(['a', err]));
    const b = await store(url, (err) => failures.push(['b', err]));
    const acked: string[] = [];
    // Both commit in the same turn, on two connections: whichever PostgreSQL takes first wins.
    a.insertOrder(sampleOrder({ tradeOrderId: 'from-a', clientOrderId: 'same' }));
    a.afterCommit(() => acked.push('from-a'));
    b.insertOrder(sampleOrder({ tradeOrderId: 'from-b', clientOrderId: 'same' }));
    b.afterCommit(() => acked.push('from-b'));
    await new Promise<void>((resolve) => {
      const poll = () => (failures.length && acked.length ? resolve() : setTimeout(poll, 10));
      poll();
    });
    const rows = (await (await psql(url)).query("SELECT trade_order_id FROM orders WHERE client_order_id = 'same'")).rows;
    assert.equal(rows.length, 1, 'the database holds one order for the key');
    const winner = rows[0].trade_order_id as string;
    assert.deepEqual(acked, [winner], 'only the stored order is acknowledged');
    assert.equal(failures.length, 1);
    const [loser, err] = failures[0]!;
    assert.equal(`from-${loser}`, winner === 'from-a' ? 'from-b' : 'from-a');
    assert.match(err.message, /refused 1 write/);
    assert.match(String((err.cause as Error).message), /orders_client_order_id/);
    const stopped = loser === 'a' ? a : b;
    assert.throws(() => stopped.insertOrder(sampleOrder({ tradeOrderId: 'later', clientOrderId: 'later' })), (e: Error & { code?: number }) => e.code === 10003);
  });

  test('an idempotencyKey already stored by another process is refused by the database too', async () => {
    const url = await server.createDatabase();
    const failures: Error[] = [];
    const a = await store(url);
    a.insertOrder(sampleOrder({ tradeOrderId: 'first', clientOrderId: 'c-1', idempotencyKey: 'k' }));
    await a.flush();
    const b = await store(url, (err) => failures.push(err));
    b.insertOrder(sampleOrder({ tradeOrderId: 'second', clientOrderId: 'c-2', idempotencyKey: 'k' }));
    await new Promise<void>((resolve) => {
      const poll = () => (failures.length ? resolve() : setTimeout(poll, 10));
      poll();
    });
    assert.match(String((failures[0]!.cause as Error).message), /orders_idempotency_key/);
    assert.deepEqual((await (await psql(url)).query("SELECT trade_order_id FROM orders WHERE idempotency_key = 'k'")).rows.map((r) => r.trade_order_id), ['first']);
  });

  test('fills: a duplicate (tradeOrderId, tradeId) answers false and writes nothing, also after a reopen while the order is open', async () => {
    const url = await server.createDatabase();
    const s = await store(url);
    const fill = { executionId: '20000000-0000-4000-8000-000000000001', tradeOrderId: sampleOrder().tradeOrderId, instrumentId: 'PAPER:BTC/USDT', tradingAccountId: 'a', venue: 'PAPER', tradeId: 't-1', side: 'BUY' as const, price: '1', quantity: '1', fee: '0', feeAsset: 'BTC', liquidity: 'TAKER' as const, timestamp: 1 };
    s.insertOrder(sampleOrder({ status: 'PARTIALLY_FILLED' }));
    assert.equal(s.insertFill(fill), true);
    assert.equal(s.insertFill({ ...fill, price: '2' }), false);
    await s.close();
    const reopened = await store(url);
    assert.equal(reopened.insertFill({ ...fill, price: '3' }), false, 'fills of open orders are known after a restart');
    assert.equal(reopened.insertFill({ ...fill, tradeId: 't-2' }), true);
    assert.deepEqual((await reopened.listFills(fill.tradeOrderId)).map((f) => f.price), ['1', '1']);
  });
});
