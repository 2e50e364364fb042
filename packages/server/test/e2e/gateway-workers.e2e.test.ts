/**
 * A gateway node as several worker processes sharing one port (CADENZA_GATEWAY_WORKERS=2, `npm run start:gateway`'s
 * program), in front of a Cadenza server on one Redis, with the official centrifuge client: clients on different
 * workers see each other's publications; a worker killed with SIGKILL is replaced, and its clients reconnect and
 * recover what they missed, exactly once and in order; SIGTERM to the primary drains every worker (3001) and exits 0.
 * Which worker holds a client is read from /proc: the process that has the server side of its socket.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Centrifuge, type PublicationContext, type SubscribedContext, type Subscription } from 'centrifuge';
import { createClient } from '@supabase/supabase-js';
import { startRedis } from '@cadenza/testkit/redis-server';
import { startServer } from '../../src/server.ts';

const root = new URL('../../../../', import.meta.url).pathname;
const redis = await startRedis();
const dataDir = mkdtempSync(join(tmpdir(), 'cadenza-gwworkers-'));
const proxySecret = 'a-long-shared-secret-for-the-workers-test';
const core = await startServer({ port: 0, host: '127.0.0.1', dataDir, log: false, venues: ['PAPER'], redisUrl: redis.url, proxySecret });
const clients: Centrifuge[] = [];
let primary: ChildProcess | undefined;
after(async () => {
  for (const c of clients) c.disconnect();
  if (primary && primary.exitCode === null && primary.signalCode === null) process.kill(-primary.pid!, 'SIGKILL');
  await core.close();
  await redis.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The primary's JSON log, line by line, and a way to wait for a line. */
class LogLines {
  readonly lines: Array<Record<string, unknown>> = [];
  #waiters: Array<() => void> = [];
  constructor(stream: NodeJS.ReadableStream) {
    let rest = '';
    stream.on('data', (d: Buffer) => {
      rest += d.toString();
      const parts = rest.split('\n');
      rest = parts.pop()!;
      for (const line of parts) {
        if (!line.startsWith('{')) continue;
        this.lines.push(JSON.parse(line) as Record<string, unknown>);
        for (const w of this.#waiters.splice(0)) w();
      }
    });
  }

  async until<T>(find: (lines: Array<Record<string, unknown>>) => T | undefined): Promise<T> {
    for (;;) {
      const found = find(this.lines);
      if (found !== undefined) return found;
      await new Promise<void>((r) => this.#waiters.push(r));
    }
  }
}

const listening = (lines: Array<Record<string, unknown>>) => lines.filter((l) => l.msg === 'gateway worker listening') as Array<{ worker: number; workerPid: number; port: number }>;

/** The pid of the process holding the server side of a client's socket (whose local port is `clientPort`). */
function workerOf(serverPort: number, clientPort: number, pids: number[]): number | undefined {
  const hex = (p: number) => p.toString(16).toUpperCase().padStart(4, '0');
  const row = readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .find((f) => f[1]?.endsWith(`:${hex(serverPort)}`) && f[2]?.endsWith(`:${hex(clientPort)}`));
  if (!row) return undefined;
  const socket = `socket:[${row[9]}]`;
  return pids.find((pid) => readdirSync(`/proc/${pid}/fd`).some((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`) === socket;
    } catch {
      return false; // closed meanwhile
    }
  }));
}

interface Client {
  c: Centrifuge;
  /** The local port of the client's current socket. */
  port(): number;
}

function connectClient(wsUrl: string, token: string): Promise<Client> {
  let localPort = 0;
  class Tracked extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      this.once('upgrade', (res) => (localPort = res.socket.localPort!));
    }
  }
  const c = new Centrifuge(wsUrl, { token, websocket: Tracked, minReconnectDelay: 50, maxReconnectDelay: 300, timeout: 10_000 });
  clients.push(c);
  return new Promise((resolve, reject) => {
    c.once('connected', () => resolve({ c, port: () => localPort }));
    c.once('disconnected', (ctx) => reject(new Error(`disconnected ${ctx.code} ${ctx.reason}`)));
    c.connect();
  });
}

/** Every publication a subscription sees, by offset, and its (re)subscriptions. */
async function follow(c: Centrifuge, channel: string): Promise<{ offsets: number[]; types: string[]; subscribed: SubscribedContext[]; sub: Subscription }> {
  const seen = { offsets: [] as number[], types: [] as string[], subscribed: [] as SubscribedContext[], sub: c.newSubscription(channel) };
  seen.sub.on('publication', (ctx: PublicationContext) => {
    seen.offsets.push(ctx.offset!);
    seen.types.push((ctx.data as { type: string }).type);
  });
  seen.sub.on('subscribed', (ctx) => seen.subscribed.push(ctx));
  const up = new Promise((r) => seen.sub.once('subscribed', r));
  seen.sub.subscribe();
  await up;
  return seen;
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 10));
}

test('two gateway workers on one port: shared publications, a killed worker replaced and its clients recovered, a clean stop', { timeout: 90_000 }, async () => {
  primary = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/gateway-main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', CADENZA_HOST: '127.0.0.1', CADENZA_UPSTREAM_URL: core.url, CADENZA_REDIS_URL: redis.url, CADENZA_PROXY_SECRET: proxySecret, CADENZA_GATEWAY_WORKERS: '2', CADENZA_LOG_FORMAT: 'json', CADENZA_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => primary!.once('exit', (code, signal) => r({ code, signal })));
  primary.stderr!.resume();
  const log = new LogLines(primary.stdout!);
  const started = await log.until((l) => (listening(l).length >= 2 ? listening(l) : undefined));
  const port = started[0]!.port;
  assert.ok(started.every((w) => w.port === port), 'the workers share one port');
  const wsUrl = `ws://127.0.0.1:${port}/connection/websocket`;
  let pids = started.map((w) => w.workerPid);

  const sb = createClient(core.url, 'anon', { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: WebSocket as never } });
  assert.equal((await sb.auth.signUp({ email: 'workers@example.com', password: 'gateway-workers-pass' })).error, null);
  const token = (await sb.auth.signInWithPassword({ email: 'workers@example.com', password: 'gateway-workers-pass' })).data.session!.access_token;

  // Clients until each worker holds one (the kernel picks the worker for each connection).
  const byWorker = new Map<number, Client>();
  for (let i = 0; i < 40 && byWorker.size < 2; i++) {
    const client = await connectClient(wsUrl, token);
    const pid = workerOf(port, client.port(), pids);
    assert.ok(pid !== undefined, 'a worker holds the socket');
    if (!byWorker.has(pid)) byWorker.set(pid, client);
  }
  assert.equal(byWorker.size, 2, 'both workers took connections');
  const [a, b] = pids.map((pid) => byWorker.get(pid)!);

  // Publications made through one worker's client reach the other's, through Redis.
  const account = ((await a!.c.rpc('command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'workers' } })).data as any).data.tradingAccountId as string;
  const channel = `tradingAccount:${account}`;
  const seenA = await follow(a!.c, channel);
  const seenB = await follow(b!.c, channel);
  const submit = (via: Client) => via.c.rpc('command.trade_order.submit', { tradingAccountId: account, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '1000' } });
  assert.equal(((await submit(a!)).data as { error?: unknown }).error, undefined);
  await until(() => seenB.types.includes('event.trade_order.updated'));
  const fromA = seenB.offsets.length;
  await submit(b!);
  await until(() => seenA.offsets.length > fromA);

  // Worker 0 dies: its client reconnects to the other (or the replacement) and recovers what was published meanwhile.
  const reconnecting = new Promise((r) => a!.c.once('connecting', r));
  process.kill(pids[0]!, 'SIGKILL');
  await reconnecting;
  for (let i = 0; i < 3; i++) await submit(b!);
  const replaced = await log.until((l) => listening(l).find((w) => w.worker === 0 && w.workerPid !== pids[0]));
  pids = [replaced.workerPid, pids[1]!];
  await until(() => seenA.subscribed.length >= 2 && seenA.offsets.length === seenB.offsets.length);
  const again = seenA.subscribed[1]!;
  assert.equal(again.wasRecovering, true);
  assert.equal(again.recovered, true, 'the missed publications came from the shared history');
  assert.deepEqual(seenA.offsets, seenB.offsets, 'every publication exactly once, in order, on both clients');
  assert.deepEqual(seenA.offsets, seenA.offsets.map((_, i) => seenA.offsets[0]! + i), 'consecutive offsets');
  assert.notEqual(workerOf(port, a!.port(), [pids[0]!, pids[1]!, started[0]!.workerPid]), started[0]!.workerPid, 'the killed worker holds nothing');

  // The replacement takes connections and serves them.
  let onReplacement: Client | undefined;
  for (let i = 0; i < 40 && !onReplacement; i++) {
    const client = await connectClient(wsUrl, token);
    if (workerOf(port, client.port(), pids) === replaced.workerPid) onReplacement = client;
  }
  assert.ok(onReplacement, 'the replacement worker took connections');
  const seenR = await follow(onReplacement.c, channel);
  await submit(a!);
  await until(() => seenR.types.includes('event.trade_order.updated'));

  // SIGTERM to the primary: every worker drains (clients told 3001 shutdown), then everything exits 0.
  const told = new Promise<number>((r) => b!.c.once('connecting', (ctx) => r(ctx.code)));
  process.kill(primary.pid!, 'SIGTERM');
  assert.equal(await told, 3001);
  assert.deepEqual(await exit, { code: 0, signal: null });
  for (const pid of pids) assert.throws(() => process.kill(pid, 0), /ESRCH/, 'no worker left behind');
});
