/**
 * Fuzzing a live server: 100,000 mutated or malformed frames, in both protocols, from several connections at once,
 * while two official clients (JSON and protobuf) stay subscribed beside them. The frames are dealt to four test files
 * (./part-1 … part-4, 25,000 each, each its own server and seed), so each stays far below the test runner's per-file
 * ceiling however busy the machine is, and they can run side by side.
 *
 * Work-counted, so it holds on a loaded machine: the run is a number of frames, the neighbours' publications come
 * every PUBLISH_EVERY frames (not every so many ms), and the only clock is a generous ceiling per wait (STUCK_MS) and
 * for the whole test, there to name a hang, never to decide a result.
 *
 * Every frame is checked against what the protocol promises: a frame the codec cannot decode closes the connection
 * with 3501 (1007 for invalid UTF-8 text, 1009 over the size limit); a decodable frame gets exactly one reply per
 * command id, with an error code from the catalogue (never 100 internal), unless one of its commands is a protocol
 * violation (id 0, a pong without a ping, a second connect, an empty channel), which closes with 3501.
 * The server must log no internal error, and the well-behaved clients must miss nothing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import protobuf from 'protobufjs';
import { Centrifuge } from 'centrifuge';
import { Centrifuge as CentrifugeProtobuf } from 'centrifuge/build/protobuf';
import { decodeJsonCommands, decodeProtobufCommands, FrameError, protobufTypes, type Command } from '@cadenza/protocol';
import { jwtHandlers, mint, once, startGateway, until, type Running } from '../harness.ts';
import type { GatewayLogger } from '../../src/index.ts';

const TOTAL_FRAMES = 100_000;
const PARTS = 4;
const WORKERS = 8;
const MAX_MESSAGE_BYTES = 8192;
const ALLOWED_ERRORS = new Set([102, 103, 104, 105, 106, 107, 108, 112, 1001]);
/** One publication to the well-behaved clients per this many fuzzed frames (about 2,000 in a run). */
const PUBLISH_EVERY = 50;
/** A wait this long for a reply, a close or the neighbours' publications is a hang, whatever the machine's load. */
const STUCK_MS = 120_000;

/** Deterministic PRNG (mulberry32), so a failure can be replayed from the printed seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHANNELS = ['news:a', 'news:b', 'room:r', 'plain:p', 'unknown:x', '$news:priv', 'chat:d#fuzz,x', 'chat:d#other', 'ütf:🚀', 'x'.repeat(300), 'nocolon', 'news:' + 'é'.repeat(10)];
const METHODS = ['subscribe', 'unsubscribe', 'publish', 'presence', 'presence_stats', 'history', 'rpc', 'sub_refresh', 'send', 'ping', 'refresh'] as const;

class Gen {
  readonly r: () => number;
  id = 1;
  constructor(seed: number) {
    this.r = rng(seed);
  }
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  value(depth = 0): unknown {
    switch (this.int(depth > 2 ? 4 : 7)) {
      case 0:
        return this.int(1000) - 500;
      case 1:
        return this.pick(['', 'x', 'line\nbreak', '"quoted"', '\u0000', '🚀']);
      case 2:
        return this.r() < 0.5;
      case 3:
        return null;
      case 4:
        return Array.from({ length: this.int(4) }, () => this.value(depth + 1));
      default: {
        const o: Record<string, unknown> = {};
        for (let i = this.int(4); i > 0; i--) o[this.pick(['a', 'b', 'data', 'channel', 'x y'])] = this.value(depth + 1);
        return o;
      }
    }
  }
  /** A well-formed command with random (often wrong) contents. */
  command(): Record<string, unknown> {
    const method = this.pick(METHODS);
    const channel = this.r() < 0.01 ? '' : this.pick(CHANNELS);
    let body: Record<string, unknown>;
    switch (method) {
      case 'subscribe':
        body = { channel, recover: this.r() < 0.3, offset: this.int(20), epoch: this.pick(['', 'e', 'zz']), flag: this.int(4), join_leave: this.r() < 0.5, positioned: this.r() < 0.5, recoverable: this.r() < 0.5 };
        break;
      case 'history':
        body = { channel, limit: this.int(400) - 50, reverse: this.r() < 0.5, ...(this.r() < 0.3 ? { since: { offset: this.int(10), epoch: this.pick(['', 'e']) } } : {}) };
        break;
      case 'rpc':
        body = { method: this.pick(['echo', 'fail', 'nope', '']), data: this.value() };
        break;
      case 'publish':
        body = { channel, data: this.value() };
        break;
      case 'send':
        body = { data: this.value() };
        break;
      case 'sub_refresh':
        body = { channel, token: this.pick(['', 'not-a-jwt']) };
        break;
      case 'refresh':
        body = { token: '' };
        break;
      case 'ping':
        body = {};
        break;
      default:
        body = { channel };
    }
    if (this.r() < 0.1) body.unknown_field = this.value();
    const cmd: Record<string, unknown> = { [method]: body };
    if (method !== 'send') cmd.id = this.id++;
    if (this.r() < 0.005) cmd.id = 0;
    if (this.r() < 0.01) return { id: this.id++, [this.pick(['nonsense', 'map_sub', 'tf'])]: {} };
    return cmd;
  }
  /** Byte-level damage: flips, truncation, insertion, garbage. */
  mutateBytes(b: Buffer): Buffer {
    const out = Buffer.from(b);
    switch (this.int(4)) {
      case 0:
        for (let i = 1 + this.int(3); i > 0; i--) out[this.int(out.length)] = this.int(256);
        return out;
      case 1:
        return out.subarray(0, this.int(out.length));
      case 2: {
        const at = this.int(out.length);
        return Buffer.concat([out.subarray(0, at), Buffer.from(Array.from({ length: 1 + this.int(6) }, () => this.int(256))), out.subarray(at)]);
      }
      default:
        return Buffer.from(Array.from({ length: 1 + this.int(40) }, () => this.int(256)));
    }
  }
}

function encodeProtobuf(commands: Array<Record<string, unknown>>): Buffer {
  const w = protobuf.Writer.create();
  for (const c of commands) {
    const copy = { ...c };
    for (const m of METHODS) {
      const body = copy[m] as Record<string, unknown> | undefined;
      if (body && 'data' in body) copy[m] = { ...body, data: Buffer.from(JSON.stringify(body.data) ?? 'null') };
    }
    protobufTypes.Command.encodeDelimited(protobufTypes.Command.fromObject(copy), w);
  }
  return Buffer.from(w.finish());
}

interface Expectation {
  /** Close codes that are correct for this frame; undefined = the connection must stay open. */
  close?: number[];
  /** Command ids that must each get exactly one reply (when the connection stays open) or may get one (before the
   *  violation that closes it). */
  ids: number[];
}

/** What the protocol promises for one frame, from its decoded commands. */
function expectationFor(protocol: 'json' | 'protobuf', frame: Buffer, asText: boolean): Expectation {
  if (frame.length > MAX_MESSAGE_BYTES) return { close: [1009], ids: [] };
  if (asText && !isUtf8(frame)) return { close: [1007], ids: [] };
  let commands: Command[];
  try {
    commands = protocol === 'json' ? decodeJsonCommands(frame) : decodeProtobufCommands(frame);
  } catch (err) {
    assert.ok(err instanceof FrameError);
    return { close: [3501], ids: [] };
  }
  const ids: number[] = [];
  // A refresh with a (damaged) token closes with 3500 invalid token once the refresh hook has run; it runs in the
  // per-connection serial chain, so other commands of the frame may be answered first — and a violation anywhere in
  // the same frame, found while the frame is read, closes with 3501 before the hook's answer.
  const refresh = commands.some((c) => c.method === 'refresh' && c.refresh.token !== '');
  for (const c of commands) {
    const violation =
      (c.method === undefined && (c.empty || c.id === 0)) ||
      (c.method !== undefined && c.id === 0 && c.method !== 'send') ||
      c.method === 'connect' ||
      (c.method === 'subscribe' && c.subscribe.channel === '') ||
      (c.method === 'unsubscribe' && c.unsubscribe.channel === '');
    if (violation) return { close: [3501], ids };
    if (c.id > 0 && c.method !== 'send') ids.push(c.id);
  }
  if (refresh) return { close: [3500], ids };
  return { ids };
}

function isUtf8(b: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

interface WorkerStats {
  frames: number;
  malformed: number;
  connections: number;
  replies: number;
  errors: Map<number, number>;
}

/** Set when one worker fails, so the others stop. */
let aborted = false;

/** One fuzzing connection at a time: pipelines decodable frames, reconnects after each expected close. */
async function fuzzWorker(url: string, protocol: 'json' | 'protobuf', seed: number, frames: number, token: string, stats: WorkerStats, onFrame: () => void): Promise<void> {
  const gen = new Gen(seed);
  while (stats.frames < frames && !aborted) {
    stats.connections++;
    const ws = protocol === 'json' ? new WebSocket(url, { handshakeTimeout: STUCK_MS }) : new WebSocket(url, 'centrifuge-protobuf', { handshakeTimeout: STUCK_MS });
    const outstanding = new Map<number, number>();
    const optional = new Set<number>();
    const recent: string[] = [];
    let failure: string | undefined;
    let closed: number | undefined;
    let wake: (() => void) | undefined;
    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const wait = () =>
      new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`stuck: outstanding ${[...outstanding.keys()].slice(0, 5)} closed ${closed} after ${JSON.stringify(recent)} (seed ${seed})`)), STUCK_MS);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    ws.on('message', (data: Buffer) => {
      const replies =
        protocol === 'json'
          ? data.toString().split('\n').map((l) => JSON.parse(l) as { id?: number; error?: { code: number } })
          : (() => {
              const reader = protobuf.Reader.create(data);
              const out: Array<{ id?: number; error?: { code: number } }> = [];
              while (reader.pos < reader.len) out.push(protobufTypes.Reply.toObject(protobufTypes.Reply.decodeDelimited(reader)) as { id?: number; error?: { code: number } });
              return out;
            })();
      for (const r of replies) {
        if (!r.id) continue;
        const left = outstanding.get(r.id);
        if (left === undefined) {
          if (optional.delete(r.id)) continue;
          failure ??= `unexpected reply ${JSON.stringify(r)} after ${JSON.stringify(recent)}`;
        } else if (left === 1) outstanding.delete(r.id);
        else outstanding.set(r.id, left - 1);
        stats.replies++;
        if (r.error) {
          if (!ALLOWED_ERRORS.has(r.error.code)) failure ??= `error ${r.error.code} is not an expected refusal`;
          stats.errors.set(r.error.code, (stats.errors.get(r.error.code) ?? 0) + 1);
        }
      }
      notify();
    });
    ws.on('close', (code) => {
      closed = code;
      notify();
    });
    ws.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', (err) => reject(new Error(`fuzz connection failed to open: ${err.message} (seed ${seed})`)));
    });
    outstanding.set(1, 1);
    const connect = { id: 1, connect: { token } };
    ws.send(protocol === 'json' ? JSON.stringify(connect) : encodeProtobuf([connect]));
    gen.id = 2;
    while (outstanding.size > 0 && closed === undefined) await wait();
    assert.equal(closed, undefined, `connect failed (seed ${seed})`);

    for (;;) {
      if (stats.frames >= frames || aborted) break;
      let frame: Buffer;
      let asText = protocol === 'json';
      const roll = gen.r();
      const cmds = Array.from({ length: 1 + gen.int(4) }, () => gen.command());
      const wellFormed = protocol === 'json' ? Buffer.from(cmds.map((c) => JSON.stringify(c)).join('\n')) : encodeProtobuf(cmds);
      if (roll < 0.96) frame = wellFormed;
      else if (roll < 0.99) frame = gen.mutateBytes(wellFormed);
      else if (roll < 0.993) frame = Buffer.alloc(MAX_MESSAGE_BYTES + 1 + gen.int(100), 0x20);
      else if (roll < 0.996 && protocol === 'json') frame = Buffer.from('{"id":"x","rpc":[1,2]}\n{"subscribe":{"channel":5}}');
      else {
        frame = Buffer.from([0xc3, 0x28, 0x7b, 0x7d]);
        asText = protocol === 'json';
      }
      const exp = expectationFor(protocol, frame, asText);
      recent.push(frame.toString('latin1').slice(0, 300));
      if (recent.length > 4) recent.shift();
      if (exp.close) {
        // Settle everything in flight first, so the close is attributable to this frame.
        while (outstanding.size > 0 && closed === undefined) await wait();
        assert.equal(closed, undefined, `connection closed early (seed ${seed})`);
        for (const id of exp.ids) optional.add(id);
        ws.send(frame, { binary: !asText });
        stats.frames++;
        stats.malformed++;
        onFrame();
        while (closed === undefined) await wait();
        assert.ok(exp.close.includes(closed), `frame ${JSON.stringify(frame.toString('latin1').slice(0, 80))} closed with ${closed}, expected ${exp.close} (seed ${seed})`);
        break;
      }
      for (const id of exp.ids) outstanding.set(id, (outstanding.get(id) ?? 0) + 1);
      ws.send(frame, { binary: !asText });
      stats.frames++;
      onFrame();
      while (outstanding.size > 128 && closed === undefined) await wait();
      assert.equal(failure, undefined, `${failure} (seed ${seed})`);
      assert.equal(closed, undefined, `server closed a connection (${closed}) after a valid frame (seed ${seed})`);
    }
    while (outstanding.size > 0 && closed === undefined) await wait();
    assert.equal(failure, undefined, `${failure} (seed ${seed})`);
    assert.equal(outstanding.size, 0, `replies missing for ${[...outstanding.keys()].slice(0, 5)} (seed ${seed})`);
    ws.terminate();
  }
}

/** Registers one part's server, neighbours and test: TOTAL_FRAMES / PARTS frames (`part` from 1). */
export function fuzzPart(part: number): void {
  const FRAMES = TOTAL_FRAMES / PARTS;
  let g: Running;
  const internalErrors: unknown[] = [];
  const log: GatewayLogger = {
    debug() {},
    info() {},
    warn() {},
    error(obj) {
      internalErrors.push(obj);
    },
  };

  before(async () => {
    g = await startGateway({
      log,
      namespaces: {
        news: { historySize: 50, historyTtlSeconds: 60, forceRecovery: true, allowPublishForSubscriber: true },
        room: { presence: true, joinLeave: true, allowPublishForClient: true },
        plain: {},
        chat: { allowUserLimitedChannels: true },
      },
      withoutNamespace: {},
      pingIntervalMs: 0,
      limits: { maxMessageBytes: MAX_MESSAGE_BYTES, commandsPerSecond: 0 },
      handlers: { ...jwtHandlers(), onMessage: () => undefined },
    });
  });
  /** The well-behaved clients, disconnected even when the test fails (they would otherwise reconnect forever). */
  const goodClients: Centrifuge[] = [];
  after(async () => {
    for (const c of goodClients) c.disconnect();
    await g.close();
  });

  test(`fuzz part ${part}/${PARTS}: ${FRAMES.toLocaleString('en')} fuzzed frames, no crash, the right reply or close for each, neighbours unharmed`, { timeout: 30 * 60_000 }, async () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000) + part * 1000;
    const started = Date.now();
    // Two well-behaved official clients beside the fuzzers.
    const token = await mint({ sub: 'fuzz' });
    const good = [
      new Centrifuge(g.url, { token: await mint({ sub: 'good-json' }), websocket: WebSocket, timeout: STUCK_MS }),
      new CentrifugeProtobuf(g.url, { token: await mint({ sub: 'good-pb' }), websocket: WebSocket, protocol: 'protobuf', timeout: STUCK_MS } as never) as unknown as Centrifuge,
    ];
    goodClients.push(...good);
    const received: number[][] = [[], []];
    let disconnects = 0;
    for (const [i, c] of good.entries()) {
      c.on('connecting', (ctx) => ctx.code !== 0 && disconnects++);
      const sub = c.newSubscription('news:steady');
      sub.on('publication', (ctx) => received[i]!.push(ctx.offset!));
      const s = once(sub, 'subscribed', STUCK_MS);
      c.connect();
      sub.subscribe();
      await s;
    }
    let published = 0;
    let sent = 0;
    const onFrame = () => {
      if (++sent % PUBLISH_EVERY === 0) void g.node.publish('news:steady', { n: ++published });
    };

    const per = Math.ceil(FRAMES / WORKERS);
    const stats = Array.from({ length: WORKERS }, (): WorkerStats => ({ frames: 0, malformed: 0, connections: 0, replies: 0, errors: new Map() }));
    await Promise.all(
      stats.map((s, i) =>
        fuzzWorker(g.url, i % 2 === 0 ? 'json' : 'protobuf', seed + i, per, token, s, onFrame).catch((err: unknown) => {
          aborted = true;
          throw err;
        }),
      ),
    );

    const frames = stats.reduce((n, s) => n + s.frames, 0);
    const malformed = stats.reduce((n, s) => n + s.malformed, 0);
    const replies = stats.reduce((n, s) => n + s.replies, 0);
    const conns = stats.reduce((n, s) => n + s.connections, 0);
    const codes = new Map<number, number>();
    for (const s of stats) for (const [k, v] of s.errors) codes.set(k, (codes.get(k) ?? 0) + v);
    console.log(`fuzz part ${part} seed ${seed} (FUZZ_SEED=${seed - part * 1000} replays): ${frames} frames (${malformed} closing), ${replies} replies, ${conns} connections, errors ${JSON.stringify(Object.fromEntries(codes))}, ${Date.now() - started} ms`);
    assert.ok(frames >= FRAMES);
    assert.ok(malformed > FRAMES / 100, 'a real share of frames is malformed');
    assert.deepEqual(internalErrors, [], 'no handler failed internally');

    // The well-behaved clients are still connected, received every publication in order, and still get answers.
    assert.ok(published >= FRAMES / PUBLISH_EVERY);
    await until(() => received.every((r) => r.length === published), STUCK_MS, 'steady publications');
    for (const r of received) assert.deepEqual(r, Array.from({ length: published }, (_, i) => i + 1));
    assert.equal(disconnects, 0);
    const rpc = await good[0]!.rpc('echo', { ok: true });
    assert.deepEqual(rpc.data, { echo: { ok: true }, user: 'good-json' });
    for (const c of good) c.disconnect();
    await until(() => g.node.stats().sockets === 0, STUCK_MS, 'all sockets released');
    assert.equal(g.node.stats().subscriptions, 0);
  });
}
