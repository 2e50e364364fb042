/**
 * `npm run bench:fanout` — publish→subscriber fan-out of the gateway against a bare `ws` broadcast server.
 *
 * For 1,000 and 10,000 subscribers (a separate load process on loopback, raw `ws` clients speaking the JSON
 * protocol), it measures: deliveries per second in a burst, publish→receive latency p50/p99 at 10 publications/s,
 * and server RSS per idle connection (after GC, after a warm-up of 100 connections that come and go). The same
 * workload runs against a bare `ws` server that only
 * broadcasts pre-encoded frames: the baseline. Results are printed as a table (copy them to docs/benchmarks.md).
 * Needs `ulimit -n` above the subscriber count (checked).
 */
import { fork, execSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const SIZES = (process.env.BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const LATENCY_RATE = 10;
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 5);
/** Publications per burst: about a million deliveries at 10k, so each case takes seconds. */
const burstFor = (n: number) => Math.max(100, Math.round(1_000_000 / n));

interface Row {
  kind: string;
  n: number;
  setupMs: number;
  deliveriesPerSec: number;
  delivered: number;
  expected: number;
  p50: number;
  p99: number;
  rssPerConnKiB: number;
}

function child(file: string, args: string[], gcFlag = false): ChildProcess {
  return fork(here(file), args, { execArgv: ['--import', 'tsx', ...(gcFlag ? ['--expose-gc'] : [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/** Sends `msg` (if any) and waits for a reply carrying `key`; fails instead of hanging after `ms`. */
function ask<T>(p: ChildProcess, msg: object | undefined, key: string, ms = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${key}' from ${p.spawnargs.slice(-3).join(' ')} within ${ms / 1000} s`)), ms);
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

async function runCase(kind: 'gateway' | 'bare', n: number): Promise<Row> {
  const server = child('./fanout-server.ts', [kind], true);
  const { port } = await ask<{ port: number }>(server, undefined, 'port');
  // Warm-up: 100 connections come and go first, so code compiled on first use is not counted per connection
  // (few enough that the memory they leave for reuse hardly flatters the figure).
  const warm = child('./fanout-load.ts', [kind, String(port), '100']);
  await ask(warm, undefined, 'ready');
  warm.kill();
  await new Promise((r) => setTimeout(r, 500));
  const before = (await ask<{ rss: number }>(server, { cmd: 'rss' }, 'rss')).rss;
  const load = child('./fanout-load.ts', [kind, String(port), String(n)]);
  try {
    const { setupMs } = await ask<{ setupMs: number }>(load, undefined, 'ready');
    const after = (await ask<{ rss: number }>(server, { cmd: 'rss' }, 'rss')).rss;

    const burst = burstFor(n);
    await ask(load, { cmd: 'expect', count: burst * n, mode: 'throughput' }, 'armed');
    const tp = ask<{ received: number; elapsedMs: number }>(load, undefined, 'received');
    server.send({ cmd: 'burst', count: burst });
    const t = await tp;

    const latCount = LATENCY_RATE * LATENCY_SECONDS;
    await ask(load, { cmd: 'expect', count: latCount * n, mode: 'latency' }, 'armed');
    const lp = ask<{ received: number; p50: number; p99: number }>(load, undefined, 'received');
    server.send({ cmd: 'rate', perSecond: LATENCY_RATE, seconds: LATENCY_SECONDS });
    const l = await lp;
    return {
      kind,
      n,
      setupMs,
      deliveriesPerSec: t.received / (t.elapsedMs / 1000),
      delivered: t.received + l.received,
      expected: burst * n + latCount * n,
      p50: l.p50,
      p99: l.p99,
      rssPerConnKiB: (after - before) / n / 1024,
    };
  } finally {
    load.kill();
    server.kill();
  }
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

async function main(): Promise<void> {
  const limit = Number(execSync('sh -c "ulimit -n"').toString().trim());
  const biggest = Math.max(...SIZES);
  if (Number.isFinite(limit) && limit < biggest + 200) {
    console.error(`ulimit -n is ${limit}; ${biggest} subscribers need more. Run: ulimit -n ${biggest + 1000} && npm run bench:fanout`);
    process.exit(1);
  }
  const started = Date.now();
  const rows: Row[] = [];
  for (const n of SIZES) {
    for (const kind of ['bare', 'gateway'] as const) {
      process.stderr.write(`${kind} × ${n} … `);
      const row = await runCase(kind, n);
      process.stderr.write(`done\n`);
      rows.push(row);
    }
  }
  console.log(`\nGateway fan-out (node ${process.version}, ${new Date().toISOString()}, ${Math.round((Date.now() - started) / 1000)} s)\n`);
  console.log('| server | subscribers | deliveries/s (burst) | vs bare ws | p50 ms @10/s | p99 ms @10/s | RSS KiB / idle conn | delivered |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const base = rows.find((b) => b.kind === 'bare' && b.n === r.n)!;
    const ratio = r.deliveriesPerSec / base.deliveriesPerSec;
    console.log(
      `| ${r.kind === 'bare' ? 'bare ws (baseline)' : 'gateway'} | ${fmt(r.n)} | ${fmt(r.deliveriesPerSec)} | ${fmt(ratio, 2)}× | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.rssPerConnKiB, 1)} | ${r.delivered === r.expected ? 'all' : `${r.delivered}/${r.expected}`} |`,
    );
  }
  const g10 = rows.find((r) => r.kind === 'gateway' && r.n === biggest);
  const b10 = rows.find((r) => r.kind === 'bare' && r.n === biggest);
  if (g10 && b10) {
    console.log(`\nTargets at ${fmt(biggest)}: deliveries ≥ 0.8× bare ws: ${fmt(g10.deliveriesPerSec / b10.deliveriesPerSec, 2)}× ${g10.deliveriesPerSec >= 0.8 * b10.deliveriesPerSec ? 'OK' : 'MISSED'}; p99 < 50 ms: ${fmt(g10.p99, 1)} ms ${g10.p99 < 50 ? 'OK' : 'MISSED'}; ≤ 16 KiB RSS/conn: ${fmt(g10.rssPerConnKiB, 1)} KiB ${g10.rssPerConnKiB <= 16 ? 'OK' : 'MISSED'}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
