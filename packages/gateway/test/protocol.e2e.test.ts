/**
 * The server side of the protocol, driven by a raw WebSocket client: framing and ordering rules, pings and pong
 * timeout, staleness, expiry, token refresh of subscriptions, the bounded write queue, and error replies.
 * Deadlines run on a fake clock the tests move, so a loaded machine cannot make a pong late or a token expire early.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeClock, mint, startGateway, until, type Running } from './harness.ts';
import { RawClient } from './raw-client.ts';

describe('protocol rules (raw client)', () => {
  let g: Running;
  const clients: RawClient[] = [];
  const clock = fakeClock();
  const mintAt = (claims: Parameters<typeof mint>[0]) => mint(claims, undefined, clock.now());
  before(async () => {
    g = await startGateway({
      now: clock.now,
      namespaces: {
        news: { historySize: 10, historyTtlSeconds: 60, forceRecovery: true },
        plain: {},
        secret: {},
      },
      pingIntervalMs: 1000,
      pongTimeoutMs: 400,
      staleCloseDelayMs: 300,
      clientExpiryGraceMs: 200,
    });
  });
  after(async () => {
    for (const c of clients) c.close();
    await g.close();
  });

  async function raw(protocol: 'json' | 'protobuf' = 'json', autoPong = true): Promise<RawClient> {
    const c = new RawClient(g.url, protocol, autoPong);
    clients.push(c);
    await c.opened();
    return c;
  }

  for (const protocol of ['json', 'protobuf'] as const) {
    test(`${protocol}: connect and subscribes in one frame are handled in order, replies carry the ids`, async () => {
      const c = await raw(protocol);
      c.send(
        { id: 1, connect: { token: await mintAt({ sub: 'u1' }), name: 'raw' } },
        { id: 2, subscribe: { channel: 'news:a', flag: 1 } },
        { id: 3, subscribe: { channel: 'plain:b' } },
      );
      const r1 = await c.waitReply(1);
      assert.equal(typeof (r1.connect as { client: string }).client, 'string');
      assert.equal((r1.connect as { ping: number }).ping, 1);
      assert.equal((r1.connect as { pong: boolean }).pong, true);
      const r2 = await c.waitReply(2);
      assert.equal((r2.subscribe as { recoverable: boolean }).recoverable, true);
      const r3 = await c.waitReply(3);
      assert.ok(r3.subscribe !== undefined && r3.error === undefined);
      assert.ok(c.replies.indexOf(r1) < c.replies.indexOf(r2) && c.replies.indexOf(r2) < c.replies.indexOf(r3));
      c.close();
    });

    test(`${protocol}: pings come every interval; a client that answers them stays, one that does not is closed with 3012 no pong`, async () => {
      const answers = await raw(protocol);
      const silent = await raw(protocol, false);
      answers.send({ id: 1, connect: { token: await mintAt({ sub: 'u2' }) } });
      silent.send({ id: 1, connect: { token: await mintAt({ sub: 'u3' }) } });
      await answers.waitReply(1);
      await silent.waitReply(1);
      clock.advance(1000); // the first ping is due within one interval
      await answers.until(() => answers.pings === 1, 60_000, 'the first ping');
      await silent.until(() => silent.pings === 1, 60_000, 'the first ping');
      // The pong went out before this command, so the server has it once the reply is back.
      answers.send({ id: 2, ping: {} });
      await answers.waitReply(2);
      clock.advance(401); // past the pong timeout
      assert.deepEqual(await silent.waitClosed(60_000), { code: 3012, reason: 'no pong' });
      assert.ok(silent.replies.some((r) => (r.push?.disconnect as { code: number } | undefined)?.code === 3012), 'disconnect push before close');
      assert.equal(answers.closed, undefined, 'the same check left the answering client alone');
      clock.advance(1000);
      await answers.until(() => answers.pings === 2, 60_000, 'the second ping');
      assert.equal(answers.closed, undefined);
      answers.close();
    });
  }

  test('a socket that never connects is closed as stale (3502)', async () => {
    const c = await raw(); // open: the server has accepted it, on the clock as it stands
    clock.advance(301);
    assert.deepEqual(await c.waitClosed(60_000), { code: 3502, reason: 'stale' });
  });

  test('a command before connect, a second connect and an unexpected pong are 3501 bad request', async () => {
    const a = await raw();
    a.send({ id: 1, subscribe: { channel: 'plain:x' } });
    assert.equal((await a.waitClosed()).code, 3501);
    const b = await raw();
    const token = await mintAt({ sub: 'u4' });
    b.send({ id: 1, connect: { token } });
    await b.waitReply(1);
    b.send({ id: 2, connect: { token } });
    assert.equal((await b.waitClosed()).code, 3501);
    const c = await raw();
    c.send({ id: 1, connect: { token } });
    await c.waitReply(1);
    c.send({});
    assert.equal((await c.waitClosed()).code, 3501);
  });

  test('a connection whose token expires without refresh is closed with 3005 connection expired', async () => {
    const c = await raw();
    c.send({ id: 1, connect: { token: await mintAt({ sub: 'u5', expiresIn: 60 }) } });
    const r = (await c.waitReply(1)).connect as { expires: boolean; ttl: number };
    assert.equal(r.expires, true);
    assert.ok(r.ttl > 50 && r.ttl <= 60);
    clock.advance((r.ttl + 1) * 1000 + 200 + 1); // past the expiry (ttl is rounded down) and the grace
    assert.deepEqual(await c.waitClosed(60_000), { code: 3005, reason: 'connection expired' });
  });

  test('refresh and sub_refresh extend expiring credentials', async () => {
    const c = await raw();
    c.send({ id: 1, connect: { token: await mintAt({ sub: 'u6', expiresIn: 30 }) } });
    assert.equal(((await c.waitReply(1)).connect as { expires: boolean }).expires, true);
    c.send({ id: 2, refresh: { token: await mintAt({ sub: 'u6', expiresIn: 120 }) } });
    const refresh = (await c.waitReply(2)).refresh as { client: string; expires: boolean; ttl: number };
    assert.equal(refresh.expires, true);
    assert.ok(refresh.ttl > 100 && refresh.ttl <= 120);
    c.send({ id: 3, subscribe: { channel: 'secret:s', token: await mintAt({ sub: 'u6', channel: 'secret:s', expiresIn: 30 }) } });
    const sub = (await c.waitReply(3)).subscribe as { expires: boolean; ttl: number };
    assert.equal(sub.expires, true);
    c.send({ id: 4, sub_refresh: { channel: 'secret:s', token: await mintAt({ sub: 'u6', channel: 'secret:s', expiresIn: 90 }) } });
    const sr = (await c.waitReply(4)).sub_refresh as { expires: boolean; ttl: number };
    assert.ok(sr.expires && sr.ttl > 60);
    // A refresh token for another user is an invalid token.
    c.send({ id: 5, refresh: { token: await mintAt({ sub: 'someone-else', expiresIn: 60 }) } });
    assert.equal((await c.waitClosed()).code, 3500);
  });

  test('subscription token errors: expired → 109, wrong channel → 3500, private channel without token → 103', async () => {
    const c = await raw();
    c.send({ id: 1, connect: { token: await mintAt({ sub: 'u7' }) } });
    await c.waitReply(1);
    c.send({ id: 2, subscribe: { channel: '$secret:p' } });
    assert.equal((await c.waitReply(2)).error?.code, 103);
    c.send({ id: 3, subscribe: { channel: 'secret:x', token: await mintAt({ sub: 'u7', channel: 'secret:x', expiresIn: -5 }) } });
    assert.equal((await c.waitReply(3)).error?.code, 109);
    c.send({ id: 4, subscribe: { channel: 'secret:x', token: await mintAt({ sub: 'u7', channel: 'secret:y' }) } });
    assert.equal((await c.waitClosed()).code, 3500);
  });

  test('error replies: 105 duplicate, 108 not available, 112 wrong epoch, 104 unknown request, unknown fields ignored', async () => {
    const c = await raw();
    c.send({ id: 1, connect: { token: await mintAt({ sub: 'u8' }), future_field: { x: 1 } } });
    await c.waitReply(1);
    c.send({ id: 2, subscribe: { channel: 'news:e', tf: { op: 'x' }, delta: 'fossil', type: 0 } }, { id: 3, subscribe: { channel: 'news:e' } });
    assert.ok((await c.waitReply(2)).subscribe);
    assert.equal((await c.waitReply(3)).error?.code, 105);
    c.send({ id: 4, presence: { channel: 'news:e' } }, { id: 5, history: { channel: 'plain:x' } });
    assert.equal((await c.waitReply(4)).error?.code, 108);
    assert.equal((await c.waitReply(5)).error?.code, 108);
    c.send({ id: 6, history: { channel: 'news:e', limit: 5, since: { offset: 0, epoch: 'not-the-epoch' } } });
    assert.equal((await c.waitReply(6)).error?.code, 112);
    c.send({ id: 7, whatever: {} });
    assert.equal((await c.waitReply(7)).error?.code, 104);
    c.send({ id: 8, ping: {} });
    assert.deepEqual((await c.waitReply(8)).ping, {});
    c.send({ id: 9, publish: { channel: 'news:e', data: 1 } });
    assert.equal((await c.waitReply(9)).error?.code, 103);
    c.send({ send: { data: 'x' } }); // no onMessage hook: 3508
    assert.equal((await c.waitClosed()).code, 3508);
  });

  test('recovery with a changed epoch is not recovered and returns the current position', async () => {
    const c = await raw();
    c.send({ id: 1, connect: { token: await mintAt({ sub: 'u9' }) } });
    await c.waitReply(1);
    await g.node.publish('news:ep', 1);
    await g.node.publish('news:ep', 2);
    c.send({ id: 2, subscribe: { channel: 'news:ep', recover: true, offset: 1, epoch: 'old-epoch' } });
    const r = (await c.waitReply(2)).subscribe as Record<string, unknown>;
    assert.equal(r.recovered, undefined);
    assert.equal(r.was_recovering, true);
    assert.equal(r.publications, undefined);
    assert.equal(r.offset, 2);
    // The same request with rejectUnrecovered (flag bit 2) is error 112.
    c.send({ id: 3, unsubscribe: { channel: 'news:ep' } }, { id: 4, subscribe: { channel: 'news:ep', recover: true, offset: 1, epoch: 'old-epoch', flag: 2 } });
    assert.equal((await c.waitReply(4)).error?.code, 112);
  });
});

describe('the write queue is bounded', () => {
  test('a client that stops reading is disconnected (3008 slow) instead of buffered without bound', async () => {
    const clock = fakeClock();
    const g = await startGateway({ now: clock.now, namespaces: { feed: {} }, limits: { writeQueueBytes: 64 * 1024 } });
    try {
      const slow = new RawClient(g.url);
      const fast = new RawClient(g.url);
      await Promise.all([slow.opened(), fast.opened()]);
      for (const [c, user] of [[slow, 'slow'], [fast, 'fast']] as const) {
        c.send({ id: 1, connect: { token: await mint({ sub: user }) } }, { id: 2, subscribe: { channel: 'feed:x' } });
        await c.waitReply(2);
      }
      // Stop reading on the slow client's socket: the kernel buffers fill, then the server's queue.
      (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const payload = { blob: 'x'.repeat(16 * 1024) };
      let n = 0;
      while (g.node.stats().connections === 2 && n < 5000) {
        await g.node.publish('feed:x', payload);
        if (++n % 50 === 0) await new Promise((r) => setImmediate(r));
      }
      assert.equal(g.node.stats().connections, 1, 'the slow client was cut');
      assert.ok(n < 5000);
      // It cannot even read the close frame: its socket is destroyed after the close grace (3 s).
      clock.advance(3001);
      await until(() => g.node.stats().sockets === 1, 60_000, 'slow socket destroyed');
      await fast.until(() => fast.replies.filter((r) => r.push?.pub).length >= n - 1, 60_000, 'fast client got everything');
      fast.close();
      slow.close();
    } finally {
      await g.close();
    }
  });
});

describe('max connections', () => {
  test('connections over maxConnections get 3504 connection limit', async () => {
    const g = await startGateway({ limits: { maxConnections: 2 } });
    try {
      const cs = [new RawClient(g.url), new RawClient(g.url), new RawClient(g.url)];
      await Promise.all(cs.map((c) => c.opened()));
      for (const [i, c] of cs.entries()) {
        c.send({ id: 1, connect: { token: await mint({ sub: `m${i}` }) } });
        await c.until(() => c.reply(1) !== undefined || c.closed !== undefined);
      }
      assert.equal(cs[2]!.closed?.code, 3504);
      assert.equal(g.node.stats().connections, 2);
      for (const c of cs) c.close();
      await until(() => g.node.stats().sockets === 0, 60_000, 'sockets released');
    } finally {
      await g.close();
    }
  });
});
