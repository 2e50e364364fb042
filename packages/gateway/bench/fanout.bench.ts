/**
 * `npm run bench:fanout` — publish → subscriber fan-out of the gateway beside a real Centrifugo v6.9.1 and a bare
 * `ws` broadcast server (the floor), in one run; the gateway both as one process (memory broker) and as
 * `BENCH_GATEWAY_WORKERS` (2) worker processes sharing the port (`WorkerPool`) on a Redis the bench starts — the
 * figures of that row are summed over every process: the pool's primary, its workers and Redis.
 *
 * For each size (default 1,000, 5,000 and 10,000 subscribers of one channel) and each server, a separate load
 * process opens the connections (the same lean client for all: JSON protocol with an HS256 token for the gateway and
 * Centrifugo), and this process publishes over the same HTTP path to every server (`POST /api/publish`). Measured:
 * - connection setup: the time to open, connect and subscribe all N connections (200 at a time, in two halves, the
 *   tokens signed beforehand), the server's CPU time per connection meanwhile (all its threads: a fairer figure than
 *   the time on a shared machine, where a multi-threaded server gets more of the cores than a single-threaded one;
 *   for a Node server also its main thread's alone, the event loop that bounds how fast it takes connections),
 *   and the load process's (the same client for both: a higher figure means the server made it wait or retry);
 * - memory per connection: after the timed setup, the server's RSS growth (after a GC where the runtime allows one) while
 *   N/2 more connections open, / N/2 — what one more connection costs, without what a server allocates once (a JIT's
 *   code, pools, heap headroom); taken after the setup, not between its halves, because a forced GC makes V8 drop
 *   optimized code, which a Node server then compiled again while it was timed;
 * every server is warm when measured, alike: first BENCH_WARMUP_ROUNDS (2) rounds of BENCH_WARMUP (1,000) connections
 *   that come and go (one round left V8 still optimizing the connect and close paths during the timed setup), and
 *   before each step the bench waits until every thread of the server is idle (closes, GC, compiler threads done);
 * - a burst (~500,000 deliveries, `BENCH_PUBLISH_CONCURRENCY` requests in flight): deliveries/s at the load process,
 *   and the server's write syscalls (`syscw` of /proc/<pid>/io) and CPU time per delivery;
 * - a sustained offered rate (`BENCH_OFFERED` deliveries/s, default 50,000: 50 publications/s at 1,000
 *   subscribers, 5/s at 10,000) for `BENCH_SECONDS` (4): publish → receive latency p50/p99 over every delivery.
 * Knobs: BENCH_SIZES=1000,5000 BENCH_SERVERS=gateway,gateway-redis,centrifugo (default: bare, gateway, gateway-redis,
 * centrifugo; also centrifugo-redis: Centrifugo on the Redis engine, a Redis the bench starts), BENCH_TOKEN=ES256 (connection tokens signed with
 * a P-256 key both servers verify — what Cadenza's sign-in issues — instead of HS256 with a shared secret), BENCH_SETUP_ONLY=1 (connection setup and memory
 * only: seconds), BENCH_PROF=dir (CPU profiles of the Node servers; with BENCH_PROF_PHASE=setup only of the measured
 * connection setup, one profile per half; of the first worker for the pool), BENCH_SERVER_ARGS='--perf-basic-prof' (more node
 * flags for the Node servers), BENCH_GATEWAY_WORKERS=2, BENCH_WORKER_SCHEDULING=shared-handle|round-robin (the pool's),
 * BENCH_PER_PROCESS=1 (each process's setup CPU per connection on stderr), BENCH_PERF=dir (`perf record -g` of every
 * thread of the server over each half of the timed setup: what the threads besides the event loop do).
 * Needs `ulimit -n` above 1.5 × the largest size (checked).
 */
import { fork, execSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { startCentrifugo, type TestCentrifugo } from '@cadenza/testkit/services/centrifugo-server';
import { startRedis } from '@cadenza/testkit/redis-server';

type Kind = 'bare' | 'gateway' | 'gateway-redis' | 'centrifugo' | 'centrifugo-redis';
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const SIZES = (process.env.BENCH_SIZES ?? '1000,5000,10000').split(',').map(Number);
const KINDS = (process.env.BENCH_SERVERS ?? 'bare,gateway,gateway-redis,centrifugo').split(',') as Kind[];
/** 'gateway-redis': worker processes sharing the port (a WorkerPool), and how connections reach them. */
const WORKERS = Number(process.env.BENCH_GATEWAY_WORKERS ?? 2);
const SCHEDULING = process.env.BENCH_WORKER_SCHEDULING ?? 'shared-handle';
const OFFERED = Number(process.env.BENCH_OFFERED ?? 50_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONCURRENCY = Number(process.env.BENCH_PUBLISH_CONCURRENCY ?? 8);
const BURST_DELIVERIES = Number(process.env.BENCH_BURST_DELIVERIES ?? 500_000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1000);
/** Warm-up rounds: connections that come and go, so a JIT has compiled both the connect and the close path. */
const WARMUP_ROUNDS = Number(process.env.BENCH_WARMUP_ROUNDS ?? 2);
/** Only the connection setup (and memory) figures: a quick run while working on the connect path. */
const SETUP_ONLY = process.env.BENCH_SETUP_ONLY === '1';
const PROF_DIR = process.env.BENCH_PROF;
const PROF_SETUP = PROF_DIR !== undefined && process.env.BENCH_PROF_PHASE === 'setup';
/** `perf record -g` of every process of the server over each half of the measured setup (all threads, kernel too). */
const PERF_DIR = process.env.BENCH_PERF;
const TOKEN_ALG = (process.env.BENCH_TOKEN ?? 'HS256').toUpperCase();
if (TOKEN_ALG !== 'HS256' && TOKEN_ALG !== 'ES256') throw new Error(`BENCH_TOKEN: HS256 or ES256, not ${TOKEN_ALG}`);
const CHANNEL = 'bench:fanout';
const PAD = 'x'.repeat(64); // a payload of about 100 bytes, like a ticker update
const TICKS = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;
const now = () => performance.timeOrigin + performance.now();

interface Row {
  kind: Kind;
  n: number;
  setupMs: number;
  setupCpuUsPerConn: number;
  setupSysUsPerConn: number;
  /** A Node server's main thread (its event loop) alone; NaN for Centrifugo. */
  setupLoopUsPerConn: number;
  loadCpuUsPerConn: number;
  deliveriesPerSec: number;
  syscwPerDelivery: number;
  cpuUsPerDelivery: number;
  p50: number;
  p99: number;
  rate: number;
  kibPerConn: number;
  delivered: number;
  expected: number;
}

function child(file: string, args: string[], server = false): ChildProcess {
  const prof = server && PROF_DIR && !PROF_SETUP ? ['--cpu-prof', `--cpu-prof-dir=${PROF_DIR}`] : [];
  return fork(here(file), args, { execArgv: ['--import', 'tsx', ...(server ? ['--expose-gc', ...(process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean)] : []), ...prof], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/** Sends `msg` (if any) and waits for a reply carrying `key`; fails instead of hanging after `ms`. */
function ask<T>(p: ChildProcess, msg: object | undefined, key: string, ms = 180_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${key}' within ${ms / 1000} s`)), ms);
    const onMsg = (m: Record<string, unknown>) => {
      if (key in m) {
        clearTimeout(timer);
        p.off('message', onMsg);
        resolve(m as T);
      }
    };
    p.on('message', onMsg);
    p.once('exit', (code) => reject(new Error(`child exited (${code}) while waiting for ${key}`)));
    if (msg) p.send(msg);
  });
}

function procIo(pids: number[]): number {
  return sum(pids, (pid) => Number(/syscw:\s*(\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))![1]));
}

const sum = (pids: number[], f: (pid: number) => number): number => pids.reduce((a, pid) => a + f(pid), 0);

/** CPU seconds of every thread of the process: user + system, and system alone. */
function cpuTimes(pid: number, thread?: number): { cpu: number; sys: number } {
  const f = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { cpu: (Number(f[11]) + Number(f[12])) / TICKS, sys: Number(f[12]) / TICKS };
}

function cpuSeconds(pid: number): number {
  return cpuTimes(pid).cpu;
}

/** Every thread of every process of a server. */
function serverCpu(pids: number[]): { cpu: number; sys: number } {
  return pids.reduce((a, pid) => {
    const t = cpuTimes(pid);
    return { cpu: a.cpu + t.cpu, sys: a.sys + t.sys };
  }, { cpu: 0, sys: 0 });
}

/**
 * Waits until the server is idle — under 5 % of a core over 200 ms, every thread of every process — so what one step
 * left behind (closing sockets, a GC, the optimizing compiler) is not counted in the next; at most 10 s.
 */
async function settle(pids: number[]): Promise<void> {
  await new Promise((r) => setTimeout(r, 300));
  for (let i = 0; i < 50; i++) {
    const c0 = serverCpu(pids).cpu;
    await new Promise((r) => setTimeout(r, 200));
    if (serverCpu(pids).cpu - c0 <= 0.01) return;
  }
}

function rssOf(pid: number): number {
  return Number(/VmRSS:\s*(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
}

/** The server under test, started and measurable the same way whatever it is. */
interface Server {
  port: number;
  /** Every process the server runs (a WorkerPool's primary and workers, and the Redis they share). */
  pids: number[];
  /** The processes whose main thread is an event loop taking connections (none for Centrifugo). */
  loops: number[];
  apiKey: string;
  /** RSS, after a GC where the runtime allows forcing one. */
  rss(): Promise<number>;
  /** Starts a CPU profile, or stops it and writes it to `file` (Node servers only). */
  profile?(file?: string): Promise<void>;
  stop(): Promise<void>;
}

/** What the connection tokens are signed with (given to the load process) and checked with (given to the servers). */
interface TokenKeys {
  signing: string;
  verifying: string;
}

function tokenKeys(): TokenKeys {
  if (TOKEN_ALG === 'HS256') {
    const secret = randomBytes(32).toString('hex');
    return { signing: secret, verifying: secret };
  }
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { signing: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), verifying: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

async function startServer(kind: Kind, keys: TokenKeys): Promise<Server> {
  if (kind === 'centrifugo' || kind === 'centrifugo-redis') {
    const token = TOKEN_ALG === 'HS256' ? { hmac_secret_key: keys.verifying } : { ecdsa_public_key: keys.verifying };
    const redis = kind === 'centrifugo-redis' ? await startRedis() : undefined;
    const cf: TestCentrifugo = await startCentrifugo({
      namespaces: [{ name: 'bench', history_size: 100, history_ttl: '300s', force_recovery: true, allow_subscribe_for_client: true }],
      config: { client: { token, allowed_origins: ['*'] }, ...(redis ? { engine: { type: 'redis', redis: { address: [redis.url], prefix: 'bench' } } } : {}) },
    });
    const pids = redis ? [cf.pid, redis.pid] : [cf.pid];
    return {
      port: cf.port,
      pids,
      loops: [],
      apiKey: cf.apiKey,
      rss: async () => sum(pids, rssOf),
      stop: async () => {
        await cf.stop();
        await redis?.stop();
      },
    };
  }
  const redis = kind === 'gateway-redis' ? await startRedis() : undefined;
  const args = redis ? [redis.url, String(WORKERS), SCHEDULING] : [];
  const p = child('./fanout-server.ts', [kind, TOKEN_ALG, keys.verifying, ...args], true);
  const { port, pids } = await ask<{ port: number; pids?: number[] }>(p, undefined, 'port');
  return {
    port,
    pids: [...(pids ?? [p.pid!]), ...(redis ? [redis.pid] : [])],
    // A pool's primary (first) hands connections to the workers with 'round-robin', but runs no gateway.
    loops: pids ? pids.slice(1) : [p.pid!],
    apiKey: '',
    rss: async () => (await ask<{ rss: number }>(p, { cmd: 'rss' }, 'rss')).rss + (redis ? rssOf(redis.pid) : 0),
    profile: async (file) => {
      await (file ? ask(p, { cmd: 'prof-stop', file }, 'profiled') : ask(p, { cmd: 'prof-start' }, 'profiling'));
    },
    stop: async () => {
      // A clean exit, so a CPU profile (BENCH_PROF) is written.
      const exited = new Promise((r) => p.once('exit', r));
      p.send({ cmd: 'exit' });
      const t = setTimeout(() => p.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
      await redis?.stop();
    },
  };
}

/** Publishes over HTTP as Centrifugo's API is called: one POST per publication, keep-alive, `inFlight` at a time. */
class Publisher {
  readonly #agent: Agent;
  constructor(
    readonly port: number,
    readonly apiKey: string,
    inFlight: number,
  ) {
    this.#agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  }

  publish(seq: number): Promise<void> {
    const body = JSON.stringify({ channel: CHANNEL, data: { t: now(), seq, pad: PAD } });
    return new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: this.port, path: '/api/publish', method: 'POST', agent: this.#agent, headers: { 'content-type': 'application/json', 'x-api-key': this.apiKey, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`publish: HTTP ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** `count` publications, `inFlight` at a time. */
  async burst(count: number, inFlight: number): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < count) await this.publish(next++);
      }),
    );
  }

  /** `perSecond` publications a second for `seconds`, on schedule whatever the answers do. */
  async rate(perSecond: number, seconds: number): Promise<void> {
    const start = now();
    const pending: Promise<void>[] = [];
    for (let seq = 0; seq < perSecond * seconds; seq++) {
      const wait = start + (seq * 1000) / perSecond - now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      pending.push(this.publish(seq));
    }
    await Promise.all(pending);
  }

  close(): void {
    this.#agent.destroy();
  }
}

async function runCase(kind: Kind, n: number): Promise<Row> {
  const keys = tokenKeys();
  const server = await startServer(kind, keys);
  const wire = kind === 'bare' ? 'bare' : 'protocol';
  const publisher = new Publisher(server.port, server.apiKey, Math.max(CONCURRENCY, 1));
  let load: ChildProcess | undefined;
  try {
    const loadArgs = [wire, String(server.port), TOKEN_ALG, keys.signing];
    for (let round = 0; round < WARMUP_ROUNDS; round++) {
      const warm = child('./fanout-load.ts', loadArgs);
      await ask(warm, { cmd: 'open', count: WARMUP }, 'ready');
      const warmGone = new Promise((r) => warm.once('exit', r));
      warm.kill();
      await warmGone;
      await settle(server.pids);
    }
    load = child('./fanout-load.ts', loadArgs);
    let setupMs = 0;
    let setupCpu = 0;
    let setupSys = 0;
    let loadCpu = 0;
    let loopCpu = 0;
    const node = server.loops.length > 0;
    const half = async (count: number, part: number): Promise<void> => {
      const perf = PERF_DIR ? spawn('perf', ['record', '-q', '-F', '1999', '-g', '-p', server.pids.join(','), '-o', `${PERF_DIR}/setup-${kind}-${n}-${part}.perf.data`], { stdio: 'ignore' }) : undefined;
      await settle(server.pids); // the warm-up's closes, GC helper threads and compiler threads finish first
      if (PROF_SETUP) await server.profile?.();
      const c0 = serverCpu(server.pids);
      const each0 = server.pids.map((pid) => cpuTimes(pid).cpu);
      const writes0 = server.pids.map((pid) => procIo([pid]));
      const m0 = sum(server.loops, (pid) => cpuTimes(pid, pid).cpu);
      let l0 = 0;
      if (process.env.BENCH_PER_PROCESS) console.error(`${kind} × ${n}, half ${part}: measured from here`);
      const opened = ask<{ setupMs: number }>(load!, { cmd: 'open', count }, 'ready');
      await ask(load!, undefined, 'signed').then(() => (l0 = cpuSeconds(load!.pid!)));
      setupMs += (await opened).setupMs;
      const c1 = serverCpu(server.pids);
      if (process.env.BENCH_PER_PROCESS) {
        const perConn = (f: (pid: number, i: number) => number) => server.pids.map((pid, i) => Number((f(pid, i) / count).toFixed(2)));
        console.error(`${kind} × ${n}, half ${part}, each process: CPU µs / conn ${perConn((pid, i) => Math.round((cpuTimes(pid).cpu - each0[i]!) * 1e6)).join(', ')}; write syscalls / conn ${perConn((pid, i) => procIo([pid]) - writes0[i]!).join(', ')}`);
      }
      loopCpu += sum(server.loops, (pid) => cpuTimes(pid, pid).cpu) - m0;
      loadCpu += cpuSeconds(load!.pid!) - l0;
      setupCpu += c1.cpu - c0.cpu;
      setupSys += c1.sys - c0.sys;
      if (PROF_SETUP) await server.profile?.(`${PROF_DIR}/setup-${kind}-${n}-${part}.cpuprofile`);
      if (perf) {
        const done = new Promise((r) => perf.once('exit', r));
        perf.kill('SIGINT');
        await done;
      }
    };
    await half(Math.floor(n / 2), 1);
    await half(n - Math.floor(n / 2), 2);
    // Memory after the timed setup, never inside it: a forced GC drops a JIT's optimized code (V8 deoptimizes it,
    // reason 'weak objects'), so a GC between the halves made a Node server compile its connection path again while
    // it was measured — a cost a Go server never pays and a long-running Node server pays rarely.
    const extraCount = n - Math.floor(n / 2);
    const before = await server.rss();
    const extra = child('./fanout-load.ts', loadArgs);
    await ask(extra, { cmd: 'open', count: extraCount }, 'ready');
    const after = await server.rss();
    const gone = new Promise((r) => extra.once('exit', r));
    extra.kill();
    await gone;
    await settle(server.pids); // the server takes the closes before the burst
    const setup = { kind, n, setupMs, setupCpuUsPerConn: (setupCpu * 1e6) / n, setupSysUsPerConn: (setupSys * 1e6) / n, setupLoopUsPerConn: node ? (loopCpu * 1e6) / n : NaN, loadCpuUsPerConn: (loadCpu * 1e6) / n, kibPerConn: (after - before) / extraCount / 1024 };
    if (SETUP_ONLY) return { ...setup, deliveriesPerSec: NaN, syscwPerDelivery: NaN, cpuUsPerDelivery: NaN, p50: NaN, p99: NaN, rate: 0, delivered: 0, expected: 0 };

    const burst = Math.max(20, Math.round(BURST_DELIVERIES / n));
    await ask(load, { cmd: 'expect', count: burst * n, mode: 'throughput' }, 'armed');
    const tp = ask<{ received: number; elapsedMs: number }>(load, undefined, 'received');
    const w0 = procIo(server.pids);
    const c0 = serverCpu(server.pids).cpu;
    await publisher.burst(burst, CONCURRENCY);
    const t = await tp;
    const writes = procIo(server.pids) - w0;
    const cpu = serverCpu(server.pids).cpu - c0;

    const perSecond = Math.max(1, Math.round(OFFERED / n));
    const latCount = perSecond * SECONDS;
    await ask(load, { cmd: 'expect', count: latCount * n, mode: 'latency' }, 'armed');
    const lp = ask<{ received: number; p50: number; p99: number }>(load, undefined, 'received');
    await publisher.rate(perSecond, SECONDS);
    const l = await lp;
    return {
      ...setup,
      deliveriesPerSec: t.received / (t.elapsedMs / 1000),
      syscwPerDelivery: writes / t.received,
      cpuUsPerDelivery: (cpu * 1e6) / t.received,
      p50: l.p50,
      p99: l.p99,
      rate: perSecond,
      delivered: t.received + l.received,
      expected: burst * n + latCount * n,
    };
  } finally {
    publisher.close();
    load?.kill();
    await server.stop();
  }
}

const NAMES: Record<Kind, string> = { bare: 'bare ws (floor)', gateway: 'gateway', 'gateway-redis': `gateway ×${WORKERS} on Redis`, centrifugo: 'Centrifugo v6.9.1', 'centrifugo-redis': 'Centrifugo v6.9.1 on Redis' };

const fmt = (n: number, digits = 0) => (!Number.isFinite(n) ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

async function main(): Promise<void> {
  const limit = Number(execSync('sh -c "ulimit -n"').toString().trim());
  const biggest = Math.max(...SIZES);
  // The memory figure opens half as many connections again beside the N subscribers.
  if (Number.isFinite(limit) && limit < Math.ceil(biggest * 1.5) + 300) {
    console.error(`ulimit -n is ${limit}; ${biggest} subscribers need more. Run: ulimit -n ${Math.ceil(biggest * 1.5) + 1000} && npm run bench:fanout`);
    process.exit(1);
  }
  const started = Date.now();
  const load0 = loadavg()[0]!;
  const rows: Row[] = [];
  for (const n of SIZES) {
    for (const kind of KINDS) {
      process.stderr.write(`${kind} × ${n} … `);
      rows.push(await runCase(kind, n));
      process.stderr.write('done\n');
    }
  }
  console.log(
    `\nFan-out (node ${process.version}, ${new Date().toISOString()}, ${Math.round((Date.now() - started) / 1000)} s, load average ${fmt(load0, 1)} → ${fmt(loadavg()[0]!, 1)}; ${TOKEN_ALG} tokens; ` +
      `burst ${fmt(BURST_DELIVERIES)} deliveries with ${CONCURRENCY} publishes in flight; sustained ${fmt(OFFERED)} deliveries/s offered for ${SECONDS} s)\n`,
  );
  console.log('| server | subscribers | setup ms | setup server CPU µs / conn (sys; event loop) | load client CPU µs / conn | deliveries/s (burst) | vs Centrifugo | write syscalls / delivery | server CPU µs / delivery | p50 ms | p99 ms (pubs/s) | KiB / conn | delivered |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const cf = rows.find((b) => b.kind === 'centrifugo' && b.n === r.n);
    const name = NAMES[r.kind];
    console.log(
      `| ${name} | ${fmt(r.n)} | ${fmt(r.setupMs)} | ${fmt(r.setupCpuUsPerConn)} (${fmt(r.setupSysUsPerConn)}${Number.isFinite(r.setupLoopUsPerConn) ? `; ${fmt(r.setupLoopUsPerConn)}` : ''}) | ${fmt(r.loadCpuUsPerConn)} | ${fmt(r.deliveriesPerSec)} | ${cf && Number.isFinite(r.deliveriesPerSec) ? `${fmt(r.deliveriesPerSec / cf.deliveriesPerSec, 2)}×` : '–'} | ${fmt(r.syscwPerDelivery, 2)} | ${fmt(r.cpuUsPerDelivery, 1)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} (${r.rate}/s) | ${fmt(r.kibPerConn, 1)} | ${r.delivered === r.expected ? 'all' : `${r.delivered}/${r.expected}`} |`,
    );
  }
  const targets: string[] = [];
  for (const kind of ['gateway', 'gateway-redis'] as const) {
    for (const n of SIZES) {
      const g = rows.find((r) => r.kind === kind && r.n === n);
      const c = rows.find((r) => r.kind === 'centrifugo' && r.n === n);
      if (!g || !c) continue;
      const ok = (b: boolean) => (b ? 'OK' : 'MISSED');
      const setup =
        `setup ${fmt(g.setupMs)} vs ${fmt(c.setupMs)} ms (${ok(g.setupMs <= c.setupMs)}), ` +
        `server CPU ${fmt(g.setupCpuUsPerConn)} vs ${fmt(c.setupCpuUsPerConn)} µs / conn (${ok(g.setupCpuUsPerConn <= c.setupCpuUsPerConn)})`;
      targets.push(
        `${NAMES[kind]} ${fmt(n)}: ` +
          (SETUP_ONLY
            ? setup
            : `deliveries ${fmt(g.deliveriesPerSec / c.deliveriesPerSec, 2)}× (≥ 1.2×: ${ok(g.deliveriesPerSec >= 1.2 * c.deliveriesPerSec)}), ` +
              `p99 ${fmt(g.p99, 1)} vs ${fmt(c.p99, 1)} ms (${ok(g.p99 <= c.p99)}), ${setup}`),
      );
    }
  }
  if (targets.length) console.log(`\nTargets against Centrifugo —\n${targets.join(';\n')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
