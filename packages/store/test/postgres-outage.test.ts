/**
 * The PostgreSQL store when the database goes away: writes already accepted are held (not acknowledged) and committed
 * once it is back, reads fail with the temporary STORE_UNAVAILABLE meanwhile; a database that goes silent without
 * closing its connections (a partition) is noticed while idle; a COMMIT whose answer is lost is neither lost nor
 * written twice; memory held for an unreachable database is bounded.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { sampleAccount, sampleOrder } from '@cadenza/testkit';
import { startPostgres, type TestPostgres } from '@cadenza/testkit/services/postgres-server';
import { tcpPartition } from '@cadenza/testkit/services/tcp-partition';
import { PgStore } from '@cadenza/store/postgres';

let server: TestPostgres;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server.stop();
});

const becomes = (s: PgStore, up: boolean) =>
  new Promise<void>((resolve) => (s.isHealthy() === up ? resolve() : s.onAvailabilityChange((now) => now === up && resolve())));

async function count(url: string, sqlText: string): Promise<number> {
  const c = new pg.Client(url);
  await c.connect();
  try {
    return (await c.query(sqlText)).rows[0].n as number;
  } finally {
    await c.end();
  }
}

test('the database goes away and comes back: reads fail as temporary, accepted writes wait and commit once, then all is well', async () => {
  const url = await server.createDatabase();
  const s = await PgStore.open({ url, probeMs: 100, onFatal: (err) => assert.fail(err) });
  try {
    s.insertTradingAccount(sampleAccount());
    await s.flush();
    await server.halt();
    const down = becomes(s, false);
    let acked = false;
    s.insertOrder(sampleOrder());
    s.afterCommit(() => (acked = true));
    await down;
    assert.equal(s.isHealthy(), false);
    await assert.rejects(s.loadTradingAccounts(), (err: Error & { code?: number; temporary?: boolean }) => {
      assert.equal(err.code, 10003);
      assert.equal(err.temporary, true);
      return true;
    });
    assert.equal(acked, false, 'nothing is acknowledged while the database is away');
    const up = becomes(s, true);
    await server.start();
    await up;
    await s.flush();
    assert.equal(acked, true);
    assert.equal((await s.getOrder(sampleOrder().tradeOrderId))?.clientOrderId, sampleOrder().clientOrderId);
    assert.equal(await count(url, 'SELECT count(*)::int AS n FROM orders'), 1);
  } finally {
    await s.close(1000);
  }
});

test('a database that goes silent without closing connections is noticed while idle, and its return too', async () => {
  const url = await server.createDatabase();
  const net = await tcpPartition(server.port);
  const s = await PgStore.open({ url: url.replace(`:${server.port}/`, `:${net.port}/`), probeMs: 100, watchMs: 100, onFatal: (err) => assert.fail(err) });
  try {
    s.insertTradingAccount(sampleAccount());
    await s.flush();
    const down = becomes(s, false);
    net.cut();
    await down;
    assert.equal(s.isHealthy(), false);
    const up = becomes(s, true);
    net.heal();
    await up;
    assert.equal((await s.loadTradingAccounts()).length, 1);
  } finally {
    await s.close(1000);
    await net.close();
  }
});

/** A TCP proxy to PostgreSQL that, when armed, swallows the next COMMIT's answer and cuts the connection. */
async function commitEater(port: number): Promise<{ port: number; arm(): void; eaten: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const state = { armed: false, eaten: 0 };
  const proxy: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port });
    for (const sock of [client, upstream]) {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
      sock.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      // CommandComplete 'C' carrying the tag "COMMIT": PostgreSQL has committed; the client never hears of it.
      if (state.armed && chunk.includes('COMMIT\0')) {
        state.armed = false;
        state.eaten++;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    port: (proxy.address() as { port: number }).port,
    arm: () => (state.armed = true),
    get eaten() {
      return state.eaten;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}

test('a COMMIT whose answer is lost is found committed on the retry: nothing lost, nothing written twice', async () => {
  const url = await server.createDatabase();
  const proxy = await commitEater(server.port);
  const viaProxy = url.replace(`:${server.port}/`, `:${proxy.port}/`);
  const s = await PgStore.open({ url: viaProxy, probeMs: 50, onFatal: (err) => assert.fail(err) });
  try {
    s.insertTradingAccount(sampleAccount());
    await s.flush();
    proxy.arm();
    for (let i = 0; i < 20; i++) s.insertOrder(sampleOrder({ tradeOrderId: `o-${i}`, clientOrderId: `c-${i}` }));
    await s.flush();
    assert.equal(proxy.eaten, 1, 'the answer to the batch was lost once');
    assert.equal(await count(url, 'SELECT count(*)::int AS n FROM orders'), 20);
    s.insertOrder(sampleOrder({ tradeOrderId: 'after', clientOrderId: 'after' }));
    await s.flush();
    assert.equal(await count(url, 'SELECT count(*)::int AS n FROM orders'), 21, 'the store goes on writing');
    assert.equal(s.isHealthy(), true);
  } finally {
    await s.close(1000);
    await proxy.close();
  }
});

test('writes held for an unreachable database are bounded: past the limit the store stops and says why', async () => {
  const url = await server.createDatabase();
  const fatal: Error[] = [];
  const s = await PgStore.open({ url, probeMs: 100, maxHeldUnits: 5, onFatal: (err) => fatal.push(err) });
  try {
    await server.halt();
    const down = becomes(s, false);
    for (let i = 0; i < 5; i++) s.insertOrder(sampleOrder({ tradeOrderId: `o-${i}`, clientOrderId: `c-${i}` }));
    await down;
    assert.throws(() => s.insertOrder(sampleOrder({ tradeOrderId: 'o-6', clientOrderId: 'c-6' })), (err: Error & { code?: number }) => err.code === 10003);
    assert.equal(fatal.length, 1);
    assert.match(fatal[0]!.message, /5 writes wait/);
  } finally {
    await s.close(200);
    await server.start();
  }
});
