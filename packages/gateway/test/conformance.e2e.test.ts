/**
 * Conformance with the official npm `centrifuge` client, in JSON and protobuf modes: connect / refresh / expiry,
 * RPC, subscribe / unsubscribe, publications in order, history, recovery after a dropped connection, presence and
 * join/leave, server-side subscriptions, permissions, limits and shutdown.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { Centrifuge } from 'centrifuge';
import { Centrifuge as CentrifugeProtobuf } from 'centrifuge/build/protobuf';
import { fakeClock, jwtHandlers, mint, once, startGateway, until, type Running } from './harness.ts';
import { RawClient } from './raw-client.ts';
import type { GatewayOptions } from '../src/index.ts';

type Mode = 'json' | 'protobuf';

const NAMESPACES: GatewayOptions['namespaces'] = {
  news: { historySize: 100, historyTtlSeconds: 300, forceRecovery: true },
  room: { presence: true, joinLeave: true, allowPublishForSubscriber: true },
  snap: {},
  secret: {},
  user: { historySize: 100, historyTtlSeconds: 300, forceRecovery: true },
  chat: { allowUserLimitedChannels: true },
};

const decoder = new TextDecoder();

function client(mode: Mode, url: string, opts: Record<string, unknown>): Centrifuge {
  const base = { websocket: WebSocket, minReconnectDelay: 20, maxReconnectDelay: 100, timeout: 30_000, ...opts };
  return mode === 'json' ? new Centrifuge(url, base) : (new CentrifugeProtobuf(url, { ...base, protocol: 'protobuf' } as never) as unknown as Centrifuge);
}

/** JSON in both modes: protobuf clients carry JSON text as bytes. */
function decode(mode: Mode, data: unknown): unknown {
  return mode === 'protobuf' ? JSON.parse(decoder.decode(data as Uint8Array)) : data;
}
function encode(mode: Mode, value: unknown): unknown {
  return mode === 'protobuf' ? new TextEncoder().encode(JSON.stringify(value)) : value;
}

for (const mode of ['json', 'protobuf'] as const) {
  describe(`official centrifuge-js client, ${mode} protocol`, () => {
    let g: Running;
    const open: Centrifuge[] = [];
    let refreshes = 0;
    // Expiry is judged on this clock, which only the refresh test moves.
    const clock = fakeClock();
    const mintAt = (claims: Parameters<typeof mint>[0]) => mint(claims, undefined, clock.now());

    before(async () => {
      const base = jwtHandlers({}, clock.now);
      g = await startGateway({
        now: clock.now,
        namespaces: NAMESPACES,
        clientExpiryGraceMs: 1000,
        handlers: {
          ...base,
          async onRefresh(e) {
            refreshes++;
            return base.onRefresh!(e);
          },
        },
      });
    });
    after(async () => {
      for (const c of open) c.disconnect();
      await g.close();
    });

    async function connected(opts: Record<string, unknown>): Promise<Centrifuge> {
      const c = client(mode, g.url, opts);
      open.push(c);
      const p = once(c, 'connected');
      c.connect();
      await p;
      return c;
    }

    test('connects with an HS256 token and gets a client id', async () => {
      const c = client(mode, g.url, { token: await mintAt({ sub: 'alice', expiresIn: 60 }) });
      open.push(c);
      const ctx = await new Promise<{ client: string }>((resolve) => {
        c.once('connected', resolve);
        c.connect();
      });
      assert.match(ctx.client, /^[0-9a-f-]{36}$/);
      assert.equal(c.state, 'connected');
      c.disconnect();
    });

    test('an expired token gets 109 and the client connects with a token from getToken', async () => {
      let calls = 0;
      const c = client(mode, g.url, {
        token: await mintAt({ sub: 'bob', expiresIn: -10 }),
        getToken: async () => {
          calls++;
          return mintAt({ sub: 'bob', expiresIn: 60 });
        },
      });
      open.push(c);
      const errors: number[] = [];
      c.on('error', (e) => errors.push(e.error.code));
      const p = once(c, 'connected');
      c.connect();
      await p;
      assert.equal(calls, 1);
      assert.ok(errors.includes(109), `saw errors ${errors}`);
      c.disconnect();
    });

    test('a token with a bad signature ends disconnected with 3500, without reconnecting', async () => {
      const c = client(mode, g.url, { token: await mint({ sub: 'mallory' }, 'another-secret-of-sufficient-length!!') });
      open.push(c);
      let connecting = 0;
      c.on('connecting', () => connecting++);
      const p = once<{ code: number; reason: string }>(c, 'disconnected');
      c.connect();
      const ctx = await p;
      assert.equal(ctx.code, 3500);
      assert.equal(ctx.reason, 'invalid token');
      assert.equal(connecting, 1, 'only the initial connecting state');
    });

    test('an expiring connection refreshes its token and stays connected', async () => {
      refreshes = 0;
      const c = await connected({
        token: await mintAt({ sub: 'carol', expiresIn: 2 }),
        getToken: () => mintAt({ sub: 'carol', expiresIn: 60 }),
      });
      let dropped = false;
      c.on('connecting', () => (dropped = true));
      // Beside it, a connection on the same kind of token that never refreshes: its close shows the check has run.
      const stale = new RawClient(g.url, mode);
      await stale.opened();
      stale.send({ id: 1, connect: { token: await mintAt({ sub: 'carol', expiresIn: 2 }) } });
      await stale.waitReply(1);
      await until(() => refreshes > 0, 60_000, 'refresh'); // the client asks when its ttl runs out (its own timer)
      clock.advance(3000 + 1000 + 1); // past the original expiry (and its second) and the grace
      assert.deepEqual(await stale.waitClosed(60_000), { code: 3005, reason: 'connection expired' });
      assert.equal(dropped, false);
      assert.equal(c.state, 'connected');
      c.disconnect();
    });

    test('RPC: results, application errors and unknown methods', async () => {
      const c = await connected({ token: await mint({ sub: 'erin' }) });
      const r = await c.rpc('echo', encode(mode, { n: 1 }));
      assert.deepEqual(decode(mode, r.data), { echo: { n: 1 }, user: 'erin' });
      await assert.rejects(c.rpc('fail', encode(mode, {})), (e: { code: number; message: string }) => e.code === 1001 && e.message === 'custom failure');
      await assert.rejects(c.rpc('nope', encode(mode, {})), (e: { code: number }) => e.code === 104);
      c.disconnect();
    });

    test('subscribe, publications in order, unsubscribe', async () => {
      const c = await connected({ token: await mint({ sub: 'frank' }) });
      const sub = c.newSubscription(`news:${mode}-order`);
      const got: Array<{ offset?: number; data: unknown }> = [];
      sub.on('publication', (ctx) => got.push({ offset: ctx.offset, data: decode(mode, ctx.data) }));
      const subscribed = once<{ recoverable: boolean; positioned: boolean }>(sub, 'subscribed');
      sub.subscribe();
      const ctx = await subscribed;
      assert.equal(ctx.recoverable, true);
      assert.equal(ctx.positioned, true);
      for (let i = 1; i <= 50; i++) await g.node.publish(`news:${mode}-order`, { i });
      await until(() => got.length === 50, 60_000, '50 publications');
      assert.deepEqual(got.map((p) => p.offset), Array.from({ length: 50 }, (_, i) => i + 1));
      assert.deepEqual(got.map((p) => (p.data as { i: number }).i), Array.from({ length: 50 }, (_, i) => i + 1));
      const unsub = once<{ code: number }>(sub, 'unsubscribed');
      sub.unsubscribe();
      assert.equal((await unsub).code, 0);
      await g.node.publish(`news:${mode}-order`, { i: 51 });
      // A push would have been queued before this reply: none came.
      await c.rpc('echo', encode(mode, 0));
      assert.equal(got.length, 50);
      c.disconnect();
    });

    test('history with limit and reverse, and a subscribe reply carrying data', async () => {
      const c = await connected({ token: await mint({ sub: 'gina' }) });
      const channel = `news:${mode}-hist`;
      for (let i = 1; i <= 5; i++) await g.node.publish(channel, { i });
      const sub = c.newSubscription(channel);
      sub.subscribe();
      await once(sub, 'subscribed');
      const h = await sub.history({ limit: 3 });
      assert.deepEqual(h.publications.map((p) => decode(mode, p.data)), [{ i: 1 }, { i: 2 }, { i: 3 }]);
      assert.equal(h.offset, 5);
      const rev = await sub.history({ limit: 2, reverse: true });
      assert.deepEqual(rev.publications.map((p) => p.offset), [5, 4]);
      const pos = await sub.history({});
      assert.equal(pos.publications.length, 0);
      assert.equal(pos.offset, 5);

      const snap = c.newSubscription(`snap:${mode}`);
      const sctx = once<{ data: unknown }>(snap, 'subscribed');
      snap.subscribe();
      assert.deepEqual(decode(mode, (await sctx).data), { snapshot: `snap:${mode}` });
      c.disconnect();
    });

    test('recovers every publication missed while the connection was down, exactly once', async () => {
      const c = await connected({ token: await mint({ sub: 'hank' }) });
      const channel = `news:${mode}-recover`;
      const sub = c.newSubscription(channel);
      const offsets: number[] = [];
      sub.on('publication', (ctx) => offsets.push(ctx.offset!));
      sub.subscribe();
      await once(sub, 'subscribed');
      for (let i = 1; i <= 3; i++) await g.node.publish(channel, { i });
      await until(() => offsets.length === 3, 60_000, 'first 3');
      const resubscribed = once<{ wasRecovering: boolean; recovered: boolean }>(sub, 'subscribed');
      assert.equal(g.node.disconnectUser('hank', { code: 3001, reason: 'shutdown' }), 1);
      for (let i = 4; i <= 6; i++) await g.node.publish(channel, { i });
      const ctx = await resubscribed;
      assert.equal(ctx.wasRecovering, true);
      assert.equal(ctx.recovered, true);
      await until(() => offsets.length >= 6, 60_000, 'recovered publications');
      await g.node.publish(channel, { i: 7 });
      await until(() => offsets.length >= 7, 60_000, 'live after recovery');
      assert.deepEqual(offsets, [1, 2, 3, 4, 5, 6, 7]);
      c.disconnect();
    });

    test('presence, presence stats, join and leave', async () => {
      const channel = `room:${mode}`;
      const a = await connected({ token: await mint({ sub: 'ivy', info: { name: 'Ivy' } }) });
      const b = await connected({ token: await mint({ sub: 'jack' }) });
      const sa = a.newSubscription(channel, { joinLeave: true });
      sa.subscribe();
      await once(sa, 'subscribed');
      const join = new Promise<{ info: { user: string } }>((resolve) => sa.on('join', (ctx) => ctx.info.user === 'jack' && resolve(ctx)));
      const sb = b.newSubscription(channel);
      sb.subscribe();
      await once(sb, 'subscribed');
      assert.equal((await join).info.user, 'jack');

      const presence = await sa.presence();
      assert.deepEqual(Object.values(presence.clients).map((i) => i.user).sort(), ['ivy', 'jack']);
      const ivy = Object.values(presence.clients).find((i) => i.user === 'ivy')!;
      assert.deepEqual(decode(mode, ivy.connInfo), { name: 'Ivy' });
      assert.deepEqual(await sa.presenceStats(), { numClients: 2, numUsers: 2 });
      const leave = once<{ info: { user: string } }>(sa, 'leave');
      sb.unsubscribe();
      assert.equal((await leave).info.user, 'jack');
      // Client-side publish is allowed for subscribers of this namespace and carries the publisher's info.
      const pub = once<{ data: unknown; info?: { user: string } }>(sa, 'publication');
      await sa.publish(encode(mode, { text: 'hi' }));
      const p = await pub;
      assert.deepEqual(decode(mode, p.data), { text: 'hi' });
      assert.equal(p.info?.user, 'ivy');
      a.disconnect();
      b.disconnect();
    });

    test('server-side subscriptions: from the token at connect, and subscribe/unsubscribe pushes at runtime', async () => {
      const c = client(mode, g.url, { token: await mint({ sub: 'kim', channels: ['user:kim'] }) });
      open.push(c);
      const subscribed: string[] = [];
      const pubs: Array<{ channel: string; data: unknown }> = [];
      c.on('subscribed', (ctx) => subscribed.push(ctx.channel));
      c.on('publication', (ctx) => pubs.push({ channel: ctx.channel, data: decode(mode, ctx.data) }));
      const conn = once(c, 'connected');
      c.connect();
      await conn;
      await until(() => subscribed.includes('user:kim'), 60_000, 'server-side subscribed');
      await g.node.publish('user:kim', { hello: 'kim' });
      await until(() => pubs.length === 1, 60_000, 'server-side publication');
      assert.deepEqual(pubs[0], { channel: 'user:kim', data: { hello: 'kim' } });

      await g.node.subscribeUser('kim', `room:${mode}-kim`);
      await until(() => subscribed.includes(`room:${mode}-kim`), 60_000, 'runtime subscribe push');
      await g.node.publish(`room:${mode}-kim`, { x: 1 });
      await until(() => pubs.length === 2, 60_000, 'publication on runtime sub');
      const unsub = once<{ channel: string }>(c, 'unsubscribed');
      await g.node.unsubscribeUser('kim', `room:${mode}-kim`);
      assert.equal((await unsub).channel, `room:${mode}-kim`);

      const message = once<{ data: unknown }>(c, 'message');
      assert.equal(g.node.sendToUser('kim', { note: 'direct' }), 1);
      assert.deepEqual(decode(mode, (await message).data), { note: 'direct' });
      c.disconnect();
    });

    test('permission and channel errors: 103, 102, 107, user-limited channels, subscription tokens', async () => {
      const c = await connected({ token: await mint({ sub: 'lee' }) });
      const cases: Array<[string, number]> = [
        ['secret:x', 103],
        ['unknownns:x', 102],
        [`news:${'x'.repeat(260)}`, 107],
        ['chat:dialog#other,someone', 103],
      ];
      for (const [channel, code] of cases) {
        const sub = c.newSubscription(channel);
        const un = once<{ code: number }>(sub, 'unsubscribed');
        sub.subscribe();
        assert.equal((await un).code, code, channel);
        c.removeSubscription(sub);
      }
      const mine = c.newSubscription('chat:dialog#lee,other');
      mine.subscribe();
      await once(mine, 'subscribed');

      const priv = c.newSubscription('secret:vault', { getToken: async (ctx) => mint({ sub: 'lee', channel: ctx.channel }) });
      priv.subscribe();
      await once(priv, 'subscribed');

      const dup = await Promise.allSettled([c.rpc('echo', encode(mode, 1))]);
      assert.equal(dup[0].status, 'fulfilled');
      c.disconnect();
    });

    test('disconnectUser: a terminal code ends the client, a reconnect code brings it back', async () => {
      const c = await connected({ token: await mint({ sub: 'max', session_id: 's1' }) });
      const back = once(c, 'connected');
      assert.equal(g.node.disconnectUser('max', { code: 4001, reason: 'come back' }), 1);
      await back;
      assert.equal(g.node.disconnectUser('max', { sessionId: 'other', code: 4501, reason: 'bye' }), 0);
      const gone = once<{ code: number; reason: string }>(c, 'disconnected');
      assert.equal(g.node.disconnectUser('max', { sessionId: 's1', code: 4501, reason: 'bye' }), 1);
      assert.deepEqual(await gone, { code: 4501, reason: 'bye' });
    });
  });
}

/** Official clients created outside a describe's own list; disconnected at the end even when a test fails. */
const stray: Centrifuge[] = [];
after(() => {
  for (const c of stray) c.disconnect();
});

describe('pings and async messages with the official client', () => {
  for (const mode of ['json', 'protobuf'] as const) {
    test(`${mode}: answers server pings (ping 1 s, pong timeout 0.5 s) and stays connected; send reaches onMessage`, async () => {
      const messages: unknown[] = [];
      const clock = fakeClock();
      const g = await startGateway({
        now: clock.now,
        pingIntervalMs: 1000,
        pongTimeoutMs: 500,
        handlers: { ...jwtHandlers({}, clock.now), onMessage: (e) => void messages.push(e.data) },
      });
      try {
        const c = client(mode, g.url, { token: await mint({ sub: 'quinn' }) });
        stray.push(c);
        let reconnects = 0;
        c.on('connecting', (ctx) => ctx.code !== 0 && reconnects++);
        const conn = once(c, 'connected');
        c.connect();
        await conn;
        for (let ping = 1; ping <= 2; ping++) {
          // Beside it, a raw connection that never answers: its 3012 shows the pong deadline has been checked.
          const silent = new RawClient(g.url, mode, false);
          await silent.opened();
          silent.send({ id: 1, connect: { token: await mint({ sub: 'silent' }) } });
          await silent.waitReply(1);
          const before = g.node.stats().messagesIn;
          clock.advance(1000); // a ping is due on both
          await until(() => g.node.stats().messagesIn > before, 60_000, `pong ${ping}`); // the official client answered
          await silent.until(() => silent.pings > 0, 60_000, 'the silent ping');
          clock.advance(501);
          assert.deepEqual(await silent.waitClosed(60_000), { code: 3012, reason: 'no pong' });
        }
        assert.equal(reconnects, 0);
        assert.equal(c.state, 'connected');
        await c.send(encode(mode, { hello: 'server' }));
        await until(() => messages.length === 1, 60_000, 'onMessage');
        assert.deepEqual(messages[0], { hello: 'server' });
        c.disconnect();
      } finally {
        await g.close();
      }
    });
  }
});

describe('limits and shutdown with the official client', () => {
  for (const mode of ['json', 'protobuf'] as const) {
    test(`${mode}: channel limit 106, command rate 111, message size, max connections, shutdown 3001`, async () => {
      // The command bucket refills on this clock: nothing refills it while the test does not move it.
      const clock = fakeClock();
      const g = await startGateway({
        now: clock.now,
        namespaces: NAMESPACES,
        limits: { maxChannelsPerConnection: 2, commandsPerSecond: 5, maxMessageBytes: 4096, maxConnections: 1 },
      });
      try {
        const c = client(mode, g.url, { token: await mint({ sub: 'nina' }) });
        stray.push(c);
        const conn = once(c, 'connected');
        c.connect();
        await conn;
        const subs = ['news:a', 'news:b', 'news:c'].map((ch) => c.newSubscription(ch));
        const first = once(subs[0]!, 'subscribed');
        const second = once(subs[1]!, 'subscribed');
        const third = once<{ code: number }>(subs[2]!, 'unsubscribed');
        for (const s of subs) s.subscribe();
        await first;
        await second;
        assert.equal((await third).code, 106);

        clock.advance(1000); // a full bucket again: 5 commands
        const results = await Promise.allSettled(Array.from({ length: 12 }, () => c.rpc('echo', encode(mode, 1))));
        const tooMany = results.filter((r) => r.status === 'rejected' && (r.reason as { code: number }).code === 111);
        assert.equal(tooMany.length, 7, `${tooMany.length} of 12 refused with 111`);
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 5);

        // A second connection is over maxConnections: terminal 3504.
        const other = client(mode, g.url, { token: await mint({ sub: 'oscar' }) });
        stray.push(other);
        const refused = once<{ code: number }>(other, 'disconnected');
        other.connect();
        assert.equal((await refused).code, 3504);

        // Shutdown: the client is told to reconnect (3001), then the server is gone.
        const reconnecting = once<{ code: number; reason: string }>(c, 'connecting');
        await g.node.shutdown(500);
        assert.deepEqual(await reconnecting, { code: 3001, reason: 'shutdown' });
        c.disconnect();
      } finally {
        await g.close();
      }
    });

    test(`${mode}: a message over maxMessageBytes closes the connection (client: disconnected, code 3)`, async () => {
      const g = await startGateway({ limits: { maxMessageBytes: 2048 } });
      try {
        const c = client(mode, g.url, { token: await mint({ sub: 'paul' }) });
        stray.push(c);
        const conn = once(c, 'connected');
        c.connect();
        await conn;
        const gone = once<{ code: number }>(c, 'disconnected');
        c.rpc('echo', encode(mode, 'x'.repeat(5000))).catch(() => undefined);
        assert.equal((await gone).code, 3);
      } finally {
        await g.close();
      }
    });
  }
});
