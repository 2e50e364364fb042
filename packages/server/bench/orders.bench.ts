/**
 * `npm run bench:orders` — order submit → acknowledgement through the real `centrifuge` client against the
 * PAPER venue, the server in its own process, once on each store: the embedded SQLite, then PostgreSQL (a private
 * cluster started for the run, fsync on — PostgreSQL's defaults). Prints throughput and latency percentiles per run,
 * then both side by side, and in the same run a baseline: the same clients calling a trivial RPC
 * (`query.system.info`), which measures the gateway alone.
 *
 * Workload: C connections, each with its own funded paper account, each keeping W submits in flight for D seconds.
 * Orders are non-marketable GTC LIMIT buys (they rest in the book; each locks 5 USDT), so the figure is the cost of
 * validation, balance locking, persistence (one atomic unit per state change, group-committed: SQLite WAL, or
 * PostgreSQL's write-behind batches), the venue call and the reply — not of matching.
 *
 * BENCH_STORES=sqlite or =postgres runs one of them; BENCH_SKIP_BASELINE=1 skips the baseline.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Centrifuge } from 'centrifuge';
import { startPostgres, type TestPostgres } from '@cadenza/testkit/services/postgres-server';
import { summarizeProfile, type CpuProfile } from './cpu-profile-summary.ts';
import { connectClients, forkBenchServer, signIn } from './rpc-load.ts';

const C = Number(process.env.BENCH_CONNECTIONS ?? 8);
// 32 submits in flight: enough to keep the server saturated; more only queues (latency grows as in-flight/throughput).
const W = Number(process.env.BENCH_INFLIGHT ?? 4);
const D = Number(process.env.BENCH_SECONDS ?? 5) * 1000;
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',').map((s) => s.trim());

// BENCH_PROF=dir writes a V8 CPU profile of the server process for each measured run into dir (start-up left out),
// and prints where the time went (cpu-profile-summary.ts).
const PROF_DIR = process.env.BENCH_PROF;
const prof: string[] = [];
if (process.env.BENCH_TRACE_GC) prof.push('--trace-gc');

interface Row {
  label: string;
  perSecond: number;
  p50: string;
  p99: string;
  serverUsPerCall: string;
  errors: number;
}

async function bench(store: string, env: Record<string, string>, withBaseline: boolean): Promise<Row[]> {
  const server = await forkBenchServer(env, prof);
  const clients = await connectClients(server, await signIn(server, server.demo.email, server.demo.password), C);
  const accounts: string[] = [];
  for (const c of clients) {
    const r = (await c.rpc('command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'bench' } })).data as { data: { tradingAccountId: string } };
    accounts.push(r.data.tradingAccountId);
  }

  const ask = server.ask;
  const serverCpu = () => server.cpuUs();

  async function run(label: string, call: (c: Centrifuge, i: number, n: number) => Promise<unknown>): Promise<Row> {
    const lat: number[] = [];
    let errors = 0;
    const profile = PROF_DIR ? join(PROF_DIR, `${store}-${label.split(' ')[0]!.replace(/\W+/g, '-')}.cpuprofile`) : undefined;
    if (profile) await ask({ cmd: 'prof-start' }, 'profiling');
    const server0 = await serverCpu();
    const client0 = process.cpuUsage();
    const t0 = performance.now();
    const end = t0 + D;
    await Promise.all(clients.map(async (c, i) => {
      let n = 0;
      await Promise.all(Array.from({ length: W }, async () => {
        while (performance.now() < end) {
          const s = performance.now();
          try {
            const r = (await call(c, i, n++)) as { data?: { error?: unknown } };
            // Only answered calls are measured: a refusal is cheaper than the work and would flatter the figures.
            if (r?.data?.error) errors++;
            else lat.push(performance.now() - s);
          } catch {
            // A protocol error (e.g. 111 over the per-connection command rate) is counted, not measured.
            errors++;
          }
        }
      }));
    }));
    const secs = (performance.now() - t0) / 1000;
    const serverUs = (await serverCpu()) - server0;
    if (profile) {
      await ask({ cmd: 'prof-stop', file: profile }, 'profiled');
      console.log(`${''.padEnd(44)} CPU profile ${profile}`);
      console.log(summarizeProfile(JSON.parse(readFileSync(profile, 'utf8')) as CpuProfile));
    }
    const clientCpu = process.cpuUsage(client0);
    const clientUs = clientCpu.user + clientCpu.system;
    lat.sort((a, b) => a - b);
    const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))]!.toFixed(2);
    const row: Row = { label: `${label} [${store}]`, perSecond: Math.round(lat.length / secs), p50: pct(0.5), p99: pct(0.99), serverUsPerCall: (serverUs / Math.max(1, lat.length)).toFixed(0), errors };
    console.log(`${row.label.padEnd(44)} ${String(row.perSecond).padStart(8)}/s   p50 ${row.p50.padStart(7)} ms   p99 ${row.p99.padStart(7)} ms   n=${lat.length} errors=${errors}`);
    if (errors > 0) console.log(`${''.padEnd(44)} ${errors} calls refused or failed: left out of the figures above; a bench with refusals measures the refusals' path too`);
    const per = (us: number) => (us / Math.max(1, lat.length)).toFixed(0);
    console.log(`${''.padEnd(44)} server CPU ${per(serverUs)} µs/call (${Math.round(serverUs / secs / 10_000)}% of a core), load client ${per(clientUs)} µs/call (${Math.round(clientUs / secs / 10_000)}%)`);
    return row;
  }

  const rows: Row[] = [];
  try {
    if (withBaseline) rows.push(await run('baseline rpc query.system.info', (c) => c.rpc('query.system.info', {})));
    rows.push(await run('command.trade_order.submit (LIMIT)', (c, i, n) =>
      c.rpc('command.trade_order.submit', {
        tradingAccountId: accounts[i],
        tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.0005', limitPrice: '10000', timeInForce: 'GTC', clientOrderId: `b${i}-${n}` },
      }),
    ));
  } finally {
    for (const c of clients) c.disconnect();
    await server.stop();
  }
  return rows;
}

if (PROF_DIR) mkdirSync(PROF_DIR, { recursive: true });
console.log(`bench:orders — ${C} connections × ${W} in flight, ${D / 1000} s per run, server in a separate process; stores: ${STORES.join(', ')}`);
const all: Row[] = [];
let baseline = !process.env.BENCH_SKIP_BASELINE;
let postgres: TestPostgres | undefined;
try {
  for (const store of STORES) {
    if (store === 'sqlite') all.push(...(await bench('sqlite', {}, baseline)));
    else if (store === 'postgres') {
      postgres = await startPostgres({ durable: true });
      all.push(...(await bench('postgres', { CADENZA_DATABASE_URL: await postgres.createDatabase('cadenza_bench') }, baseline)));
    } else throw new Error(`BENCH_STORES: unknown store ${store} (sqlite, postgres)`);
    baseline = false;
  }
} finally {
  await postgres?.stop();
}
console.log('\nside by side');
console.log(`${'run'.padEnd(44)} ${'orders/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'server µs/call'.padStart(15)}`);
for (const r of all) console.log(`${r.label.padEnd(44)} ${String(r.perSecond).padStart(9)} ${r.p50.padStart(8)} ${r.p99.padStart(8)} ${r.serverUsPerCall.padStart(15)}`);
