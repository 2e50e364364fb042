/**
 * The kit's managed socket and channel pool against a local WebSocket server: make-before-break rotation (no
 * outage reported, the new connection greeted, only its frames delivered), a replacement that fails leaving the
 * old connection in place and being tried again, and a pool whose URL names its channels (not subscribed again on open).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocketServer, type WebSocket } from 'ws';
import { ManagedSocket } from '../../src/kit/managed-socket.ts';
import { ChannelPool } from '../../src/kit/channel-pool.ts';

const log = { info: () => undefined, warn: () => undefined };

describe('kit managed socket and channel pool', () => {
  let server: WebSocketServer;
  let url: string;
  const sockets: Array<{ ws: WebSocket; path: string; received: string[] }> = [];
  /** Refuse the next connections (the handshake fails). */
  let refuse = 0;
  let refused = 0;
  const waiters = new Set<() => void>();
  const poke = () => {
    for (const w of [...waiters]) w();
  };
  const until = (check: () => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      const attempt = () => {
        if (!check()) return;
        done();
        resolve();
      };
      const poll = setInterval(attempt, 10);
      const timer = setTimeout(() => (done(), reject(new Error(`timed out waiting for ${what}`))), 5000);
      const done = () => {
        clearInterval(poll);
        clearTimeout(timer);
        waiters.delete(attempt);
      };
      waiters.add(attempt);
      attempt();
    });
  const open = () => sockets.filter((s) => s.ws.readyState === 1);

  before(async () => {
    server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      verifyClient: (_info, cb) => {
        if (refuse > 0) {
          refuse--;
          refused++;
          cb(false, 503);
          poke();
        } else cb(true);
      },
    });
    server.on('connection', (ws, req) => {
      const entry = { ws, path: req.url ?? '', received: [] as string[] };
      sockets.push(entry);
      ws.on('message', (raw) => (entry.received.push(String(raw)), poke()));
      ws.on('close', poke);
      poke();
    });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    url = `ws://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    for (const s of sockets) s.ws.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('rotate replaces the connection make-before-break: greeted again, no outage, only the new frames count', async () => {
    sockets.length = 0;
    const frames: string[] = [];
    let opens = 0;
    const downs: string[] = [];
    const socket = new ManagedSocket({
      name: 'test',
      url: () => `${url}/n${sockets.length}`,
      log,
      reconnectDelayMs: { min: 10, max: 50 },
      onOpen: (s) => (opens++, s.send('hello'), poke()),
      onMessage: (text) => (frames.push(text), poke()),
      onDown: (reason) => (downs.push(reason), poke()),
    });
    socket.start();
    await until(() => opens === 1 && sockets[0]?.received.includes('hello') === true, 'first connection greeted');
    const first = sockets[0]!;
    first.ws.send('from the first');
    await until(() => frames.includes('from the first'), 'a frame of the first');

    refuse = 1;
    socket.rotate('test');
    await until(() => refused === 1, 'the replacement refused');
    assert.equal(opens, 1);
    assert.ok(socket.isOpen && first.ws.readyState === 1, 'the first connection kept');
    first.ws.send('still the first');
    await until(() => frames.includes('still the first'), 'the first still feeds');

    await until(() => opens === 2 && first.ws.readyState === 3, 'the replacement tried again, greeted, and the old one closed');
    const second = open().at(-1)!;
    assert.notEqual(second, first);
    assert.equal(second.path, `/n${sockets.indexOf(second)}`, 'the URL function was read for the replacement');
    assert.ok(second.received.includes('hello'));
    second.ws.send('from the second');
    await until(() => frames.includes('from the second'), 'a frame of the second');
    assert.deepEqual(downs, [], 'no outage reported');

    second.ws.terminate();
    await until(() => downs.length === 1 && opens === 3, 'a lost connection is an outage, then reconnected');
    socket.stop();
    await until(() => open().length === 0, 'stopped');
  });

  test('a pool whose URL names its channels subscribes on open only what the URL did not name', async () => {
    sockets.length = 0;
    const subscribed: string[][] = [];
    const pool = new ChannelPool({
      name: 'pool',
      url: (channels) => `${url}/stream?streams=${[...channels].join('/')}`,
      log,
      capacity: 10,
      controlIntervalMs: 5,
      reconnectDelayMs: { min: 10, max: 50 },
      subscribeFrames: (chs) => (subscribed.push(chs), [{ op: 'sub', chs }]),
      unsubscribeFrames: (chs) => [{ op: 'unsub', chs }],
      onMessage: () => undefined,
      onDown: () => undefined,
    });
    pool.add('a');
    pool.add('b');
    await until(() => open().length === 1, 'one socket');
    assert.equal(open()[0]!.path, '/stream?streams=a/b');
    pool.add('c');
    await until(() => subscribed.flat().includes('c'), 'c subscribed by a frame');
    assert.deepEqual(subscribed.flat(), ['c'], 'a and b came with the URL');
    sockets[0]!.ws.terminate();
    await until(() => open().length === 1 && open()[0]!.path === '/stream?streams=a/b/c', 'reconnected naming every channel');
    assert.deepEqual(subscribed.flat(), ['c'], 'nothing subscribed again by frames');
    pool.close();
    await until(() => open().length === 0, 'closed');
  });
});
