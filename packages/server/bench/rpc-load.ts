/**
 * What the RPC benches share: a Cadenza server in its own process (orders-server.ts), sign-in over the auth routes,
 * connections through the official `centrifuge` client, and measured runs — C connections × W calls in flight for
 * D ms after the same calls for BENCH_WARMUP_SECONDS unmeasured, one path at a time (`measure`) or several in turn
 * (`measureInterleaved`): latency percentiles over every call, the server's CPU time per call, the store's COMMITs
 * per call and the host's steal time over the run.
 */
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { Centrifuge } from 'centrifuge';
import { summarizeProfile, type CpuProfile } from './cpu-profile-summary.ts';
import { hostTicks } from './host-steal.ts';

export interface BenchServer {
  url: string;
  wsUrl: string;
  dataDir: string;
  demo: { email: string; password: string };
  child: ChildProcess;
  /** Sends a command to the server process and resolves with the value of `key` in its answer. */
  ask<T>(command: Record<string, unknown>, key: string): Promise<T>;
  /** CPU time (user + system, µs) the server process has used so far. */
  cpuUs(): Promise<number>;
  /** COMMITs the server's SQLite store has made so far. */
  commits(): Promise<number>;
  stop(): Promise<void>;
}

/** BENCH_NODE_ARGS: node flags for the server process (e.g. `--max-semi-space-size=4`), to measure a runtime setting. */
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

export async function forkBenchServer(env: Record<string, string> = {}, execArgv: string[] = []): Promise<BenchServer> {
  const child = fork(fileURLToPath(new URL('./orders-server.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx', ...nodeArgs, ...execArgv],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // The server must never outlive the bench, whatever ends it.
  const kill = () => child.kill();
  process.on('exit', kill);
  const info = await new Promise<{ url: string; wsUrl: string; dataDir: string; demo: { email: string; password: string } }>((resolve) => child.once('message', resolve as never));
  const ask = <T>(command: Record<string, unknown>, key: string): Promise<T> =>
    new Promise((resolve) => {
      const on = (m: Record<string, unknown>) => {
        if (!(key in m)) return;
        child.off('message', on);
        resolve(m[key] as T);
      };
      child.on('message', on);
      child.send(command);
    });
  return {
    ...info,
    child,
    ask,
    async cpuUs() {
      const cpu = await ask<NodeJS.CpuUsage>({ cmd: 'cpu' }, 'cpu');
      return cpu.user + cpu.system;
    },
    commits: () => ask<number>({ cmd: 'commits' }, 'commits'),
    async stop() {
      child.send({ cmd: 'stop' });
      await new Promise((r) => child.once('exit', r));
      process.off('exit', kill);
    },
  };
}

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Signs the user up when `signUp` (the auth routes), makes it an admin when `admin` (the operator CLI), signs in. */
export async function signIn(server: BenchServer, email: string, password: string, opts: { signUp?: boolean; admin?: boolean } = {}): Promise<string> {
  const auth = (path: string) =>
    fetch(`${server.url}/auth/v1/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', apikey: 'bench' }, body: JSON.stringify({ email, password }) });
  if (opts.signUp) await auth('signup');
  if (opts.admin) await promisify(execFile)(process.execPath, ['--import', 'tsx', 'packages/server/src/admin/admin.ts', 'grant-admin', email, '--data-dir', server.dataDir], { cwd: root });
  return ((await (await auth('token?grant_type=password')).json()) as { access_token: string }).access_token;
}

export async function connectClients(server: BenchServer, token: string, n: number): Promise<Centrifuge[]> {
  const clients: Centrifuge[] = [];
  for (let i = 0; i < n; i++) {
    const c = new Centrifuge(server.wsUrl, { token, websocket: WebSocket, timeout: 30000 });
    const ready = new Promise<void>((resolve) => c.once('connected', () => resolve()));
    c.connect();
    await ready;
    clients.push(c);
  }
  return clients;
}

/** An RPC's `data`, or a thrown error naming the method and the refusal. */
export async function rpcData<T = any>(c: Centrifuge, method: string, params: unknown): Promise<T> {
  const r = (await c.rpc(method, params)).data as { data?: T; error?: unknown };
  if (r.error) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
  return r.data as T;
}

export interface Row {
  label: string;
  perSecond: number;
  p50: number;
  p99: number;
  serverUsPerCall: number;
  /** This process's (the bench's: the clients') CPU time per call, µs. */
  clientUsPerCall: number;
  /** The store's COMMITs per call: how many calls share a group commit (their inverse). */
  commitsPerCall: number;
  n: number;
  errors: number;
  /** The host's steal time over the measured time, a share of the machine's ticks (host-steal.ts). */
  steal: number;
  /** The p50 of each measured slice, in order (one for `measure`, one per round for `measureInterleaved`). */
  sliceP50s: number[];
}

/** A call path to measure: `call(client, worker, n)` as `measure` describes it. */
export interface Path {
  label: string;
  call: (c: Centrifuge, worker: number, n: number) => Promise<unknown>;
}

/**
 * BENCH_WARMUP_SECONDS (default 2): the same calls, unmeasured, before a path is first measured. The first seconds of
 * a path are V8 compiling it: in a CPU profile (perf) of the server over the first 2 s of bench:rfq's runs without it,
 * its compiler threads took ~15 % of the process's CPU, which the CPU per call counted — a start-up cost, not the path's.
 */
const WARMUP_MS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2) * 1000;

/** Calls made while warming up are numbered from here on, so that ids made from `n` never meet a measured call's. */
const WARMUP_N = 10_000_000;
/** Each measured slice of a path numbers its calls from its own multiple of this. */
const SLICE_N = 1_000_000;
/**
 * BENCH_SETTLE_MS (default 500): before each interleaved slice, its own path runs this long unmeasured (calls numbered
 * from SETTLE_N on). What a path leaves behind — its garbage, its WAL pages for the checkpointer, the dealer's
 * hedges after accepts — is paid in the next moments, and a slice measured at once would charge it to whichever path
 * came next.
 */
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 500);
const SETTLE_N = 20_000_000;

/**
 * `call(client, worker, n)` runs for `ms` on every client with `inFlight` workers each (worker = client × inFlight +
 * slot, so a worker can own state). It resolves with the answer, or with `{ timed: ms }` to have only part of its
 * work measured; a thrown error or an answer carrying `error` is counted, not measured.
 */
export async function measure(server: BenchServer, label: string, clients: Centrifuge[], inFlight: number, ms: number, call: Path['call']): Promise<Row> {
  await warmUp(clients, inFlight, call);
  const tally = new Tally(label);
  await measureSlice(server, tally, clients, inFlight, ms, call, 0, profileFile(label));
  return tally.print();
}

/**
 * The paths measured in turn, `rounds` slices of `ms / rounds` each, the order reversed every other round (A B C,
 * C B A, …), after each path's warm-up, each slice after BENCH_SETTLE_MS of its own path unmeasured: every path
 * meets the same state of the server (its heap, its database, the PAPER books) and the same spells of a busy host, so
 * that a ratio between two of them compares the paths, not the moments they ran at. Each row pools its slices; `sliceP50s` keeps each slice's p50. BENCH_PROF profiles the first
 * round's slices.
 */
export async function measureInterleaved(server: BenchServer, paths: Path[], clients: Centrifuge[], inFlight: number, ms: number, rounds: number): Promise<Row[]> {
  for (const p of paths) await warmUp(clients, inFlight, p.call);
  const tallies = paths.map((p) => new Tally(p.label));
  for (let r = 0; r < rounds; r++) {
    const order = paths.map((_, i) => (r % 2 === 0 ? i : paths.length - 1 - i));
    for (const i of order) {
      const call = paths[i]!.call;
      if (SETTLE_MS > 0) await runWorkers(clients, inFlight, performance.now() + SETTLE_MS, SETTLE_N + r * SLICE_N, (c, worker, n) => call(c, worker, n).then(() => undefined, () => undefined));
      await measureSlice(server, tallies[i]!, clients, inFlight, ms / rounds, call, r * SLICE_N, r === 0 ? profileFile(paths[i]!.label) : undefined);
    }
  }
  return tallies.map((t) => t.print());
}

/** What a path's measured slices added up to. */
class Tally {
  readonly lat: number[] = [];
  readonly sliceP50s: number[] = [];
  errors = 0;
  ms = 0;
  serverUs = 0;
  clientUs = 0;
  commits = 0;
  stealTicks = 0;
  hostTicks = 0;
  constructor(readonly label: string) {}

  print(): Row {
    const lat = this.lat.sort((a, b) => a - b);
    const n = lat.length;
    const row: Row = {
      label: this.label,
      perSecond: Math.round(n / (this.ms / 1000)),
      p50: percentile(lat, 0.5),
      p99: percentile(lat, 0.99),
      serverUsPerCall: Math.round(this.serverUs / Math.max(1, n)),
      clientUsPerCall: Math.round(this.clientUs / Math.max(1, n)),
      commitsPerCall: this.commits / Math.max(1, n),
      n,
      errors: this.errors,
      steal: this.stealTicks / Math.max(1, this.hostTicks),
      sliceP50s: this.sliceP50s,
    };
    const slices = row.sliceP50s.length > 1 ? `   slices' p50 ${row.sliceP50s.map((p) => p.toFixed(2)).join(' ')}` : '';
    console.log(
      `${this.label.padEnd(48)} ${String(row.perSecond).padStart(7)}/s   p50 ${row.p50.toFixed(2).padStart(6)} ms   p99 ${row.p99.toFixed(2).padStart(6)} ms   server ${String(row.serverUsPerCall).padStart(5)} µs/call (client ${String(row.clientUsPerCall).padStart(4)})   COMMITs ${row.commitsPerCall.toFixed(2)}/call   steal ${(100 * row.steal).toFixed(0).padStart(2)} %   n=${n} errors=${this.errors}${slices}`,
    );
    return row;
  }
}

/** The latency at `p` (0–1) of sorted latencies. */
function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : NaN;
}

async function runWorkers(clients: Centrifuge[], inFlight: number, until: number, first: number, each: (c: Centrifuge, worker: number, n: number) => Promise<void>): Promise<void> {
  await Promise.all(
    clients.flatMap((c, i) =>
      Array.from({ length: inFlight }, async (_, slot) => {
        const worker = i * inFlight + slot;
        let n = first;
        while (performance.now() < until) await each(c, worker, n++);
      }),
    ),
  );
}

async function warmUp(clients: Centrifuge[], inFlight: number, call: Path['call']): Promise<void> {
  if (WARMUP_MS > 0) await runWorkers(clients, inFlight, performance.now() + WARMUP_MS, WARMUP_N, (c, worker, n) => call(c, worker, n).then(() => undefined, () => undefined));
}

/**
 * BENCH_PROF=dir: a V8 CPU profile of the server for a measured slice, and where its time went (cpu-profile-summary.ts);
 * with BENCH_HEAP_PROF=1 also a sampling heap profile (.heapprofile beside it) and the bytes allocated per call.
 */
function profileFile(label: string): string | undefined {
  return process.env.BENCH_PROF ? join(process.env.BENCH_PROF, `${label.replace(/\W+/g, '-').slice(0, 40)}.cpuprofile`) : undefined;
}

/** One measured slice of a path, its calls numbered from `first`, added to `tally`. */
async function measureSlice(server: BenchServer, tally: Tally, clients: Centrifuge[], inFlight: number, ms: number, call: Path['call'], first: number, profile: string | undefined): Promise<void> {
  const heap = process.env.BENCH_HEAP_PROF === '1';
  if (profile) {
    mkdirSync(process.env.BENCH_PROF!, { recursive: true });
    await server.ask({ cmd: 'prof-start', heap }, 'profiling');
  }
  const lat: number[] = [];
  const commits0 = await server.commits();
  const server0 = await server.cpuUs();
  const host0 = hostTicks();
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  await runWorkers(clients, inFlight, t0 + ms, first, async (c, worker, n) => {
    const s = performance.now();
    try {
      const r = (await call(c, worker, n)) as { timed?: number; data?: { error?: unknown } } | undefined;
      if (r?.data?.error) tally.errors++;
      else lat.push(r?.timed ?? performance.now() - s);
    } catch {
      tally.errors++;
    }
  });
  tally.ms += performance.now() - t0;
  const client = process.cpuUsage(client0);
  tally.clientUs += client.user + client.system;
  const host1 = hostTicks();
  tally.stealTicks += host1.steal - host0.steal;
  tally.hostTicks += host1.total - host0.total;
  tally.serverUs += (await server.cpuUs()) - server0;
  tally.commits += (await server.commits()) - commits0;
  tally.sliceP50s.push(percentile([...lat].sort((a, b) => a - b), 0.5));
  for (const l of lat) tally.lat.push(l);
  if (profile) {
    await server.ask({ cmd: 'prof-stop', file: profile }, 'profiled');
    console.log(summarizeProfile(JSON.parse(readFileSync(profile, 'utf8')) as CpuProfile));
    if (heap) {
      const h = JSON.parse(readFileSync(profile.replace(/\.cpuprofile$/, '.heapprofile'), 'utf8')) as HeapNode & { head?: HeapNode };
      console.log(`  allocated by the server: ~${(allocated(h.head ?? h) / Math.max(1, lat.length) / 1024).toFixed(1)} KB per call (sampled, garbage included)`);
    }
  }
}

interface HeapNode {
  selfSize: number;
  children?: HeapNode[];
}

/** Bytes a sampling heap profile's tree allocated. */
function allocated(n: HeapNode): number {
  let total = n.selfSize;
  for (const c of n.children ?? []) total += allocated(c);
  return total;
}
